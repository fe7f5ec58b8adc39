"""Shared email handling: MIME parsing, HTML to text, threaded replies, SMTP sending."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from channels.base import ChannelNotConfigured
from channels.email import from_mime, html_to_text
from channels.smtp import build_reply, references_for, reply_subject, send_smtp
from core.messages import Channel, OutboundMessage
from tests.channels.samples import (
    CUSTOMER_EML,
    CUSTOMER_IN_REPLY_TO,
    CUSTOMER_MESSAGE_ID,
    CUSTOMER_REFERENCES,
)
from tests.fakes.smtp import FakeSMTPServer

CONFIG = {"address": "support+t-8f3a@support.example.com", "from_name": "Acme Support"}


def test_raw_message_prefers_plain_text_and_keeps_threading() -> None:
    """The plain part wins over HTML; ids, subject and attachment metadata are kept."""
    msg = from_mime("sendgrid", CUSTOMER_EML)
    assert (msg.channel, msg.sender, msg.sender_name) == (
        Channel.EMAIL, "jane.customer@example.net", "Jane Customer")
    assert msg.recipient == "support@support.example.com"
    assert msg.metadata["mailbox_hash"] == "t-8f3a"
    assert msg.text == ("The box arrived damaged \u2014 photo attached.\n\n"
                        "On Sun, 13 Sep 2026, Acme Support wrote:\n> Your order #1042 has shipped.")
    assert msg.external_id == CUSTOMER_MESSAGE_ID
    assert msg.metadata["subject"] == "Re: [#1042] Your order has shipped"
    assert msg.metadata["in_reply_to"] == CUSTOMER_IN_REPLY_TO
    assert msg.metadata["references"] == CUSTOMER_REFERENCES
    attachment, = msg.attachments
    assert (attachment.filename, attachment.content_type, attachment.size_bytes) == (
        "box.png", "image/png", 70)


def test_html_only_message_becomes_text() -> None:
    """Without a plain part, the HTML is read as text (scripts and styles dropped)."""
    raw = (b"From: A <A@Example.NET>\r\nTo: orders@harbor.example\r\nSubject: po\r\n"
           b"Content-Type: text/html; charset=utf-8\r\n\r\n"
           b"<html><head><style>p{}</style></head><body><p>2 cases&nbsp;milk</p>"
           b"<script>x()</script><div>1 crate eggs</div></body></html>")
    msg = from_mime("mailgun", raw)
    assert msg.text == "2 cases milk\n\n1 crate eggs"
    assert msg.sender == "a@example.net"
    assert msg.external_id.startswith("sha256:")


def test_html_to_text_blocks_and_entities() -> None:
    """Block tags become line breaks and entities are decoded."""
    assert html_to_text("<p>a &amp; b</p><br><ul><li>one</li><li>two</li></ul>") == \
        "a & b\n\none\n\ntwo"


def test_overlong_message_id_still_fits_the_id_column() -> None:
    """A Message-ID over 255 characters becomes a stable hash; threading keeps the original."""
    long_id = f"<{'x' * 300}@mail.example.net>"
    raw = CUSTOMER_EML.replace(CUSTOMER_MESSAGE_ID.encode(), long_id.encode())
    msg = from_mime("sendgrid", raw)
    assert msg.external_id.startswith("sha256:") and len(msg.external_id) <= 255
    assert msg.external_id == from_mime("sendgrid", raw).external_id
    assert msg.metadata["message_id"] == long_id


def test_auto_replies_are_flagged() -> None:
    """An out-of-office (Auto-Submitted) is flagged so nobody answers it (RFC 3834)."""
    raw = (b"From: a@example.net\r\nTo: orders@harbor.example\r\nSubject: Out of office\r\n"
           b"Auto-Submitted: auto-replied\r\n\r\nI am away.")
    assert from_mime("sendgrid", raw).metadata["auto_submitted"] is True
    assert from_mime("sendgrid", CUSTOMER_EML).metadata["auto_submitted"] is False


def test_message_without_sender_is_refused() -> None:
    """No usable From means no customer: None (the adapter turns it into a 400)."""
    assert from_mime("sendgrid", b"To: orders@harbor.example\r\n\r\nhello") is None


# ---- replies ------------------------------------------------------------------------------
def test_reply_subject() -> None:
    """One `Re:` only; a default when there was no subject."""
    assert reply_subject("Your order") == "Re: Your order"
    assert reply_subject("RE: Your order") == "RE: Your order"
    assert reply_subject("") == "Your order"


def test_references_follow_rfc5322() -> None:
    """Parent's References then the parent's id; In-Reply-To stands in for no References."""
    thread = {"message_id": CUSTOMER_MESSAGE_ID, "references": CUSTOMER_REFERENCES}
    assert references_for(thread) == [*CUSTOMER_REFERENCES, CUSTOMER_MESSAGE_ID]
    only_irt = {"message_id": "<b@x>", "references": [], "in_reply_to": "<a@x>"}
    assert references_for(only_irt) == ["<a@x>", "<b@x>"]
    long_thread = {"message_id": "<z@x>", "references": [f"<{i}@x>" for i in range(40)]}
    refs = references_for(long_thread)
    assert len(refs) == 20 and refs[0] == "<0@x>" and refs[-1] == "<z@x>"


def _reply(message_id: str | None = "c0ffee-1") -> OutboundMessage:
    thread = from_mime("sendgrid", CUSTOMER_EML).metadata
    return OutboundMessage(channel=Channel.EMAIL, recipient="jane.customer@example.net",
                           text="Sorry about that - a replacement is on its way.",
                           message_id=message_id, metadata={"thread": thread})


def test_reply_lands_in_the_customer_thread() -> None:
    """The reply matches payloads/email/raw_rfc5322_our_threaded_reply.eml's threading."""
    msg = build_reply(_reply(), config=CONFIG, now=datetime(2026, 11, 23, 6, 40, 56, tzinfo=UTC))
    assert msg["From"] == "Acme Support <support+t-8f3a@support.example.com>"
    assert msg["To"] == "jane.customer@example.net"
    assert msg["Subject"] == "Re: [#1042] Your order has shipped"
    assert msg["In-Reply-To"] == CUSTOMER_MESSAGE_ID
    assert msg["References"].split() == [*CUSTOMER_REFERENCES, CUSTOMER_MESSAGE_ID]
    assert msg["Message-ID"] == "<orderagent.c0ffee-1@support.example.com>"
    assert msg.get_content().strip() == "Sorry about that - a replacement is on its way."


def test_resent_reply_keeps_its_message_id() -> None:
    """The same outbound message always gets the same Message-ID; others differ."""
    assert build_reply(_reply(), config=CONFIG)["Message-ID"] == \
        build_reply(_reply(), config=CONFIG)["Message-ID"]
    assert build_reply(_reply(None), config=CONFIG)["Message-ID"] != \
        build_reply(_reply(None), config=CONFIG)["Message-ID"]


# ---- SMTP ---------------------------------------------------------------------------------
def _smtp_config(server: FakeSMTPServer, **extra) -> dict:
    return {**CONFIG, "smtp_host": server.host, "smtp_port": server.port, **extra}


async def test_send_over_smtp_with_threading_headers() -> None:
    """The server receives one message with our threading headers, envelope from our address."""
    with FakeSMTPServer() as server:
        result = await send_smtp(_reply(), config=_smtp_config(server), credentials={})
    assert result.ok and result.external_id == "<orderagent.c0ffee-1@support.example.com>"
    mail, = server.messages
    assert mail.mail_from == "support+t-8f3a@support.example.com"
    assert mail.rcpt_tos == ["jane.customer@example.net"]
    assert mail.message["In-Reply-To"] == CUSTOMER_MESSAGE_ID
    assert mail.message["References"].split() == [*CUSTOMER_REFERENCES, CUSTOMER_MESSAGE_ID]
    assert mail.message["Subject"] == "Re: [#1042] Your order has shipped"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_send_with_credentials_logs_in() -> None:
    """Username and password from the credentials authenticate the session."""
    with FakeSMTPServer(username="orders", password="pw") as server:
        result = await send_smtp(_reply(), config=_smtp_config(server),
                                 credentials={"smtp_username": "orders", "smtp_password": "pw"})
        refused = await send_smtp(_reply(), config=_smtp_config(server),
                                  credentials={"smtp_username": "orders", "smtp_password": "no"})
    assert result.ok and server.messages[0].login == "orders"
    assert not refused.ok and not refused.retryable and len(server.messages) == 1


async def test_temporary_smtp_failure_is_retryable() -> None:
    """451 is 'try again later': retryable, nothing delivered."""
    with FakeSMTPServer() as server:
        server.data_replies.append("451 4.3.0 Try again later")
        result = await send_smtp(_reply(), config=_smtp_config(server), credentials={})
    assert (result.ok, result.retryable, result.error_code) == (False, True, "451")
    assert server.messages == []


async def test_permanent_smtp_failure_is_final() -> None:
    """550 is final."""
    with FakeSMTPServer() as server:
        server.data_replies.append("550 5.7.1 Rejected")
        result = await send_smtp(_reply(), config=_smtp_config(server), credentials={})
    assert (result.ok, result.retryable, result.error_code) == (False, False, "550")


async def test_unreachable_smtp_server_is_retryable() -> None:
    """A refused connection sent nothing."""
    config = {**CONFIG, "smtp_host": "127.0.0.1", "smtp_port": 9}
    result = await send_smtp(_reply(), config=config, credentials={})
    assert result.retryable and not result.ambiguous


async def test_timeout_during_data_is_ambiguous() -> None:
    """No answer to DATA: the message may be on its way, so it is never resent."""
    with FakeSMTPServer() as server:
        server.data_delay_s = 1.0
        result = await send_smtp(_reply(), config=_smtp_config(server, smtp_timeout_s=0.2),
                                 credentials={})
        await asyncio.sleep(1.0)  # let the server finish before it stops
    assert result.ambiguous and not result.retryable


async def test_header_injection_is_refused() -> None:
    """A recipient with a line break cannot add headers."""
    bad = OutboundMessage(channel=Channel.EMAIL, recipient="a@x.com\r\nBcc: all@x.com", text="hi")
    with FakeSMTPServer() as server:
        result = await send_smtp(bad, config=_smtp_config(server), credentials={})
    assert not result.ok and not result.retryable and server.messages == []


async def test_missing_smtp_host_is_a_configuration_error() -> None:
    """No smtp_host is a configuration error."""
    with pytest.raises(ChannelNotConfigured):
        await send_smtp(_reply(), config=CONFIG, credentials={})
