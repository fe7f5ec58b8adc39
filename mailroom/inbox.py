"""Storing an inbound message durably, once: the first step of every path in.

Webhooks, `orderagent chat` and `orderagent replay` all store customer messages here,
and workers pick them up from the table. A provider's retry of the same message id is
a no-op: the `external_message_mappings` row is inserted first with ON CONFLICT DO
NOTHING, so of two concurrent copies exactly one goes on (the other waits on the unique
index, then finds it taken).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.messages import Channel, InboundMessage
from db.models import OrderAttachment
from db.notify import INBOX, notify_after_commit
from mailroom.pii import mask_for_storage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """Where a newly stored message landed."""

    message_id: uuid.UUID
    conversation_id: uuid.UUID
    customer_id: uuid.UUID


# One statement, one round trip, for a whole batch: claim each provider id (ON CONFLICT DO
# NOTHING; a retry, also one earlier in the same batch, claims nothing), then the
# customers, the conversations and the messages of the claimed ones only. Rows are
# taken in the batch's order, so concurrent batches sorted the same way lock alike.
# The ORM version of this cost ~4 ms of Python per message; this is the hot path.
_COLUMNS = {  # the batch, one array per column, in order
    "message_id": "uuid", "provider": "text", "external_id": "text", "integration_id": "uuid",
    "raw": "jsonb", "sender": "text", "sender_name": "text", "channel": "channel",
    "recipient": "text", "at": "timestamptz", "content": "text",
    "message_type": "message_type", "attachments": "jsonb", "metadata": "jsonb",
    "received": "timestamptz",
}
# metadata key of a spooled message: when our webhook took it (epoch seconds). It is the
# message's created_at, so the burst window and the claim order count from when the
# customer was answered 200, not from when the database came back (`channels/drain.py`).
SPOOLED_AT = "spooled_at"
_STORE = """
WITH batch AS (
    SELECT * FROM unnest({arrays}) WITH ORDINALITY AS b({columns}, n)
), claimed AS (
    INSERT INTO external_message_mappings
        (distributor_id, provider, external_id, message_id, integration_id, raw_metadata)
    SELECT :d, provider, external_id, message_id, integration_id, raw FROM batch ORDER BY n
    ON CONFLICT (distributor_id, provider, external_id) DO NOTHING
    RETURNING message_id
), new AS (
    SELECT batch.* FROM batch JOIN claimed USING (message_id)
), customer AS (
    -- DO UPDATE, not DO NOTHING: of two first messages from a new customer at once, the
    -- second waits for the first and gets its row (DO NOTHING would see no row at all)
    INSERT INTO customers (distributor_id, {identity}, contact_person_name)
    SELECT DISTINCT ON (sender) :d, sender, sender_name FROM new
    ORDER BY sender, sender_name IS NULL, n  -- the first name given
    ON CONFLICT (distributor_id, {identity}) DO UPDATE
        SET contact_person_name = coalesce(customers.contact_person_name,
                                           excluded.contact_person_name)
    RETURNING id, {identity} AS sender
), arrived AS (  -- per conversation: how many, the newest time, the latest address
    SELECT customer.id AS customer_id, new.sender, new.channel, count(*) AS k,
        max(new.at) AS at, (array_agg(new.recipient ORDER BY new.n DESC))[1] AS recipient
    FROM new JOIN customer USING (sender) GROUP BY customer.id, new.sender, new.channel
), conversation AS (
    INSERT INTO conversations (distributor_id, customer_id, channel, channel_address,
        last_message_at, message_count, unread_count, last_customer_message_at)
    SELECT :d, customer_id, channel, recipient, at, k, k, at FROM arrived
    ORDER BY sender, channel
    ON CONFLICT (distributor_id, customer_id, channel) DO UPDATE SET
        message_count = conversations.message_count + excluded.message_count,
        last_message_at = greatest(conversations.last_message_at, excluded.last_message_at),
        unread_count = conversations.unread_count + excluded.unread_count,
        last_customer_message_at = greatest(conversations.last_customer_message_at,
                                            excluded.last_customer_message_at),
        channel_address = coalesce(excluded.channel_address, conversations.channel_address),
        status = 'ACTIVE'
    RETURNING id, customer_id, channel, message_count
), stored AS (
    INSERT INTO messages (id, distributor_id, conversation_id, content, is_from_customer,
        message_type, status, attachments, thread_position, external_message_id,
        external_metadata, created_at)
    SELECT new.message_id, :d, conversation.id, new.content, true, new.message_type,
        'RECEIVED', new.attachments,
        conversation.message_count - count(*) OVER w + row_number() OVER (w ORDER BY new.n),
        new.external_id, new.metadata, least(coalesce(new.received, clock_timestamp()),
                                             clock_timestamp())
    FROM new JOIN customer USING (sender)
    JOIN conversation ON conversation.customer_id = customer.id
        AND conversation.channel = new.channel
    WINDOW w AS (PARTITION BY conversation.id)
    ORDER BY new.n
    RETURNING id, conversation_id
)
SELECT stored.id, stored.conversation_id, conversation.customer_id
FROM stored JOIN conversation ON conversation.id = stored.conversation_id
"""
STORE = {key: text(_STORE.format(
    identity=key, columns=", ".join(_COLUMNS),
    arrays=", ".join(f"CAST(:{c} AS {t}[])" for c, t in _COLUMNS.items())))
    for key in ("phone", "email")}


def premasked(msg: InboundMessage) -> InboundMessage:
    """The message with card numbers masked, ready for `store_inbound_many(masked=True)`.

    CPU work (the PII detector): callers on the event loop run it on a thread.
    """
    masked = mask_for_storage(msg.text)
    if not masked.cards:
        return msg
    return dataclasses.replace(msg, text=masked.text,
                               metadata={**msg.metadata, "pii_masked_cards": masked.cards})


def _row(message_id: uuid.UUID, msg: InboundMessage, integration_id: uuid.UUID | None,
         masked: bool) -> tuple[object, ...]:
    """One message's values, in `_COLUMNS` order; card numbers masked before any write."""
    if not masked:
        msg = premasked(msg)
    metadata = dict(msg.metadata)
    attachments = [
        {"content_type": a.content_type, "url": a.url, "media_id": a.provider_media_id,
         "filename": a.filename, "size_bytes": a.size_bytes}
        for a in msg.attachments
    ]
    return (message_id, msg.provider, msg.external_id, integration_id,
            json.dumps({"sender_name": msg.sender_name} if msg.sender_name else {}),
            msg.sender, msg.sender_name, str(msg.channel), msg.recipient,
            msg.received_at or datetime.now(UTC), msg.text, str(msg.message_type),
            json.dumps(attachments), json.dumps(metadata, default=str),
            datetime.fromtimestamp(float(metadata[SPOOLED_AT]), UTC)
            if SPOOLED_AT in metadata else None)


def _identity(msg: InboundMessage) -> str:
    return "email" if msg.channel == Channel.EMAIL else "phone"


async def store_inbound(session: AsyncSession, distributor_id: uuid.UUID, msg: InboundMessage,
                        *, integration_id: uuid.UUID | None = None) -> StoredMessage | None:
    """Store one customer message; None when this provider message id was stored before."""
    return (await store_inbound_many(session, distributor_id, [(msg, integration_id)]))[0]


async def store_inbound_many(
    session: AsyncSession, distributor_id: uuid.UUID,
    messages: Sequence[tuple[InboundMessage, uuid.UUID | None]], *, masked: bool = False,
) -> list[StoredMessage | None]:
    """Store customer messages in order, each with its integration id; for each, where it
    landed, or None when its provider message id was stored before (also earlier in
    `messages`: a retry that arrived in the same batch).

    Card numbers are masked before anything is written (`mailroom/pii.py`), here unless
    `masked` says each message went through `premasked` already (off the loop). Workers are
    woken once the transaction commits (`db/notify.py`), never from inside it.
    """
    ids = [uuid.uuid4() for _ in messages]
    stored: dict[uuid.UUID, StoredMessage] = {}
    # one statement per run of same-identity messages (phone or email), in the given order
    runs = groupby(zip(ids, messages, strict=True), key=lambda im: _identity(im[1][0]))
    for identity, run in runs:
        rows = [_row(mid, msg, integration, masked) for mid, (msg, integration) in run]
        arrays = {column: [row[i] for row in rows] for i, column in enumerate(_COLUMNS)}
        for mid, conversation_id, customer_id in await session.execute(
                STORE[identity], {"d": distributor_id, **arrays}):
            stored[mid] = StoredMessage(mid, conversation_id, customer_id)
    if stored:
        notify_after_commit(session, INBOX)
    for mid, (msg, _) in zip(ids, messages, strict=True):
        for a in msg.attachments if mid in stored else ():
            session.add(OrderAttachment(
                distributor_id=distributor_id, message_id=mid, content_type=a.content_type,
                size_bytes=a.size_bytes, provider_url=a.url, storage_key=a.provider_media_id))
    return [stored.get(mid) for mid in ids]
