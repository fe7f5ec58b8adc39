"""Orders: the list (the review queue is `?status=REVIEW`), one order, staff review."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select, tuple_

from api import pagination
from api.base import Ctx, Op, Route
from api.conversations import customer_out
from api.models import (
    Alternative,
    OrderDetail,
    OrderLineOut,
    OrderOut,
    OrderPage,
    OrderQuery,
    ReviewIn,
    ReviewOut,
)
from api.review import apply_review
from core.errors import BadInput
from db.models import Customer, Distributor, Order, OrderProduct
from mailroom.events import EventType, enqueue_event, order_data


def aware(value: datetime | None) -> datetime | None:
    """A query time with a zone (UTC when none was given)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _order_out(order: Order, customer: Customer, currency: str, lines: int) -> dict:
    return {"id": order.id, "status": order.status, "requires_review": order.requires_review,
            "customer": customer_out(customer), "conversation_id": order.conversation_id,
            "channel": order.channel, "total_amount": order.total_amount, "currency": currency,
            "ai_generated": order.ai_generated,
            "ai_confidence": None if order.ai_confidence is None else float(order.ai_confidence),
            "line_count": lines, "created_at": order.created_at,
            "reviewed_at": order.reviewed_at}


async def list_orders(ctx: Ctx) -> OrderPage:
    """Orders, newest first, filtered by status, review flag, customer, conversation, time."""
    q: OrderQuery = ctx.query
    count = select(func.count(OrderProduct.id)).where(
        OrderProduct.order_id == Order.id, OrderProduct.distributor_id == ctx.tenant
    ).correlate(Order).scalar_subquery()
    stmt = select(Order, Customer, count.label("lines")).join(
        Customer, Customer.id == Order.customer_id)
    if q.status is not None:
        stmt = stmt.where(Order.status == q.status)
    if q.requires_review is not None:
        stmt = stmt.where(Order.requires_review.is_(q.requires_review))
    if q.customer_id is not None:
        stmt = stmt.where(Order.customer_id == q.customer_id)
    if q.conversation_id is not None:
        stmt = stmt.where(Order.conversation_id == q.conversation_id)
    start, end = aware(q.from_), aware(q.to)
    if start is not None and end is not None and start > end:
        raise BadInput("query: from: after to")
    if start is not None:
        stmt = stmt.where(Order.created_at >= start)
    if end is not None:
        stmt = stmt.where(Order.created_at < end)
    if q.cursor:
        key, last_id = pagination.decode(q.cursor, as_time=True)
        stmt = stmt.where(tuple_(Order.created_at, Order.id) < tuple_(key, last_id))
    rows = (await ctx.db.execute(stmt.order_by(Order.created_at.desc(), Order.id.desc())
                                 .limit(q.limit + 1))).all()
    more = len(rows) > q.limit
    rows = rows[:q.limit]
    currency = (await ctx.db.get(Distributor, ctx.tenant)).currency
    await ctx.audit("orders", Op.SELECT, [o.id for o, _, _ in rows])
    await ctx.audit("customers", Op.SELECT, list({c.id for _, c, _ in rows}))
    cursor = pagination.encode(rows[-1][0].created_at, rows[-1][0].id) if more else None
    return OrderPage(items=[OrderOut(**_order_out(o, c, currency, n)) for o, c, n in rows],
                     next_cursor=cursor)


async def order_detail(ctx: Ctx, order: Order) -> OrderDetail:
    """One order with its lines, matches, confidences and alternatives."""
    dist = await ctx.db.get(Distributor, ctx.tenant)
    customer = await ctx.db.get(Customer, order.customer_id)
    lines = list((await ctx.db.execute(select(OrderProduct).where(
        OrderProduct.order_id == order.id).order_by(OrderProduct.line_order, OrderProduct.id))
    ).scalars())
    threshold = Decimal(dist.ai_confidence_threshold)
    out = []
    for ln in lines:
        conf = ln.matching_confidence
        unsure = ln.matched_product_id is None or (
            not ln.manual_override and (conf is None or conf < threshold))
        out.append(OrderLineOut(
            id=ln.id, line_order=ln.line_order, product_name=ln.product_name, sku=ln.sku,
            quantity=ln.quantity, product_unit=ln.product_unit, unit_price=ln.unit_price,
            line_price=ln.line_price, matched_product_id=ln.matched_product_id,
            matched_variant_id=ln.matched_variant_id,
            matching_confidence=None if conf is None else float(conf),
            matching_method=ln.matching_method, manual_override=ln.manual_override,
            needs_review=unsure, ai_original_text=ln.ai_original_text,
            alternatives=[Alternative(sku=a.get("sku") or "", name=a.get("name") or "",
                                      confidence=a.get("confidence"))
                          for a in (ln.alternative_matches or []) if isinstance(a, dict)]))
    await ctx.audit("order_products", Op.SELECT, [ln.id for ln in lines])
    await ctx.audit("customers", Op.SELECT, [order.customer_id])
    return OrderDetail(**_order_out(order, customer, dist.currency, len(lines)),
                       confidence_threshold=float(threshold), lines=out,
                       additional_comment=order.additional_comment)


async def get_order(ctx: Ctx) -> OrderDetail:
    """One order with its lines."""
    order = await ctx.get(Order)
    await ctx.audit("orders", Op.SELECT, [order.id])
    return await order_detail(ctx, order)


async def review_order(ctx: Ctx) -> ReviewOut:
    """Approve an order, or correct its lines first (teaching the matcher)."""
    order = await ctx.get(Order, lock=True)
    dist = await ctx.db.get(Distributor, ctx.tenant)
    catalog = await ctx.catalogs.get(ctx.db, ctx.tenant)
    done = await apply_review(ctx.db, order, ctx.body, catalog,
                              Decimal(dist.ai_confidence_threshold))
    await ctx.db.flush()
    await ctx.audit("orders", Op.UPDATE, [order.id], approved=done.approved)
    if done.updated:
        await ctx.audit("order_products", Op.UPDATE, done.updated)
    if done.added:
        await ctx.audit("order_products", Op.INSERT, done.added)
    if done.removed:
        await ctx.audit("order_products", Op.DELETE, done.removed)
    if done.training:
        await ctx.audit("ai_training_data", Op.INSERT, done.training)
    if done.changed:
        await enqueue_event(ctx.db, ctx.tenant, EventType.ORDER_UPDATED, order_data(order))
    if done.approved:
        await enqueue_event(ctx.db, ctx.tenant, EventType.ORDER_CONFIRMED, order_data(order))
    await ctx.db.refresh(order)
    return ReviewOut(order=await order_detail(ctx, order), learned_aliases=done.learned)


ROUTES = [
    Route("GET", "/api/orders", list_orders, "List orders", "orders", OrderPage,
          query=OrderQuery, errors=(400, 401),
          description="Newest first. `?status=REVIEW` is the review queue. Keyset pagination: "
                      "pass `next_cursor` back as `cursor`."),
    Route("GET", "/api/orders/{id}", get_order, "One order with its lines", "orders",
          OrderDetail, errors=(401, 404),
          description="Each line with its catalog match, confidence, method and alternatives; "
                      "`needs_review` marks the unsure ones."),
    Route("POST", "/api/orders/{id}/review", review_order, "Approve or correct an order",
          "orders", ReviewOut, body=ReviewIn, errors=(400, 401, 404, 409),
          description="Changes apply in order: `update` a line's product (`sku`) or "
                      "`quantity`, `remove` a line, `add` one. Totals are recomputed. A "
                      "product correction sets `manual_override` and teaches the matcher: the "
                      "customer's wording becomes an alias of the chosen product. With "
                      "`approve` (the default) the order becomes CONFIRMED."),
]
