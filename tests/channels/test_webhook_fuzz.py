"""Hypothesis over every webhook route of the real app: random bodies, headers and signatures.

Whatever arrives, the answer is never a 5xx: bad input is 400, a bad or missing signature
403 (401 for Postmark), an unknown owner 404, and a valid signed request 200. The bodies
are random bytes or near-provider shapes with random contents, each sent unsigned, with
a random signature, or signed correctly, so the deep paths (store, consent, statuses)
meet odd values too.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderagent.app import create_app
from tests.channels.samples import (
    EMAIL_SECRET,
    META_PHONE_NUMBER_ID,
    mailgun_signature,
    meta_signature,
    postmark_payload,
    twilio_signature,
)
from tests.channels.webhook_env import CUSTOMER, EMAIL_ADDRESS, PUBLIC_URL, SMS_NUMBER, load

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
TEXT = st.text(max_size=40)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=12,
)
SIGNING = st.sampled_from(["valid", "random", "missing"])
CONTENT_TYPES = st.sampled_from([
    "application/x-www-form-urlencoded", "application/json", "multipart/form-data",
    "multipart/form-data; boundary=xYz", "text/plain", "", "application/x-www-form-urlencoded;"
    " charset=latin-1"])


@pytest.fixture
async def client(aiohttp_client, settings, database):
    """The real app with the test distributor loaded (shared by all examples of a test)."""
    await load(database)
    return await aiohttp_client(create_app(settings, database))


def _check(status: int) -> None:
    assert status < 500, f"server error {status}"


TWILIO_KEYS = ["MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0",
               "MessageStatus", "ErrorCode", "OptOutType", "ProfileName", "SmsStatus", "WaId"]
TWILIO_VALUES = st.sampled_from([SMS_NUMBER, CUSTOMER, f"whatsapp:{CUSTOMER}", "STOP", "HELP",
                                 "delivered", "failed", "received", "1", "-1", "99"]) | TEXT


@FUZZ
@given(pairs=st.lists(st.tuples(st.sampled_from(TWILIO_KEYS) | TEXT, TWILIO_VALUES),
                      max_size=10),
       base=st.booleans(), path=st.sampled_from(["/webhooks/twilio", "/webhooks/twilio/status",
                                                 "/webhooks/twilio/status?m=x"]),
       signing=SIGNING, raw=st.none() | st.binary(max_size=200), content_type=CONTENT_TYPES)
async def test_twilio_routes_never_fail(client, pairs, base, path, signing, raw,
                                        content_type) -> None:
    """Twilio-named fields (often routable to our number) or raw bytes."""
    if base:  # a routable message: what remains random is everything else
        pairs = [("MessageSid", f"SM{uuid.uuid4().hex}"), ("To", SMS_NUMBER),
                 ("From", CUSTOMER), *pairs]
    body = raw if raw is not None else urlencode(pairs).encode()
    headers = {"Content-Type": content_type}
    if signing == "valid" and raw is None:
        headers["X-Twilio-Signature"] = twilio_signature(PUBLIC_URL + path, pairs)
    elif signing != "missing":
        headers["X-Twilio-Signature"] = base64.b64encode(uuid.uuid4().bytes).decode()
    _check((await client.post(path, data=body, headers=headers)).status)


META_MESSAGE = st.fixed_dictionaries(
    {"id": st.one_of(st.just("wamid.1"), JSON), "type": st.sampled_from(
        ["text", "image", "order", "interactive", "location", "reaction", "x"]) | JSON,
     "from": st.sampled_from(["16505551234", "1" * 40]) | JSON, "timestamp": JSON},
    optional={"text": st.fixed_dictionaries({"body": TEXT | JSON}), "order": JSON,
              "image": JSON, "context": JSON, "location": JSON})
META_STATUS = st.fixed_dictionaries(
    {"id": TEXT, "status": st.sampled_from(["sent", "delivered", "read", "failed"]) | TEXT},
    optional={"errors": JSON, "biz_opaque_callback_data": TEXT, "timestamp": JSON})


@FUZZ
@given(messages=st.lists(META_MESSAGE, max_size=3), statuses=st.lists(META_STATUS, max_size=3),
       pid=st.sampled_from([META_PHONE_NUMBER_ID, "100000000000009"]) | JSON,
       signing=SIGNING, raw=st.none() | st.binary(max_size=200))
async def test_meta_route_never_fails(client, messages, statuses, pid, signing, raw) -> None:
    """Meta envelopes with random messages and statuses, or raw bytes."""
    event: dict[str, Any] = {"object": "whatsapp_business_account", "entry": [{"id": "1",
        "changes": [{"field": "messages", "value": {
            "metadata": {"phone_number_id": pid}, "messages": messages,
            "statuses": statuses}}]}]}
    body = raw if raw is not None else json.dumps(event).encode()
    headers = {"Content-Type": "application/json"}
    if signing == "valid":
        headers["X-Hub-Signature-256"] = "sha256=" + meta_signature(body)
    elif signing == "random":
        headers["X-Hub-Signature-256"] = "sha256=" + uuid.uuid4().hex * 2
    _check((await client.post("/webhooks/whatsapp", data=body, headers=headers)).status)


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["hub.mode", "hub.challenge", "hub.verify_token"])
                             | TEXT, TEXT, max_size=4))
async def test_meta_handshake_never_fails(client, query) -> None:
    """Random handshake queries."""
    _check((await client.get("/webhooks/whatsapp", params=query)).status)


@FUZZ
@given(provider=st.sampled_from(["postmark", "sendgrid", "mailgun", "other"]),
       fields=st.dictionaries(st.sampled_from(["recipient", "from", "subject", "body-plain",
                                               "message-headers", "envelope", "headers", "text",
                                               "email", "To", "From", "Headers", "TextBody",
                                               "OriginalRecipient"]) | TEXT,
                              st.sampled_from([EMAIL_ADDRESS, "Jane <jane@example.net>",
                                               "[]", "{}"]) | TEXT, max_size=8),
       as_json=st.booleans(), signing=SIGNING, raw=st.none() | st.binary(max_size=200),
       content_type=CONTENT_TYPES)
async def test_email_routes_never_fail(client, provider, fields, as_json, signing, raw,
                                       content_type) -> None:
    """Email posts with random fields, JSON or form, authenticated or not."""
    if provider == "postmark" and as_json and raw is None:
        body = json.dumps({**postmark_payload(), **fields}).encode()
        content_type = "application/json"
    else:
        body = raw if raw is not None else urlencode(fields).encode()
    headers = {"Content-Type": content_type}
    url = f"/webhooks/email/{provider}"
    if provider == "mailgun" and signing == "valid" and raw is None:
        timestamp, token = "1700000000", uuid.uuid4().hex
        body = urlencode({**fields, "timestamp": timestamp, "token": token,
                          "signature": mailgun_signature(timestamp, token)}).encode()
    elif signing != "missing":
        secret = EMAIL_SECRET if signing == "valid" else "wrong"
        headers["Authorization"] = "Basic " + base64.b64encode(f"u:{secret}".encode()).decode()
    _check((await client.post(url, data=body, headers=headers)).status)
