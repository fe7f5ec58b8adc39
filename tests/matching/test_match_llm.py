"""The LLM tier, against a real OpenAI client over HTTP to a local fake server."""

from __future__ import annotations

import string
from decimal import Decimal

import pytest
from langchain_openai import ChatOpenAI

import prompts
from matching.index import CatalogIndex
from matching.llm import PROMPT, cost_usd, match_line_async
from matching.resolve import AI_MATCH, FUZZY_MATCH
from tests.fakes.openai_server import FakeOpenAI

UNSURE = "16oz lids"  # hot, cold and foam-cup lids all fit: the fuzzy tier asks for review


def _llm(server: FakeOpenAI, **kw: object) -> ChatOpenAI:
    options = {"max_retries": 0, "timeout": 5.0, **kw}
    return ChatOpenAI(model="gpt-4o-mini", base_url=server.base_url, api_key="test-key", **options)


async def test_unsure_line_is_resolved_by_the_model(
    demo_index: CatalogIndex, fake_openai: FakeOpenAI
) -> None:
    """The model picks among the candidates; its call is recorded for ai_responses."""
    fake_openai.reply({"choice": 1, "confidence": 0.91, "reason": "hot cup lid"}, usage=(420, 25))
    result = await match_line_async(demo_index, UNSURE, llm=_llm(fake_openai))
    assert result.method == AI_MATCH
    assert result.item is not None and result.item.sku == "DS-1012"
    assert result.confidence == 0.91 and not result.needs_review
    call = result.llm_call
    assert call is not None and call.error is None
    assert (call.model, call.prompt_version) == ("gpt-4o-mini", "match_resolve@v1")
    assert (call.input_tokens, call.output_tokens) == (420, 25)
    assert call.cost_usd == cost_usd("gpt-4o-mini", 420, 25) > 0
    assert call.decision == {"choice": 1, "confidence": 0.91, "reason": "hot cup lid"}
    assert call.latency_ms > 0
    sent = fake_openai.requests[0]
    assert sent["model"] == "gpt-4o-mini"
    assert sent["response_format"]["type"] == "json_schema"
    prompt = fake_openai.prompt_of(0)
    assert "16oz lids" in prompt and "DS-1012" in prompt and "DS-1031" in prompt
    assert result.item not in [alt for alt, _ in result.alternatives]


async def test_model_saying_none_leaves_no_item(
    demo_index: CatalogIndex, fake_openai: FakeOpenAI
) -> None:
    """ "None of these" is an answer: no item, review, the candidates kept as alternatives."""
    fake_openai.reply({"choice": None, "confidence": 0.8, "reason": "not sold"})
    result = await match_line_async(demo_index, "oat milk creamer 2 cs", llm=_llm(fake_openai))
    assert result.method == AI_MATCH and result.item is None and result.needs_review
    assert result.alternatives and result.llm_call is not None


async def test_low_model_confidence_still_needs_review(
    demo_index: CatalogIndex, fake_openai: FakeOpenAI
) -> None:
    """A choice the model is unsure of is proposed, not accepted."""
    fake_openai.reply({"choice": 2, "confidence": 0.55, "reason": "maybe"})
    result = await match_line_async(demo_index, UNSURE, llm=_llm(fake_openai))
    assert result.item is not None and result.needs_review and result.confidence == 0.55


async def test_sure_lines_and_no_model_make_no_call(
    demo_index: CatalogIndex, fake_openai: FakeOpenAI
) -> None:
    """Confident fuzzy matches, gibberish and a missing model never reach the model."""
    llm = _llm(fake_openai)
    sure = await match_line_async(demo_index, "2 cs whole milk", llm=llm)
    assert sure.method != AI_MATCH and sure.item is not None and sure.llm_call is None
    gibberish = await match_line_async(demo_index, "zzqx vvrk", llm=llm)
    assert gibberish.llm_call is None and gibberish.item is None
    off = await match_line_async(demo_index, UNSURE, llm=None)
    assert off.method == FUZZY_MATCH and off.llm_call is None
    assert fake_openai.requests == []


@pytest.mark.parametrize(
    ("script", "error"),
    [
        (lambda s: s.fail(429, headers={"retry-after": "0"}), "RateLimit"),
        (lambda s: s.fail(500), "500"),
        (lambda s: s.fail(503, times=3), "503"),
        (lambda s: s.reply("this is not json"), "ValidationError"),
        (lambda s: s.reply_raw('{"id": "x", "choices": ['), "JSON"),
        (
            lambda s: s.reply(
                {"choice": 1, "confidence": 0.9, "reason": "x"}, finish_reason="length"
            ),
            "Length",
        ),
        (lambda s: s.reply({"choice": 9, "confidence": 0.9, "reason": "x"}), "not one of"),
    ],
)
async def test_failures_fall_back_to_the_fuzzy_answer(
    demo_index: CatalogIndex, fake_openai: FakeOpenAI, script, error: str
) -> None:
    """HTTP errors, invalid JSON, truncation and nonsense answers keep the fuzzy result."""
    script(fake_openai)
    fuzzy = await match_line_async(demo_index, UNSURE)
    result = await match_line_async(demo_index, UNSURE, llm=_llm(fake_openai))
    assert result.method == FUZZY_MATCH
    assert (result.item, result.confidence, result.needs_review) == (
        fuzzy.item,
        fuzzy.confidence,
        fuzzy.needs_review,
    )
    assert result.llm_call is not None and error in (result.llm_call.error or "")
    assert result.llm_call.decision is None


async def test_retry_after_a_rate_limit_succeeds(
    demo_index: CatalogIndex, fake_openai: FakeOpenAI
) -> None:
    """The SDK retries a 429; the second answer is used."""
    fake_openai.fail(429, headers={"retry-after": "0"})
    fake_openai.reply({"choice": 1, "confidence": 0.9, "reason": "hot lid"})
    result = await match_line_async(demo_index, UNSURE, llm=_llm(fake_openai, max_retries=1))
    assert result.method == AI_MATCH and result.llm_call.error is None
    assert len(fake_openai.requests) == 2


async def test_a_slow_model_times_out(demo_index: CatalogIndex, fake_openai: FakeOpenAI) -> None:
    """A model slower than the timeout is abandoned and the fuzzy answer kept."""
    fake_openai.reply({"choice": 1, "confidence": 0.9, "reason": "x"}, delay=2.0)
    result = await match_line_async(demo_index, UNSURE, llm=_llm(fake_openai, timeout=0.3))
    assert result.method == FUZZY_MATCH
    assert "Timeout" in (result.llm_call.error or "")
    assert result.llm_call.latency_ms < 1500


def test_prompt_variables_match_what_the_code_passes() -> None:
    """The template asks for exactly the variables match_line_async fills in."""
    prompt = prompts.load(PROMPT)
    assert prompt.variables == {"line", "mention", "size", "candidates"}
    fields = [f for _, f, _, _ in string.Formatter().parse(prompt.text) if f]
    assert all(f.isidentifier() for f in fields)


def test_cost_table() -> None:
    """Known models are priced per million tokens; unknown ones cost nothing."""
    assert cost_usd("gpt-4o-mini", 1_000_000, 0) == Decimal("0.15")
    assert cost_usd("gpt-4o-mini-2024-07-18", 0, 1_000_000) == Decimal("0.60")
    assert cost_usd("local-llama", 1000, 1000) == 0
