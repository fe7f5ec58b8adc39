"""The review queue: order detail, corrections, learning from them, totals, events."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from db.models import (
    AITrainingData,
    Customer,
    Distributor,
    Order,
    OrderProduct,
    Product,
    WebhookDelivery,
    WebhookEndpoint,
)
from matching.resolve import match_line
from tests.api.conftest import auth, chat

OTHER_PHONE = "+13055550177"


async def _detail(client, order_id) -> dict:
    resp = await client.get(f"/api/orders/{order_id}", headers=auth())
    assert resp.status == 200, await resp.text()
    return await resp.json()


def _line(detail: dict, text: str) -> dict:
    return next(ln for ln in detail["lines"] if ln["ai_original_text"] == text)


async def test_the_review_queue_shows_unsure_lines_with_alternatives(client, world) -> None:
    """?status=REVIEW lists the order; its unsure line carries confidence and alternatives."""
    page = await (await client.get("/api/orders", headers=auth(),
                                   params={"status": "REVIEW"})).json()
    assert [o["id"] for o in page["items"]] == [str(world.review_order)]
    assert page["items"][0]["requires_review"] and page["items"][0]["line_count"] == 2
    detail = await _detail(client, world.review_order)
    buns = _line(detail, "1 cs buns")
    assert buns["needs_review"] and buns["matching_confidence"] < detail["confidence_threshold"]
    assert {a["sku"] for a in buns["alternatives"]} >= {"BK-7003"}
    milk = _line(detail, "2 cs whole milk")
    assert not milk["needs_review"] and milk["sku"] == "DY-1001"
    assert Decimal(detail["total_amount"]) == sum(Decimal(ln["line_price"])
                                                  for ln in detail["lines"] if ln["line_price"])
    confirmed = await (await client.get("/api/orders", headers=auth(),
                                        params={"status": "CONFIRMED"})).json()
    assert confirmed["items"] == []


async def test_a_correction_teaches_the_matcher(client, database, agent, demo, world) -> None:
    """Choosing the right product: override recorded, alias learned, same words match next time."""
    detail = await _detail(client, world.review_order)
    buns = _line(detail, "1 cs buns")
    async with database.transaction(tenant=demo) as s:
        version = (await s.get(Distributor, demo)).catalog_version
    resp = await client.post(f"/api/orders/{world.review_order}/review", headers=auth(),
                             json={"changes": [{"op": "update", "line_id": buns["id"],
                                                "sku": "BK-7003"}]})
    assert resp.status == 200, await resp.text()
    out = await resp.json()
    assert out["learned_aliases"] == ["buns"]
    order = out["order"]
    assert order["status"] == "CONFIRMED" and not order["requires_review"]
    assert order["reviewed_at"] is not None
    fixed = _line(order, "1 cs buns")
    assert (fixed["sku"], fixed["matching_method"], fixed["manual_override"]) == \
        ("BK-7003", "MANUAL_OVERRIDE", True)
    assert not fixed["needs_review"]
    assert Decimal(order["total_amount"]) == Decimal("55.00") + Decimal(fixed["unit_price"])
    async with database.transaction(tenant=demo) as s:
        assert (await s.get(Distributor, demo)).catalog_version == version + 1
        product = (await s.execute(select(Product).where(Product.sku == "BK-7003"))
                   ).scalar_one()
        assert "buns" in product.aliases
        training = (await s.execute(select(AITrainingData))).scalar_one()
        assert training.data_source == "CORRECTED_AI_OUTPUT"
        assert training.input_text == "1 cs buns"
        assert training.expected_output["sku"] == "BK-7003"
        assert training.actual_output["sku"] == buns["sku"] != "BK-7003"
        catalog = await agent.catalogs.get(s, demo)
        threshold = float((await s.get(Distributor, demo)).ai_confidence_threshold)
    result = match_line(catalog.index, "1 cs buns", threshold=threshold)
    assert result.item.sku == "BK-7003" and result.confidence >= threshold
    # and through the whole pipeline, for another customer of the same distributor
    await chat(database, agent, demo, "1 cs buns", sender=OTHER_PHONE)
    await chat(database, agent, demo, "yes", sender=OTHER_PHONE)
    async with database.transaction(tenant=demo) as s:
        order = (await s.execute(select(Order).order_by(Order.created_at.desc()).limit(1))
                 ).scalar_one()
        line = (await s.execute(select(OrderProduct).where(OrderProduct.order_id == order.id))
                ).scalar_one()
    assert line.sku == "BK-7003" and line.matching_confidence >= Decimal(str(threshold))
    assert not order.requires_review


async def test_quantity_add_and_remove_recompute_the_totals(client, database, demo,
                                                            world) -> None:
    """Lines changed, added and removed; totals and the customer's spend follow."""
    detail = await _detail(client, world.review_order)
    milk, buns = _line(detail, "2 cs whole milk"), _line(detail, "1 cs buns")
    async with database.transaction(tenant=demo) as s:
        spent = (await s.execute(select(Customer.total_spent))).scalar_one()
    resp = await client.post(f"/api/orders/{world.review_order}/review", headers=auth(), json={
        "changes": [{"op": "update", "line_id": milk["id"], "quantity": 3},
                    {"op": "remove", "line_id": buns["id"]},
                    {"op": "add", "sku": "DY-1301", "quantity": 2}],
        "approve": False, "notes": "called the customer"})
    assert resp.status == 200, await resp.text()
    order = (await resp.json())["order"]
    assert order["status"] == "REVIEW" and order["requires_review"]
    lines = {ln["sku"]: ln for ln in order["lines"]}
    assert set(lines) == {"DY-1001", "DY-1301"}
    assert Decimal(lines["DY-1001"]["quantity"]) == 3
    assert lines["DY-1301"]["manual_override"] and lines["DY-1301"]["ai_original_text"] is None
    expected = sum(Decimal(ln["unit_price"]) * Decimal(ln["quantity"]) for ln in lines.values())
    assert Decimal(order["total_amount"]) == expected
    assert order["additional_comment"] == "called the customer"
    async with database.transaction(tenant=demo) as s:
        now_spent = (await s.execute(select(Customer.total_spent))).scalar_one()
        # a quantity change teaches no alias
        assert "buns" not in (await s.execute(select(Product.aliases).where(
            Product.sku == "BK-7002"))).scalar_one()
    assert now_spent - spent == expected - Decimal(detail["total_amount"])


async def test_bad_reviews_are_refused_and_change_nothing(client, database, demo,
                                                          world) -> None:
    """Unknown sku, a foreign line, no lines left: 400/409 and the order is untouched."""
    detail = await _detail(client, world.review_order)
    ids = [ln["id"] for ln in detail["lines"]]
    url = f"/api/orders/{world.review_order}/review"
    for body, status in [
        ({"changes": [{"op": "update", "line_id": ids[0], "sku": "NOPE-1"}]}, 400),
        ({"changes": [{"op": "add", "sku": "DY-1001", "quantity": 0}]}, 400),
        ({"changes": [{"op": "update", "line_id": ids[0]}]}, 400),
        ({"changes": [{"op": "remove", "line_id": str(world.other_order)}]}, 400),
        ({"changes": [{"op": "explode", "line_id": ids[0]}]}, 400),
        ({"changes": [{"op": "remove", "line_id": i} for i in ids]}, 409),
    ]:
        resp = await client.post(url, headers=auth(), json=body)
        assert resp.status == status, (body, await resp.text())
    assert await _detail(client, world.review_order) == detail


async def test_order_events_are_enqueued_with_the_change(client, database, agent, demo,
                                                         world) -> None:
    """order.created + review_required from the agent; order.confirmed from the review."""
    async with database.transaction(tenant=demo) as s:
        s.add(WebhookEndpoint(distributor_id=demo, name="erp", url="http://127.0.0.1:9/",
                              events=["order.created", "order.confirmed",
                                      "order.review_required"]))
    # an order needs a line the agent could read: one of nothing but unread lines is
    # never offered for confirmation
    await chat(database, agent, demo, "2 cs whole milk and 1 cs buns", sender=OTHER_PHONE)
    await chat(database, agent, demo, "yes", sender=OTHER_PHONE)
    async with database.transaction(tenant=demo) as s:
        order = (await s.execute(select(Order).order_by(Order.created_at.desc()).limit(1))
                 ).scalar_one()
    resp = await client.post(f"/api/orders/{order.id}/review", headers=auth(),
                             json={"approve": True})
    assert resp.status == 200
    async with database.transaction(tenant=demo) as s:
        rows = (await s.execute(select(WebhookDelivery).order_by(WebhookDelivery.created_at))
                ).scalars().all()
    assert [r.event_type for r in rows] == ["order.created", "order.review_required",
                                            "order.confirmed"]
    assert all(r.status == "PENDING" and r.event_data["data"]["order_id"] == str(order.id)
               for r in rows)
