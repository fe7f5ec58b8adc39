"""The adapter interface every provider module satisfies, and the helpers they share.

The messages adapters produce and consume are channel-neutral (`core.messages`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from core.errors import BadInput, Unavailable
from core.messages import InboundMessage, OutboundMessage, SendResult, StatusUpdate


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


@dataclass(frozen=True, slots=True)
class ParsedWebhook:
    """Everything one webhook request carried."""

    messages: tuple[InboundMessage, ...] = ()
    statuses: tuple[StatusUpdate, ...] = ()


@runtime_checkable
class ChannelAdapter(Protocol):
    """One provider: verify a request, parse it, send a message."""

    name: str

    def verify(self, *, url: str, headers: Mapping[str, str], body: bytes,
               credentials: Mapping[str, str]) -> bool:
        """True when the request is authentic for these credentials (fail closed)."""
        ...

    def parse(self, *, headers: Mapping[str, str], body: bytes) -> ParsedWebhook:
        """Parse a verified request; raise `MalformedWebhook` if it is not the provider's shape."""
        ...

    async def send(self, message: OutboundMessage, *, config: Mapping[str, Any],
                   credentials: Mapping[str, str]) -> SendResult:
        """Send one message through the provider's API."""
        ...
