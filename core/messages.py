"""The channel-neutral message types every layer shares.

Channels turn provider requests into these frozen dataclasses; the agent never sees an
HTTP request and never calls a provider. Data flows one way through PostgreSQL:
webhook -> stored message -> worker -> agent -> stored reply (outbox) -> sender -> provider.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Channel(enum.StrEnum):
    """The customer-facing channel of a conversation (stored as the `channel` enum)."""

    WHATSAPP = "WHATSAPP"
    SMS = "SMS"
    EMAIL = "EMAIL"


class OutboundStatus(enum.StrEnum):
    """Delivery status of a message we sent (a subset of the stored MessageStatus)."""

    SENT = "SENT"
    DELIVERED = "DELIVERED"
    READ = "READ"
    FAILED = "FAILED"


# the stored MessageStatus of an outbound message before any callback is QUEUED (rank 0)
_STATUS_RANK = {"QUEUED": 0, OutboundStatus.SENT: 1, OutboundStatus.DELIVERED: 2,
                OutboundStatus.READ: 3}


def status_advances(current: str | None, new: str) -> bool:
    """True when `new` moves a message forward from `current` (callbacks arrive unordered)."""
    if current is None:
        return True
    if current == OutboundStatus.FAILED:
        return False
    if new == OutboundStatus.FAILED:
        # a failure can only follow "sent": Meta may skip "delivered" and jump to "read",
        # but nothing delivered or read fails afterwards
        return _STATUS_RANK.get(current, 0) <= 1
    return _STATUS_RANK.get(new, 0) > _STATUS_RANK.get(current, 0)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A media item that came with a message (kept as a provider URL, not downloaded)."""

    content_type: str
    url: str | None = None
    provider_media_id: str | None = None
    filename: str | None = None
    size_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One customer message, as any provider delivered it.

    `sender` is the customer's identity on the channel: E.164 phone for SMS/WhatsApp,
    the lower-cased address for email. `recipient` is the distributor's number or
    address (how the distributor is found). `external_id` is the provider's message id,
    the idempotency key together with `provider`.
    """

    provider: str
    channel: Channel
    external_id: str
    sender: str
    recipient: str
    text: str
    received_at: datetime | None = None
    message_type: str = "TEXT"  # TEXT, IMAGE, AUDIO, FILE, ORDER_CONTEXT
    sender_name: str | None = None
    attachments: tuple[Attachment, ...] = ()
    reply_to_external_id: str | None = None
    # email threading and other provider facts worth keeping (subject, message-id, ...)
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A delivery status for a message we sent (sent, delivered, read, failed)."""

    provider: str
    external_id: str
    status: str  # a OutboundStatus: SENT, DELIVERED, READ, FAILED
    occurred_at: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None
    # the provider's own word (Twilio "undelivered", Meta "failed"): part of the dedupe key
    raw_status: str | None = None
    # our number or phone_number_id the message went out from: finds the distributor
    recipient: str | None = None
    # our messages.id, when the provider echoes it (Twilio's callback URL, Meta's opaque data)
    message_hint: str | None = None


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A reply to send to a customer, produced by the agent or by staff."""

    channel: Channel
    recipient: str
    text: str
    message_id: str | None = None  # our messages.id, for status tracking and idempotency
    # email threading (subject, in_reply_to, references) and template data for WhatsApp
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a provider said when we sent: its message id, or a failure we may retry."""

    ok: bool
    external_id: str | None = None
    retryable: bool = False
    status_code: int | None = None
    error: str | None = None
    retry_after_s: float | None = None
    # the request may have reached the provider (timeout or disconnect after sending):
    # resending could deliver twice, so such a result is never retryable
    ambiguous: bool = False
    error_code: str | None = None  # the provider's error code (21610, 131047, 550, ...)
