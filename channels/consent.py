"""SMS/WhatsApp consent: STOP opts a customer out, START opts back in, HELP is answered.

Runs inside the webhook's store transaction, right after the message is stored, so the
opt-out and the message commit together. A consent keyword is stored like any message
(staff see it in the thread) but marked processed, so the agent never answers it; only
"YES" also goes to the agent, since it confirms an order too (channels.md §4).

Who confirms: Twilio answers STOP/START/HELP itself on long codes and toll-free numbers
(default handling, and Advanced Opt-Out, which says so with `OptOutType`), so on SMS we
add nothing unless the integration says `"keyword_replies": "ours"` (short codes).
WhatsApp has no carrier keywords: there we answer HELP and START. A STOP is never
confirmed by us, since nothing is ever sent to an opted-out customer.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from channels.twilio import HELP_KEYWORDS
from core.messages import Channel, InboundMessage
from db.models import Conversation, Customer, Distributor, Message
from mailroom.inbox import StoredMessage
from mailroom.outbox import queue_reply

log = logging.getLogger(__name__)

STOP, START, HELP = "STOP", "START", "HELP"
# on WhatsApp only unambiguous words count: "cancel" or "end" in an order chat is about
# the order, and no carrier enforces anything there
WHATSAPP_OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "OPTOUT"})
WHATSAPP_OPT_IN = frozenset({"START", "UNSTOP"})


@dataclass(frozen=True, slots=True)
class ConsentAction:
    """What a consent keyword asks for, and what we do about it."""

    kind: str  # STOP, START or HELP
    method: str  # how it was given, stored in customers.opt_out_method
    to_agent: bool  # the agent sees it too ("YES" also confirms an order)
    reply: bool  # we answer it (nobody else did)


def consent_action(msg: InboundMessage, config: Mapping[str, Any]) -> ConsentAction | None:
    """The consent keyword in an SMS/WhatsApp message, or None."""
    if msg.channel is Channel.EMAIL:
        return None
    word = msg.text.strip().upper()
    kind = msg.metadata.get("consent")
    source = str(msg.metadata.get("consent_source") or "keyword")
    if kind is None and msg.channel is Channel.WHATSAPP:
        kind = (STOP if word in WHATSAPP_OPT_OUT else START if word in WHATSAPP_OPT_IN
                else HELP if word in HELP_KEYWORDS else None)
    if kind not in (STOP, START, HELP):
        return None
    if source == "provider":
        answered_elsewhere = True  # Twilio Advanced Opt-Out already sent its confirmation
    elif msg.channel is Channel.SMS:
        answered_elsewhere = config.get("keyword_replies") != "ours"
    else:
        answered_elsewhere = False
    method = f"{msg.channel.lower()}_{source}:{word[:20] or kind}"
    return ConsentAction(kind=kind, method=method[:64], to_agent=word == "YES",
                         reply=kind in (START, HELP) and not answered_elsewhere)


def _opt_out_column(channel: Channel) -> Any:
    return Customer.whatsapp_opted_out_at if channel is Channel.WHATSAPP \
        else Customer.sms_opted_out_at


async def set_opted_out(session: AsyncSession, customer_id: uuid.UUID, channel: Channel,
                        method: str) -> None:
    """Record an opt-out on this channel (the first one's time is kept)."""
    column = _opt_out_column(channel)
    await session.execute(update(Customer).where(Customer.id == customer_id).values(
        {column: func.coalesce(column, func.now()), Customer.opt_out_method: method[:64]}))


async def clear_opted_out(session: AsyncSession, customer_id: uuid.UUID,
                          channel: Channel) -> None:
    """Opt back in on this channel; the method goes once no channel is opted out."""
    column = _opt_out_column(channel)
    other = Customer.sms_opted_out_at if channel is Channel.WHATSAPP \
        else Customer.whatsapp_opted_out_at
    await session.execute(update(Customer).where(Customer.id == customer_id).values({
        column: None,
        Customer.opt_out_method: case((other.is_(None), None), else_=Customer.opt_out_method),
    }))


async def mark_handled(session: AsyncSession, message_id: uuid.UUID, intent: str) -> None:
    """Mark a stored message processed, so no worker runs the agent on it."""
    await session.execute(update(Message).where(Message.id == message_id).values(
        ai_processed=True, ai_processed_at=func.clock_timestamp(),
        ai_extracted_intent=intent[:32]))


async def queue_notice(session: AsyncSession, distributor_id: uuid.UUID,
                       conversation_id: uuid.UUID, content: str,
                       sent_by: str = "consent") -> uuid.UUID:
    """Put a notice in the outbox of a conversation, the way every reply is queued."""
    conversation = (await session.execute(select(Conversation).where(
        Conversation.id == conversation_id, Conversation.distributor_id == distributor_id))
    ).scalar_one()
    return await queue_reply(session, conversation, content, sent_by=sent_by)


async def _notice_text(session: AsyncSession, distributor_id: uuid.UUID, kind: str) -> str:
    dist = (await session.execute(select(Distributor).where(
        Distributor.id == distributor_id))).scalar_one()
    name = dist.business_name
    if kind == START:
        return f"{name}: you will get our messages again. Reply HELP for help, STOP to opt out."
    contact = " or ".join(c for c in (dist.contact_phone, dist.contact_email) if c)
    reach = f" Questions: {contact}." if contact else ""
    return (f"{name}: send your order here as a message and we will confirm it.{reach} "
            "Reply STOP to opt out.")


async def apply_consent(session: AsyncSession, distributor_id: uuid.UUID,
                        stored: StoredMessage, msg: InboundMessage,
                        action: ConsentAction) -> None:
    """Apply a consent keyword to the customer, in the transaction that stored it."""
    if action.kind == STOP:
        await set_opted_out(session, stored.customer_id, msg.channel, action.method)
    elif action.kind == START:
        await clear_opted_out(session, stored.customer_id, msg.channel)
    if not action.to_agent:
        await mark_handled(session, stored.message_id, f"CONSENT_{action.kind}")
    if action.reply:
        notice = await _notice_text(session, distributor_id, action.kind)
        await queue_notice(session, distributor_id, stored.conversation_id, notice)
    log.info("consent %s for customer %s (message %s)", action.kind, stored.customer_id,
             stored.message_id)
