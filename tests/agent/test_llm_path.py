"""The optional LLM in the pipeline, against a local OpenAI-compatible server over HTTP."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select, text, update

from agent.context import AgentContext
from agent.llm import agent_llm
from agent.worker import claim_and_process
from core.messages import Channel, InboundMessage
from core.settings import Settings
from db.crypto import Keyring
from db.models import (
    AIError,
    AIResponse,
    AIUsageMetric,
    Distributor,
    Message,
    OrderSessionItem,
)
from db.tenant import ALL
from evaluation.local import say
from mailroom.inbox import store_inbound
from tests.conftest import TEST_MASTER_KEY

UNSURE = "same as last week please, my cell is (305) 555-0143"


def _ctx(server, tmp_path) -> AgentContext:
    settings = Settings(home=tmp_path, encryption_key=TEST_MASTER_KEY,
                        openai_api_key="sk-test-key-not-real", openai_base_url=server.base_url,
                        llm_model="gpt-4o-mini")
    return AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()), llm=agent_llm(settings))


async def test_the_model_reads_what_the_rules_could_not(database, demo, fake_openai,
                                                        tmp_path) -> None:
    """An unsure message goes to the model (redacted); its items land; tokens are logged."""
    fake_openai.reply({"intent": "ORDER", "items": ["2 cs whole milk"], "confidence": 0.9},
                      usage=(200, 30))
    exchange = await say(database, _ctx(fake_openai, tmp_path), demo, sender="+13055550199",
                         text=UNSURE)
    assert "Whole Milk" in exchange.replies[0]
    sent = fake_openai.prompt_of(0)
    assert "same as last week" in sent and "555-0143" not in sent  # PII redacted
    async with database.transaction(tenant=demo) as s:
        item = (await s.execute(select(OrderSessionItem))).scalar_one()
        assert item.product_code == "DY-1001" and item.quantity == 2
        row = (await s.execute(select(AIResponse).where(
            AIResponse.agent_type == "MESSAGE_ANALYSIS"))).scalar_one()
        assert (row.model_used, row.tokens_used, row.was_used) == ("gpt-4o-mini", 230, True)
        assert row.prompt_version == "extract_order@v1" and row.cost_usd > 0
        usage = (await s.execute(select(AIUsageMetric))).scalar_one()
        assert usage.tokens_used == 230


async def test_a_clear_message_never_reaches_the_model(database, demo, fake_openai,
                                                       tmp_path) -> None:
    """The deterministic path handles what it is sure of: no call, no cost."""
    await say(database, _ctx(fake_openai, tmp_path), demo, sender="+13055550199",
              text="2 cs whole milk")
    assert fake_openai.requests == []


async def test_failures_are_retried_then_fall_back_to_the_rules(database, demo, fake_openai,
                                                                tmp_path) -> None:
    """500s past the SDK's retries: the rules answer, and the failure is an ai_errors row."""
    fake_openai.fail(500, times=3, headers={"retry-after": "0"})
    exchange = await say(database, _ctx(fake_openai, tmp_path), demo, sender="+13055550199",
                         text=UNSURE)
    assert len(fake_openai.requests) == 3  # one try + two retries
    assert exchange.replies  # the customer still gets an answer
    async with database.transaction(tenant=demo) as s:
        err = (await s.execute(select(AIError))).scalar_one()
        assert (err.http_status, err.retry_count, err.agent_type) == (500, 2, "MESSAGE_ANALYSIS")
        assert "555-0143" not in (err.request_excerpt or "")
        usage = (await s.execute(select(AIUsageMetric))).scalar_one()
        assert usage.failed_requests == 1


async def test_invalid_json_from_the_model_falls_back(database, demo, fake_openai,
                                                      tmp_path) -> None:
    """A malformed answer is a recorded failure, not a crash."""
    fake_openai.reply("this is not json")
    exchange = await say(database, _ctx(fake_openai, tmp_path), demo, sender="+13055550199",
                         text=UNSURE)
    assert exchange.replies
    async with database.transaction(tenant=demo) as s:
        assert (await s.execute(select(AIError))).scalar_one().agent_type == "MESSAGE_ANALYSIS"


async def test_the_monthly_budget_is_respected(database, demo, fake_openai, tmp_path) -> None:
    """Once this month's spend reaches the budget, the model is not called."""
    async with database.transaction(tenant=ALL) as s:
        await s.execute(update(Distributor).values(monthly_ai_budget_usd=0))
    await say(database, _ctx(fake_openai, tmp_path), demo, sender="+13055550199", text=UNSURE)
    assert fake_openai.requests == []


def test_the_extraction_prompt_names_every_intent_the_schema_allows() -> None:
    """The template and the structured-output schema agree on the intents."""
    import prompts
    from agent.llm import LLMReading

    text = prompts.load("extract_order").text
    intents = LLMReading.model_json_schema()["properties"]["intent"]["enum"]
    assert all(i in text for i in intents), json.dumps(intents)


async def test_a_message_arriving_while_the_model_thinks_is_stored_at_once(
        database, demo, fake_openai, tmp_path) -> None:
    """The model is slow; the same customer writes again meanwhile. Storing that message
    needs the customer's and conversation's rows, and no model call holds them: it is
    stored right away, and waits for the next claim (whose model call, if it needs one,
    is made before any lock too)."""
    fake_openai.reply({"intent": "ORDER", "items": ["2 cs whole milk"], "confidence": 0.9},
                      delay=2.0)
    ctx = _ctx(fake_openai, tmp_path)
    phone = "+13055550199"
    await say(database, ctx, demo, sender=phone, text=UNSURE, process=False)
    asked = asyncio.Event()
    fake_openai.on_request = asked.set
    worker = asyncio.create_task(claim_and_process(database, ctx, window_s=0))
    await asyncio.wait_for(asked.wait(), 10)
    again = InboundMessage(provider="local", channel=Channel.WHATSAPP, external_id="again",
                           sender=phone, recipient="local", text="and 1 cs eggs")
    async with database.transaction(tenant=demo) as s:
        await s.execute(text("SET LOCAL lock_timeout = '500ms'"))  # old way: the call's 2 s
        assert await store_inbound(s, demo, again) is not None
    assert not worker.done()  # the model is still thinking
    done = await worker
    assert done is not None and done.messages == 1 and len(fake_openai.requests) == 1
    assert "Whole Milk" in done.reply and "Eggs" not in done.reply
    async with database.transaction(tenant=demo) as s:
        waiting = (await s.execute(select(Message.content).where(
            Message.is_from_customer, Message.ai_processed.is_(False)))).scalars().all()
    assert waiting == ["and 1 cs eggs"]
    later = await claim_and_process(database, ctx, window_s=0)
    assert later is not None and "Eggs" in later.reply
