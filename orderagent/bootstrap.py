"""First start: migrate, and on an empty database load the `demo` distributor."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from core.distributor_file import IntegrationSpec, read_distributor_file
from db.crypto import Keyring
from db.engine import Database
from db.loader import load_distributor
from db.models import Distributor
from db.tenant import ALL

DEMO_FILE = Path(__file__).parent / "demo" / "demo.json"
DEMO_TWILIO_NUMBER = "+15550100000"
DEMO_META_PHONE_NUMBER_ID = "100000000000001"
DEMO_EMAIL = "orders@demo.orderagent.local"


@dataclass(frozen=True)
class DemoInfo:
    """Where the demo's generated secrets were written."""

    slug: str
    credentials_file: Path


def _demo_secrets(home: Path) -> tuple[Path, dict[str, str]]:
    """Random secrets for the demo, kept in a 0600 file (never printed or logged)."""
    path = home / "demo-credentials.json"
    if path.exists():
        return path, json.loads(path.read_text())
    values = {
        "api_key": secrets.token_urlsafe(32),
        "twilio_auth_token": secrets.token_hex(16),
        "meta_app_secret": secrets.token_hex(16),
        "meta_verify_token": secrets.token_urlsafe(16),
        "meta_access_token": secrets.token_urlsafe(32),
        "mailgun_signing_key": secrets.token_hex(16),
    }
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(values, f, indent=2)
    return path, values


def demo_file(home: Path) -> tuple[Path, object]:
    """The demo distributor file with integrations and an API key from the demo secrets."""
    path, s = _demo_secrets(home)
    data = read_distributor_file(DEMO_FILE)
    data.distributor.api_key = s["api_key"]
    data.integrations = [
        IntegrationSpec(provider="twilio",
                        config={"account_sid": "AC" + "0" * 32, "phone_number": DEMO_TWILIO_NUMBER},
                        credentials={"auth_token": s["twilio_auth_token"]}),
        IntegrationSpec(provider="meta_whatsapp",
                        config={"phone_number_id": DEMO_META_PHONE_NUMBER_ID},
                        credentials={"app_secret": s["meta_app_secret"],
                                     "verify_token": s["meta_verify_token"],
                                     "access_token": s["meta_access_token"]}),
        IntegrationSpec(provider="mailgun",
                        config={"address": DEMO_EMAIL, "smtp_host": "127.0.0.1",
                                "smtp_port": 2525},
                        credentials={"signing_key": s["mailgun_signing_key"]}),
    ]
    return path, data


async def prepare(database: Database, keyring: Keyring, home: Path, *, demo: bool
                  ) -> DemoInfo | None:
    """Migrate (as the owner, then check the tenant wall); when no distributor exists yet
    and `demo` is set, load the demo one."""
    await database.migrate()
    if not demo:
        return None
    async with database.transaction(tenant=ALL) as session:
        # serialise first starts of several processes on one fresh database
        await session.execute(select(func.pg_advisory_xact_lock(727_002)))
        count = (await session.execute(select(func.count(Distributor.id)))).scalar_one()
        if count:
            return None
        creds_path, data = demo_file(home)
        await load_distributor(session, data, keyring, path=str(DEMO_FILE))
    return DemoInfo(slug="demo", credentials_file=creds_path)
