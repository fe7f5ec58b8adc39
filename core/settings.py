"""Settings from the environment (the contract is `shared/specs/interfaces.md`)."""

from __future__ import annotations

import os
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDERS = {"", "changeme", "change-me", "secret", "xxx", "todo", "your-key-here"}


class Settings(BaseSettings):
    """Everything the service reads from its environment; built once in `main()`."""

    model_config = SettingsConfigDict(env_prefix="ORDERAGENT_", extra="ignore")

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "ORDERAGENT_DATABASE_URL"))
    home: Path = Path(".orderagent")
    public_url: str = "http://127.0.0.1:8080"
    encryption_key: SecretStr | None = None
    # during a master-key rotation: the keys being retired, comma-separated
    previous_encryption_keys: SecretStr | None = None
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL"))
    llm_model: str = "gpt-4o-mini"
    # customers often send one order in several quick messages: wait this long after
    # the latest one before answering, so a burst gets one reply
    burst_window_ms: int = Field(default=1500, ge=0)
    log_level: str = "INFO"
    # "json" (one object per line), "console" (readable), or "auto": console on a terminal
    log_format: Literal["auto", "json", "console"] = "auto"
    # /metrics labels database gauges by distributor while there are at most this many
    # (0: never); beyond it they are summed, so the number of series stays bounded
    metrics_per_distributor: int = Field(default=0, ge=0)
    # when set, /metrics answers only `Authorization: Bearer <token>` (the scraper's)
    metrics_token: SecretStr | None = None
    # outbound webhooks may reach private/loopback addresses (a self-hosted distributor's
    # ERP on its own network); off by default, so a URL cannot reach our own network
    webhooks_allow_private: bool = False
    # failed API key attempts one client address may make per minute before it gets 429s
    api_auth_failures_per_minute: int = Field(default=30, ge=1)
    # the tables' owner, who migrates; DATABASE_URL is then the runtime role, which owns
    # nothing (README, "Database roles"). Unset: migrations run as DATABASE_URL's user
    owner_database_url: str | None = None
    # run even though PostgreSQL's tenant wall is not in force (a superuser or the
    # tables' owner as DATABASE_URL, roles missing, RLS not forced): the ORM filter alone
    allow_no_rls: bool = False
    # the price of `llm_model` in USD per million tokens, for a model genai-prices does not
    # know (private, self-hosted, behind OPENAI_BASE_URL); both or neither. An unpriced
    # model is refused for distributors with a monthly AI budget
    llm_input_usd_per_mtok: Decimal | None = Field(default=None, ge=0)
    llm_output_usd_per_mtok: Decimal | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _both_prices_or_neither(self) -> Settings:
        if (self.llm_input_usd_per_mtok is None) != (self.llm_output_usd_per_mtok is None):
            raise ValueError("set both ORDERAGENT_LLM_INPUT_USD_PER_MTOK and "
                             "ORDERAGENT_LLM_OUTPUT_USD_PER_MTOK, or neither")
        return self
    # a verified webhook whose write cannot finish within this is spooled locally and
    # answered 200 (Twilio gives up at 15 s and does not redeliver after a 5xx)
    write_deadline_s: float = Field(default=5.0, gt=0)
    # the local spool (`$ORDERAGENT_HOME/spool-<port>.sqlite3`) refuses new entries (503)
    # once it holds this much, or once its oldest entry waited this long
    spool_max_mb: int = Field(default=256, ge=1)
    spool_max_age_s: int = Field(default=24 * 3600, ge=60)
    # SIGTERM: in-flight requests, turns and sends get this long to finish
    shutdown_grace_s: float = Field(default=25.0, ge=0)
    # a message body beyond this is stored cut to it and its conversation handed to staff
    max_message_kb: int = Field(default=64, ge=1)

    @field_validator("encryption_key", "openai_api_key")
    @classmethod
    def _no_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in PLACEHOLDERS:
            raise ValueError("is a placeholder, not a secret")
        return value

    @property
    def llm_enabled(self) -> bool:
        """True when an LLM key is configured."""
        return self.openai_api_key is not None

    def previous_master_keys(self) -> tuple[bytes, ...]:
        """Retired master keys: from the environment, or `master.key.*` files in the home."""
        keys: list[bytes] = []
        if self.previous_encryption_keys is not None:
            keys += [k.strip().encode() for k in
                     self.previous_encryption_keys.get_secret_value().split(",") if k.strip()]
        if self.encryption_key is None and self.home.is_dir():
            keys += [p.read_text(encoding="ascii").strip().encode()
                     for p in sorted(self.home.glob("master.key.*"))]
        return tuple(keys)

    def master_key(self) -> bytes:
        """The master key: from the environment, or generated once into `$ORDERAGENT_HOME`."""
        if self.encryption_key is not None:
            return self.encryption_key.get_secret_value().encode()
        path = self.home / "master.key"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            # created 0600 with O_EXCL: never world-readable, and two processes starting
            # at once cannot both write a different key
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                os.write(fd, secrets.token_urlsafe(32).encode("ascii"))
                os.close(fd)
        return path.read_text(encoding="ascii").strip().encode()
