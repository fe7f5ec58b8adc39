"""Email shared by the inbound providers: MIME parsing, the InboundMessage, SMTP replies.

Parsing uses the standard library (`email`, `policy.default`); plain text wins over
HTML, and HTML alone is turned into text. The stored text is the whole plain text: the
agent strips quoted history itself. Threading ids (Message-ID, In-Reply-To, References)
go into `metadata` so a reply built by `build_reply` lands in the customer's thread.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Any

from channels.base import message_type_for
from core.messages import Attachment, Channel, InboundMessage

# header values from the wire may be damaged; reading them must not take the request down
HEADER_ERRORS = (ValueError, IndexError, TypeError, AttributeError, LookupError)
_MSG_ID = re.compile(r"<[^<>\s]+>")
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "table", "blockquote", "pre",
                         "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ul", "ol"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text from an HTML body: blocks become lines, scripts and styles vanish."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def parse_mime(raw: bytes) -> EmailMessage:
    """A raw RFC 5322 message, parsed with the modern policy."""
    msg = BytesParser(policy=default_policy).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    return msg


def header_text(msg: EmailMessage, name: str) -> str | None:
    """A header's decoded value, or None when missing or beyond repair."""
    try:
        value = msg.get(name)
        return str(value).strip() if value is not None else None
    except HEADER_ERRORS:
        return None


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (*HEADER_ERRORS, UnicodeError, AssertionError):
        # unknown charset or broken transfer encoding: keep what can be read
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def body_text(msg: EmailMessage) -> str:
    """The plain-text body, or the HTML body as text when there is no plain part."""
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except HEADER_ERRORS:
        part = None
    if part is None:
        return ""
    text = _part_text(part)  # type: ignore[arg-type]
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def mime_attachments(msg: EmailMessage) -> tuple[Attachment, ...]:
    """Metadata of each attachment (the bytes are not kept)."""
    found = []
    try:
        for part in msg.iter_attachments():
            payload = part.get_payload(decode=True)
            found.append(Attachment(
                content_type=part.get_content_type(), filename=part.get_filename(),
                size_bytes=len(payload) if isinstance(payload, bytes) else None,
            ))
    except HEADER_ERRORS:
        pass  # a damaged MIME tree: the text part already read is what matters
    return tuple(found)


def message_ids(value: str | None) -> list[str]:
    """The `<id@host>` tokens of a Message-ID, In-Reply-To or References value."""
    return _MSG_ID.findall(value or "")


def address_of(value: str | None) -> tuple[str | None, str | None]:
    """(display name, lower-cased address) of the first mailroom in a header value."""
    try:
        pairs = getaddresses([value or ""])
    except HEADER_ERRORS:
        return None, None
    for name, addr in pairs:
        if "@" in addr:
            return (name or None), addr.strip().lower()
    return None, None


def base_address(addr: str) -> tuple[str, str | None]:
    """The address without its `+tag` and the tag (`orders+t-1@x` -> `orders@x`, `t-1`)."""
    local, _, domain = addr.partition("@")
    local, plus, tag = local.partition("+")
    return f"{local}@{domain}", (tag if plus else None)


def fallback_id(*parts: str | None) -> str:
    """A stable id for a message without a Message-ID, so retries still dedupe."""
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8", "replace"))
    return f"sha256:{digest.hexdigest()[:40]}"


def auto_submitted(headers: Iterable[tuple[str, str]]) -> bool:
    """True for auto-replies and bulk mail (RFC 3834), which must never get an answer."""
    for name, value in headers:
        name, value = name.lower(), value.strip().lower()
        if name == "auto-submitted" and value and value != "no":
            return True
        if name == "precedence" and value in ("bulk", "junk", "list", "auto_reply"):
            return True
        if name in ("x-autoreply", "x-autorespond"):
            return True
    return False


def email_message(
    *, provider: str, from_header: str | None, envelope_from: str | None,
    recipients: list[str], subject: str | None, text: str, message_id: str | None,
    in_reply_to: str | None, references: str | None, attachments: tuple[Attachment, ...] = (),
    headers: Iterable[tuple[str, str]] = (), fallback: str | None = None,
    extra: Mapping[str, Any] | None = None, sender_name: str | None = None,
    provider_id: str | None = None,
) -> InboundMessage | None:
    """The InboundMessage for one email, or None when it names no sender or recipient.

    The id is the RFC Message-ID; without one, the provider's own delivery id when it has
    one (`provider_id`), else a hash of `fallback` and the visible fields.
    """
    header_name, sender = address_of(from_header)
    sender_name = sender_name or header_name
    if sender is None:
        sender = address_of(envelope_from)[1]
    to = [a for r in recipients if (a := address_of(r)[1])]
    if sender is None or not to:
        return None
    recipient, mailbox_hash = base_address(to[0])
    text = text.replace("\r\n", "\n").strip()
    ids = message_ids(message_id)
    metadata: dict[str, Any] = {
        "subject": subject or "",
        "message_id": ids[0] if ids else None,
        "in_reply_to": (message_ids(in_reply_to) or [None])[0],
        "references": message_ids(references),
        "recipient_address": to[0],
        "mailbox_hash": mailbox_hash,
        "envelope_recipients": to,
        "auto_submitted": auto_submitted(headers),
        **(extra or {}),
    }
    if ids:
        # external ids are stored in 255 characters; a longer Message-ID is hashed instead
        external_id = ids[0] if len(ids[0]) <= 255 else fallback_id(ids[0])
    else:
        external_id = provider_id or fallback_id(fallback, sender, recipient, subject, text)
    return InboundMessage(
        provider=provider, channel=Channel.EMAIL, external_id=external_id, sender=sender,
        recipient=recipient, text=text, sender_name=sender_name,
        message_type="TEXT" if text or not attachments
        else message_type_for(attachments[0].content_type),
        attachments=attachments, reply_to_external_id=metadata["in_reply_to"],
        metadata=metadata,
    )


def from_mime(provider: str, raw: bytes, *, envelope_to: list[str] | None = None,
              envelope_from: str | None = None,
              extra: Mapping[str, Any] | None = None) -> InboundMessage | None:
    """The InboundMessage for a raw RFC 5322 message (SendGrid raw mode, Mailgun body-mime)."""
    msg = parse_mime(raw)
    try:
        header_pairs = [(k, str(v)) for k, v in msg.items()]
    except HEADER_ERRORS:
        header_pairs = []
    return email_message(
        provider=provider, from_header=header_text(msg, "From"), envelope_from=envelope_from,
        recipients=envelope_to or [header_text(msg, "To") or ""],
        subject=header_text(msg, "Subject"), text=body_text(msg),
        message_id=header_text(msg, "Message-ID"), in_reply_to=header_text(msg, "In-Reply-To"),
        references=header_text(msg, "References"), attachments=mime_attachments(msg),
        headers=header_pairs, fallback=raw[:4096].decode("utf-8", "replace"), extra=extra,
    )


def sender_address(config: Mapping[str, Any]) -> Address:
    """The distributor's From address from the integration config."""
    addr = str(config.get("address") or "")
    local, _, domain = addr.partition("@")
    return Address(display_name=str(config.get("from_name") or ""), username=local,
                   domain=domain)
