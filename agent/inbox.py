"""Storing an inbound message durably, once: the first step of every path in.

Webhooks, `orderagent chat` and `orderagent replay` all store customer messages here,
and workers pick them up from the table. A provider's retry of the same message id is
a no-op: the `external_message_mappings` row is inserted first with ON CONFLICT DO
NOTHING, so of two concurrent copies exactly one goes on (the other waits on the unique
index, then finds it taken).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agent.pii import mask_for_storage
from channels.base import Channel, InboundMessage
from db.models import (
    Conversation,
    Customer,
    ExternalMessageMapping,
    Message,
    OrderAttachment,
)
from db.models.enums import MessageStatus, MessageType

INBOX_CHANNEL = "orderagent_inbox"  # NOTIFY channel that wakes workers


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """Where a newly stored message landed."""

    message_id: uuid.UUID
    conversation_id: uuid.UUID
    customer_id: uuid.UUID


async def find_or_create_customer(session: AsyncSession, distributor_id: uuid.UUID,
                                  channel: Channel, identity: str,
                                  name: str | None = None) -> uuid.UUID:
    """The customer with this phone (SMS/WhatsApp) or email; a new PENDING one if unknown."""
    key = "email" if channel == Channel.EMAIL else "phone"
    values = {"distributor_id": distributor_id, key: identity,
              "contact_person_name": name}
    stmt = insert(Customer).values(**values).on_conflict_do_nothing(
        index_elements=["distributor_id", key]).returning(Customer.id)
    created = (await session.execute(stmt)).scalar_one_or_none()
    if created is not None:
        return created
    column = Customer.email if key == "email" else Customer.phone
    return (await session.execute(select(Customer.id).where(
        Customer.distributor_id == distributor_id, column == identity))).scalar_one()


async def open_conversation(session: AsyncSession, distributor_id: uuid.UUID,
                            customer_id: uuid.UUID, channel: Channel, *,
                            channel_address: str | None, at: datetime,
                            from_customer: bool) -> tuple[uuid.UUID, int]:
    """Upsert the (distributor, customer, channel) conversation; returns id and position."""
    stmt = insert(Conversation).values(
        distributor_id=distributor_id, customer_id=customer_id, channel=channel,
        channel_address=channel_address, last_message_at=at, message_count=1,
        unread_count=1 if from_customer else 0,
        last_customer_message_at=at if from_customer else None,
    )
    excluded = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["distributor_id", "customer_id", "channel"],
        set_={
            "message_count": Conversation.message_count + 1,
            "last_message_at": func.greatest(Conversation.last_message_at,
                                             excluded.last_message_at),
            "unread_count": Conversation.unread_count + excluded.unread_count,
            "last_customer_message_at": func.coalesce(excluded.last_customer_message_at,
                                                      Conversation.last_customer_message_at),
            "channel_address": func.coalesce(excluded.channel_address,
                                             Conversation.channel_address),
            "status": "ACTIVE",
        },
    ).returning(Conversation.id, Conversation.message_count)
    row = (await session.execute(stmt)).one()
    return row[0], row[1]


async def store_inbound(session: AsyncSession, distributor_id: uuid.UUID, msg: InboundMessage,
                        *, integration_id: uuid.UUID | None = None) -> StoredMessage | None:
    """Store one customer message; None when this provider message id was stored before.

    Card numbers are masked before anything is written (`agent/pii.py`).
    """
    message_id = uuid.uuid4()
    claimed = (await session.execute(
        insert(ExternalMessageMapping).values(
            distributor_id=distributor_id, provider=msg.provider, external_id=msg.external_id,
            message_id=message_id, integration_id=integration_id,
            raw_metadata={"sender_name": msg.sender_name} if msg.sender_name else {},
        ).on_conflict_do_nothing(index_elements=["distributor_id", "provider", "external_id"])
        .returning(ExternalMessageMapping.id)
    )).scalar_one_or_none()
    if claimed is None:
        return None
    at = msg.received_at or datetime.now(UTC)
    customer_id = await find_or_create_customer(session, distributor_id, msg.channel, msg.sender,
                                                msg.sender_name)
    conversation_id, position = await open_conversation(
        session, distributor_id, customer_id, msg.channel, channel_address=msg.recipient, at=at,
        from_customer=True)
    attachments = [
        {"content_type": a.content_type, "url": a.url, "media_id": a.provider_media_id,
         "filename": a.filename, "size_bytes": a.size_bytes}
        for a in msg.attachments
    ]
    masked = mask_for_storage(msg.text)
    metadata = dict(msg.metadata)
    if masked.cards:
        metadata["pii_masked_cards"] = masked.cards
    session.add(Message(
        id=message_id, distributor_id=distributor_id, conversation_id=conversation_id,
        content=masked.text, is_from_customer=True,
        message_type=MessageType(msg.message_type), status=MessageStatus.RECEIVED,
        attachments=attachments, thread_position=position, external_message_id=msg.external_id,
        external_metadata=metadata, created_at=func.clock_timestamp(),
    ))
    for a in msg.attachments:
        session.add(OrderAttachment(
            distributor_id=distributor_id, message_id=message_id, content_type=a.content_type,
            size_bytes=a.size_bytes, provider_url=a.url, storage_key=a.provider_media_id))
    await session.flush()
    # delivered to listening workers when this transaction commits
    await session.execute(text("SELECT pg_notify(:c, :p)"),
                          {"c": INBOX_CHANNEL, "p": str(conversation_id)})
    return StoredMessage(message_id=message_id, conversation_id=conversation_id,
                         customer_id=customer_id)
