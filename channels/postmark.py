"""Postmark inbound webhook: one JSON email (channels.md §3.3).

Postmark signs nothing; the integration's secret comes in basic auth or `?token=`.
Its `MessageID` is Postmark's own UUID: threading and dedupe use the RFC `Message-ID`
from `Headers`, with Postmark's id only as the fallback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from channels._forms import secret_present, shared_secret_ok
from channels.base import Acknowledgement, MalformedWebhook, ParsedWebhook
from channels.email import email_message, html_to_text
from channels.smtp import prepare_email, send_smtp, sends_email
from core.messages import Attachment, Channel, OutboundMessage, SendResult


def _s(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class PostmarkAdapter:
    """Postmark inbound webhook; replies over SMTP."""

    name = "postmark"
    inbound = True
    batched = False
    sends_on = frozenset({Channel.EMAIL})
    preference = 1
    opt_out_codes: frozenset[str] = frozenset()
    acknowledgement = Acknowledgement()
    refusal_status = 401  # 401: Postmark stops retrying at once on 403, dropping mail
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
        """The email in one Postmark inbound post."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise MalformedWebhook("body is not JSON") from exc
        if not isinstance(data, dict):
            raise MalformedWebhook("body is not a JSON object")
        pairs = [(str(h.get("Name")), str(h.get("Value")))
                 for h in _list(data.get("Headers")) if _s(h.get("Name"))]

        def first(name: str) -> str | None:
            return next((v for k, v in pairs if k.lower() == name.lower()), None)

        from_full = data.get("FromFull") if isinstance(data.get("FromFull"), dict) else {}
        from_email = _s(from_full.get("Email")) or _s(data.get("From"))
        from_name = _s(from_full.get("Name")) or _s(data.get("FromName"))
        recipients = [r for r in (_s(data.get("OriginalRecipient")),
                                  *(_s(t.get("Email")) for t in _list(data.get("ToFull"))),
                                  _s(data.get("To"))) if r]
        text = _s(data.get("TextBody")) or ""
        if not text.strip() and _s(data.get("HtmlBody")):
            text = html_to_text(data["HtmlBody"])
        attachments = tuple(
            Attachment(content_type=_s(a.get("ContentType")) or "application/octet-stream",
                       filename=_s(a.get("Name")),
                       size_bytes=a["ContentLength"] if isinstance(a.get("ContentLength"), int)
                       and not isinstance(a.get("ContentLength"), bool) else None)
            for a in _list(data.get("Attachments"))
        )
        postmark_id = _s(data.get("MessageID"))
        message = email_message(
            provider=self.name,
            from_header=from_email, sender_name=from_name, envelope_from=None,
            recipients=recipients[:1], subject=_s(data.get("Subject")),
            text=text, message_id=first("Message-ID"), in_reply_to=first("In-Reply-To"),
            references=first("References"), attachments=attachments, headers=pairs,
            provider_id=f"postmark:{postmark_id}" if postmark_id else None,
            extra={"provider_message_id": postmark_id} if postmark_id else None,
        )
        if message is None:
            raise MalformedWebhook("email without a sender or a recipient")
        return ParsedWebhook(messages=(message,))

    async def send(self, message: OutboundMessage, *, config: Mapping[str, Any],
                   credentials: Mapping[str, str]) -> SendResult:
        """Reply over the integration's SMTP server."""
        return await send_smtp(message, config=config, credentials=credentials)
