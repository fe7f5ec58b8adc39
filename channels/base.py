"""The adapter interface every provider module satisfies, and the helpers they share.

The messages adapters produce and consume are channel-neutral (`core.messages`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from core.errors import BadInput, Unavailable
from core.messages import Channel, InboundMessage, OutboundMessage, SendResult, StatusUpdate


class MalformedWebhook(BadInput):
    """The request body is not in the provider's shape (answered 400, never 500)."""


class ChannelNotConfigured(Unavailable):
    """A secret or setting the channel needs is missing from the integration.

    Answered 503 so the provider keeps retrying until an operator fixes the integration:
    a missing secret must never mean "accept unsigned" nor "drop the message".
    """


def message_type_for(content_type: str) -> str:
    """The stored `message_type` for a media item of this MIME type."""
    major = content_type.split("/", 1)[0].strip().lower()
    if major == "image":
        return "IMAGE"
    if major == "audio":
        return "AUDIO"
    return "FILE"


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A request header by case-insensitive name (aiohttp's are; a plain dict is not)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, candidate in headers.items():
        if key.lower() == lowered:
            return candidate
    return None


# WhatsApp: free-form replies only within 24 h of the customer's last message
CUSTOMER_WINDOW = timedelta(hours=24)


def within_customer_window(last_inbound_at: datetime | None, now: datetime,
                           margin: timedelta = timedelta(minutes=1)) -> bool:
    """True while a free-form reply is allowed: under 24 h since the customer last wrote.

    `margin` keeps a reply queued in the last minute from landing after the window closed
    (Meta would fail it with 131047); the caller sends a template instead.
    """
    if last_inbound_at is None:
        return False
    return now - last_inbound_at < CUSTOMER_WINDOW - margin


@dataclass(frozen=True, slots=True)
class ParsedWebhook:
    """Everything one webhook request carried."""

    messages: tuple[InboundMessage, ...] = ()
    statuses: tuple[StatusUpdate, ...] = ()


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """What a provider expects as the body of a 200 (Twilio: empty TwiML, others: "OK")."""

    body: str = "OK"
    content_type: str = "text/plain"


@dataclass(frozen=True, slots=True)
class Thread:
    """What the sender knows of a conversation when it prepares a send."""

    message_id: str
    public_url: str
    automated: bool  # written by the agent or the system, not by a person
    last_customer_message_at: datetime | None
    now: datetime
    subject: str | None = None
    # the customer's latest inbound message's metadata (email threading headers)
    latest_inbound: Mapping[str, Any] = field(default_factory=dict)


class SendRefused(Exception):
    """The provider's rules forbid this send now (e.g. WhatsApp's closed 24 h window)."""


@runtime_checkable
class ChannelAdapter(Protocol):
    """One provider: its inbound webhook (verify, parse, answer) and its outbound send.

    Everything the generic webhook route and the sender need to know of a provider is
    here, so neither branches on a provider's name.
    """

    name: str
    inbound: bool  # has a webhook (the `smtp` provider only sends)
    batched: bool  # one request may carry several of our numbers (Meta): skip, don't refuse
    sends_on: frozenset[Channel]
    preference: int  # lower is chosen first among a channel's active integrations
    opt_out_codes: frozenset[str]  # send error codes meaning the customer opted out
    acknowledgement: Acknowledgement
    refusal_status: int  # 403; Postmark 401 (it stops retrying at once on 403)

    def carries_signature(self, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
        """True when the request carries a signature or secret at all (checked before parsing)."""
        ...

    def verify(self, *, url: str, headers: Mapping[str, str], body: bytes,
               credentials: Mapping[str, str]) -> bool:
        """True when the request is authentic for these credentials (fail closed)."""
        ...

    def parse(self, *, headers: Mapping[str, str], body: bytes,
              query: Mapping[str, str] | None = None) -> ParsedWebhook:
        """Parse a request; raise `MalformedWebhook` if it is not the provider's shape.

        Every message's `recipient` and every status's `recipient` is our number or
        address: the key that finds the distributor.
        """
        ...

    def can_send(self, config: Mapping[str, Any]) -> bool:
        """True when an integration with this config can send."""
        ...

    def prepare(self, message: OutboundMessage, *, config: Mapping[str, Any],
                thread: Thread) -> tuple[OutboundMessage, Mapping[str, Any]]:
        """The message and config as this provider sends them; `SendRefused` if it may not."""
        ...

    async def send(self, message: OutboundMessage, *, config: Mapping[str, Any],
                   credentials: Mapping[str, str]) -> SendResult:
        """Send one message through the provider's API."""
        ...
