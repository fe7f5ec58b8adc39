"""The outbox: a reply stored as QUEUED is what the channel senders send.

Agent, staff replies and consent notices all queue through `queue_reply`, in the
transaction that decided to answer; the senders are woken after it commits.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from core import logs
from db.models import Conversation, Message
from db.models.enums import MessageStatus
from db.notify import OUTBOX, notify_after_commit
from mailroom.events import EventType, enqueue_event


async def queue_reply(db: AsyncSession, conv: Conversation, text: str, *,
                      session_id: uuid.UUID | None = None, sent_by: str = "agent") -> uuid.UUID:
    """Store a reply in the outbox (status QUEUED); the channel's sender sends it."""
    conv.message_count += 1
    reply = Message(id=uuid.uuid4(), distributor_id=conv.distributor_id,
                    conversation_id=conv.id, content=text, is_from_customer=False,
                    status=MessageStatus.QUEUED, thread_position=conv.message_count,
                    order_session_id=session_id, sent_by=sent_by,
                    next_attempt_at=func.now(), created_at=func.clock_timestamp(),
                    external_metadata=logs.trace_metadata())
    db.add(reply)
    conv.last_message_at = datetime.now(UTC)
    await message_created(db, conv, reply.id, sent_by=sent_by)
    notify_after_commit(db, OUTBOX)  # the senders pick it up as soon as it is committed
    return reply.id


async def message_created(db: AsyncSession, conv: Conversation, message_id: uuid.UUID, *,
                          sent_by: str | None) -> None:
    """Queue the `message.created` webhook event, in the transaction that made the message."""
    await enqueue_event(db, conv.distributor_id, EventType.MESSAGE_CREATED, {
        "message_id": str(message_id), "conversation_id": str(conv.id),
        "channel": str(conv.channel), "is_from_customer": sent_by is None, "sent_by": sent_by})
