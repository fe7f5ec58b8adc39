"""Postmark inbound: the per-integration secret and the JSON email."""

from __future__ import annotations

import base64
import json

import pytest

from channels.base import ChannelNotConfigured, MalformedWebhook
from channels.postmark import PostmarkAdapter
from tests.channels.samples import (
    CUSTOMER_IN_REPLY_TO,
    CUSTOMER_MESSAGE_ID,
    CUSTOMER_REFERENCES,
    EMAIL_SECRET,
    postmark_payload,
)

adapter = PostmarkAdapter()
URL = "https://hooks.example.com/webhooks/email/postmark"
CREDS = {"webhook_secret": EMAIL_SECRET}


def _parse(payload: object):
    return adapter.parse(headers={"Content-Type": "application/json"},
                         body=json.dumps(payload).encode())


def test_basic_auth_in_the_webhook_url_is_accepted() -> None:
    """`https://user:secret@host/...` arrives as basic auth and verifies."""
    auth = base64.b64encode(f"postmark:{EMAIL_SECRET}".encode()).decode()
    assert adapter.verify(url=URL, headers={"Authorization": f"Basic {auth}"}, body=b"{}",
                          credentials=CREDS)


def test_token_in_url_is_accepted() -> None:
    """`?token=` verifies."""
    assert adapter.verify(url=f"{URL}?token={EMAIL_SECRET}", headers={}, body=b"{}",
                          credentials=CREDS)


def test_wrong_secret_is_rejected() -> None:
    """A wrong token fails."""
    assert not adapter.verify(url=f"{URL}?token=nope", headers={}, body=b"{}", credentials=CREDS)


def test_missing_secret_is_rejected() -> None:
    """No secret in the request fails."""
    assert not adapter.verify(url=URL, headers={}, body=b"{}", credentials=CREDS)


def test_unconfigured_secret_is_a_configuration_error() -> None:
    """No secret configured is a configuration error."""
    with pytest.raises(ChannelNotConfigured):
        adapter.verify(url=URL, headers={}, body=b"{}", credentials={})


def test_sample_uses_the_rfc_message_id_not_postmarks() -> None:
    """Dedupe and threading use the Message-ID header; Postmark's UUID is only kept."""
    msg, = _parse(postmark_payload()).messages
    assert msg.external_id == CUSTOMER_MESSAGE_ID
    assert msg.metadata["provider_message_id"] == "5f0c1b2a-3d4e-4f50-8a9b-0c1d2e3f4a5b"
    assert msg.metadata["in_reply_to"] == CUSTOMER_IN_REPLY_TO
    assert msg.metadata["references"] == CUSTOMER_REFERENCES
    assert (msg.sender, msg.sender_name) == ("jane.customer@example.net", "Jane Customer")
    assert msg.recipient == "support@support.example.com"
    assert msg.metadata["mailbox_hash"] == "t-8f3a"
    assert msg.text.startswith("The box arrived damaged \u2014 photo attached.\n\nOn Sun")
    assert [(a.filename, a.size_bytes) for a in msg.attachments] == [("box.png", 70)]


def test_without_message_id_header_postmarks_id_is_the_fallback() -> None:
    """No Message-ID header: a stable id from Postmark's MessageID (retries still dedupe)."""
    payload = postmark_payload()
    payload["Headers"] = []
    first, = _parse(payload).messages
    assert first.external_id == "postmark:5f0c1b2a-3d4e-4f50-8a9b-0c1d2e3f4a5b"
    assert first.reply_to_external_id is None
    payload.pop("MessageID")
    hashed, = _parse(payload).messages
    assert hashed.external_id.startswith("sha256:")
    assert _parse(payload).messages[0].external_id == hashed.external_id


def test_html_only() -> None:
    """Without TextBody, the HtmlBody is read as text."""
    payload = {**postmark_payload(), "TextBody": ""}
    msg, = _parse(payload).messages
    assert msg.text == "The box arrived damaged \u2014 photo attached."


@pytest.mark.parametrize("payload", [
    [], "text", {"Subject": "no sender"},
    {**postmark_payload(), "FromFull": {}, "From": ""},
    {**postmark_payload(), "OriginalRecipient": "", "ToFull": [], "To": ""},
])
def test_malformed_payloads(payload: object) -> None:
    """Not an inbound email, or one without sender or recipient: MalformedWebhook."""
    with pytest.raises(MalformedWebhook):
        _parse(payload)


def test_not_json() -> None:
    """A body that is not JSON: MalformedWebhook."""
    with pytest.raises(MalformedWebhook):
        adapter.parse(headers={}, body=b"\xff{")
