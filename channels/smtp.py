"""Email replies over SMTP (aiosmtplib), threaded per RFC 5322 §3.6.4.

The reply's Message-ID is derived from our message id, so a resend after an unclear
failure carries the same id and mail clients file it as the same message. The SMTP
dialogue is driven step by step so a failure before DATA (nothing sent, retryable) is
told apart from one during DATA (may have been accepted: ambiguous, never retried).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import aiosmtplib

from channels._http import MAX_TIMEOUT_S
from channels.base import (
    Acknowledgement,
    ChannelNotConfigured,
    MalformedWebhook,
    ParsedWebhook,
    Thread,
)
from channels.email import message_ids, sender_address
from core.messages import Channel, OutboundMessage, SendResult

log = logging.getLogger(__name__)

_MAX_REFERENCES = 20
QUIT_TIMEOUT_S = 5.0
# the longest one send may take: two bounded phases (up to RCPT, then DATA) and QUIT
LONGEST_SEND_S = 2 * MAX_TIMEOUT_S + QUIT_TIMEOUT_S
_TOKEN = re.compile(r"[^A-Za-z0-9._-]")


def reply_subject(subject: str | None, default: str = "Your order") -> str:
    """`Re: subject`, without stacking a second `Re:`."""
    subject = " ".join((subject or "").split())
    if not subject:
        return default
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def references_for(thread: Mapping[str, Any]) -> list[str]:
    """The parent's References (or its single In-Reply-To) followed by the parent's id."""
    refs = thread.get("references") or []
    parent_refs = message_ids(refs) if isinstance(refs, str) else [str(r) for r in refs]
    if not parent_refs:
        parent_refs = message_ids(str(thread.get("in_reply_to") or ""))[:1]
    parent = message_ids(str(thread.get("message_id") or ""))
    chain = [r for r in parent_refs if r not in parent] + parent[:1]
    if len(chain) > _MAX_REFERENCES:
        # keep the thread's root and the newest ids; clients thread on either end
        chain = chain[:1] + chain[-(_MAX_REFERENCES - 1):]
    return chain


def build_reply(message: OutboundMessage, *, config: Mapping[str, Any],
                now: datetime | None = None) -> EmailMessage:
    """The email for an outbound message; `metadata["thread"]` is the parent's metadata."""
    sender = sender_address(config)
    thread: Mapping[str, Any] = message.metadata.get("thread") or {}
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = message.recipient
    msg["Subject"] = reply_subject(message.metadata.get("subject") or thread.get("subject"),
                                   str(config.get("default_subject") or "Your order"))
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    if message.message_id:
        token = _TOKEN.sub("", str(message.message_id))
        msg["Message-ID"] = f"<orderagent.{token}@{sender.domain}>"
    else:
        msg["Message-ID"] = make_msgid(idstring="orderagent", domain=sender.domain)
    parent = message_ids(str(thread.get("message_id") or ""))
    if parent:
        msg["In-Reply-To"] = parent[0]
        msg["References"] = " ".join(references_for(thread))
    if message.metadata.get("auto_submitted"):
        msg["Auto-Submitted"] = str(message.metadata["auto_submitted"])
    msg.set_content(message.text)
    return msg


def _failure(exc: aiosmtplib.SMTPResponseException) -> SendResult:
    # 4xx is "try again later", 5xx is final (RFC 5321 §4.2.1); neither delivered anything
    return SendResult(ok=False, retryable=400 <= exc.code < 500, status_code=exc.code,
                      error_code=str(exc.code), error=exc.message[:300])


async def _deliver(smtp: aiosmtplib.SMTP, msg: EmailMessage, sender: str,
                   recipients: Sequence[str], limit_s: float) -> SendResult:
    # aiosmtplib's timeout is per command: each phase is bounded as a whole too, so a
    # send never outlives the outbox lease (`channels.retry.longest_send_s`)
    try:
        async with asyncio.timeout(limit_s):
            await smtp.connect()
            await smtp.mail(sender)
            for rcpt in recipients:
                await smtp.rcpt(rcpt)
    except aiosmtplib.SMTPResponseException as exc:
        return _failure(exc)
    except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError,
            aiosmtplib.SMTPServerDisconnected, OSError, TimeoutError) as exc:
        return SendResult(ok=False, retryable=True, error=f"smtp: {type(exc).__name__}")
    except aiosmtplib.SMTPException as exc:  # e.g. STARTTLS required but not offered
        return SendResult(ok=False, error=f"smtp: {type(exc).__name__}")
    try:
        async with asyncio.timeout(limit_s):
            await smtp.data(msg.as_bytes())
    except aiosmtplib.SMTPResponseException as exc:
        return _failure(exc)
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        # the message may have been taken before the connection broke
        return SendResult(ok=False, ambiguous=True, error=f"smtp: {type(exc).__name__}")
    return SendResult(ok=True, external_id=str(msg["Message-ID"]), status_code=250)


async def send_smtp(message: OutboundMessage, *, config: Mapping[str, Any],
                    credentials: Mapping[str, str]) -> SendResult:
    """Send one reply through the integration's SMTP server."""
    host, address = config.get("smtp_host"), config.get("address")
    if not host or not address:
        raise ChannelNotConfigured("email integration needs smtp_host and address")
    try:
        msg = build_reply(message, config=config)
    except (ValueError, TypeError) as exc:  # e.g. a line break in a header value
        return SendResult(ok=False, error=f"cannot build the email: {exc}"[:300])
    starttls = config.get("smtp_starttls")  # None: upgrade when offered
    limit_s = min(float(config.get("smtp_timeout_s") or 30), MAX_TIMEOUT_S)
    smtp = aiosmtplib.SMTP(
        hostname=str(host), port=int(config["smtp_port"]) if config.get("smtp_port") else None,
        use_tls=bool(config.get("smtp_use_tls")),
        start_tls=None if starttls is None else bool(starttls),
        validate_certs=bool(config.get("smtp_validate_certs", True)),
        username=credentials.get("smtp_username"), password=credentials.get("smtp_password"),
        timeout=limit_s,
    )
    try:
        result = await _deliver(smtp, msg, str(address), [message.recipient], limit_s)
    finally:
        if smtp.is_connected:
            try:
                async with asyncio.timeout(QUIT_TIMEOUT_S):
                    await smtp.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                smtp.close()
    if not result.ok:
        log.warning("smtp send failed: %s (retryable=%s ambiguous=%s)",
                    result.error_code or result.error, result.retryable, result.ambiguous)
    return result


def prepare_email(message: OutboundMessage, *, config: Mapping[str, Any],
                  thread: Thread) -> tuple[OutboundMessage, Mapping[str, Any]]:
    """An email reply threads under the customer's latest email and says if it is automated."""
    parent = dict(thread.latest_inbound)
    metadata = {**message.metadata, "thread": parent,
                "subject": parent.get("subject") or thread.subject}
    if thread.automated:
        metadata["auto_submitted"] = "auto-replied"  # RFC 3834: not from a person
    return replace(message, metadata=metadata), config


def sends_email(config: Mapping[str, Any]) -> bool:
    """An email integration sends only when it names an SMTP server."""
    return bool(config.get("smtp_host"))


class SmtpAdapter:
    """The `smtp` provider: sends email replies, has no inbound webhook."""

    name = "smtp"
    inbound = False
    batched = False
    sends_on = frozenset({Channel.EMAIL})
    preference = 0  # a plain SMTP integration first, then the inbound providers' own
    opt_out_codes: frozenset[str] = frozenset()
    acknowledgement = Acknowledgement()
    refusal_status = 403

    def carries_signature(self, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
        """Nothing is ever posted to this provider."""
        return False

    def verify(self, *, url: str, headers: Mapping[str, str], body: bytes,
               credentials: Mapping[str, str]) -> bool:
        """No webhook: nothing verifies."""
        return False

    def parse(self, *, headers: Mapping[str, str], body: bytes,
              query: Mapping[str, str] | None = None) -> ParsedWebhook:
        """No webhook: every request is malformed."""
        raise MalformedWebhook("the smtp provider has no inbound webhook")

    can_send = staticmethod(sends_email)
    prepare = staticmethod(prepare_email)

    async def send(self, message: OutboundMessage, *, config: Mapping[str, Any],
                   credentials: Mapping[str, str]) -> SendResult:
        """Send over the integration's SMTP server."""
        return await send_smtp(message, config=config, credentials=credentials)

