"""Outbound webhooks: endpoints through the API, signed deliveries, retries with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from aiohttp import web
from sqlalchemy import select

from api.deliveries import run_deliverer, sign, verify
from db.models import WebhookDelivery, WebhookEndpoint
from tests.api.conftest import auth, chat


class Receiver:
    """A local receiver answering the scripted statuses in turn (then 200)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[float, dict[str, str], bytes]] = []
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        """Record the request; answer the next scripted status."""
        self.requests.append((time.monotonic(), dict(request.headers), await request.read()))
        status = self.statuses.pop(0) if self.statuses else 200
        self.arrived.set()
        return web.json_response({"ok": status < 300}, status=status)


async def _receiver(aiohttp_server, statuses: list[int]) -> tuple[Receiver, str]:
    receiver = Receiver(statuses)
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    server = await aiohttp_server(app)
    return receiver, str(server.make_url("/hook"))


async def _endpoint(client, url: str, **extra) -> dict:
    resp = await client.post("/api/webhook-endpoints", headers=auth(), json={
        "name": "erp", "url": url, "events": ["message.created"], **extra})
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def _customer_order(database, agent, demo) -> None:
    """A conversation to reply in (before any endpoint exists: its events go nowhere)."""
    await chat(database, agent, demo, "2 cs whole milk")


async def _staff_message(client, database, agent, demo) -> None:
    conv = (await (await client.get("/api/conversations", headers=auth())).json())["items"][0]
    resp = await client.post(f"/api/conversations/{conv['id']}/messages", headers=auth(),
                             json={"text": "Sure, on its way."})
    assert resp.status == 201


async def _deliver_until(database, keyring, receiver: Receiver, count: int) -> None:
    # the receiver listens on 127.0.0.1: private addresses allowed, as a LAN ERP would be
    task = asyncio.create_task(run_deliverer(database, keyring, poll_s=0.05,
                                             allow_private=True))
    try:
        async with asyncio.timeout(20):
            while len(receiver.requests) < count:
                await receiver.arrived.wait()
                receiver.arrived.clear()
        await asyncio.sleep(0.5)  # the last outcome is recorded after the answer arrives
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_failing_receiver_gets_retries_with_backoff_until_it_succeeds(
        client, aiohttp_server, database, agent, keyring, demo) -> None:
    """Fails twice, then 200: three signed attempts, one event id, backoff, counters."""
    receiver, url = await _receiver(aiohttp_server, [500, 503])
    await _customer_order(database, agent, demo)
    endpoint = await _endpoint(client, url, retry_attempts=3, retry_delay_seconds=1)
    secret = endpoint["secret"]
    assert secret and len(secret) >= 32
    await _staff_message(client, database, agent, demo)
    await _deliver_until(database, keyring, receiver, 3)
    assert len(receiver.requests) == 3
    (t1, h1, b1), (t2, h2, b2), (t3, h3, b3) = receiver.requests
    assert b1 == b2 == b3
    event = json.loads(b1)
    assert event["type"] == "message.created" and event["data"]["sent_by"] == "staff"
    assert {h["X-OrderAgent-Event-Id"] for h in (h1, h2, h3)} == {event["id"]}
    assert [h["X-OrderAgent-Attempt"] for h in (h1, h2, h3)] == ["1", "2", "3"]
    for headers, body in ((h1, b1), (h2, b2), (h3, b3)):
        assert verify(secret, headers["X-OrderAgent-Timestamp"], body,
                      headers["X-OrderAgent-Signature"])
    assert t2 - t1 >= 0.9 and t3 - t2 >= 1.9  # retry_delay_seconds, doubled
    async with database.transaction(tenant=demo) as s:
        rows = (await s.execute(select(WebhookDelivery).order_by(
            WebhookDelivery.attempt_number))).scalars().all()
        ep = (await s.execute(select(WebhookEndpoint))).scalar_one()
    assert [(r.attempt_number, r.status, r.response_status_code) for r in rows] == [
        (1, "FAILED", 500), (2, "FAILED", 503), (3, "SUCCESS", 200)]
    assert rows[0].retry_after is not None and rows[2].completed_at is not None
    assert (ep.total_deliveries, ep.successful_deliveries, ep.failed_deliveries) == (3, 1, 2)
    assert ep.last_triggered_at is not None
    assert ep.auth_value and secret not in ep.auth_value  # sealed at rest
    listed = await (await client.get(f"/api/webhook-endpoints/{ep.id}/deliveries",
                                     headers=auth())).json()
    assert [d["status"] for d in listed["items"]] == ["SUCCESS", "FAILED", "FAILED"]


async def test_delivery_gives_up_after_the_retries(client, aiohttp_server, database, agent,
                                                   keyring, demo) -> None:
    """retry_attempts=1 and a receiver that always fails: two attempts, then no more."""
    receiver, url = await _receiver(aiohttp_server, [500] * 10)
    await _customer_order(database, agent, demo)
    await _endpoint(client, url, retry_attempts=1, retry_delay_seconds=1)
    await _staff_message(client, database, agent, demo)
    await _deliver_until(database, keyring, receiver, 2)
    assert len(receiver.requests) == 2
    async with database.transaction(tenant=demo) as s:
        statuses = (await s.execute(select(WebhookDelivery.status))).scalars().all()
    assert sorted(statuses) == ["FAILED", "FAILED"]


async def test_bearer_endpoints_get_their_token_and_no_signature(client, aiohttp_server,
                                                                 database, agent, keyring,
                                                                 demo) -> None:
    """auth_type BEARER_TOKEN sends the token; the secret is not shown back."""
    receiver, url = await _receiver(aiohttp_server, [])
    await _customer_order(database, agent, demo)
    created = await _endpoint(client, url, auth_type="BEARER_TOKEN",
                              auth_value="token-0123456789abcdef")
    assert created["secret"] is None
    await _staff_message(client, database, agent, demo)
    await _deliver_until(database, keyring, receiver, 1)
    headers = receiver.requests[0][1]
    assert headers["Authorization"] == "Bearer token-0123456789abcdef"
    assert "X-OrderAgent-Signature" not in headers


async def test_endpoint_crud_and_validation(client) -> None:
    """Create (validated), list without secrets, delete, then 404."""
    for body in ({"name": "x", "url": "ftp://example.com", "events": ["order.created"]},
                 {"name": "x", "url": "http://example.com", "events": ["order.eaten"]},
                 {"name": "x", "url": "http://example.com", "events": []},
                 {"name": "x", "url": "http://example.com", "events": ["order.created"],
                  "auth_type": "BEARER_TOKEN"}):
        resp = await client.post("/api/webhook-endpoints", headers=auth(), json=body)
        assert resp.status == 400, body
    created = await _endpoint(client, "https://erp.example/hook")
    listed = await (await client.get("/api/webhook-endpoints", headers=auth())).json()
    assert [e["id"] for e in listed["items"]] == [created["id"]]
    assert "secret" not in listed["items"][0] and "auth_value" not in listed["items"][0]
    assert (await client.delete(f"/api/webhook-endpoints/{created['id']}",
                                headers=auth())).status == 204
    assert (await client.delete(f"/api/webhook-endpoints/{created['id']}",
                                headers=auth())).status == 404


def test_signature_is_hmac_of_timestamp_and_body() -> None:
    """The documented scheme; stale or altered deliveries do not verify."""
    body, ts = b'{"id":"1"}', int(time.time())
    signature = sign("s3cret", ts, body)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert verify("s3cret", str(ts), body, signature)
    assert not verify("s3cret", str(ts), body + b" ", signature)
    assert not verify("other", str(ts), body, signature)
    assert not verify("s3cret", str(ts - 3600), body, sign("s3cret", ts - 3600, body))
    assert not verify("s3cret", "soon", body, signature)


async def test_a_private_address_is_not_reached_by_default(
        client, aiohttp_server, database, agent, keyring, demo) -> None:
    """Without ORDERAGENT_WEBHOOKS_ALLOW_PRIVATE, a 127.0.0.1 endpoint gets nothing."""
    receiver, url = await _receiver(aiohttp_server, [])
    await _customer_order(database, agent, demo)
    await _endpoint(client, url, retry_attempts=0)
    await _staff_message(client, database, agent, demo)
    task = asyncio.create_task(run_deliverer(database, keyring, poll_s=0.05))
    try:
        await asyncio.sleep(1.0)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert receiver.requests == []
    async with database.transaction(tenant=demo) as s:
        delivery = (await s.execute(select(WebhookDelivery))).scalars().first()
    assert delivery.status == "FAILED" and "not a public address" in delivery.error_message


async def test_a_receiver_answering_with_a_nul_byte_is_still_recorded(
        client, aiohttp_server, database, agent, keyring, demo) -> None:
    """PostgreSQL cannot store NUL: the answer is kept without it, and the delivery is
    SUCCESS, not re-sent forever because its outcome could not be written."""
    receiver = Receiver([])

    async def odd(request: web.Request) -> web.Response:
        await receiver.handle(request)
        return web.Response(text="ok\x00thanks")

    app = web.Application()
    app.router.add_post("/hook", odd)
    server = await aiohttp_server(app)
    await _customer_order(database, agent, demo)
    await _endpoint(client, str(server.make_url("/hook")))
    await _staff_message(client, database, agent, demo)
    await _deliver_until(database, keyring, receiver, 1)
    async with database.transaction(tenant=demo) as s:
        [row] = (await s.execute(select(WebhookDelivery))).scalars().all()
    assert (row.status, row.response_body) == ("SUCCESS", "okthanks")
    assert len(receiver.requests) == 1
