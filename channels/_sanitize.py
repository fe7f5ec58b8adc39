"""Making parsed webhook data storable: PostgreSQL refuses some strings a parser accepts.

A NUL character (text and JSONB reject it), a lone UTF-16 surrogate from a JSON escape
(no UTF-8 form) or a value longer than its column would turn a provider's odd but
well-formed request into a database error, a 500 and endless redelivery. Strings are
repaired (NUL dropped, surrogates replaced); ids and addresses too long for their
columns make the message unstorable, which the route answers 400 or skips.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from core.messages import Attachment, Channel, InboundMessage, StatusUpdate

# column sizes: external ids 255, customers.phone 32, customers.email 320, names 255
MAX_EXTERNAL_ID = 255
MAX_PHONE = 32
MAX_ADDRESS = 320
MAX_NAME = 255
_INT32 = 2**31 - 1


def clean_text(value: str) -> str:
    """The string without NUL and with lone surrogates replaced."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def clean_value(value: Any) -> Any:
    """Strings cleaned throughout a JSON-like value (dict keys included)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value


def _opt(value: str | None, limit: int | None = None) -> str | None:
    if value is None:
        return None
    value = clean_text(value)
    return value[:limit] if limit else value


def _attachment(a: Attachment) -> Attachment:
    size = a.size_bytes if a.size_bytes is not None and 0 <= a.size_bytes <= _INT32 else None
    return Attachment(content_type=_opt(a.content_type, 255) or "application/octet-stream",
                      url=_opt(a.url), provider_media_id=_opt(a.provider_media_id),
                      filename=_opt(a.filename, 500), size_bytes=size)


def unstorable(msg: InboundMessage) -> str | None:
    """Why this message cannot be stored as it is, or None."""
    sender_limit = MAX_ADDRESS if msg.channel is Channel.EMAIL else MAX_PHONE
    if not msg.external_id.strip() or len(msg.external_id) > MAX_EXTERNAL_ID:
        return "message id empty or too long"
    if not msg.sender.strip() or len(msg.sender) > sender_limit:
        return "sender empty or too long"
    if len(msg.recipient) > MAX_ADDRESS:
        return "recipient too long"
    return None


def clean_message(msg: InboundMessage) -> InboundMessage:
    """The message with every string storable."""
    return dataclasses.replace(
        msg, external_id=clean_text(msg.external_id), sender=clean_text(msg.sender),
        recipient=clean_text(msg.recipient), text=clean_text(msg.text),
        sender_name=_opt(msg.sender_name, MAX_NAME),
        reply_to_external_id=_opt(msg.reply_to_external_id, MAX_EXTERNAL_ID),
        attachments=tuple(_attachment(a) for a in msg.attachments),
        metadata=clean_value(dict(msg.metadata)),
    )


def clean_status(update: StatusUpdate) -> StatusUpdate:
    """The status with every string storable."""
    return dataclasses.replace(
        update, external_id=clean_text(update.external_id),
        error_code=_opt(update.error_code, 64), error_message=_opt(update.error_message, 500),
        raw_status=_opt(update.raw_status, 64))
