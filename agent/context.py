"""What a worker process shares across the conversations it processes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agent.catalog import CatalogCache
from db.crypto import Keyring

if TYPE_CHECKING:
    from agent.llm import AgentLLM


@dataclass
class AgentContext:
    """The keyring (PII findings are sealed), the match-index cache and the optional LLM."""

    keyring: Keyring
    catalogs: CatalogCache = field(default_factory=CatalogCache)
    llm: AgentLLM | None = None
