"""Structured fuzzing of every `parse`: shapes close to the providers', with wrong contents.

Random bytes (test_contract) rarely get past the first check; these strategies build
bodies that do, so the deep paths (media, orders, MIME, charsets) meet odd values too.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.base import MalformedWebhook, ParsedWebhook
from channels.mailgun import MailgunAdapter
from channels.meta import MetaWhatsAppAdapter
from channels.postmark import PostmarkAdapter
from channels.sendgrid import SendGridAdapter
from channels.twilio import TwilioAdapter
from tests.channels.samples import CUSTOMER_EML, FORM, multipart, postmark_payload

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=15,
)
WORDS = st.text(max_size=30)


def _only_malformed(adapter: Any, headers: dict[str, str], body: bytes) -> None:
    try:
        result = adapter.parse(headers=headers, body=body)
    except MalformedWebhook:
        return
    assert isinstance(result, ParsedWebhook)
    for message in result.messages:
        json.dumps(dict(message.metadata))  # always storable as JSONB


TWILIO_KEYS = ["MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0",
               "MessageStatus", "ErrorCode", "OptOutType", "ProfileName", "ButtonPayload",
               "Latitude", "Longitude", "OriginalRepliedMessageSid", "WaId"]


@FUZZ
@given(pairs=st.lists(st.tuples(st.sampled_from(TWILIO_KEYS) | WORDS, WORDS), max_size=12))
def test_twilio_forms(pairs: list[tuple[str, str]]) -> None:
    """Twilio-named fields with arbitrary values."""
    _only_malformed(TwilioAdapter(), FORM, urlencode(pairs).encode())


META_KINDS = ["text", "image", "audio", "video", "document", "sticker", "location", "order",
              "interactive", "button", "reaction", "contacts", "unsupported", "system", "edit"]
META_MESSAGE = st.fixed_dictionaries(
    {"id": st.one_of(st.just("wamid.1"), JSON), "type": st.sampled_from(META_KINDS) | JSON},
    optional={"from": st.one_of(st.just("16505551234"), JSON), "timestamp": JSON,
              "context": JSON, "referral": JSON, "from_user_id": JSON,
              **{kind: JSON for kind in META_KINDS}},
)
META_STATUS = st.fixed_dictionaries(
    {"id": st.one_of(st.just("wamid.2"), JSON),
     "status": st.sampled_from(["sent", "delivered", "read", "failed", "played"]) | JSON},
    optional={"timestamp": JSON, "errors": JSON},
)


@FUZZ
@given(messages=st.lists(META_MESSAGE, max_size=3), statuses=st.lists(META_STATUS, max_size=2),
       contacts=JSON, metadata=st.one_of(st.just({"phone_number_id": "1"}), JSON),
       field=st.sampled_from(["messages", "user_preferences"]) | JSON)
def test_meta_events(messages: list[Any], statuses: list[Any], contacts: Any, metadata: Any,
                     field: Any) -> None:
    """The envelope holds; the messages, statuses and contacts inside are anything."""
    value = {"metadata": metadata, "contacts": contacts, "messages": messages,
             "statuses": statuses}
    event = {"object": "whatsapp_business_account",
             "entry": [{"id": "1", "changes": [{"field": field, "value": value}]}]}
    _only_malformed(MetaWhatsAppAdapter(), {}, json.dumps(event).encode())


@FUZZ
@given(overrides=st.dictionaries(st.sampled_from(sorted(postmark_payload())), JSON, max_size=6))
def test_postmark_payloads(overrides: dict[str, Any]) -> None:
    """The sample with some fields replaced by arbitrary JSON."""
    _only_malformed(PostmarkAdapter(), {}, json.dumps({**postmark_payload(), **overrides}).encode())


SENDGRID_KEYS = ["headers", "text", "html", "from", "to", "subject", "envelope", "charsets",
                 "attachment-info", "attachment1", "email", "SPF", "dkim"]


@FUZZ
@given(fields=st.lists(st.tuples(st.sampled_from(SENDGRID_KEYS), st.binary(max_size=200)),
                       max_size=8))
def test_sendgrid_multipart(fields: list[tuple[str, bytes]]) -> None:
    """Inbound Parse field names with arbitrary bytes (charsets, JSON and MIME included)."""
    content_type, body = multipart(fields)  # type: ignore[arg-type]
    _only_malformed(SendGridAdapter(), {"Content-Type": content_type}, body)


@FUZZ
@given(cut=st.integers(0, len(CUSTOMER_EML)), junk=st.binary(max_size=64),
       envelope=st.one_of(st.just('{"to":["orders@harbor.example"]}'), st.text(max_size=40)))
def test_sendgrid_raw_mode_with_damaged_mime(cut: int, junk: bytes, envelope: str) -> None:
    """A raw MIME message cut and patched at a random place still parses or is malformed."""
    damaged = CUSTOMER_EML[:cut] + junk + CUSTOMER_EML[cut + len(junk):]
    content_type, body = multipart([("email", damaged), ("envelope", envelope)])
    _only_malformed(SendGridAdapter(), {"Content-Type": content_type}, body)


MAILGUN_KEYS = ["recipient", "sender", "from", "subject", "body-plain", "body-html",
                "message-headers", "Message-Id", "In-Reply-To", "References", "token",
                "body-mime", "attachment-count"]


@FUZZ
@given(pairs=st.lists(st.tuples(st.sampled_from(MAILGUN_KEYS), WORDS | JSON.map(json.dumps)),
                      max_size=10))
def test_mailgun_forms(pairs: list[tuple[str, str]]) -> None:
    """Route-post field names with arbitrary values (message-headers as any JSON)."""
    _only_malformed(MailgunAdapter(), FORM, urlencode(pairs).encode())
