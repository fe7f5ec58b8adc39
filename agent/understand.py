"""Reading one customer message: the rules, then the model where they are unsure.

`LineMatcher` resolves order lines (fuzzy, plus the LLM tier when allowed) and
`AILog` keeps every AI row a message produces, so `process.py` only decides what to do.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import AsyncSession

from agent.llm import AgentLLM, error_row, response_row
from agent.turn import Turn
from db.models import AIResponse
from db.models.enums import AgentType
from matching.llm import LLMCall
from matching.resolve import AI_MATCH, MatchResult, match_line
from privacy.redact import redact
from reading.types import Extraction, Intent

# below this, the rules ask the model (when one is configured)
LLM_BELOW = 0.8


@dataclass
class LineMatcher:
    """Resolves order lines for one message: fuzzy, plus the LLM tier when it may be used."""

    turn: Turn
    ai: AILog
    llm: AgentLLM | None
    matched: list[dict] = field(default_factory=list)
    # scrubbed line -> the line as written: the matcher reads the words the customer wrote
    # (in process, nothing leaves), what is kept and logged is the scrubbed line
    as_written: dict[str, str] = field(default_factory=dict)

    async def __call__(self, line: str) -> MatchResult:
        kept, line = line, self.as_written.get(line, line)
        index, threshold = self.turn.catalog.index, float(self.turn.threshold)
        # a line with PII in it is never sent to the model: fuzzy only
        if self.llm is not None and redact(line) == line:
            result = await self.llm.match(index, line, threshold=threshold)
        else:
            result = match_line(index, line, threshold=threshold)
        if result.llm_call is not None:
            self.ai.llm_call(AgentType.PRODUCT_MATCHING, result.llm_call, kept,
                             used=result.method == AI_MATCH)
        self.matched.append({"text": kept, "sku": result.item.sku if result.item else None,
                             "confidence": round(result.confidence, 4),
                             "method": result.method})
        return result


@dataclass
class AILog:
    """Every AI row one message produces: the rules' response, LLM calls, their failures."""

    db: AsyncSession
    distributor_id: uuid.UUID
    message_id: uuid.UUID | None = None
    responses: list[AIResponse] = field(default_factory=list)
    failed: int = 0

    def llm_call(self, agent_type: AgentType, call: LLMCall, excerpt: str, *, used: bool,
                 exc: Exception | None = None) -> None:
        """Record one model call, and its failure if it failed."""
        row = response_row(self.distributor_id, self.message_id, agent_type, call, used=used)
        self.db.add(row)
        self.responses.append(row)
        if call.error is not None:
            self.failed += 1
            self.db.add(error_row(self.distributor_id, self.message_id, agent_type, call,
                                  excerpt, exc))


def rules_unsure(ext: Extraction) -> bool:
    """The rules did not read this message confidently (and it is not a handoff)."""
    return bool(ext.text) and not ext.handoff and ext.confidence < LLM_BELOW


async def llm_reading(llm: AgentLLM, ai: AILog, ext: Extraction) -> Extraction:
    """Ask the model about a message the rules are unsure of; keep the better reading."""
    reading, call, exc = await llm.read(ext.text)
    better = reading is not None and reading.confidence > ext.confidence
    ai.llm_call(AgentType.MESSAGE_ANALYSIS, call, ext.text, used=better, exc=exc)
    if not better:
        return ext
    items = reading.items if reading.intent in ("ORDER", "ADD") else []
    return replace(ext, intent=Intent(reading.intent), items=items,
                   changes=ext.changes if reading.intent in ("MODIFY", "REMOVE") else [],
                   confidence=reading.confidence)
