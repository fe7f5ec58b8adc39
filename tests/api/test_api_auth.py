"""Every API route: 401 without a valid key, 404 for another tenant's or a malformed id, audited."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from api import ROUTES
from api.base import Route
from db.models import AIResponse, Conversation, DataAccessAudit, Order, WebhookEndpoint
from db.tenant import ALL
from orderagent.app import create_app
from tests.api.conftest import KEY_A, KEY_B, World, auth

BODIES = {
    "send_message": {"text": "On its way this afternoon."},
    "review_order": {"approve": True},
    "put_catalog": {"products": [{"sku": "X-1", "name": "Test Product", "unit_price": 1}]},
    "feedback": {"feedback": "HELPFUL", "notes": "good"},
    "create_endpoint": {"name": "erp", "url": "http://127.0.0.1:9/hook",
                        "events": ["order.created"]},
}


def _path(route: Route, ids: dict[str, uuid.UUID | str]) -> str:
    prefix = route.path.split("/{")[0]
    return route.path.replace("{id}", str(ids.get(prefix, "")))


def _ids(world: World, *, other: bool, response=None, endpoint=None) -> dict:
    if other:
        return {"/api/conversations": world.other_conversation, "/api/orders": world.other_order,
                "/api/ai/responses": world.other_response,
                "/api/webhook-endpoints": world.other_endpoint}
    return {"/api/conversations": world.conversation, "/api/orders": world.review_order,
            "/api/ai/responses": response, "/api/webhook-endpoints": endpoint}


async def _call(client, route: Route, path: str, headers: dict[str, str]):
    kwargs = {"headers": headers}
    if route.operation_id in BODIES:
        kwargs["json"] = BODIES[route.operation_id]
    return await client.request(route.method, path, **kwargs)


ID_ROUTES = [r for r in ROUTES if "{id}" in r.path]


async def test_every_route_refuses_a_missing_or_wrong_key(aiohttp_client, settings, database,
                                                          demo, other) -> None:
    """No header, a wrong key, or another scheme: 401 with a Bearer challenge, on every route."""
    many = settings.model_copy(update={"api_auth_failures_per_minute": 10_000})
    client = await aiohttp_client(create_app(many, database))
    ids = {prefix: uuid.uuid4() for prefix in ("/api/conversations", "/api/orders",
                                               "/api/ai/responses", "/api/webhook-endpoints")}
    for route in ROUTES:
        path = _path(route, ids)
        for headers in ({}, auth("not-a-real-key-0123456789"),
                        {"Authorization": f"Basic {KEY_A}"}, {"Authorization": "Bearer "}):
            resp = await _call(client, route, path, headers)
            assert resp.status == 401, (route.operation_id, headers)
            assert resp.headers["WWW-Authenticate"].startswith("Bearer")
            assert (await resp.json())["error"] == "unauthorized"


async def test_an_address_guessing_keys_gets_429_until_the_window_moves_on(
        aiohttp_client, settings, database, demo, other) -> None:
    """Past the limit of failed attempts, the address gets 429 with Retry-After and the
    refusals are not audited one by one; a valid key from it still goes through (many
    distributors may share a proxy's address)."""
    strict = settings.model_copy(update={"api_auth_failures_per_minute": 3})
    client = await aiohttp_client(create_app(strict, database))
    for n in range(5):
        resp = await client.get("/api/conversations", headers=auth(f"guess-{n:020d}"))
        assert resp.status == (401 if n < 3 else 429)
    assert 1 <= int(resp.headers["Retry-After"]) <= 60
    assert (await resp.json())["error"] == "rate_limited"
    assert (await client.get("/api/conversations", headers=auth(KEY_A))).status == 200
    async with database.transaction(tenant=ALL) as s:
        refused = (await s.execute(select(DataAccessAudit).where(
            DataAccessAudit.details["refused"].astext == "unauthorized"))).scalars().all()
    assert len(refused) == 3


async def test_another_tenants_ids_are_404(client, database, world, other) -> None:
    """A asking for B's conversation, order, AI response or endpoint gets 404 on every route."""
    for route in ID_ROUTES:
        resp = await _call(client, route, _path(route, _ids(world, other=True)), auth(KEY_A))
        assert resp.status == 404, (route.operation_id, await resp.text())
        assert (await resp.json())["error"] == "not_found"
    async with database.transaction(tenant=other) as s:
        conv = await s.get(Conversation, world.other_conversation)
        order = await s.get(Order, world.other_order)
        response = await s.get(AIResponse, world.other_response)
        assert conv.unread_count > 0 and not conv.handoff_active
        assert order.status == "CONFIRMED" and order.reviewed_at is None
        assert response.human_feedback is None
        assert await s.get(WebhookEndpoint, world.other_endpoint) is not None
    async with database.transaction(tenant=ALL) as s:
        refused = (await s.execute(select(DataAccessAudit).where(
            DataAccessAudit.details["refused"].astext == "not_found"))).scalars().all()
    assert len(refused) == len(ID_ROUTES)
    assert {r.attempted_record_id for r in refused} == {
        str(world.other_conversation), str(world.other_order), str(world.other_response),
        str(world.other_endpoint)}


async def test_malformed_ids_are_404(client) -> None:
    """A path id that is not a UUID is a 404 like any unknown id, never a 400 or 500."""
    for route in ID_ROUTES:
        for bad in ("not-a-uuid", "1", "%27%20OR%201=1"):
            resp = await _call(client, route, route.path.replace("{id}", bad), auth(KEY_A))
            assert resp.status == 404, (route.operation_id, bad)


async def test_the_other_tenant_sees_only_its_own(client, world) -> None:
    """B's key lists B's conversation and order, never A's."""
    convs = await (await client.get("/api/conversations", headers=auth(KEY_B))).json()
    assert [c["id"] for c in convs["items"]] == [str(world.other_conversation)]
    orders = await (await client.get("/api/orders", headers=auth(KEY_B))).json()
    assert [o["id"] for o in orders["items"]] == [str(world.other_order)]
    resp = await client.get(f"/api/orders/{world.review_order}", headers=auth(KEY_B))
    assert resp.status == 404


async def test_reads_and_writes_of_customer_data_are_audited(client, database, demo,
                                                             world) -> None:
    """Each call leaves data_access_audit rows: key prefix, IP, user agent, table, operation."""
    async with database.transaction(tenant=demo) as s:
        response = (await s.execute(select(AIResponse.id).limit(1))).scalar_one()
        endpoint = WebhookEndpoint(distributor_id=demo, name="x", url="http://127.0.0.1:9/",
                                   events=["order.created"])
        s.add(endpoint)
        await s.flush()
    ids = _ids(world, other=False, response=response, endpoint=endpoint.id)
    for route in sorted(ROUTES, key=lambda r: r.method == "DELETE"):
        async with database.transaction(tenant=ALL) as s:
            before = len((await s.execute(select(DataAccessAudit.id))).all())
        resp = await _call(client, route, _path(route, ids),
                           {**auth(KEY_A), "User-Agent": "audit-test/1"})
        assert resp.status < 300, (route.operation_id, await resp.text())
        async with database.transaction(tenant=ALL) as s:
            rows = (await s.execute(select(DataAccessAudit).order_by(
                DataAccessAudit.created_at))).scalars().all()[before:]
        if route.operation_id in ("list_products", "usage"):
            assert rows == []  # the catalog and usage sums hold no customer data
            continue
        assert rows, route.operation_id
        for row in rows:
            assert row.distributor_id == demo
            assert row.actor.startswith("api_key:") and KEY_A not in row.actor
            assert str(row.ip_address) == "127.0.0.1"
            assert row.user_agent == "audit-test/1"
            assert row.operation in ("SELECT", "INSERT", "UPDATE", "DELETE")
        if "{id}" in route.path:
            assert any(r.attempted_record_id for r in rows), route.operation_id


async def test_openapi_document_is_public(client) -> None:
    """The document describes the API and holds no data: no key needed."""
    resp = await client.get("/api/openapi.json")
    assert resp.status == 200
    assert (await resp.json())["openapi"].startswith("3.1")
