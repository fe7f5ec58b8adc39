"""Twilio: signature checks, parsing of every sample shape, and sends to a local REST fake."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import pytest
from twilio.request_validator import HMAC_SHA256

from channels.base import ChannelNotConfigured, MalformedWebhook
from channels.twilio import TwilioAdapter, consent_keyword
from core.messages import Channel, OutboundMessage
from tests.channels.samples import (
    TWILIO_ACCOUNT,
    TWILIO_READ_SIGNATURE,
    TWILIO_READ_URL,
    TWILIO_SMS_SIGNATURE,
    TWILIO_SMS_STOP_PARAMS,
    TWILIO_SMS_URL,
    TWILIO_STATUS_DELIVERED_PARAMS,
    TWILIO_STATUS_READ_PARAMS,
    TWILIO_STATUS_SIGNATURE,
    TWILIO_STATUS_URL,
    TWILIO_TOKEN,
    TWILIO_WA_PARAMS,
    TWILIO_WA_SIGNATURE,
    TWILIO_WA_URL,
    twilio_body,
    twilio_request,
    twilio_signature,
)
from tests.fakes.twilio_api import FakeTwilioAPI, Scripted, twilio_error

CREDS = {"auth_token": TWILIO_TOKEN}
adapter = TwilioAdapter()


def _verify(url: str, headers: dict[str, str], body: bytes, creds: dict[str, str] = CREDS) -> bool:
    return adapter.verify(url=url, headers=headers, body=body, credentials=creds)


def _parse(params: list[tuple[str, str]]):
    return adapter.parse(headers={}, body=twilio_body(params))


def _replace(params: list[tuple[str, str]], **changes: str) -> list[tuple[str, str]]:
    out = [(k, changes.pop(k)) if k in changes else (k, v) for k, v in params]
    return out + list(changes.items())


# ---- signatures ---------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "params", "published"), [
    (TWILIO_WA_URL, TWILIO_WA_PARAMS, TWILIO_WA_SIGNATURE),
    (TWILIO_SMS_URL, TWILIO_SMS_STOP_PARAMS, TWILIO_SMS_SIGNATURE),
    (TWILIO_STATUS_URL, TWILIO_STATUS_DELIVERED_PARAMS, TWILIO_STATUS_SIGNATURE),
    (TWILIO_READ_URL, TWILIO_STATUS_READ_PARAMS, TWILIO_READ_SIGNATURE),
])
def test_signed_samples_verify_byte_for_byte(url, params, published) -> None:
    """Each rebuilt sample carries the published signature and passes verification."""
    headers, body = twilio_request(url, params)
    assert headers["X-Twilio-Signature"] == published
    assert _verify(url, headers, body)


def test_wrong_signature_is_rejected() -> None:
    """A signature made with another token fails."""
    headers, body = twilio_request(TWILIO_WA_URL, TWILIO_WA_PARAMS, token="0" * 32)
    assert not _verify(TWILIO_WA_URL, headers, body)


def test_missing_signature_is_rejected() -> None:
    """An unsigned request fails."""
    headers, body = twilio_request(TWILIO_WA_URL, TWILIO_WA_PARAMS)
    del headers["X-Twilio-Signature"]
    assert not _verify(TWILIO_WA_URL, headers, body)


def test_tampered_parameter_is_rejected() -> None:
    """Changing the Body after signing fails."""
    headers, _ = twilio_request(TWILIO_WA_URL, TWILIO_WA_PARAMS)
    body = twilio_body(_replace(TWILIO_WA_PARAMS, Body="send 100 cases"))
    assert not _verify(TWILIO_WA_URL, headers, body)


def test_extra_unknown_parameter_is_covered_by_the_signature() -> None:
    """A parameter added after signing fails: every parameter is signed."""
    headers, _ = twilio_request(TWILIO_WA_URL, TWILIO_WA_PARAMS)
    assert not _verify(TWILIO_WA_URL, headers, twilio_body([*TWILIO_WA_PARAMS, ("X", "1")]))


def test_signature_is_bound_to_the_public_url() -> None:
    """http instead of https, or a dropped query string, fails; an explicit :443 passes."""
    headers, body = twilio_request(TWILIO_WA_URL, TWILIO_WA_PARAMS)
    assert not _verify(TWILIO_WA_URL.replace("https:", "http:"), headers, body)
    assert not _verify(TWILIO_WA_URL.split("?")[0], headers, body)
    assert _verify(TWILIO_WA_URL.replace("example.com/", "example.com:443/"), headers, body)


def test_blank_and_repeated_parameters_are_signed_as_twilio_does() -> None:
    """Blank values and repeated keys take part in the signature."""
    params = [*TWILIO_WA_PARAMS, ("Empty", ""), ("Tag", "b"), ("Tag", "a")]
    headers, body = twilio_request(TWILIO_WA_URL, params)
    assert _verify(TWILIO_WA_URL, headers, body)
    assert not _verify(TWILIO_WA_URL, headers, twilio_body([*TWILIO_WA_PARAMS, ("Tag", "a")]))


def test_shared_key_sha256_signature() -> None:
    """With the SharedKey settings header, HMAC-SHA256 keyed with the shared key verifies."""
    key = "sharedkey-secret-0123456789"
    sig = twilio_signature(TWILIO_WA_URL, TWILIO_WA_PARAMS, token=key, algorithm=HMAC_SHA256)
    headers = {"X-Twilio-Signature": sig,
               "X-Twilio-Webhooks-Signature-Settings": "key=wsk_1,algorithm=HMAC_SHA256"}
    body = twilio_body(TWILIO_WA_PARAMS)
    assert _verify(TWILIO_WA_URL, headers, body, {**CREDS, "webhook_shared_key": key})
    # without the shared key configured the request cannot be trusted
    assert not _verify(TWILIO_WA_URL, headers, body)


def test_json_webhook_body_is_bound_by_its_hash() -> None:
    """A JSON body signed through bodySHA256 verifies; a changed body does not."""
    body = b'{"MessageSid":"SM1","Body":"hi"}'
    url = f"https://hooks.example.com/webhooks/twilio?bodySHA256={hashlib.sha256(body).hexdigest()}"
    headers = {"X-Twilio-Signature": twilio_signature(url, [])}
    assert _verify(url, headers, body)
    assert not _verify(url, headers, b'{"MessageSid":"SM1","Body":"HI"}')


def test_missing_auth_token_is_a_configuration_error() -> None:
    """No auth token configured never means 'accept unsigned'."""
    headers, body = twilio_request(TWILIO_WA_URL, TWILIO_WA_PARAMS)
    with pytest.raises(ChannelNotConfigured):
        _verify(TWILIO_WA_URL, headers, body, {})


# ---- parsing ------------------------------------------------------------------------------
def test_whatsapp_inbound_with_media() -> None:
    """WhatsApp sender without the prefix, profile name, the image as an attachment."""
    msg, = _parse(TWILIO_WA_PARAMS).messages
    assert (msg.channel, msg.sender, msg.recipient) == (Channel.WHATSAPP, "+16505551234",
                                                        "+14155238886")
    assert msg.external_id == "SM3f1c6a2b9d8e7f60514233a2b1c0d9e8"
    assert msg.text == "Is this still available? 🙂"
    assert msg.sender_name == "Sheena Nelson"
    assert msg.message_type == "IMAGE"
    assert [a.content_type for a in msg.attachments] == ["image/jpeg"]
    assert msg.attachments[0].url.endswith("/Media/ME0000000000000000000000000000000a")
    assert "consent" not in msg.metadata


def test_sms_stop_with_advanced_opt_out() -> None:
    """OptOutType=STOP marks consent as handled by Twilio already."""
    msg, = _parse(TWILIO_SMS_STOP_PARAMS).messages
    assert (msg.channel, msg.sender, msg.text) == (Channel.SMS, "+14155550199", "STOP")
    assert msg.metadata["consent"] == "STOP"
    assert msg.metadata["consent_source"] == "provider"


@pytest.mark.parametrize(("body", "expected"), [
    ("stop", "STOP"), ("  Unsubscribe \n", "STOP"), ("QUIT", "STOP"), ("optout", "STOP"),
    ("start", "START"), ("UNSTOP", "START"), ("yes", "START"), ("help", "HELP"),
    ("INFO", "HELP"), ("STOP PLEASE", None), ("please cancel", None), ("2 cases of milk", None),
])
def test_sms_keywords_without_advanced_opt_out(body: str, expected: str | None) -> None:
    """Twilio's standard single-word keywords are detected on SMS; sentences are not."""
    params = [p for p in TWILIO_SMS_STOP_PARAMS if p[0] != "OptOutType"]
    msg, = _parse(_replace(params, Body=body)).messages
    assert msg.metadata.get("consent") == expected
    assert consent_keyword(body) == expected


def test_whatsapp_has_no_carrier_keywords() -> None:
    """'STOP' on WhatsApp is an ordinary message (no carrier keyword system there)."""
    msg, = _parse(_replace(TWILIO_WA_PARAMS, Body="STOP", NumMedia="0")).messages
    assert "consent" not in msg.metadata


def test_sms_status_delivered() -> None:
    """A delivered callback becomes a DELIVERED status for the outbound MessageSid."""
    update, = _parse(TWILIO_STATUS_DELIVERED_PARAMS).statuses
    assert (update.external_id, update.status, update.raw_status) == (
        "SM1342fe1b2c904d1ab04f0fc7a58abca9", "DELIVERED", "delivered")


def test_whatsapp_read_receipt() -> None:
    """A WhatsApp read callback becomes READ."""
    update, = _parse(TWILIO_STATUS_READ_PARAMS).statuses
    assert update.status == "READ"


@pytest.mark.parametrize(("raw", "expected"), [
    ("queued", "SENT"), ("sent", "SENT"), ("undelivered", "FAILED"), ("failed", "FAILED"),
])
def test_status_mapping(raw: str, expected: str) -> None:
    """Twilio's statuses map onto ours; failures carry the ErrorCode."""
    params = _replace(TWILIO_STATUS_DELIVERED_PARAMS, MessageStatus=raw, ErrorCode="30007")
    update, = _parse(params).statuses
    assert update.status == expected
    assert update.error_code == "30007"


def test_unknown_status_is_ignored() -> None:
    """A status we do not track (accepted) yields nothing, not an error."""
    parsed = _parse(_replace(TWILIO_STATUS_DELIVERED_PARAMS, MessageStatus="accepted"))
    assert parsed.statuses == () and parsed.messages == ()


def test_button_location_and_reply_context() -> None:
    """Button payloads, shared locations and replied-to message ids are kept."""
    params = _replace(TWILIO_WA_PARAMS, NumMedia="0", ButtonPayload="confirm-1042",
                      ButtonText="Confirm", Latitude="37.78", Longitude="-122.39",
                      OriginalRepliedMessageSid="SMparent")
    msg, = _parse(params).messages
    assert msg.metadata["button"] == {"payload": "confirm-1042", "text": "Confirm"}
    assert msg.metadata["location"] == {"latitude": "37.78", "longitude": "-122.39"}
    assert msg.reply_to_external_id == "SMparent"
    assert msg.message_type == "TEXT"


@pytest.mark.parametrize("body", [
    b"",
    twilio_body([("From", "+1555"), ("To", "+1666"), ("Body", "no sid")]),
    twilio_body(_replace(TWILIO_WA_PARAMS, NumMedia="many")),
    twilio_body(_replace(TWILIO_WA_PARAMS, NumMedia="100000000")),
    twilio_body(_replace(TWILIO_WA_PARAMS, From="messenger:12345")),
    twilio_body([p for p in TWILIO_WA_PARAMS if p[0] != "From"]),
    b"Body=%FF%FE&MessageSid=SM1",
    b"\xff\xfe",
])
def test_malformed_bodies(body: bytes) -> None:
    """Bodies that are not Twilio's shape raise MalformedWebhook (a 400, never a 500)."""
    with pytest.raises(MalformedWebhook):
        adapter.parse(headers={}, body=body)


# ---- sending ------------------------------------------------------------------------------
def _sms(text: str = "Your order #1042 is confirmed.", **metadata) -> OutboundMessage:
    return OutboundMessage(channel=Channel.SMS, recipient="+14155550199", text=text,
                           message_id="msg-1", metadata=metadata)


async def test_send_sms_uses_the_messages_endpoint() -> None:
    """Basic auth SID:token, form To/From/Body/StatusCallback; the sid comes back."""
    fake = FakeTwilioAPI(TWILIO_ACCOUNT, TWILIO_TOKEN)
    async with fake.serve() as base:
        config = {"account_sid": TWILIO_ACCOUNT, "phone_number": "+14155550100",
                  "api_base_url": base, "status_callback_url": "https://hooks.example.com/s"}
        result = await adapter.send(_sms(), config=config, credentials=CREDS)
    assert result.ok and result.external_id == fake.messages[0]["sid"]
    request, = fake.requests
    assert request["path"] == f"/2010-04-01/Accounts/{TWILIO_ACCOUNT}/Messages.json"
    assert request["auth"] == (TWILIO_ACCOUNT, TWILIO_TOKEN)
    assert request["form"] == {"To": ["+14155550199"], "From": ["+14155550100"],
                               "Body": ["Your order #1042 is confirmed."],
                               "StatusCallback": ["https://hooks.example.com/s"]}


async def test_send_whatsapp_prefixes_both_addresses() -> None:
    """WhatsApp sends use whatsapp:+E164 in To and From."""
    fake = FakeTwilioAPI(TWILIO_ACCOUNT, TWILIO_TOKEN)
    message = OutboundMessage(channel=Channel.WHATSAPP, recipient="+16505551234", text="Hi")
    async with fake.serve() as base:
        config = {"account_sid": TWILIO_ACCOUNT, "phone_number": "+14155238886",
                  "api_base_url": base}
        assert (await adapter.send(message, config=config, credentials=CREDS)).ok
    form = fake.requests[0]["form"]
    assert form["To"] == ["whatsapp:+16505551234"]
    assert form["From"] == ["whatsapp:+14155238886"]


async def test_send_template_has_no_body() -> None:
    """A ContentSid template goes without Body (required outside the 24 h window)."""
    fake = FakeTwilioAPI(TWILIO_ACCOUNT, TWILIO_TOKEN)
    message = OutboundMessage(channel=Channel.WHATSAPP, recipient="+16505551234", text="",
                              metadata={"content_sid": "HX123", "content_variables": {"1": "42"}})
    async with fake.serve() as base:
        config = {"account_sid": TWILIO_ACCOUNT, "phone_number": "+14155238886",
                  "api_base_url": base}
        assert (await adapter.send(message, config=config, credentials=CREDS)).ok
    form = fake.requests[0]["form"]
    assert form["ContentSid"] == ["HX123"] and form["ContentVariables"] == ['{"1": "42"}']
    assert "Body" not in form


async def test_send_to_opted_out_number_is_final() -> None:
    """Error 21610 (customer replied STOP) is not retryable."""
    fake = FakeTwilioAPI(TWILIO_ACCOUNT, TWILIO_TOKEN)
    fake.opted_out.add("+14155550199")
    async with fake.serve() as base:
        result = await adapter.send(_sms(), config={"account_sid": TWILIO_ACCOUNT,
                                                    "phone_number": "+14155550100",
                                                    "api_base_url": base}, credentials=CREDS)
    assert (result.ok, result.retryable, result.error_code, result.status_code) == (
        False, False, "21610", 400)


async def test_send_rate_limited_is_retryable_with_retry_after() -> None:
    """429 with Retry-After is retryable and says how long to wait."""
    fake = FakeTwilioAPI(TWILIO_ACCOUNT, TWILIO_TOKEN)
    fake.script.append(Scripted(429, twilio_error(429, 20429, "Too Many Requests"),
                                {"Retry-After": "3"}))
    async with fake.serve() as base:
        result = await adapter.send(_sms(), config={"account_sid": TWILIO_ACCOUNT,
                                                    "phone_number": "+14155550100",
                                                    "api_base_url": base}, credentials=CREDS)
    assert result.retryable and not result.ambiguous and result.retry_after_s == 3.0


async def test_send_with_wrong_token_is_not_retried() -> None:
    """401 from Twilio is final: retrying the same credentials cannot help."""
    fake = FakeTwilioAPI(TWILIO_ACCOUNT, TWILIO_TOKEN)
    async with fake.serve() as base:
        result = await adapter.send(_sms(), config={"account_sid": TWILIO_ACCOUNT,
                                                    "phone_number": "+14155550100",
                                                    "api_base_url": base},
                                    credentials={"auth_token": "wrong"})
    assert (result.ok, result.retryable, result.status_code) == (False, False, 401)


async def test_send_to_unreachable_api_is_retryable() -> None:
    """A refused connection sent nothing: safe to retry."""
    config = {"account_sid": TWILIO_ACCOUNT, "phone_number": "+14155550100",
              "api_base_url": "http://127.0.0.1:9"}
    result = await adapter.send(_sms(), config=config, credentials=CREDS)
    assert result.retryable and not result.ambiguous


async def test_send_timeout_after_request_is_ambiguous() -> None:
    """No answer after the request left: maybe sent, so never retried."""
    fake = FakeTwilioAPI(TWILIO_ACCOUNT, TWILIO_TOKEN)
    fake.delay_s = 1.0
    async with fake.serve() as base:
        config = {"account_sid": TWILIO_ACCOUNT, "phone_number": "+14155550100",
                  "api_base_url": base, "http_timeout_s": 0.2}
        result = await adapter.send(_sms(), config=config, credentials=CREDS)
    assert result.ambiguous and not result.retryable and not result.ok


async def test_send_without_account_is_a_configuration_error() -> None:
    """A missing account SID is a configuration error, not a failed message."""
    with pytest.raises(ChannelNotConfigured):
        await adapter.send(_sms(), config={"phone_number": "+1"}, credentials=CREDS)


def test_form_body_round_trip_keeps_plus_signs() -> None:
    """'+' in a number survives form encoding (it is %2B on the wire)."""
    msg, = adapter.parse(headers={}, body=urlencode(TWILIO_SMS_STOP_PARAMS).encode()).messages
    assert msg.recipient == "+14155550100"
