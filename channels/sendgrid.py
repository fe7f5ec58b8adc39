"""SendGrid Inbound Parse: multipart/form-data, parsed (default) or raw mode (channels.md §3.1).

Parse posts carry no signature unless a security policy is set up, so the integration's
own secret travels in the URL: basic auth or `?token=`. The real recipient is the SMTP
envelope, not the `to` header, which is why `envelope` is read first.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

from channels._forms import Form, parse_form, secret_present, shared_secret_ok
from channels.base import Acknowledgement, MalformedWebhook, ParsedWebhook
from channels.email import HEADER_ERRORS, email_message, from_mime, header_text, html_to_text
from channels.smtp import prepare_email, send_smtp, sends_email
from core.messages import Attachment, Channel, InboundMessage, OutboundMessage, SendResult


def _attachments(form: Form) -> tuple[Attachment, ...]:
    info = form.json("attachment-info")
    if not isinstance(info, dict):
        return ()
    found = []
    for key, meta in info.items():
        meta = meta if isinstance(meta, dict) else {}
        part = form.part(key)
        found.append(Attachment(
            content_type=str(meta.get("type") or (part and part.content_type)
                             or "application/octet-stream"),
            filename=str(meta.get("filename") or meta.get("name") or "") or None,
            size_bytes=len(part.value) if part else None,
        ))
    return tuple(found)


def _parsed_mode(provider: str, form: Form, envelope_to: list[str],
                 envelope_from: str | None, extra: dict[str, Any]) -> InboundMessage | None:
    raw_headers = (form.text("headers") or "").encode("utf-8", "replace")
    headers = BytesParser(policy=default_policy).parsebytes(raw_headers + b"\r\n\r\n")
    try:
        pairs = [(k, str(v)) for k, v in headers.items()]
    except HEADER_ERRORS:
        pairs = []
    text = form.text("text") or ""
    if not text.strip() and form.text("html"):
        text = html_to_text(form.text("html") or "")
    return email_message(
        provider=provider, from_header=form.text("from") or header_text(headers, "From"),
        envelope_from=envelope_from, recipients=envelope_to or [form.text("to") or ""],
        subject=form.text("subject") if "subject" in form else header_text(headers, "Subject"),
        text=text, message_id=header_text(headers, "Message-ID"),
        in_reply_to=header_text(headers, "In-Reply-To"),
        references=header_text(headers, "References"), attachments=_attachments(form),
        headers=pairs, fallback=f"{form.text('envelope')}\x1f{form.text('headers')}",
        extra=extra,
    )


class SendGridAdapter:
    """SendGrid Inbound Parse webhook; replies over SMTP."""

    name = "sendgrid"
    inbound = True
    batched = False
    sends_on = frozenset({Channel.EMAIL})
    preference = 2
    opt_out_codes: frozenset[str] = frozenset()
    acknowledgement = Acknowledgement()
    refusal_status = 403
    can_send = staticmethod(sends_email)
    prepare = staticmethod(prepare_email)

    carries_signature = staticmethod(secret_present)

    def verify(self, *, url: str, headers: Mapping[str, str], body: bytes,
               credentials: Mapping[str, str]) -> bool:
        """The per-integration secret in basic auth or `?token=`."""
        return shared_secret_ok(url=url, headers=headers, credentials=credentials,
                                provider=self.name)

    def parse(self, *, headers: Mapping[str, str], body: bytes,
              query: Mapping[str, str] | None = None) -> ParsedWebhook:
        """One email from a parsed-mode or raw-mode post."""
        form = parse_form(headers, body)
        charsets = form.json("charsets")
        if isinstance(charsets, dict):
            form.charsets = {str(k): str(v) for k, v in charsets.items()}
        envelope = form.json("envelope")
        envelope = envelope if isinstance(envelope, dict) else {}
        to = envelope.get("to")
        envelope_to = [str(a) for a in to] if isinstance(to, list) else []
        envelope_from = envelope.get("from") if isinstance(envelope.get("from"), str) else None
        extra = {k: v for k, v in (("spf", form.text("SPF")), ("dkim", form.text("dkim")),
                                   ("spam_score", form.text("spam_score"))) if v}
        raw = form.part("email")
        if raw is not None:
            message = from_mime(self.name, raw.value, envelope_to=envelope_to,
                                envelope_from=envelope_from, extra=extra)
        elif "headers" in form or "text" in form or "html" in form:
            message = _parsed_mode(self.name, form, envelope_to, envelope_from, extra)
        else:
            raise MalformedWebhook("neither a parsed nor a raw Inbound Parse post")
        if message is None:
            raise MalformedWebhook("email without a sender or a recipient")
        return ParsedWebhook(messages=(message,))

    async def send(self, message: OutboundMessage, *, config: Mapping[str, Any],
                   credentials: Mapping[str, str]) -> SendResult:
        """Reply over the integration's SMTP server."""
        return await send_smtp(message, config=config, credentials=credentials)
