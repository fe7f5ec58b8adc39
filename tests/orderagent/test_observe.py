"""Operating it: /metrics after a real exchange, one message's journey in the JSON logs,
and /readyz."""

from __future__ import annotations

import io
import json
import logging

from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker

from agent.context import AgentContext
from agent.worker import claim_and_process
from channels.sender import send_next
from core.logs import IdsFilter, json_formatter
from db.engine import Database, make_engine
from db.migrate import upgrade
from db.models import Message
from db.scratch import create_database, database_url, drop_database
from orderagent.app import create_app
from tests.channels.webhook_env import (
    CUSTOMER,
    KEYRING,
    OPTIONS,
    inbound,
    outbound,
    twilio_params,
    twilio_post,
)

TW = "/webhooks/twilio"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, keyed by name and sorted labels."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def _scrape(client) -> dict:
    resp = await client.get("/metrics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain")
    return _samples(await resp.text())


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def _answer_one(database) -> None:
    """The worker's turn, then the sender's send: what `serve` does in the background."""
    assert await claim_and_process(database, AgentContext(keyring=KEYRING), window_s=0)
    assert (await send_next(database, KEYRING, OPTIONS)).status == "SENT"


async def test_metrics_move_after_a_signed_webhook_is_answered(
        aiohttp_client, settings, database, shop, twilio_api) -> None:
    """A signed SMS, the agent's turn and the reply's send each show in /metrics."""
    client = await aiohttp_client(create_app(settings, database))
    before = await _scrape(client)
    resp = await client.post(TW, **twilio_post(TW, twilio_params("2 cases of whole milk")))
    assert resp.status == 200
    waiting = await _scrape(client)
    assert _value(waiting, "orderagent_inbox_waiting", distributor="all") == 1
    assert _value(waiting, "orderagent_inbox_lag_seconds", distributor="all") >= 0
    await _answer_one(database)
    after = await _scrape(client)

    def moved(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert moved("orderagent_webhooks_total", provider="twilio", status="200") == 1
    assert moved("orderagent_http_requests_total", route=TW, method="POST", status="200") == 1
    assert moved("orderagent_webhook_store_seconds_count") == 1
    assert moved("orderagent_turn_seconds_count") == 1
    assert moved("orderagent_match_seconds_count") >= 1
    assert moved("orderagent_outbox_sends_total", provider="twilio", outcome="sent",
                 error_code="") == 1
    assert ("orderagent_inbox_waiting", (("distributor", "all"),)) not in after
    sessions = {dict(k[1])["state"]: v for k, v in after.items()
                if k[0] == "orderagent_order_sessions"}
    assert sum(sessions.values()) == 1  # the order the customer just started
    assert len(twilio_api.messages) == 1


async def test_distributor_labels_only_when_configured(
        aiohttp_client, settings, database, shop) -> None:
    """With ORDERAGENT_METRICS_PER_DISTRIBUTOR set, gauges carry the distributor's slug."""
    settings = settings.model_copy(update={"metrics_per_distributor": 5})
    client = await aiohttp_client(create_app(settings, database))
    await client.post(TW, **twilio_post(TW, twilio_params("2 cases of whole milk")))
    samples = await _scrape(client)
    assert _value(samples, "orderagent_inbox_waiting", distributor="acme") == 1
    assert _value(samples, "orderagent_inbox_waiting", distributor="all") == 0


async def test_a_metrics_token_keeps_scrapes_to_the_scraper(aiohttp_client, settings,
                                                            database) -> None:
    """With ORDERAGENT_METRICS_TOKEN set, /metrics is 401 without it or with a wrong one."""
    settings = settings.model_copy(update={"metrics_token": SecretStr("scrape-me-please")})
    client = await aiohttp_client(create_app(settings, database))
    assert (await client.get("/metrics")).status == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    right = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
    assert right.status == 200 and "orderagent_" in await right.text()
    assert (await client.get("/healthz")).status == 200  # health stays open for probes


async def test_one_messages_journey_carries_the_same_ids_in_every_json_line(
        aiohttp_client, settings, database, shop, twilio_api) -> None:
    """Webhook access line, worker turn and the reply's send: one request id, one
    distributor, one conversation; and no phone number in any line."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(json_formatter())
    handler.addFilter(IdsFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        client = await aiohttp_client(create_app(settings, database))
        signed = twilio_post(TW, twilio_params("2 cases of whole milk"))
        signed["headers"]["X-Request-ID"] = "journey-1"
        resp = await client.post(TW, **signed)
        assert resp.headers["X-Request-ID"] == "journey-1"
        await _answer_one(database)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert CUSTOMER not in out.getvalue()
    [msg] = await inbound(database, shop)
    [reply] = await outbound(database, shop)
    access = [r for r in lines if r["logger"] == "orderagent.access" and r["route"] == TW]
    turn = [r for r in lines if r["logger"] == "mailroom.trace"]
    send = [r for r in lines if r["logger"] == "channels.sender"]
    assert access and len(turn) == 2 and send
    for record in access + turn + send:
        assert record["request_id"] == "journey-1"
        assert record["distributor_id"] == str(shop)
    for record in turn + send:
        assert record["conversation_id"] == str(msg.conversation_id)
    assert {r["message_id"] for r in turn} == {str(msg.id)}
    assert {r["message_id"] for r in send} == {str(reply.id)}
    assert access[0]["status"] == 200 and access[0]["latency_ms"] >= 0
    assert isinstance(reply, Message) and reply.external_metadata["request_id"] == "journey-1"


async def test_readyz_names_a_database_behind_the_code(aiohttp_client, settings, database,
                                                      pg_server_url) -> None:
    """Ready on a current schema; 503 naming the migration on one left behind."""
    client = await aiohttp_client(create_app(settings, database))
    resp = await client.get("/readyz")
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["checks"] == {"database": "ok", "migrations": "ok", "loops": "ok"}
    name = await create_database(pg_server_url, prefix="oa_behind")
    engine = make_engine(database_url(pg_server_url, name), pool_size=1)
    try:
        await upgrade(engine, "0002")
        behind = Database(engine=engine, sessions=async_sessionmaker(engine))
        client = await aiohttp_client(create_app(settings, behind))
        resp = await client.get("/readyz")
        body = await resp.json()
        assert resp.status == 503 and body["status"] == "not ready"
        assert body["checks"]["migrations"].startswith("database at 0002")
        assert (await client.get("/healthz")).status == 200  # alive, just not ready
    finally:
        await engine.dispose()
        await drop_database(pg_server_url, name)
