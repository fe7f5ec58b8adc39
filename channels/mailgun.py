"""Mailgun Routes `forward()`: a parsed message as a form post (channels.md §3.2).

The signature is hex(HMAC-SHA256(signing key, timestamp + token)): it covers neither the
body nor the URL, so a captured one could carry any body. Two guards: a replay window
on the timestamp (here), and consuming each token once when the message is stored (the
token is exposed as `metadata["signature_token"]` for that; see the phase-2 notes).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from channels._forms import Form, parse_form
from channels.base import Acknowledgement, ChannelNotConfigured, MalformedWebhook, ParsedWebhook
from channels.email import email_message, from_mime, html_to_text
from channels.smtp import prepare_email, send_smtp, sends_email
from core.messages import Attachment, Channel, OutboundMessage, SendResult

log = logging.getLogger(__name__)

# Mailgun gives no number; 15 min tolerates its delivery lag (laravel-mailroom #93 saw
# deliveries fail a 5 min check under load) while still expiring captured signatures
DEFAULT_MAX_AGE_S = 900
MAX_FUTURE_SKEW_S = 300


def _headers(form: Form) -> list[tuple[str, str]]:
    """`message-headers` ([[name, value], ...]), the documented way to read headers."""
    raw = form.json("message-headers")
    if not isinstance(raw, list):
        return []
    return [(str(p[0]), str(p[1])) for p in raw if isinstance(p, list) and len(p) == 2]


def _first(pairs: list[tuple[str, str]], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in pairs if k.lower() == lowered), None)


class MailgunAdapter:
    """Mailgun inbound routes; replies over SMTP."""

    name = "mailgun"
    inbound = True
    batched = False
    sends_on = frozenset({Channel.EMAIL})
    preference = 3
    opt_out_codes: frozenset[str] = frozenset()
    acknowledgement = Acknowledgement()
    refusal_status = 403
    can_send = staticmethod(sends_email)
    prepare = staticmethod(prepare_email)

    def carries_signature(self, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
        """Mailgun signs inside the form body: only `verify` can tell."""
        return True

    def __init__(self, clock: Callable[[], float] = time.time,
                 max_age_s: float = DEFAULT_MAX_AGE_S) -> None:
        self._clock = clock
        self._max_age_s = max_age_s

    def verify(self, *, url: str, headers: Mapping[str, str], body: bytes,
               credentials: Mapping[str, str]) -> bool:
        """Check the timestamp/token/signature fields against the webhook signing key."""
        key = credentials.get("signing_key")
        if not key:
            raise ChannelNotConfigured("mailgun integration has no signing_key")
        try:
            form = parse_form(headers, body)
        except MalformedWebhook:
            return False
        timestamp, token = form.text("timestamp") or "", form.text("token") or ""
        signature = form.text("signature") or ""
        if not (timestamp.isascii() and timestamp.isdigit()) or not token or not signature:
            return False
        age = self._clock() - int(timestamp)
        if age > self._max_age_s or age < -MAX_FUTURE_SKEW_S:
            log.warning("mailgun signature outside the replay window (age %ds)", int(age))
            return False
        expected = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256)
        return hmac.compare_digest(expected.hexdigest().encode(),
                                   signature.lower().encode("utf-8", "replace"))

    def parse(self, *, headers: Mapping[str, str], body: bytes,
              query: Mapping[str, str] | None = None) -> ParsedWebhook:
        """One email from a parsed route post, or from `body-mime` for a raw route."""
        form = parse_form(headers, body)
        extra = {"signature_token": form.text("token")} if form.text("token") else {}
        recipient = form.text("recipient") or ""
        mime = form.part("body-mime")
        if mime is not None:
            message = from_mime(self.name, mime.value, envelope_to=[recipient] if recipient
                                else None, envelope_from=form.text("sender"), extra=extra)
        else:
            if "body-plain" not in form and "message-headers" not in form:
                raise MalformedWebhook("not a Mailgun route post")
            pairs = _headers(form)
            text = form.text("body-plain") or ""
            if not text.strip() and form.text("body-html"):
                text = html_to_text(form.text("body-html") or "")
            message = email_message(
                provider=self.name, from_header=form.text("from") or _first(pairs, "From"),
                envelope_from=form.text("sender"),
                recipients=[recipient or _first(pairs, "To") or ""],
                subject=form.text("subject") or _first(pairs, "Subject"), text=text,
                message_id=_first(pairs, "Message-Id") or form.text("Message-Id"),
                in_reply_to=_first(pairs, "In-Reply-To") or form.text("In-Reply-To"),
                references=_first(pairs, "References") or form.text("References"),
                attachments=self._attachments(form), headers=pairs,
                fallback=f"{form.text('message-headers')}\x1f{text}", extra=extra,
            )
        if message is None:
            raise MalformedWebhook("email without a sender or a recipient")
        return ParsedWebhook(messages=(message,))

    @staticmethod
    def _attachments(form: Form) -> tuple[Attachment, ...]:
        return tuple(
            Attachment(content_type=p.content_type or "application/octet-stream",
                       filename=p.filename, size_bytes=len(p.value))
            for p in form.parts if p.name.startswith("attachment-") and p.filename is not None
        )

    async def send(self, message: OutboundMessage, *, config: Mapping[str, Any],
                   credentials: Mapping[str, str]) -> SendResult:
        """Reply over the integration's SMTP server."""
        return await send_smtp(message, config=config, credentials=credentials)
