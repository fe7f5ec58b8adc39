"""AI prices: from genai-prices or an explicit setting; an unpriced model never slips
past a distributor's monthly budget."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update

from agent.context import AgentContext
from agent.llm import agent_llm
from core.settings import Settings
from db.crypto import Keyring
from db.models import AIResponse, Distributor
from evaluation.local import say
from matching.llm import cost_usd, price_of
from tests.conftest import TEST_MASTER_KEY

UNSURE = "same as last week please"
PRIVATE = "acme-private-llama-70b"


def _ctx(server, tmp_path, model: str, **prices: str) -> AgentContext:
    settings = Settings(home=tmp_path, encryption_key=TEST_MASTER_KEY,
                        openai_api_key="sk-test-key-not-real", openai_base_url=server.base_url,
                        llm_model=model, **prices)
    return AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()), llm=agent_llm(settings))


async def _budget(database, demo, usd: str | None) -> None:
    async with database.transaction(tenant=demo) as s:
        await s.execute(update(Distributor).values(monthly_ai_budget_usd=usd))


async def test_an_unpriced_model_is_refused_while_a_budget_is_set(database, demo, fake_openai,
                                                                  tmp_path) -> None:
    """A private model genai-prices does not know would cost 0 and never trip the budget:
    it is not asked at all."""
    await _budget(database, demo, "50.00")
    fake_openai.reply({"intent": "ORDER", "items": ["2 cs whole milk"], "confidence": 0.9})
    await say(database, _ctx(fake_openai, tmp_path, PRIVATE), demo, sender="+13055550199",
              text=UNSURE)
    assert fake_openai.requests == []


async def test_an_unpriced_model_is_used_where_no_budget_is_set(database, demo, fake_openai,
                                                                tmp_path) -> None:
    """Without a budget there is nothing to protect: the model is asked."""
    await _budget(database, demo, None)
    fake_openai.reply({"intent": "ORDER", "items": ["2 cs whole milk"], "confidence": 0.9})
    await say(database, _ctx(fake_openai, tmp_path, PRIVATE), demo, sender="+13055550199",
              text=UNSURE)
    assert len(fake_openai.requests) == 1


async def test_an_explicit_price_makes_a_private_model_count(database, demo, fake_openai,
                                                             tmp_path) -> None:
    """With its price set, the private model is asked and each call costs what it says."""
    await _budget(database, demo, "50.00")
    fake_openai.reply({"intent": "ORDER", "items": ["2 cs whole milk"], "confidence": 0.9},
                      usage=(1000, 100))
    ctx = _ctx(fake_openai, tmp_path, PRIVATE, llm_input_usd_per_mtok="2",
               llm_output_usd_per_mtok="10")
    await say(database, ctx, demo, sender="+13055550199", text=UNSURE)
    assert len(fake_openai.requests) == 1
    async with database.transaction(tenant=demo) as s:
        row = (await s.execute(select(AIResponse).where(
            AIResponse.agent_type == "MESSAGE_ANALYSIS"))).scalar_one()
    assert row.model_used == PRIVATE and row.cost_usd == Decimal("0.003")  # 2e-3 + 1e-3


def test_known_models_are_priced_offline_from_genai_prices() -> None:
    """OpenAI's models come priced from the package's own table (no network here)."""
    price = price_of("gpt-4o-mini")
    assert price is not None and price.source.startswith("genai-prices")
    assert (price.input, price.output) == (Decimal("0.15"), Decimal("0.6"))
    assert cost_usd("gpt-4.1", 1_000_000, 1_000_000) == Decimal("10")
    assert price_of(PRIVATE) is None


def test_half_a_price_is_a_configuration_error(tmp_path) -> None:
    """An input price without an output price is refused at start, not guessed."""
    with pytest.raises(ValidationError, match="both"):
        Settings(home=tmp_path, llm_input_usd_per_mtok="1")
