"""The review queue and orders: the API's order functions, and status changes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy import func, select

from api.base import Ctx, Op
from api.models import OrderQuery, ReviewIn, UpdateLine
from api.orders import get_order, list_orders, order_detail, review_order
from console.auth import Staff
from console.views import Result, back_to, form, view
from core.errors import BadInput, Conflict, OrderAgentError
from db.models import Customer, Distributor, Order
from db.models.enums import OrderStatus, UserRole
from mailroom.events import EventType, enqueue_event, order_data

QUEUE_SIZE = 10  # the desk works the queue from the top; the page stays fast
# where staff may move an order by hand (review has its own approve and reject)
MOVES = {OrderStatus.PENDING: (OrderStatus.CONFIRMED, OrderStatus.CANCELLED),
         OrderStatus.CONFIRMED: (OrderStatus.PENDING, OrderStatus.CANCELLED),
         OrderStatus.CANCELLED: (OrderStatus.PENDING,),
         OrderStatus.REVIEW: (OrderStatus.CANCELLED,)}


@view()
async def review_queue(ctx: Ctx, staff: Staff) -> Result:
    """Orders that need review, each unsure line with its alternatives."""
    ctx.query = OrderQuery(requires_review=True, limit=QUEUE_SIZE)
    page = await list_orders(ctx)
    # ids from the tenant's own list, loaded in one query by the tenant-scoped session;
    # the rows order_detail reads are held here, so the session's (weak) identity map
    # answers its lookups instead of one query each
    rows = {o.id: o for o in (await ctx.db.execute(select(Order).where(
        Order.id.in_([item.id for item in page.items])))).scalars()}
    held = [await ctx.db.get(Distributor, ctx.tenant), *(await ctx.db.execute(select(
        Customer).where(Customer.id.in_({o.customer_id for o in rows.values()})))).scalars()]
    orders = [await order_detail(ctx, rows[item.id]) for item in page.items]
    del held
    waiting = (await ctx.db.execute(select(func.count(Order.id)).where(
        Order.requires_review))).scalar_one()
    return "review.html", {"orders": orders, "waiting": waiting}


async def _change_status(ctx: Ctx, order: Order, status: OrderStatus, note: str) -> None:
    """Move an order by hand: audited, and the order.updated webhook event queued."""
    order.status, order.requires_review = status, False
    order.reviewed_at = datetime.now(UTC)
    if note:
        order.additional_comment = note[:2000]
    await ctx.db.flush()
    await ctx.audit("orders", Op.UPDATE, [order.id], status=str(status))
    await enqueue_event(ctx.db, ctx.tenant, EventType.ORDER_UPDATED, order_data(order))


def _corrections(data: dict[str, str], detail) -> list[UpdateLine]:
    """Lines whose product the reviewer changed (`sku-<line id>` fields)."""
    changes = []
    for line in detail.lines:
        chosen = data.get(f"sku-{line.id}", "").strip()
        if chosen and chosen != (line.sku or ""):
            changes.append(UpdateLine(op="update", line_id=line.id, sku=chosen))
    return changes


@view()
async def review(ctx: Ctx, staff: Staff) -> Result:
    """Approve (with any corrections: the API's review, which teaches aliases) or reject."""
    data = await form(ctx.request)
    back = data.get("back") if data.get("back") in ("/app/review", "/app/orders") else None
    back = back or f"/app/orders/{ctx.request.match_info['id']}"
    action = data.get("action", "")
    if action == "reject":
        order = await ctx.get(Order, lock=True)
        if not order.requires_review:
            return back_to(back, error="That order is not waiting for review.")
        await _change_status(ctx, order, OrderStatus.CANCELLED,
                             "rejected in review" + (f": {data['note']}" if data.get("note")
                                                     else ""))
        return back_to(back, notice="Order rejected.")
    if action != "approve":
        raise BadInput("choose approve or reject")
    order = await ctx.get(Order)
    detail = await order_detail(ctx, order)
    try:
        ctx.body = ReviewIn(changes=_corrections(data, detail), approve=True)
        async with ctx.db.begin_nested():
            done = await review_order(ctx)
    except ValidationError:
        return back_to(back, error="That correction is not valid.")
    except OrderAgentError as exc:
        if exc.status == 404:
            raise
        return back_to(back, error=str(exc))
    learned = ", ".join(f"“{a}”" for a in done.learned_aliases)
    return back_to(back, notice="Order approved." + (f" Learned {learned}." if learned else ""))


def orders_query(request: web.Request, limit: int = 50) -> OrderQuery:
    """The orders list's filters from the query string (bad values are ignored)."""
    values: dict[str, object] = {"limit": limit}
    status = request.query.get("status", "").upper()
    if status in OrderStatus.__members__:
        values["status"] = status
    for name in ("from", "to", "cursor"):
        if request.query.get(name):
            values[name] = request.query[name][:300]
    try:
        return OrderQuery.model_validate(values)
    except ValidationError:
        return OrderQuery(limit=limit)


@view(UserRole.MANAGER)
async def orders(ctx: Ctx, staff: Staff) -> Result:
    """Orders, newest first, filtered by status."""
    ctx.query = orders_query(ctx.request)
    try:
        page = await list_orders(ctx)
    except BadInput:  # e.g. `from` after `to`: show everything rather than nothing
        ctx.query = OrderQuery(limit=50)
        page = await list_orders(ctx)
    return "orders.html", {"page": page, "statuses": list(OrderStatus),
                           "status": ctx.query.status, "qs": ctx.request.query_string}


@view(UserRole.MANAGER)
async def order(ctx: Ctx, staff: Staff) -> Result:
    """One order: its lines, matches and what it may become."""
    detail = await get_order(ctx)
    return "order.html", {"order": detail, "moves": MOVES.get(detail.status, ())}


@view(UserRole.MANAGER)
async def order_status(ctx: Ctx, staff: Staff) -> Result:
    """Change an order's status by hand."""
    data = await form(ctx.request)
    order_ = await ctx.get(Order, lock=True)
    target = data.get("status", "").upper()
    if target not in OrderStatus.__members__ or OrderStatus(target) not in MOVES.get(
            order_.status, ()):
        raise Conflict(f"an order {order_.status.lower()} cannot become {target.lower()}")
    await _change_status(ctx, order_, OrderStatus(target), data.get("note", "").strip())
    return back_to(f"/app/orders/{order_.id}", notice=f"Order is now {target.lower()}.")


CSV_COLUMNS = ["order_id", "created_at", "status", "requires_review", "customer",
               "channel", "lines", "total_amount", "currency", "reviewed_at"]


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@view(UserRole.MANAGER)
async def orders_csv(ctx: Ctx, staff: Staff) -> Result:
    """The filtered orders as CSV (every page of the API's list)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    ctx.query = orders_query(ctx.request, limit=100)
    while True:
        page = await list_orders(ctx)
        for o in page.items:
            who = o.customer.business_name or o.customer.contact_person_name or ""
            writer.writerow([_cell(v) for v in (
                o.id, o.created_at.isoformat(), o.status, o.requires_review, who, o.channel,
                o.line_count, o.total_amount, o.currency,
                o.reviewed_at.isoformat() if o.reviewed_at else "")])
        if page.next_cursor is None:
            break
        ctx.query = ctx.query.model_copy(update={"cursor": page.next_cursor})
    name = f"orders-{datetime.now(UTC):%Y%m%d-%H%M}.csv"
    return web.Response(text=out.getvalue(), content_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
