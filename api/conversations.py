"""Conversations: the inbox, a thread, read state, suggested replies, staff replies, handback."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import exists, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import distinct_on, insert

from agent import states
from agent.suggestions import suggest
from api import pagination
from api.base import Ctx, Op, Route
from api.models import (
    ConversationOut,
    ConversationPage,
    ConversationQuery,
    CustomerOut,
    HandbackOut,
    MessageOut,
    MessagePage,
    MessagePreview,
    MessageQuery,
    ReadOut,
    StaffMessageIn,
    StaffMessageOut,
    SuggestionsOut,
)
from channels.sender import window_refusal
from core.errors import BadInput, Conflict
from db.models import (
    AIResponse,
    Conversation,
    ConversationOrderSession,
    Customer,
    ExternalMessageMapping,
    Message,
    Order,
)
from db.models.enums import AgentType, Channel, SessionEventType, SessionStatus
from mailroom.outbox import queue_reply

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_PROVIDER = "api-staff-reply"  # its keys, in external_message_mappings

PREVIEW = 160


def like(q: str) -> str:
    """An ILIKE pattern matching `q` literally anywhere."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def customer_out(c: Customer) -> CustomerOut:
    """The customer as the API shows it."""
    return CustomerOut(id=c.id, business_name=c.business_name,
                       contact_person_name=c.contact_person_name, phone=c.phone, email=c.email,
                       language=c.language)


def message_out(m: Message) -> MessageOut:
    """A message as the API shows it."""
    return MessageOut(
        id=m.id, conversation_id=m.conversation_id, thread_position=m.thread_position,
        is_from_customer=m.is_from_customer, content=m.content, message_type=m.message_type,
        status=m.status, sent_by=m.sent_by, created_at=m.created_at, read_at=m.read_at,
        attachments=m.attachments or [], order_session_id=m.order_session_id,
        ai_extracted_intent=m.ai_extracted_intent,
        ai_confidence=None if m.ai_confidence is None else float(m.ai_confidence),
        ai_extracted_products=m.ai_extracted_products or [],
        ai_suggested_responses=[{k: v for k, v in s.items() if k != "state"}
                                for s in (m.ai_suggested_responses or [])])


async def list_conversations(ctx: Ctx) -> ConversationPage:
    """The inbox, newest activity first, with unread counts and the last message."""
    q: ConversationQuery = ctx.query
    sort = func.coalesce(Conversation.last_message_at, Conversation.created_at)
    stmt = select(Conversation, Customer, sort.label("sort")).join(
        Customer, Customer.id == Conversation.customer_id)
    if q.channel is not None:
        stmt = stmt.where(Conversation.channel == q.channel)
    if q.status is not None:
        stmt = stmt.where(Conversation.status == q.status)
    if q.unread is not None:
        stmt = stmt.where((Conversation.unread_count > 0) == q.unread)
    if q.handoff is not None:
        stmt = stmt.where(Conversation.handoff_active.is_(q.handoff))
    if q.review is not None:
        needs = exists(select(Order.id).where(Order.conversation_id == Conversation.id,
                                              Order.distributor_id == ctx.tenant,
                                              Order.requires_review))
        stmt = stmt.where(needs if q.review else ~needs)
    if q.open_session is not None:
        open_ = exists(select(ConversationOrderSession.id).where(
            ConversationOrderSession.conversation_id == Conversation.id,
            ConversationOrderSession.distributor_id == ctx.tenant,
            ConversationOrderSession.status != SessionStatus.CLOSED))
        stmt = stmt.where(open_ if q.open_session else ~open_)
    if q.q:
        pattern = like(q.q)
        stmt = stmt.where(or_(
            Customer.business_name.ilike(pattern, escape="\\"),
            Customer.contact_person_name.ilike(pattern, escape="\\"),
            Customer.phone.ilike(pattern, escape="\\"),
            Customer.email.ilike(pattern, escape="\\"),
            # one set of matching threads from the trigram index: a database function, as
            # row-level security would keep ILIKE off the index (migration 0004)
            Conversation.id.in_(select(func.conversations_with_text(ctx.tenant, pattern)))))
    if q.cursor:
        key, last_id = pagination.decode(q.cursor, as_time=True)
        stmt = stmt.where(tuple_(sort, Conversation.id) < tuple_(key, last_id))
    rows = (await ctx.db.execute(stmt.order_by(sort.desc(), Conversation.id.desc())
                                 .limit(q.limit + 1))).all()
    more = len(rows) > q.limit
    rows = rows[:q.limit]
    ids = [conv.id for conv, _, _ in rows]
    last: dict = {}
    if ids:
        latest = (await ctx.db.execute(
            select(Message).where(Message.conversation_id.in_(ids))
            .ext(distinct_on(Message.conversation_id))
            .order_by(Message.conversation_id, Message.thread_position.desc()))).scalars()
        last = {m.conversation_id: m for m in latest}
    items = []
    for conv, customer, _ in rows:
        m = last.get(conv.id)
        items.append(ConversationOut(
            id=conv.id, channel=conv.channel, status=conv.status,
            customer=customer_out(customer), unread_count=conv.unread_count,
            message_count=conv.message_count, last_message_at=conv.last_message_at,
            last_message=None if m is None else MessagePreview(
                id=m.id, text=(m.content or "")[:PREVIEW], is_from_customer=m.is_from_customer,
                created_at=m.created_at),
            handoff_active=conv.handoff_active, handoff_reason=conv.handoff_reason))
    await ctx.audit("conversations", Op.SELECT, ids)
    await ctx.audit("customers", Op.SELECT, list({c.id for _, c, _ in rows}))
    await ctx.audit("messages", Op.SELECT, [m.id for m in last.values()], preview=True)
    cursor = pagination.encode(rows[-1][2], rows[-1][0].id) if more else None
    return ConversationPage(items=items, next_cursor=cursor)


async def list_messages(ctx: Ctx) -> MessagePage:
    """One thread, oldest first; `before` pages back through older messages."""
    conv = await ctx.get(Conversation)
    q: MessageQuery = ctx.query
    stmt = select(Message).where(Message.conversation_id == conv.id)
    if q.before is not None:
        stmt = stmt.where(Message.thread_position < q.before)
    rows = list((await ctx.db.execute(stmt.order_by(
        Message.thread_position.desc(), Message.created_at.desc()).limit(q.limit + 1))).scalars())
    more = len(rows) > q.limit
    rows = list(reversed(rows[:q.limit]))
    await ctx.audit("conversations", Op.SELECT, [conv.id])
    await ctx.audit("messages", Op.SELECT, [m.id for m in rows])
    return MessagePage(items=[message_out(m) for m in rows],
                       next_before=rows[0].thread_position if more and rows else None)


async def mark_read(ctx: Ctx) -> ReadOut:
    """Mark every customer message of the thread read; unread count goes to zero."""
    conv = await ctx.get(Conversation, lock=True)
    marked = list((await ctx.db.execute(
        update(Message).where(Message.conversation_id == conv.id, Message.is_from_customer,
                              Message.read_at.is_(None))
        .values(read_at=datetime.now(UTC)).returning(Message.id)
        .execution_options(synchronize_session=False))).scalars())
    conv.unread_count = 0
    await ctx.audit("conversations", Op.UPDATE, [conv.id])
    await ctx.audit("messages", Op.UPDATE, marked)
    return ReadOut(conversation_id=conv.id, unread_count=0, marked=len(marked))


async def get_suggestions(ctx: Ctx) -> SuggestionsOut:
    """Up to three suggested replies to the latest customer message, grounded in the catalog."""
    conv = await ctx.get(Conversation)
    msg, found, written = await suggest(ctx.db, conv, ctx.catalogs)
    await ctx.audit("conversations", Op.SELECT, [conv.id])
    await ctx.audit("messages", Op.SELECT, [msg.id] if msg else [])
    if written:
        await ctx.audit("ai_responses", Op.INSERT, written)
    return SuggestionsOut(conversation_id=conv.id, message_id=msg.id if msg else None,
                          suggestions=[{k: v for k, v in s.items() if k != "state"}
                                       for s in found])


def _opted_out(customer: Customer, channel: Channel) -> bool:
    if channel == Channel.SMS:
        return customer.sms_opted_out_at is not None
    if channel == Channel.WHATSAPP:
        return customer.whatsapp_opted_out_at is not None
    return False


async def _sent_before(ctx: Ctx, conv: Conversation, key: str,
                       body: StaffMessageIn) -> StaffMessageOut | None:
    """The reply an earlier request with this Idempotency-Key queued, if there was one."""
    earlier = (await ctx.db.execute(select(Message).join(
        ExternalMessageMapping, ExternalMessageMapping.message_id == Message.id).where(
        ExternalMessageMapping.provider == IDEMPOTENCY_PROVIDER,
        ExternalMessageMapping.external_id == key))).scalar_one_or_none()
    if earlier is None:
        return None
    if earlier.conversation_id != conv.id or earlier.content != body.text:
        raise Conflict(f"{IDEMPOTENCY_HEADER} already used for a different reply")
    await ctx.audit("messages", Op.SELECT, [earlier.id])
    return StaffMessageOut(id=earlier.id, conversation_id=conv.id, status=earlier.status,
                           thread_position=earlier.thread_position, sent_by="staff",
                           suggestion_used=body.suggestion_id is not None)


async def send_message(ctx: Ctx) -> StaffMessageOut:
    """Queue a staff reply on the conversation's channel (the sender delivers it)."""
    conv = await ctx.get(Conversation, lock=True)
    body: StaffMessageIn = ctx.body
    key = ctx.request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > 255 or not (key.isascii() and key.isprintable()):
        raise BadInput(f"{IDEMPOTENCY_HEADER}: at most 255 visible ASCII characters")
    # the conversation is locked: a concurrent retry waits here, then finds this reply
    if key and (earlier := await _sent_before(ctx, conv, key, body)) is not None:
        return earlier
    customer = await ctx.db.get(Customer, conv.customer_id)
    if customer is not None and _opted_out(customer, conv.channel):
        raise Conflict("the customer opted out of this channel; nothing can be sent until START")
    refused = await window_refusal(ctx.db, conv)
    if refused is not None:
        raise Conflict(refused)
    used = None
    if body.suggestion_id is not None:
        used = (await ctx.db.execute(select(AIResponse).join(
            Message, Message.id == AIResponse.message_id).where(
            AIResponse.id == body.suggestion_id,
            AIResponse.agent_type == AgentType.REPLY_SUGGESTION,
            Message.conversation_id == conv.id))).scalar_one_or_none()
        if used is None:
            raise BadInput("body: suggestion_id: no such suggestion in this conversation")
        used.was_used = True
        used.extracted_data = {**(used.extracted_data or {}),
                               "edited": body.text != (used.response_content or "")}
    session_id = (await ctx.db.execute(select(ConversationOrderSession.id).where(
        ConversationOrderSession.conversation_id == conv.id,
        ConversationOrderSession.status != SessionStatus.CLOSED))).scalar_one_or_none()
    message_id = await queue_reply(ctx.db, conv, body.text, session_id=session_id,
                                   sent_by="staff")
    await ctx.db.flush()
    if key:
        claimed = (await ctx.db.execute(insert(ExternalMessageMapping).values(
            distributor_id=ctx.tenant, provider=IDEMPOTENCY_PROVIDER, external_id=key,
            message_id=message_id).on_conflict_do_nothing(
            index_elements=["distributor_id", "provider", "external_id"])
            .returning(ExternalMessageMapping.id))).scalar_one_or_none()
        if claimed is None:  # taken meanwhile by a request on another conversation
            raise Conflict(f"{IDEMPOTENCY_HEADER} already used for a different reply")
    await ctx.audit("messages", Op.INSERT, [message_id])
    if used is not None:
        await ctx.audit("ai_responses", Op.UPDATE, [used.id])
    return StaffMessageOut(id=message_id, conversation_id=conv.id, status="QUEUED",
                           thread_position=conv.message_count, sent_by="staff",
                           suggestion_used=used is not None)


async def handback(ctx: Ctx) -> HandbackOut:
    """End a human handoff: the agent answers the customer's next message again."""
    conv = await ctx.get(Conversation, lock=True)
    ended = conv.handoff_active
    if ended:
        conv.handoff_active = False
        session = (await ctx.db.execute(select(ConversationOrderSession).where(
            ConversationOrderSession.conversation_id == conv.id)
            .order_by(ConversationOrderSession.created_at.desc()).limit(1))).scalar_one_or_none()
        if session is not None:
            ctx.db.add(states.event(session, SessionEventType.HANDOFF_ENDED,
                                    {"by": ctx.caller.actor}, by="staff"))
        await ctx.audit("conversations", Op.UPDATE, [conv.id], handoff="ended")
    else:
        await ctx.audit("conversations", Op.SELECT, [conv.id])
    return HandbackOut(conversation_id=conv.id, handoff_active=False, ended=ended)


ERR = (400, 401, 404)
ROUTES = [
    Route("GET", "/api/conversations", list_conversations, "List conversations",
          "conversations", ConversationPage, query=ConversationQuery, errors=(400, 401),
          description="Newest activity first. Keyset pagination: pass `next_cursor` back as "
                      "`cursor`."),
    Route("GET", "/api/conversations/{id}/messages", list_messages, "A conversation's thread",
          "conversations", MessagePage, query=MessageQuery, errors=ERR),
    Route("POST", "/api/conversations/{id}/read", mark_read, "Mark a conversation read",
          "conversations", ReadOut, errors=(401, 404)),
    Route("GET", "/api/conversations/{id}/suggestions", get_suggestions,
          "Suggested replies to the latest customer message", "conversations", SuggestionsOut,
          errors=(401, 404),
          description="Up to three replies built from the order session and the catalog "
                      "(answer, clarifying question, order summary). Every product, price and "
                      "stock state they name comes from the catalog. Stored on the message; "
                      "rebuilt when the session or the catalog changes."),
    Route("POST", "/api/conversations/{id}/messages", send_message, "Send a staff reply",
          "conversations", StaffMessageOut, status=201, body=StaffMessageIn,
          errors=(400, 401, 404, 409),
          description="Queued in the outbox and sent through the conversation's channel. "
                      "With `suggestion_id`, that suggestion is recorded as used. With an "
                      "`Idempotency-Key` header, a retry of the same request returns the "
                      "reply queued the first time and sends nothing more (409 if the key "
                      "was used for a different reply)."),
    Route("POST", "/api/conversations/{id}/handback", handback, "End a human handoff",
          "conversations", HandbackOut, errors=(401, 404)),
]
