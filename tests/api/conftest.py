"""Two distributors with API keys, a world of conversations and orders, and the real app."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from agent.context import AgentContext
from core.distributor_file import parse_distributor_json, read_distributor_file
from db.crypto import Keyring
from db.loader import load_distributor
from db.models import AIResponse, Conversation, Order, WebhookEndpoint
from db.tenant import ALL
from evaluation.local import say
from orderagent.app import create_app
from orderagent.bootstrap import DEMO_FILE
from tests.conftest import TEST_MASTER_KEY

KEY_A = "demo-api-key-0123456789abcdef"
KEY_B = "other-api-key-0123456789abcdef"
PHONE = "+13055550101"
OTHER_FILE = json.dumps({
    "distributor": {"slug": "other", "business_name": "Other Foods", "api_key": KEY_B},
    "products": [
        {"sku": "DY-1001", "name": "Whole Milk 1 Gallon", "unit": "case", "unit_price": 30,
         "aliases": ["whole milk"]},
        {"sku": "BK-7001", "name": "Brioche Buns", "unit": "case", "unit_price": 20,
         "aliases": ["buns"]},
    ],
})


def auth(key: str = KEY_A) -> dict[str, str]:
    """The Authorization header for an API key."""
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def keyring() -> Keyring:
    """The keyring the app uses (the test master key)."""
    return Keyring(TEST_MASTER_KEY.encode())


@pytest.fixture
def agent(keyring: Keyring) -> AgentContext:
    """What a worker process shares, as `orderagent chat` builds it."""
    return AgentContext(keyring=keyring)


@pytest.fixture
async def demo(database, keyring) -> uuid.UUID:
    """The demo distributor (API key KEY_A)."""
    file = read_distributor_file(DEMO_FILE)
    file = file.model_copy(update={"distributor": file.distributor.model_copy(
        update={"api_key": KEY_A})})
    async with database.transaction(tenant=ALL) as s:
        return (await load_distributor(s, file, keyring)).distributor_id


@pytest.fixture
async def other(database, keyring) -> uuid.UUID:
    """A second distributor (API key KEY_B) whose ids must stay invisible to the first."""
    async with database.transaction(tenant=ALL) as s:
        return (await load_distributor(s, parse_distributor_json(OTHER_FILE), keyring)
                ).distributor_id


@pytest.fixture
async def client(aiohttp_client, settings, database, demo, other):
    """The real app on the test database (no background workers)."""
    return await aiohttp_client(create_app(settings, database))


async def chat(database, agent, distributor_id, text: str, sender: str = PHONE) -> str:
    """One customer message through the real pipeline; the agent's reply."""
    exchange = await say(database, agent, distributor_id, sender=sender, text=text)
    return exchange.replies[-1] if exchange.replies else ""


@dataclass(frozen=True)
class World:
    """Ids in both tenants: a demo order under review, and the other tenant's records."""

    conversation: uuid.UUID
    review_order: uuid.UUID
    other_conversation: uuid.UUID
    other_order: uuid.UUID
    other_response: uuid.UUID
    other_endpoint: uuid.UUID


async def place_order(database, agent, distributor_id, text: str, sender: str = PHONE
                      ) -> tuple[uuid.UUID, uuid.UUID]:
    """Order `text` and confirm it; the conversation and the new order."""
    await chat(database, agent, distributor_id, text, sender)
    await chat(database, agent, distributor_id, "yes", sender)
    async with database.transaction(tenant=distributor_id) as s:
        conv = (await s.execute(select(Conversation).order_by(
            Conversation.last_message_at.desc()).limit(1))).scalar_one()
        order = (await s.execute(select(Order).where(Order.conversation_id == conv.id)
                                 .order_by(Order.created_at.desc()).limit(1))).scalar_one()
    return conv.id, order.id


@pytest.fixture
async def world(database, agent, demo, other) -> World:
    """A demo order needing review ("1 cs buns" is unsure) and the other tenant's records."""
    conv, order = await place_order(database, agent, demo, "2 cs whole milk and 1 cs buns")
    oconv, oorder = await place_order(database, agent, other, "2 cs whole milk")
    async with database.transaction(tenant=other) as s:
        response = (await s.execute(select(AIResponse.id).limit(1))).scalar_one()
        endpoint = WebhookEndpoint(distributor_id=other, name="erp", url="http://127.0.0.1:9/",
                                   events=["order.created"])
        s.add(endpoint)
        await s.flush()
    return World(conv, order, oconv, oorder, response, endpoint.id)
