"""The LLM tier: for lines the fuzzy tier is unsure of, ask a chat model to choose.

The model (LangChain `ChatOpenAI`, or anything with `with_structured_output`) is injected;
without one the tier is off. It sees only the retrieved candidates and may answer none.
Every call, failed or not, is described by an `LLMCall` that the caller stores as an
`ai_responses` row; matching itself never touches the database. Any failure (timeout,
429/5xx after the SDK's retries, invalid JSON) falls back to the fuzzy answer, with the
error recorded. Token counts come from the response's usage (never `get_num_tokens()`,
which downloads a tokenizer).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import httpx
import openai
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.exceptions import OutputParserException
from pydantic import BaseModel, Field, ValidationError

import prompts
from matching.index import CatalogIndex
from matching.parse import parse_line
from matching.resolve import (
    AI_MATCH,
    Candidate,
    MatchResult,
    confidence,
    features,
    match_parsed,
)

log = logging.getLogger(__name__)

PROMPT = "match_resolve"
MAX_CANDIDATES = 6
PLAUSIBLE_SCORE = 0.4  # below this a candidate is not worth a model's time
OPENAI = "openai"

class LLMDecision(BaseModel):
    """What the model answers: a candidate number or null, and how sure it is."""

    choice: int | None = Field(description="candidate number, or null when none fits")
    confidence: float = Field(description="probability (0 to 1) that the answer is right")
    reason: str = Field(description="a few words on why")


@dataclass(frozen=True, slots=True)
class LLMCall:
    """One call to the model, as stored in `ai_responses`."""

    model: str
    prompt_version: str
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal
    latency_ms: float
    confidence: float | None
    decision: dict[str, Any] | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Price:
    """What a model costs: USD per million input and output tokens, and who says so."""

    input: Decimal
    output: Decimal
    source: str


@functools.lru_cache(maxsize=64)
def price_of(model: str, *, provider: str = OPENAI, api_url: str | None = None
             ) -> Price | None:
    """The model's price from `genai-prices` (its table ships in the wheel: no download),
    or None when it does not know the model (a private or self-hosted one).

    The first call reads the table (about half a second): resolve prices at start."""
    import genai_prices
    from genai_prices import Usage, calc_price

    # a base URL genai-prices does not know (a proxy, a gateway) may still serve a model
    # it knows by name: then the provider's own price is the one that applies
    for where in ([{"provider_api_url": api_url}] if api_url else []) + [
            {"provider_id": provider}]:
        try:
            per_in = calc_price(Usage(input_tokens=1_000_000), model, **where).total_price
            per_out = calc_price(Usage(output_tokens=1_000_000), model, **where).total_price
        except LookupError:
            continue
        return Price(Decimal(str(per_in)), Decimal(str(per_out)),
                     f"genai-prices {genai_prices.__version__}")
    return None


def cost_usd(model: str, input_tokens: int, output_tokens: int, *,
             price: Price | None = None) -> Decimal:
    """What a call cost at `price` (default: the model's OpenAI price). An unpriced model
    costs 0 here; `AgentLLM.usable` refuses it wherever a budget is set."""
    price = price or price_of(model)
    if price is None:
        return Decimal(0)
    return ((price.input * input_tokens + price.output * output_tokens) / 1_000_000).quantize(
        Decimal("0.000001")
    )


def make_chat_model(
    *,
    model: str,
    api_key: str,
    base_url: str | None = None,
    timeout_s: float = 15.0,
    max_retries: int = 2,
) -> Any:
    """A LangChain `ChatOpenAI` for the tier (the caller decides whether to have one)."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=model,
        api_key=api_key,
        base_url=base_url,
        timeout=timeout_s,
        max_retries=max_retries,
        temperature=0,
    )


def _describe(index: CatalogIndex, cand: Candidate, number: int) -> str:
    item = index.items[cand.index]
    parts = [f"{number}. {item.name}", f"sku {item.sku}"]
    if item.brand:
        parts.append(f"brand {item.brand}")
    parts.append(f"sold by the {item.unit}")
    if item.description:
        parts.append(item.description)
    return " | ".join(parts)


def plausible(result: MatchResult) -> list[Candidate]:
    """The candidates worth showing the model (none: do not call it)."""
    return [
        c
        for c in result.candidates[:MAX_CANDIDATES]
        if c.score >= PLAUSIBLE_SCORE and c.coverage > 0
    ]


_FAILURES = (
    openai.OpenAIError,
    httpx.HTTPError,
    ValidationError,
    OutputParserException,
    ValueError,
    TimeoutError,
)


async def match_line_async(
    index: CatalogIndex,
    text: str,
    *,
    threshold: float = 0.8,
    llm: Any = None,
    timeout_s: float = 30.0,
    price: Price | None = None,
) -> MatchResult:
    """`match_line`, then the model for a line the fuzzy tier is unsure of (if one is given)."""
    parsed = parse_line(text if isinstance(text, str) else "")
    fuzzy = match_parsed(index, parsed, threshold=threshold)
    if llm is None or not fuzzy.needs_review:
        return fuzzy
    shown = plausible(fuzzy)
    if not shown:
        return fuzzy
    prompt = prompts.load(PROMPT)
    message = prompt.render(
        line=parsed.raw.strip()[:300],
        mention=parsed.mention,
        size=str(parsed.size) if parsed.size else "none",
        candidates="\n".join(_describe(index, c, i) for i, c in enumerate(shown, start=1)),
    )
    model = str(getattr(llm, "model_name", None) or getattr(llm, "model", None) or "unknown")
    start = time.perf_counter()
    decision: LLMDecision | None = None
    error: str | None = None
    with get_usage_metadata_callback() as usage:
        try:
            structured = llm.with_structured_output(LLMDecision)
            decision = await asyncio.wait_for(structured.ainvoke(message), timeout_s)
            if not isinstance(decision, LLMDecision):
                raise ValueError(f"unexpected answer type {type(decision).__name__}")
        except _FAILURES as exc:
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
            log.warning("match LLM call failed (%s); keeping the fuzzy answer", type(exc).__name__)
    latency_ms = (time.perf_counter() - start) * 1000
    tokens_in = sum(u.get("input_tokens", 0) for u in usage.usage_metadata.values())
    tokens_out = sum(u.get("output_tokens", 0) for u in usage.usage_metadata.values())
    if (
        decision is not None
        and decision.choice is not None
        and not (1 <= decision.choice <= len(shown))
    ):
        error = f"choice {decision.choice} is not one of the {len(shown)} candidates"
        decision = None
    call = LLMCall(
        model=model,
        prompt_version=prompt.id,
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        cost_usd=cost_usd(model, tokens_in, tokens_out, price=price),
        latency_ms=round(latency_ms, 1),
        confidence=None if decision is None else max(0.0, min(1.0, decision.confidence)),
        decision=None if decision is None else decision.model_dump(),
        error=error,
    )
    if decision is None:
        return replace(fuzzy, llm_call=call)
    return _decided(index, fuzzy, shown, decision, call, threshold)


def _decided(
    index: CatalogIndex,
    fuzzy: MatchResult,
    shown: list[Candidate],
    decision: LLMDecision,
    call: LLMCall,
    threshold: float,
) -> MatchResult:
    """The result the model's decision makes: its choice, or no item when it said none."""
    conf = call.confidence or 0.0
    ranked = fuzzy.candidates
    alternatives = [
        (
            index.items[c.index],
            round(confidence(features(index, ranked, ranked.index(c), fuzzy.parsed)), 4),
        )
        for c in shown
        if decision.choice is None or c is not shown[decision.choice - 1]
    ]
    if decision.choice is None:
        return MatchResult(
            None,
            0.0,
            AI_MATCH,
            0.0,
            alternatives,
            fuzzy.parsed,
            True,
            llm_call=call,
            candidates=ranked,
        )
    chosen = shown[decision.choice - 1]
    return MatchResult(
        index.items[chosen.index],
        round(conf, 4),
        AI_MATCH,
        round(chosen.score, 4),
        alternatives,
        fuzzy.parsed,
        conf < threshold,
        llm_call=call,
        candidates=ranked,
    )
