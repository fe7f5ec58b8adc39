"""The inbox and a thread: the API's conversation functions, rendered for the desk."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy import select

from agent import states
from api.base import Ctx, Op
from api.conversations import (
    get_suggestions,
    handback,
    list_conversations,
    list_messages,
    mark_read,
    send_message,
)
from api.models import ConversationQuery, MessageQuery, StaffMessageIn
from console.auth import Staff
from console.views import Result, back_to, form, view
from core.errors import OrderAgentError
from db.models import (
    Conversation,
    ConversationOrderSession,
    Customer,
    Distributor,
    Message,
    OrderSessionItem,
)
from db.models.enums import Channel, SessionEventType, SessionItemStatus

FILTERS = ("review", "handoff", "open_session", "unread")


def inbox_query(request: web.Request) -> ConversationQuery:
    """The inbox's filters from the query string (unknown or bad values are ignored)."""
    values: dict[str, object] = {"limit": 50}
    for name in FILTERS:
        if request.query.get(name) == "1":
            values[name] = True
    channel = request.query.get("channel", "").upper()
    if channel in Channel.__members__:
        values["channel"] = channel
    q = request.query.get("q", "").strip()[:200].replace("\x00", "")
    if q:
        values["q"] = q
    cursor = request.query.get("cursor", "")[:300]
    if cursor:
        values["cursor"] = cursor
    try:
        return ConversationQuery.model_validate(values)
    except ValidationError:
        return ConversationQuery(limit=50)


async def _inbox_values(ctx: Ctx) -> dict:
    ctx.query = inbox_query(ctx.request)
    page = await list_conversations(ctx)
    return {"page": page, "query": ctx.query, "channels": list(Channel),
            "qs": ctx.request.query_string}


@view()
async def inbox(ctx: Ctx, staff: Staff) -> Result:
    """Conversations, newest first, with filters and search; the list refreshes itself."""
    return "inbox.html", await _inbox_values(ctx)


@view()
async def inbox_list(ctx: Ctx, staff: Staff) -> Result:
    """The inbox's list alone (polled every 2 s)."""
    return "_inbox_list.html", await _inbox_values(ctx)


async def _session(ctx: Ctx, conv: Conversation) -> dict | None:
    """The thread's latest order session with its lines and total."""
    sess = (await ctx.db.execute(select(ConversationOrderSession).where(
        ConversationOrderSession.conversation_id == conv.id)
        .order_by(ConversationOrderSession.created_at.desc()).limit(1))).scalar_one_or_none()
    if sess is None:
        return None
    items = list((await ctx.db.execute(select(OrderSessionItem).where(
        OrderSessionItem.order_session_id == sess.id,
        OrderSessionItem.status != SessionItemStatus.REMOVED)
        .order_by(OrderSessionItem.added_at, OrderSessionItem.id))).scalars())
    total = sum((Decimal(i.quantity) * Decimal(i.unit_price) for i in items
                 if i.unit_price is not None), Decimal(0))
    await ctx.audit("conversation_order_sessions", Op.SELECT, [sess.id])
    return {"session": sess, "items": items, "total": total.quantize(Decimal("0.01"))}


async def _thread_messages(ctx: Ctx) -> dict:
    ctx.query = MessageQuery(limit=100)
    page = await list_messages(ctx)
    failed = [m.id for m in page.items if m.status == "FAILED"]
    why = {}
    if failed:
        why = dict((await ctx.db.execute(select(Message.id, Message.last_error).where(
            Message.id.in_(failed)))).all())
    return {"messages": page.items, "why": why}


@view()
async def thread(ctx: Ctx, staff: Staff) -> Result:
    """Messages both ways with delivery status, the order session, suggested replies."""
    conv = await ctx.get(Conversation)
    customer = await ctx.db.get(Customer, conv.customer_id)
    dist = await ctx.db.get(Distributor, ctx.tenant)
    await mark_read(ctx)
    values = await _thread_messages(ctx)
    suggestions = await get_suggestions(ctx)
    await ctx.audit("customers", Op.SELECT, [customer.id])
    return "thread.html", {**values, "conv": conv, "customer": customer,
                           "currency": dist.currency, "session": await _session(ctx, conv),
                           "threshold": dist.ai_confidence_threshold,
                           "suggestions": suggestions.suggestions,
                           "draft": ctx.request.query.get("draft", "")[:4096]}


@view()
async def thread_messages(ctx: Ctx, staff: Staff) -> Result:
    """The thread's messages alone (polled every 2 s)."""
    conv = await ctx.get(Conversation)
    return "_messages.html", {**await _thread_messages(ctx), "conv": conv}


def _path(ctx: Ctx) -> str:
    return f"/app/c/{ctx.request.match_info['id']}"


@view()
async def reply(ctx: Ctx, staff: Staff) -> Result:
    """Queue a staff reply (the API's own send: opt-outs and the 24-hour window refuse)."""
    data = await form(ctx.request)
    text = data.get("text", "").strip()
    suggestion = data.get("suggestion_id", "")
    try:
        ctx.body = StaffMessageIn(text=text, suggestion_id=uuid.UUID(suggestion)
                                  if suggestion else None)
    except (ValidationError, ValueError):
        return back_to(_path(ctx), error="Write a reply of 1 to 4096 characters.")
    try:
        async with ctx.db.begin_nested():  # a refusal must not undo the audit of trying
            await send_message(ctx)
    except OrderAgentError as exc:
        if exc.status == 404:
            raise
        await ctx.audit("messages", Op.INSERT, [], refused=str(exc)[:200])
        return back_to(_path(ctx), error=f"Not sent: {exc}", draft=text)
    return back_to(_path(ctx), notice="Reply queued.")


@view()
async def takeover(ctx: Ctx, staff: Staff) -> Result:
    """Staff take the thread: the agent stops answering until it is handed back."""
    conv = await ctx.get(Conversation, lock=True)
    if not conv.handoff_active:
        conv.handoff_active, conv.handoff_reason = True, f"taken over by {staff.name}"[:200]
        conv.handoff_at = datetime.now(UTC)
        sess = (await ctx.db.execute(select(ConversationOrderSession).where(
            ConversationOrderSession.conversation_id == conv.id)
            .order_by(ConversationOrderSession.created_at.desc()).limit(1))
        ).scalar_one_or_none()
        if sess is not None:
            ctx.db.add(states.event(sess, SessionEventType.HANDOFF_STARTED,
                                    {"by": ctx.caller.actor, "reason": "staff"}, by="staff"))
        await ctx.audit("conversations", Op.UPDATE, [conv.id], handoff="started")
    return back_to(_path(ctx), notice="You have the conversation; the agent is paused.")


@view()
async def hand_back(ctx: Ctx, staff: Staff) -> Result:
    """Give the thread back to the agent (the API's handback)."""
    await handback(ctx)
    return back_to(_path(ctx), notice="Handed back to the agent.")


