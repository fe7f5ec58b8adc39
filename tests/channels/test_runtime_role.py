"""The whole pipeline as the service runs it: connected as the runtime role, every system
path (routing, the worker's and sender's claims, the sweep, deliveries, purge, API auth)
through the narrow system role, every tenant write behind the forced wall."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from agent.context import AgentContext
from agent.timeouts import sweep_timeouts
from agent.worker import claim_and_process
from api.deliveries import deliver_due
from channels.sender import send_next
from db.engine import Database, make_engine, runtime_url
from db.models import DataAccessAudit, Distributor, Message, WebhookEndpoint
from db.models.enums import MessageStatus
from db.retention import purge
from db.tenant import ALL
from orderagent.app import create_app
from tests.channels.webhook_env import (
    CUSTOMER,
    KEYRING,
    OPTIONS,
    integrations,
    load,
    twilio_params,
    twilio_post,
)

TW = "/webhooks/twilio"


@pytest.fixture
async def runtime(database: Database) -> AsyncIterator[Database]:
    """The test's database, connected as the service's runtime role."""
    engine = make_engine(runtime_url(database.engine.url.render_as_string(
        hide_password=False)), pool_size=4)
    db = Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    await db.verify_wall()  # it is what the service checks at start: nothing to complain of
    yield db
    await db.close()


@pytest.fixture
async def dist(runtime, twilio_api, graph_api, smtp) -> uuid.UUID:
    """The test distributor, loaded by the runtime role, providers pointed at the fakes."""
    return await load(runtime, demo_catalog=True, integration_list=integrations(
        twilio_base=twilio_api.base, graph_base=graph_api.base, smtp_port=smtp.port))


async def test_an_order_goes_round_as_the_runtime_role(aiohttp_client, settings, database,
                                                      runtime, dist, twilio_api) -> None:
    """Webhook in, the worker answers, the sender sends, the sweep and purge run, a bad
    API key is audited: all as `orderagent_app`, which owns nothing."""
    client = await aiohttp_client(create_app(settings, runtime))
    resp = await client.post(TW, **twilio_post(TW, twilio_params("2 cases of whole milk")))
    assert resp.status == 200
    assert await claim_and_process(runtime, AgentContext(keyring=KEYRING), window_s=0)
    outcome = await send_next(runtime, KEYRING, OPTIONS)
    assert outcome is not None and outcome.status == MessageStatus.SENT
    [sent] = twilio_api.messages
    assert sent["to"] == CUSTOMER and "Whole Milk" in sent["body"]

    later = datetime.now(UTC) + timedelta(days=1)
    assert await sweep_timeouts(runtime, later) == 1  # the open session times out

    async with runtime.transaction(tenant=dist) as s:
        s.add(WebhookEndpoint(distributor_id=dist, name="erp", url="http://127.0.0.1:9/",
                              events=["order.created"]))
    async with aiohttp.ClientSession() as http:
        await deliver_due(runtime, KEYRING, http)  # the claim's grants are exercised

    assert (await client.get("/api/products", headers={
        "Authorization": "Bearer not-a-key"})).status == 401
    async with database.engine.connect() as conn:  # the superuser: no tenant to scope to
        refused = (await conn.execute(text(
            "SELECT count(*) FROM data_access_audit WHERE distributor_id IS NULL "
            "AND details->>'refused' = 'unauthorized'"))).scalar_one()
    assert refused == 1
    async with runtime.transaction(tenant=dist) as s:
        (await s.execute(select(Distributor))).scalar_one().data_retention_days = 1
        await s.execute(text("UPDATE messages SET created_at = now() - interval '3 days'"))
    async with runtime.transaction(tenant=ALL) as s:
        [purged] = await purge(s, datetime.now(UTC))
    assert purged.rows["messages"] >= 2
    async with runtime.transaction(tenant=dist) as s:
        assert (await s.execute(select(Message.id))).all() == []
        actors = (await s.execute(select(DataAccessAudit.actor))).scalars().all()
    assert "cli:purge" in actors
