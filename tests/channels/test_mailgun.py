"""Mailgun routes: the timestamp+token signature with a replay window, and route posts."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from channels.base import ChannelNotConfigured, MalformedWebhook
from channels.mailgun import MailgunAdapter
from tests.channels.samples import (
    CUSTOMER_EML,
    CUSTOMER_IN_REPLY_TO,
    CUSTOMER_MESSAGE_ID,
    CUSTOMER_REFERENCES,
    FORM,
    MAILGUN_KEY,
    MAILGUN_SIGNATURE,
    MAILGUN_TIMESTAMP,
    MAILGUN_TOKEN,
    PNG,
    mailgun_fields,
    mailgun_signature,
    multipart,
)

SIGNED_AT = int(MAILGUN_TIMESTAMP)
CREDS = {"signing_key": MAILGUN_KEY}
URL = "https://hooks.example.com/webhooks/email/mailgun"


def _adapter(now: float = SIGNED_AT + 5) -> MailgunAdapter:
    return MailgunAdapter(clock=lambda: now)


def _verify(fields: list[tuple[str, str]], now: float = SIGNED_AT + 5,
            creds: dict[str, str] = CREDS) -> bool:
    return _adapter(now).verify(url=URL, headers=FORM, body=urlencode(fields).encode(),
                                credentials=creds)


def _without(fields: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    return [f for f in fields if f[0] != name]


def test_sample_signature_verifies() -> None:
    """The rebuilt sample has the published signature and verifies."""
    assert mailgun_signature(MAILGUN_TIMESTAMP, MAILGUN_TOKEN) == MAILGUN_SIGNATURE
    assert _verify(mailgun_fields())


def test_wrong_signature_is_rejected() -> None:
    """A signature made with another key fails."""
    assert not _verify(mailgun_fields(key="key-other"))


@pytest.mark.parametrize("name", ["signature", "timestamp", "token"])
def test_missing_signature_fields_are_rejected(name: str) -> None:
    """Each of the three fields is required."""
    assert not _verify(_without(mailgun_fields(), name))


def test_stale_timestamp_is_rejected() -> None:
    """A correctly signed but old post (a replay) fails."""
    assert _verify(mailgun_fields(), now=SIGNED_AT + 14 * 60)
    assert not _verify(mailgun_fields(), now=SIGNED_AT + 16 * 60)


def test_future_timestamp_is_rejected() -> None:
    """A timestamp far in the future fails (clock skew is tolerated up to 5 minutes)."""
    assert not _verify(mailgun_fields(), now=SIGNED_AT - 6 * 60)


def test_multipart_post_verifies() -> None:
    """Posts with attachments are multipart; the same fields are checked."""
    content_type, body = multipart(mailgun_fields())
    assert _adapter().verify(url=URL, headers={"Content-Type": content_type}, body=body,
                             credentials=CREDS)


def test_missing_signing_key_is_a_configuration_error() -> None:
    """No signing key configured never means 'accept unsigned'."""
    with pytest.raises(ChannelNotConfigured):
        _verify(mailgun_fields(), creds={})


def test_route_post_sample() -> None:
    """Full plain text, threading from message-headers, recipient without its +tag."""
    msg, = _adapter().parse(headers=FORM, body=urlencode(mailgun_fields()).encode()).messages
    assert msg.sender == "jane.customer@example.net" and msg.sender_name == "Jane Customer"
    assert msg.recipient == "support@support.example.com"
    assert msg.text == ("The box arrived damaged \u2014 photo attached.\n\n"
                        "On Sun, 13 Sep 2026, Acme Support wrote:\n> Your order #1042 has shipped.")
    assert msg.external_id == CUSTOMER_MESSAGE_ID
    assert msg.metadata["in_reply_to"] == CUSTOMER_IN_REPLY_TO
    assert msg.metadata["references"] == CUSTOMER_REFERENCES
    assert msg.metadata["signature_token"] == MAILGUN_TOKEN


def test_multipart_post_with_attachment() -> None:
    """attachment-N files become attachment metadata."""
    fields = [*_without(mailgun_fields(), "attachment-count"), ("attachment-count", "1")]
    content_type, body = multipart(fields, [("attachment-1", "box.png", "image/png", PNG)])
    msg, = _adapter().parse(headers={"Content-Type": content_type}, body=body).messages
    attachment, = msg.attachments
    assert (attachment.filename, attachment.content_type, attachment.size_bytes) == (
        "box.png", "image/png", len(PNG))


def test_raw_mime_route() -> None:
    """A route ending in `mime` posts body-mime: parsed as the full message."""
    content_type, body = multipart([("recipient", "orders@harbor.example"),
                                    ("sender", "jane.customer@example.net"),
                                    ("body-mime", CUSTOMER_EML), ("timestamp", "1"),
                                    ("token", "t"), ("signature", "s")])
    msg, = _adapter().parse(headers={"Content-Type": content_type}, body=body).messages
    assert msg.recipient == "orders@harbor.example"
    assert msg.external_id == CUSTOMER_MESSAGE_ID


def test_headers_fall_back_to_top_level_fields() -> None:
    """Without message-headers, the Message-Id field still gives the id."""
    fields = _without(mailgun_fields(), "message-headers")
    msg, = _adapter().parse(headers=FORM, body=urlencode(fields).encode()).messages
    assert msg.external_id == CUSTOMER_MESSAGE_ID


@pytest.mark.parametrize(("headers", "body"), [
    (FORM, b""),
    (FORM, b"subject=hi&timestamp=1"),
    (FORM, urlencode([f for f in mailgun_fields()
                      if f[0] not in ("from", "sender", "message-headers")]).encode()),
    ({"Content-Type": "application/json"}, b"{}"),
    (FORM, b"body-plain=%FF"),
])
def test_malformed_posts(headers: dict[str, str], body: bytes) -> None:
    """Not a route post, or one without a sender: MalformedWebhook."""
    with pytest.raises(MalformedWebhook):
        _adapter().parse(headers=headers, body=body)
