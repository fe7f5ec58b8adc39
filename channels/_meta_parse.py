"""Meta WhatsApp Cloud webhook bodies -> InboundMessage / StatusUpdate (channels.md §2.2-2.4).

A body that is not the envelope (not JSON, no `entry` list) is malformed. Inside a valid
envelope an item we cannot use is skipped and logged by id and kind, never raised: one
odd item must not make Meta redeliver a batch of up to 1000 updates for seven days.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from channels.base import MalformedWebhook, ParsedWebhook, message_type_for
from core.messages import Attachment, Channel, InboundMessage, OutboundStatus, StatusUpdate

log = logging.getLogger(__name__)

_STATUS_MAP = {
    "sent": OutboundStatus.SENT,
    "delivered": OutboundStatus.DELIVERED,
    "read": OutboundStatus.READ,
    "played": OutboundStatus.READ,  # first play of a voice message: it was consumed
    "failed": OutboundStatus.FAILED,
}
_MEDIA_KINDS = ("image", "sticker", "video", "document", "audio")
# what a handler yields: text, message_type, attachments, extra metadata
Parsed = tuple[str, str, tuple[Attachment, ...], dict[str, Any]]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _load(body: bytes) -> dict[str, Any]:
    try:
        # Decimal keeps prices such as 7.99 exact
        data = json.loads(body, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise MalformedWebhook("body is not JSON") from exc
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        raise MalformedWebhook("not a whatsapp_business_account event")
    return data


def _text(msg: dict[str, Any]) -> Parsed | None:
    body = _str(_dict(msg.get("text")).get("body"))
    return (body, "TEXT", (), {}) if body is not None else None


def _interactive(msg: dict[str, Any]) -> Parsed | None:
    inter = _dict(msg.get("interactive"))
    kind = inter.get("type")
    if kind in ("button_reply", "list_reply"):
        reply = _dict(inter.get(kind))
        title = _str(reply.get("title")) or ""
        meta = {"type": kind, "id": _str(reply.get("id")), "title": title,
                "description": _str(reply.get("description"))}
        return title, "TEXT", (), {"interactive": meta}
    if kind == "nfm_reply":  # a WhatsApp Flow's answers, kept as Meta's JSON string
        reply = _dict(inter.get("nfm_reply"))
        meta = {"type": kind, "name": _str(reply.get("name")),
                "response_json": _str(reply.get("response_json"))}
        return _str(reply.get("body")) or "", "TEXT", (), {"interactive": meta}
    return None


def _button(msg: dict[str, Any]) -> Parsed | None:
    button = _dict(msg.get("button"))
    text = _str(button.get("text")) or ""
    return text, "TEXT", (), {"button": {"payload": _str(button.get("payload")), "text": text}}


def _media(msg: dict[str, Any]) -> Parsed | None:
    kind = msg["type"]
    media = _dict(msg.get(kind))
    media_id = _str(media.get("id"))
    if media_id is None:
        return None
    content_type = _str(media.get("mime_type")) or {
        "image": "image/jpeg", "sticker": "image/webp", "audio": "audio/ogg",
    }.get(kind, "application/octet-stream")
    attachment = Attachment(content_type=content_type, provider_media_id=media_id,
                            url=_str(media.get("url")), filename=_str(media.get("filename")))
    extra = {"voice": True} if media.get("voice") is True else {}
    message_type = "FILE" if kind in ("video", "document") else message_type_for(content_type)
    return _str(media.get("caption")) or "", message_type, (attachment,), extra


def _location(msg: dict[str, Any]) -> Parsed | None:
    loc = _dict(msg.get("location"))
    try:
        lat, lon = float(loc["latitude"]), float(loc["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    meta = {"latitude": lat, "longitude": lon}
    meta.update({k: v for k in ("name", "address", "url") if (v := _str(loc.get(k)))})
    # the place's name and address are what the customer sees in the bubble
    text = " - ".join(v for k in ("name", "address") if (v := _str(loc.get(k))))
    return text, "TEXT", (), {"location": meta}


def _contacts(msg: dict[str, Any]) -> Parsed | None:
    cards = [c for c in _items(msg.get("contacts")) if isinstance(c, dict)]
    shared = [{
        "name": _str(_dict(c.get("name")).get("formatted_name")),
        "phones": [p for ph in _items(c.get("phones"))
                   if (p := _str(_dict(ph).get("phone")))],
    } for c in cards]
    if not shared:
        return None
    return ", ".join(s["name"] for s in shared if s["name"]), "TEXT", (), {"contacts": shared}


def _order(msg: dict[str, Any]) -> Parsed | None:
    order = _dict(msg.get("order"))
    items, invalid = [], 0
    for item in _items(order.get("product_items")):
        item = _dict(item)
        retailer_id, quantity, price = (item.get("product_retailer_id"), item.get("quantity"),
                                        item.get("item_price"))
        if not _str(retailer_id) or isinstance(quantity, bool) or not isinstance(quantity, int) \
                or (price is not None and not isinstance(price, int | Decimal)):
            invalid += 1
            continue
        items.append({"product_retailer_id": retailer_id, "quantity": quantity,
                      # a decimal string: JSON floats would turn 7.99 into 7.9899999
                      "item_price": None if price is None else str(price),
                      "currency": _str(item.get("currency"))})
    meta = {"catalog_id": _str(order.get("catalog_id")), "items": items, "invalid_items": invalid}
    return _str(order.get("text")) or "", "ORDER_CONTEXT", (), {"order": meta}


def _reaction(msg: dict[str, Any]) -> Parsed | None:
    reaction = _dict(msg.get("reaction"))
    emoji = _str(reaction.get("emoji"))
    if emoji is None:  # an empty or missing emoji removes a reaction
        return None
    return emoji, "TEXT", (), {"reaction": {"message_id": _str(reaction.get("message_id")),
                                            "emoji": emoji}}


_HANDLERS: dict[str, Callable[[dict[str, Any]], Parsed | None]] = {
    "text": _text, "interactive": _interactive, "button": _button, "location": _location,
    "contacts": _contacts, "order": _order, "reaction": _reaction,
    **dict.fromkeys(_MEDIA_KINDS, _media),
}


def _message(provider: str, raw: Any, recipient: str, contacts: dict[str, dict[str, Any]],
             base_meta: dict[str, Any]) -> InboundMessage | None:
    msg = _dict(raw)
    wamid, kind = _str(msg.get("id")), _str(msg.get("type"))
    handler = _HANDLERS.get(kind or "")
    if wamid is None or handler is None:
        log.info("meta message %s of kind %r skipped", wamid, (kind or "")[:30])
        return None
    wa_id = _str(msg.get("from"))
    contact = contacts.get(wa_id or "", {})
    bsuid = _str(msg.get("from_user_id")) or _str(contact.get("user_id"))
    sender = f"+{wa_id.lstrip('+')}" if wa_id else bsuid
    parsed = handler(msg)
    if sender is None or parsed is None:
        log.info("meta message %s of kind %s unusable, skipped", wamid, kind)
        return None
    text, message_type, attachments, extra = parsed
    context = _dict(msg.get("context"))
    metadata = {**base_meta, "wa_type": kind, **extra}
    if bsuid:
        metadata["bsuid"] = bsuid
    if context.get("forwarded") or context.get("frequently_forwarded"):
        metadata["forwarded"] = True
    if product := _dict(context.get("referred_product")):
        metadata["referred_product"] = {k: _str(product.get(k))
                                        for k in ("catalog_id", "product_retailer_id")}
    if referral := _dict(msg.get("referral")):
        keys = ("source_id", "source_type", "source_url", "headline", "ctwa_clid")
        metadata["referral"] = {k: v for k in keys if (v := _str(referral.get(k)))}
    reply_to = _str(context.get("id"))
    if "reaction" in extra:
        reply_to = extra["reaction"]["message_id"]
    return InboundMessage(
        provider=provider, channel=Channel.WHATSAPP, external_id=wamid, sender=sender,
        recipient=recipient, text=text, received_at=_when(msg.get("timestamp")),
        message_type=message_type, sender_name=_str(_dict(contact.get("profile")).get("name")),
        attachments=attachments, reply_to_external_id=reply_to, metadata=metadata,
    )


def _status(provider: str, raw: Any, phone_number_id: str | None) -> StatusUpdate | None:
    status = _dict(raw)
    wamid, raw_status = _str(status.get("id")), _str(status.get("status"))
    mapped = _STATUS_MAP.get(raw_status or "")
    if wamid is None or mapped is None:
        log.info("meta status %r for %s skipped", (raw_status or "")[:20], wamid)
        return None
    errors = status.get("errors")
    error = _dict(errors[0]) if isinstance(errors, list) and errors else {}
    code = error.get("code")
    return StatusUpdate(
        provider=provider, external_id=wamid, status=mapped, raw_status=raw_status,
        occurred_at=_when(status.get("timestamp")),
        error_code=str(code) if isinstance(code, int | str) and not isinstance(code, bool)
        else None,
        error_message=_str(error.get("title")) or _str(error.get("message")),
        recipient=phone_number_id,
        message_hint=_str(status.get("biz_opaque_callback_data")),
    )


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedWebhook(f"{what} is not a list")
    return value


def parse_event(provider: str, body: bytes) -> ParsedWebhook:
    """Every message and status in every entry and change of one webhook body."""
    data = _load(body)
    messages: list[InboundMessage] = []
    statuses: list[StatusUpdate] = []
    if not isinstance(data.get("entry"), list):
        raise MalformedWebhook("no entry list")
    for entry in data["entry"]:
        entry = _dict(entry)
        for change in _list(entry.get("changes"), "changes"):
            change = _dict(change)
            if change.get("field") != "messages":
                continue  # account, template and preference updates are not messages
            value = _dict(change.get("value"))
            raw_messages = _list(value.get("messages"), "messages")
            metadata = _dict(value.get("metadata"))
            phone_number_id = _str(metadata.get("phone_number_id"))
            if raw_messages and phone_number_id is None:
                raise MalformedWebhook("messages without metadata.phone_number_id")
            contacts = {c["wa_id"]: c for c in _list(value.get("contacts"), "contacts")
                        if isinstance(c, dict) and isinstance(c.get("wa_id"), str)}
            base_meta = {"phone_number_id": phone_number_id,
                         "display_phone_number": _str(metadata.get("display_phone_number")),
                         "waba_id": _str(entry.get("id"))}
            for raw in raw_messages:
                if msg := _message(provider, raw, phone_number_id or "", contacts, base_meta):
                    messages.append(msg)
            for raw in _list(value.get("statuses"), "statuses"):
                if update := _status(provider, raw, phone_number_id):
                    statuses.append(update)
    return ParsedWebhook(messages=tuple(messages), statuses=tuple(statuses))
