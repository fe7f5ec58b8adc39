"""SendGrid Inbound Parse: the per-integration secret, parsed and raw modes."""

from __future__ import annotations

import base64

import pytest

from channels.base import ChannelNotConfigured, MalformedWebhook
from channels.sendgrid import SendGridAdapter
from tests.channels.samples import (
    CUSTOMER_EML,
    CUSTOMER_MESSAGE_ID,
    CUSTOMER_REFERENCES,
    EMAIL_SECRET,
    PNG,
    SENDGRID_DEFAULT_FIELDS,
    multipart,
)

adapter = SendGridAdapter()
URL = "https://hooks.example.com/webhooks/email/sendgrid"
CREDS = {"webhook_secret": EMAIL_SECRET}
ENVELOPE = '{"to":["orders+po@harbor.example"],"from":"buyer@cafe.example"}'


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _verify(url: str = URL, headers: dict[str, str] | None = None,
            creds: dict[str, str] = CREDS) -> bool:
    return adapter.verify(url=url, headers=headers or {}, body=b"", credentials=creds)


def _parse(fields, files=()):
    content_type, body = multipart(fields, files)
    return adapter.parse(headers={"Content-Type": content_type}, body=body)


def test_basic_auth_secret_is_accepted() -> None:
    """The secret as the basic-auth password verifies."""
    assert _verify(headers=_basic("sendgrid", EMAIL_SECRET))


def test_token_in_url_is_accepted() -> None:
    """The secret as `?token=` verifies."""
    assert _verify(url=f"{URL}?token={EMAIL_SECRET}")


def test_wrong_secret_is_rejected() -> None:
    """A wrong password or token fails."""
    assert not _verify(headers=_basic("sendgrid", "guess"))
    assert not _verify(url=f"{URL}?token=guess")


def test_missing_secret_is_rejected() -> None:
    """A request with neither basic auth nor token fails."""
    assert not _verify()
    assert not _verify(headers={"Authorization": "Basic !!!not-base64"})


def test_configured_username_must_match() -> None:
    """When a username is configured, it is checked too."""
    creds = {**CREDS, "webhook_username": "parse"}
    assert _verify(headers=_basic("parse", EMAIL_SECRET), creds=creds)
    assert not _verify(headers=_basic("other", EMAIL_SECRET), creds=creds)


def test_unconfigured_secret_is_a_configuration_error() -> None:
    """No secret configured never means 'open to anyone'."""
    with pytest.raises(ChannelNotConfigured):
        _verify(url=f"{URL}?token=", creds={})


def test_default_parsed_mode_sample() -> None:
    """The sample post: text, threading from `headers`, recipient from the envelope."""
    msg, = _parse(SENDGRID_DEFAULT_FIELDS, [("attachment1", "box.png", "image/png", PNG)]).messages
    assert msg.sender == "jane.customer@example.net"
    assert msg.recipient == "support@support.example.com"
    assert msg.text.startswith("The box arrived damaged \u2014 photo attached.\n\nOn Sun")
    assert msg.external_id == CUSTOMER_MESSAGE_ID
    assert msg.metadata["references"] == CUSTOMER_REFERENCES
    assert msg.metadata["subject"] == "Re: [#1042] Your order has shipped"
    assert msg.metadata["spf"] == "pass"
    attachment, = msg.attachments
    assert (attachment.filename, attachment.content_type, attachment.size_bytes) == (
        "box.png", "image/png", len(PNG))


def test_raw_mode() -> None:
    """`email` holds the whole MIME message; the envelope still names the recipient."""
    msg, = _parse([("email", CUSTOMER_EML), ("envelope", ENVELOPE),
                   ("subject", "Re: [#1042] Your order has shipped")]).messages
    assert msg.recipient == "orders@harbor.example" and msg.metadata["mailbox_hash"] == "po"
    assert msg.external_id == CUSTOMER_MESSAGE_ID
    assert msg.attachments[0].filename == "box.png"


def test_declared_charset_is_used() -> None:
    """A field in ISO-8859-1 (per `charsets`) is decoded as such."""
    msg, = _parse([("from", "buyer@cafe.example"), ("envelope", ENVELOPE),
                   ("text", "Cr\xe8me fra\xeeche x2".encode("latin-1")),
                   ("charsets", '{"text":"iso-8859-1"}')]).messages
    assert msg.text == "Crème fraîche x2"


def test_html_only_post() -> None:
    """Without `text`, the HTML is read as text."""
    msg, = _parse([("from", "buyer@cafe.example"), ("envelope", ENVELOPE),
                   ("html", "<p>3 x butter</p>")]).messages
    assert msg.text == "3 x butter"


def test_missing_message_id_gets_a_stable_id() -> None:
    """Without Message-ID the same post twice gets the same id (so retries dedupe)."""
    fields = [("from", "buyer@cafe.example"), ("envelope", ENVELOPE), ("text", "2 milk"),
              ("headers", "From: buyer@cafe.example\nSubject: po")]
    first, = _parse(fields).messages
    again, = _parse(fields).messages
    assert first.external_id == again.external_id and first.external_id.startswith("sha256:")


@pytest.mark.parametrize(("headers", "body"), [
    ({"Content-Type": "application/json"}, b"{}"),
    ({"Content-Type": "multipart/form-data"}, b"--x--"),
    ({"Content-Type": multipart([("spam_score", "1")])[0]}, multipart([("spam_score", "1")])[1]),
    ({"Content-Type": multipart([("text", "hi")])[0]}, multipart([("text", "hi")])[1]),
])
def test_malformed_posts(headers: dict[str, str], body: bytes) -> None:
    """Not a parse post, or one without a sender: MalformedWebhook."""
    with pytest.raises(MalformedWebhook):
        adapter.parse(headers=headers, body=body)
