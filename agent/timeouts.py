"""Inactive sessions: a reminder at half the timeout, then closed as TIMEOUT."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from agent import replies, states
from agent.orders import line_total
from db.engine import Database
from db.models import (
    Conversation,
    ConversationOrderSession,
    Customer,
    Distributor,
    Message,
    OrderSessionItem,
)
from db.models.enums import SessionEventType, SessionItemStatus, SessionOutcome, SessionStatus
from db.tenant import ALL
from mailroom.outbox import queue_reply

log = logging.getLogger(__name__)


def _due(now: datetime, *where: ColumnElement[bool]) -> Select[Any]:
    """Open sessions due for their reminder (half the timeout idle) or their close."""
    idle_s = ConversationOrderSession.auto_close_timeout_minutes * 60
    since = ConversationOrderSession.last_activity_at
    return (
        select(ConversationOrderSession, Conversation)
        .join(Conversation, Conversation.id == ConversationOrderSession.conversation_id)
        .where(ConversationOrderSession.status != SessionStatus.CLOSED, since.is_not(None),
               or_(since + func.make_interval(0, 0, 0, 0, 0, 0, idle_s) <= now,
                   and_(since + func.make_interval(0, 0, 0, 0, 0, 0, idle_s / 2) <= now,
                        ConversationOrderSession.reminder_sent_at.is_(None),
                        Conversation.handoff_active.is_(False))),
               # a customer message still waiting (e.g. in the burst window) is
               # activity: the worker will answer it, not the sweep
               # (a named column, not `SELECT *`: the system role may not read a
               # message's text, and * would ask for it)
               ~select(Message.id).where(Message.conversation_id == Conversation.id,
                                         Message.is_from_customer,
                                         Message.ai_processed.is_(False)).exists(),
               *where))


async def sweep_timeouts(db: Database, now: datetime, *, limit: int = 50) -> int:
    """Remind or time out idle open sessions; returns how many were touched.

    Sessions are found across distributors, read only; each is then locked, decided on
    and written in a transaction scoped to its own distributor.
    """
    async with db.transaction(tenant=ALL) as session:
        found = (await session.execute(_due(now).with_only_columns(
            ConversationOrderSession.id, ConversationOrderSession.distributor_id)
            .order_by(ConversationOrderSession.last_activity_at).limit(limit))).all()
    touched = 0
    for session_id, tenant in found:
        async with db.transaction(tenant=tenant) as session:
            row = (await session.execute(
                _due(now, ConversationOrderSession.id == session_id)
                # both rows locked, skipping a conversation a worker is processing now;
                # populate_existing: decide on the rows as they are once locked
                .with_for_update(of=(ConversationOrderSession, Conversation), skip_locked=True)
                .execution_options(populate_existing=True))).first()
            if row is None:  # closed, answered or being processed since it was found
                continue
            sess, conv = row
            idle = now - sess.last_activity_at
            timeout = timedelta(minutes=sess.auto_close_timeout_minutes)
            if idle >= timeout:
                await _close(session, sess, conv, now)
                touched += 1
            elif idle >= timeout / 2 and sess.reminder_sent_at is None \
                    and not conv.handoff_active:
                await _remind(session, sess, conv, now)
                touched += 1
    return touched


async def _lang_currency(session, conv: Conversation) -> tuple[str, str]:
    customer = await session.get(Customer, conv.customer_id)
    dist = await session.get(Distributor, conv.distributor_id)
    return customer.language or dist.locale, dist.currency


async def _remind(session, sess: ConversationOrderSession, conv: Conversation,
                  now: datetime) -> None:
    items = (await session.execute(select(OrderSessionItem).where(
        OrderSessionItem.order_session_id == sess.id,
        OrderSessionItem.status != SessionItemStatus.REMOVED))).scalars().all()
    lang, currency = await _lang_currency(session, conv)
    total = sum((line_total(i) or Decimal(0) for i in items), Decimal(0))
    text, _ = replies.render("reminder", lang, count=len(items),
                             total=replies.money(total, currency))
    sess.reminder_sent_at = now
    session.add(states.event(sess, SessionEventType.REMINDER_SENT, {"idle_minutes": int(
        (now - sess.last_activity_at).total_seconds() // 60)}, by="system"))
    if items:
        await queue_reply(session, conv, text, session_id=sess.id, sent_by="system")


async def _close(session, sess: ConversationOrderSession, conv: Conversation,
                 now: datetime) -> None:
    lang, _ = await _lang_currency(session, conv)
    for ev in states.close(sess, SessionOutcome.TIMEOUT, reason="no reply from customer",
                           by="system", now=now):
        session.add(ev)
    has_items = (await session.execute(select(OrderSessionItem.id).where(
        OrderSessionItem.order_session_id == sess.id,
        OrderSessionItem.status != SessionItemStatus.REMOVED).limit(1))).first()
    if has_items and not conv.handoff_active:
        text, _ = replies.render("timeout", lang)
        await queue_reply(session, conv, text, session_id=sess.id, sent_by="system")
    log.info("session %s timed out", sess.id)
