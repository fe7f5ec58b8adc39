"""One contract, run over every adapter in the registry."""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels import get_adapter, register, registry
from channels.base import ChannelAdapter, ChannelNotConfigured, MalformedWebhook, ParsedWebhook
from channels.twilio import TwilioAdapter
from core.errors import NotFound
from core.messages import Channel
from tests.channels.samples import (
    EMAIL_SECRET,
    FORM,
    MAILGUN_KEY,
    META_SECRET,
    META_TEXT,
    PNG,
    SENDGRID_DEFAULT_FIELDS,
    TWILIO_TOKEN,
    TWILIO_WA_PARAMS,
    TWILIO_WA_URL,
    mailgun_fields,
    meta_request,
    multipart,
    postmark_payload,
    twilio_request,
)

Request = tuple[str, dict[str, str], bytes, dict[str, str]]  # url, headers, body, credentials
HOOK = "https://hooks.example.com/webhooks"


def _twilio() -> Request:
    headers, body = twilio_request(TWILIO_WA_URL, TWILIO_WA_PARAMS)
    return TWILIO_WA_URL, headers, body, {"auth_token": TWILIO_TOKEN}


def _meta() -> Request:
    headers, body = meta_request(META_TEXT)
    return f"{HOOK}/whatsapp", headers, body, {"app_secret": META_SECRET}


def _sendgrid() -> Request:
    content_type, body = multipart(SENDGRID_DEFAULT_FIELDS,
                                   [("attachment1", "box.png", "image/png", PNG)])
    return (f"{HOOK}/email/sendgrid?token={EMAIL_SECRET}", {"Content-Type": content_type}, body,
            {"webhook_secret": EMAIL_SECRET})


def _mailgun() -> Request:
    body = urlencode(mailgun_fields(timestamp=str(int(time.time())))).encode()
    return f"{HOOK}/email/mailgun", dict(FORM), body, {"signing_key": MAILGUN_KEY}


def _postmark() -> Request:
    return (f"{HOOK}/email/postmark?token={EMAIL_SECRET}", {"Content-Type": "application/json"},
            json.dumps(postmark_payload()).encode(), {"webhook_secret": EMAIL_SECRET})


SIGNED: dict[str, Callable[[], Request]] = {
    "twilio": _twilio, "meta_whatsapp": _meta, "sendgrid": _sendgrid, "mailgun": _mailgun,
    "postmark": _postmark,
}
NAMES = sorted(SIGNED)
AUTH_HEADERS = ("X-Twilio-Signature", "X-Hub-Signature-256", "Authorization")


def test_registry_holds_every_provider() -> None:
    """Every provider an integration can name has an adapter under that name."""
    assert sorted(n for n, a in registry().items() if a.inbound) == NAMES
    assert "smtp" in registry()  # sends only
    for name, adapter in registry().items():
        assert adapter.name == name
        assert isinstance(adapter, ChannelAdapter)
        assert inspect.iscoroutinefunction(adapter.send)


def test_duplicate_registration_is_refused() -> None:
    """A second adapter under a taken name is a programming error."""
    with pytest.raises(ValueError, match="already registered"):
        register(TwilioAdapter())


def test_unknown_provider_is_not_found() -> None:
    """An unknown provider name (e.g. in /webhooks/email/{provider}) is a 404."""
    with pytest.raises(NotFound):
        get_adapter("telegram")


@pytest.mark.parametrize("name", NAMES)
def test_signed_request_verifies_and_parses(name: str) -> None:
    """A genuine request verifies and yields storable, channel-neutral messages."""
    adapter = get_adapter(name)
    url, headers, body, credentials = SIGNED[name]()
    assert adapter.verify(url=url, headers=headers, body=body, credentials=credentials) is True
    parsed = adapter.parse(headers=headers, body=body)
    assert isinstance(parsed, ParsedWebhook) and parsed.messages
    for message in parsed.messages:
        assert message.provider == name and message.channel in Channel
        assert message.external_id and message.sender and message.recipient
        # metadata and attachments go into JSONB columns as they are
        json.dumps({"metadata": dict(message.metadata),
                    "attachments": [asdict(a) for a in message.attachments]})


@pytest.mark.parametrize("name", NAMES)
def test_request_without_credentials_fails_closed(name: str) -> None:
    """No signature, auth header or token: not verified."""
    adapter = get_adapter(name)
    url, headers, body, credentials = SIGNED[name]()
    headers = {k: v for k, v in headers.items() if k not in AUTH_HEADERS}
    body = body.replace(b"signature=", b"signaturX=")  # Mailgun signs inside the form
    assert adapter.verify(url=url.split("?")[0], headers=headers, body=body,
                          credentials=credentials) is False


@pytest.mark.parametrize("name", NAMES)
def test_missing_secret_is_a_configuration_error(name: str) -> None:
    """An integration without its secret raises, whatever the request says."""
    url, headers, body, _ = SIGNED[name]()
    with pytest.raises(ChannelNotConfigured):
        get_adapter(name).verify(url=url, headers=headers, body=body, credentials={})


@pytest.mark.parametrize("name", NAMES)
def test_empty_body_is_malformed(name: str) -> None:
    """An empty body is a 400, for every provider."""
    _, headers, _, _ = SIGNED[name]()
    with pytest.raises(MalformedWebhook):
        get_adapter(name).parse(headers=headers, body=b"")


CONTENT_TYPES = st.sampled_from([
    "application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=xYzZY",
    "multipart/form-data", "text/plain", "", "multipart/form-data; boundary=\"\"",
])


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2048), content_type=CONTENT_TYPES)
def test_parse_of_arbitrary_bytes_only_raises_malformed(name: str, body: bytes,
                                                         content_type: str) -> None:
    """Whatever arrives, parse returns a result or raises MalformedWebhook (never a 500)."""
    try:
        result = get_adapter(name).parse(headers={"Content-Type": content_type}, body=body)
    except MalformedWebhook:
        return
    assert isinstance(result, ParsedWebhook)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=1024), signature=st.text(max_size=80),
       url_tail=st.text(max_size=40), content_type=CONTENT_TYPES)
def test_verify_of_arbitrary_requests_is_false(name: str, body: bytes, signature: str,
                                               url_tail: str, content_type: str) -> None:
    """Random requests never verify and never raise."""
    _, _, _, credentials = SIGNED[name]()
    headers = {"Content-Type": content_type, "X-Twilio-Signature": signature,
               "X-Hub-Signature-256": f"sha256={signature}", "Authorization": f"Basic {signature}"}
    url = f"{HOOK}/x?token={url_tail}"
    assert get_adapter(name).verify(url=url, headers=headers, body=body,
                                    credentials=credentials) is False
