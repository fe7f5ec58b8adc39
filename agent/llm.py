"""The optional LLM: asked only where the rules are unsure, within the distributor's budget.

Off without `OPENAI_API_KEY`. The SDK retries 408/409/429/5xx and connection errors
(`max_retries`); what still fails falls back to the rules' reading and is recorded as
an `ai_errors` row. Text is redacted of PII before it is sent. Handoff is never decided
here: that stays with the rules.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

import httpx
import openai
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.exceptions import OutputParserException
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import prompts
from core.settings import Settings
from db.models import AIError, AIResponse, AIUsageMetric, Distributor
from db.models.enums import AgentType
from matching.index import CatalogIndex
from matching.llm import LLMCall, Price, cost_usd, make_chat_model, match_line_async, price_of
from matching.resolve import MatchResult
from privacy.redact import redact

log = logging.getLogger(__name__)

PROMPT = "extract_order"
MAX_RETRIES = 2
T = TypeVar("T")
FAILURES = (openai.OpenAIError, httpx.HTTPError, ValidationError, OutputParserException,
            ValueError, TimeoutError)


class LLMReading(BaseModel):
    """The model's reading of one customer message."""

    intent: Literal["ORDER", "ADD", "MODIFY", "REMOVE", "CONFIRM", "CANCEL", "QUESTION",
                    "GREETING", "OTHER"]
    items: list[str] = Field(description="order lines, each with its quantity and unit as written")
    confidence: float = Field(ge=0, le=1)


@dataclass
class AgentLLM:
    """A configured chat model and the rules for when it may be used.

    `remembering()` gives a copy that keeps every answer it got, by question: a worker
    asks its questions first, holding no row lock, and the processing that follows under
    the lock finds them answered (`agent/worker.py`).
    """

    chat: Any
    model: str
    timeout_s: float = 30.0
    answers: dict[tuple[Any, ...], Any] | None = None
    # USD per million tokens; None: nobody knows what a call costs (refused under a budget)
    price: Price | None = None

    def remembering(self) -> AgentLLM:
        """A copy that remembers its answers (for one conversation's processing)."""
        return replace(self, answers={})

    async def _once(self, key: tuple[Any, ...], ask: Callable[[], Awaitable[T]]) -> T:
        if self.answers is None:
            return await ask()
        if key not in self.answers:
            self.answers[key] = await ask()
        return self.answers[key]  # type: ignore[no-any-return]

    async def match(self, index: CatalogIndex, line: str, *, threshold: float) -> MatchResult:
        """`match_line_async` with this model (fuzzy first; the model where it is unsure)."""
        # keyed by the index object: a catalog reloaded in between is a new index, a miss
        return await self._once(("match", id(index), line, threshold), lambda: match_line_async(
            index, line, threshold=threshold, llm=self.chat, timeout_s=self.timeout_s,
            price=self.price))

    async def usable(self, session: AsyncSession, distributor: Distributor) -> bool:
        """AI is on for the distributor and this month's spend is under its budget."""
        if not distributor.ai_enabled:
            return False
        budget, cap = distributor.monthly_ai_budget_usd, distributor.max_monthly_ai_requests
        if budget is None and cap is None:
            return True
        if budget is not None and self.price is None:
            # a call we cannot price would count 0 and the budget would never trip
            log.warning("distributor %s: model %s has no price and a monthly AI budget is "
                        "set: not asking it", distributor.id, self.model)
            return False
        month = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        spent, calls = (await session.execute(
            select(func.coalesce(func.sum(AIUsageMetric.cost_usd), 0),
                   func.coalesce(func.sum(AIUsageMetric.requests_count), 0))
            .where(AIUsageMetric.distributor_id == distributor.id,
                   AIUsageMetric.period_start >= month))).one()
        if budget is not None and Decimal(spent) >= Decimal(budget):
            return False
        return cap is None or calls < cap

    async def read(self, text: str) -> tuple[LLMReading | None, LLMCall, Exception | None]:
        """Ask the model for intent and items of a (redacted) message."""
        return await self._once(("read", text), lambda: self._read(text))

    async def _read(self, text: str) -> tuple[LLMReading | None, LLMCall, Exception | None]:
        prompt = prompts.load(PROMPT)
        message = prompt.render(message=redact(text)[:4000])
        started = time.perf_counter()
        reading, error = None, None
        with get_usage_metadata_callback() as usage:
            try:
                structured = self.chat.with_structured_output(LLMReading)
                reading = await asyncio.wait_for(structured.ainvoke(message), self.timeout_s)
            except FAILURES as exc:
                error = exc
                log.warning("extraction LLM call failed (%s); using the rules",
                            type(exc).__name__)
        tokens_in = sum(u.get("input_tokens", 0) for u in usage.usage_metadata.values())
        tokens_out = sum(u.get("output_tokens", 0) for u in usage.usage_metadata.values())
        call = LLMCall(
            model=self.model, prompt_version=prompt.id, input_tokens=tokens_in,
            output_tokens=tokens_out,
            cost_usd=cost_usd(self.model, tokens_in, tokens_out, price=self.price),
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            confidence=reading.confidence if reading else None,
            decision=reading.model_dump() if reading else None,
            error=f"{type(error).__name__}: {str(error)[:300]}" if error else None)
        return reading, call, error


def agent_llm(settings: Settings) -> AgentLLM | None:
    """The LLM when a key is configured, else None (the deterministic path)."""
    if settings.openai_api_key is None:
        return None
    chat = make_chat_model(model=settings.llm_model,
                           api_key=settings.openai_api_key.get_secret_value(),
                           base_url=settings.openai_base_url, max_retries=MAX_RETRIES)
    return AgentLLM(chat=chat, model=settings.llm_model, price=llm_price(settings))


def llm_price(settings: Settings) -> Price | None:
    """The configured model's price: the explicit setting, else genai-prices (by
    OPENAI_BASE_URL when set, else OpenAI's), else None, said once in the log."""
    if settings.llm_input_usd_per_mtok is not None \
            and settings.llm_output_usd_per_mtok is not None:
        return Price(settings.llm_input_usd_per_mtok, settings.llm_output_usd_per_mtok,
                     "settings")
    price = price_of(settings.llm_model, api_url=settings.openai_base_url)
    if price is None:
        log.warning("no price known for model %s (set ORDERAGENT_LLM_INPUT_USD_PER_MTOK and "
                    "ORDERAGENT_LLM_OUTPUT_USD_PER_MTOK): it is not used for distributors "
                    "with a monthly AI budget", settings.llm_model)
    return price


def response_row(distributor_id: uuid.UUID, message_id: uuid.UUID, agent_type: AgentType,
                 call: LLMCall, *, used: bool) -> AIResponse:
    """The `ai_responses` row of one LLM call."""
    return AIResponse(
        distributor_id=distributor_id, message_id=message_id, agent_type=agent_type,
        agent_version="llm-1", model_used=call.model, prompt_version=call.prompt_version,
        tokens_used=call.input_tokens + call.output_tokens, cost_usd=call.cost_usd,
        processing_time=round(call.latency_ms),
        confidence=None if call.confidence is None else Decimal(str(round(call.confidence, 4))),
        extracted_data={"decision": call.decision, "error": call.error,
                        "input_tokens": call.input_tokens, "output_tokens": call.output_tokens},
        was_used=used)


def error_row(distributor_id: uuid.UUID, message_id: uuid.UUID, agent_type: AgentType,
              call: LLMCall, excerpt: str, exc: Exception | None = None) -> AIError:
    """The `ai_errors` row of a failed call (the excerpt is redacted)."""
    status = getattr(exc, "status_code", None)
    return AIError(
        distributor_id=distributor_id, message_id=message_id, agent_type=agent_type,
        provider="openai", model=call.model,
        error_type=(call.error or "error").split(":", 1)[0][:100],
        error_message=(call.error or "")[:1000], http_status=status, retry_count=MAX_RETRIES,
        request_excerpt=redact(excerpt)[:200])
