"""Meta WhatsApp Cloud: handshake, X-Hub-Signature-256, every message kind, Graph API sends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from channels.base import ChannelNotConfigured, MalformedWebhook, within_customer_window
from channels.meta import MetaWhatsAppAdapter, verify_handshake
from core.messages import Channel, OutboundMessage
from tests.channels.samples import (
    META_DELIVERED,
    META_DELIVERED_SIGNATURE,
    META_FAILED_131047,
    META_FAILED_SIGNATURE,
    META_ORDER,
    META_ORDER_SIGNATURE,
    META_PHONE_NUMBER_ID,
    META_SECRET,
    META_TEXT,
    META_TEXT_SIGNATURE,
    meta_body,
    meta_event,
    meta_messages,
    meta_request,
    meta_signature,
)
from tests.fakes.graph_api import FakeGraphAPI, Scripted, graph_error

adapter = MetaWhatsAppAdapter()
CREDS = {"app_secret": META_SECRET}
TOKEN = "EAAJB-FAKE-token"


def _verify(headers: dict[str, str], body: bytes) -> bool:
    return adapter.verify(url="https://hooks.example.com/webhooks/whatsapp", headers=headers,
                          body=body, credentials=CREDS)


def _one(message: dict) -> object:
    parsed = adapter.parse(headers={}, body=meta_body(meta_event(meta_messages(
        {"from": "16505551234", "id": "wamid.X1", "timestamp": "1749416383", **message}))))
    return parsed.messages[0] if parsed.messages else None


# ---- handshake ----------------------------------------------------------------------------
def test_handshake_echoes_the_challenge() -> None:
    """The sample handshake answers its hub.challenge."""
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444",
              "hub.verify_token": "meatyhamhock"}
    assert verify_handshake(params, "meatyhamhock") == "1158201444"


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "guess"},
    {"hub.mode": "unsubscribe", "hub.challenge": "1158201444", "hub.verify_token": "meatyhamhock"},
    {"hub.mode": "subscribe", "hub.verify_token": "meatyhamhock"},
    {"hub.mode": "subscribe", "hub.challenge": "<script>", "hub.verify_token": "meatyhamhock"},
])
def test_handshake_refused(params: dict[str, str]) -> None:
    """Wrong token, wrong mode, no challenge or a non-token challenge: no echo."""
    assert verify_handshake(params, "meatyhamhock") is None


def test_handshake_without_configured_token_is_a_configuration_error() -> None:
    """No verify token configured is an operator error, never a match."""
    with pytest.raises(ChannelNotConfigured):
        verify_handshake({"hub.mode": "subscribe", "hub.challenge": "1",
                          "hub.verify_token": ""}, "")


# ---- signatures ---------------------------------------------------------------------------
@pytest.mark.parametrize(("event", "published"), [
    (META_TEXT, META_TEXT_SIGNATURE), (META_ORDER, META_ORDER_SIGNATURE),
    (META_DELIVERED, META_DELIVERED_SIGNATURE), (META_FAILED_131047, META_FAILED_SIGNATURE),
])
def test_signed_samples_verify_byte_for_byte(event: dict, published: str) -> None:
    """Each rebuilt sample carries the published signature and passes verification."""
    headers, body = meta_request(event)
    assert headers["X-Hub-Signature-256"] == f"sha256={published}"
    assert _verify(headers, body)


def test_wrong_signature_is_rejected() -> None:
    """A body signed with another app secret fails."""
    headers, body = meta_request(META_TEXT, secret="another-secret")
    assert not _verify(headers, body)


def test_missing_signature_is_rejected() -> None:
    """An unsigned POST fails."""
    assert not _verify({"Content-Type": "application/json"}, meta_body(META_TEXT))


def test_signature_without_sha256_prefix_is_rejected() -> None:
    """The bare hex digest (no `sha256=`) is not Meta's header format."""
    body = meta_body(META_TEXT)
    assert not _verify({"X-Hub-Signature-256": meta_signature(body)}, body)


def test_reserialised_body_fails() -> None:
    """Verification is over the raw bytes: non-ASCII re-encoded differently fails."""
    headers, body = meta_request(META_TEXT)
    reencoded = json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":")).encode()
    assert not _verify(headers, reencoded)


def test_missing_app_secret_is_a_configuration_error() -> None:
    """No app secret configured never means 'accept unsigned'."""
    headers, body = meta_request(META_TEXT)
    with pytest.raises(ChannelNotConfigured):
        adapter.verify(url="", headers=headers, body=body, credentials={})


# ---- parsing the shared samples -----------------------------------------------------------
def test_text_message() -> None:
    """Sender with '+', profile name, our phone_number_id as recipient, Meta's timestamp."""
    msg, = adapter.parse(headers={}, body=meta_body(META_TEXT)).messages
    assert (msg.channel, msg.sender, msg.recipient) == (Channel.WHATSAPP, "+16505551234",
                                                        META_PHONE_NUMBER_ID)
    assert msg.external_id.startswith("wamid.HBgL")
    assert msg.text == "Does it come in another colour? ¿Tienen en azul? 🙂"
    assert msg.sender_name == "Sheena Nelson"
    assert msg.received_at == datetime(2025, 6, 8, 20, 59, 43, tzinfo=UTC)


def test_catalog_order_becomes_items() -> None:
    """A native cart lists every item with retailer id, quantity and exact price."""
    msg, = adapter.parse(headers={}, body=meta_body(META_ORDER)).messages
    assert msg.message_type == "ORDER_CONTEXT" and msg.text == "Love these!"
    order = msg.metadata["order"]
    assert order["catalog_id"] == "194836987003835"
    assert order["items"] == [
        {"product_retailer_id": "di9ozbzfi4", "quantity": 2, "item_price": "30", "currency": "USD"},
        {"product_retailer_id": "nqryix03ez", "quantity": 1, "item_price": "25", "currency": "USD"},
    ]


def test_fractional_prices_stay_exact() -> None:
    """7.99 stays '7.99' (JSON floats are read as decimals)."""
    msg = _one({"type": "order", "order": {"catalog_id": "1", "product_items": [
        {"product_retailer_id": "sku-1", "quantity": 3, "item_price": 7.99, "currency": "USD"},
        {"product_retailer_id": "", "quantity": 1}]}})
    assert msg.metadata["order"]["items"][0]["item_price"] == "7.99"
    assert msg.metadata["order"]["invalid_items"] == 1


def test_delivered_status() -> None:
    """A delivered status for our wamid."""
    update, = adapter.parse(headers={}, body=meta_body(META_DELIVERED)).statuses
    assert (update.status, update.error_code) == ("DELIVERED", None)
    assert update.external_id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI4MjZGRDA0OUE2OTQ3RkEyMzcA"


def test_failed_status_carries_the_error_code() -> None:
    """A failed send outside the 24 h window reports 131047."""
    update, = adapter.parse(headers={}, body=meta_body(META_FAILED_131047)).statuses
    assert (update.status, update.error_code, update.error_message) == (
        "FAILED", "131047", "Re-engagement message")


# ---- parsing every other kind -------------------------------------------------------------
def test_button_reply_and_list_reply() -> None:
    """Interactive replies keep their id and title; the title is the text."""
    button = _one({"type": "interactive", "context": {"from": "1", "id": "wamid.Q"},
                   "interactive": {"type": "button_reply",
                                   "button_reply": {"id": "confirm", "title": "Yes, order"}}})
    assert button.text == "Yes, order" and button.reply_to_external_id == "wamid.Q"
    assert button.metadata["interactive"]["id"] == "confirm"
    chosen = _one({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {
        "id": "sku-9", "title": "Oat milk", "description": "1L"}}})
    assert chosen.metadata["interactive"]["description"] == "1L"


def test_template_quick_reply_button() -> None:
    """A template button keeps payload and text."""
    msg = _one({"type": "button", "button": {"payload": "reorder", "text": "Reorder"}})
    assert msg.text == "Reorder" and msg.metadata["button"]["payload"] == "reorder"


@pytest.mark.parametrize(("kind", "media", "message_type"), [
    ("image", {"mime_type": "image/jpeg", "sha256": "x", "id": "m1", "caption": "this one"},
     "IMAGE"),
    ("sticker", {"mime_type": "image/webp", "id": "m2", "animated": False}, "IMAGE"),
    ("audio", {"mime_type": "audio/ogg; codecs=opus", "id": "m3", "voice": True}, "AUDIO"),
    ("video", {"mime_type": "video/mp4", "id": "m4"}, "FILE"),
    ("document", {"mime_type": "application/pdf", "id": "m5", "filename": "po-77.pdf"}, "FILE"),
])
def test_media_become_attachments(kind: str, media: dict, message_type: str) -> None:
    """Media keep the id to download them with; captions become text."""
    msg = _one({"type": kind, kind: media})
    attachment, = msg.attachments
    assert attachment.provider_media_id == media["id"]
    assert attachment.content_type == media["mime_type"]
    assert attachment.filename == media.get("filename")
    assert msg.message_type == message_type and msg.text == media.get("caption", "")


def test_location() -> None:
    """A shared place keeps coordinates; its name and address are the text."""
    msg = _one({"type": "location", "location": {"latitude": 12.25, "longitude": 43.9,
                                                 "name": "Harbor Cafe", "address": "1 Pier St"}})
    assert msg.metadata["location"]["latitude"] == 12.25
    assert msg.text == "Harbor Cafe - 1 Pier St"


def test_reaction_is_kept_and_removal_ignored() -> None:
    """A thumbs-up on our question counts; removing a reaction is not a message."""
    msg = _one({"type": "reaction", "reaction": {"message_id": "wamid.OURS", "emoji": "👍"}})
    assert msg.text == "👍" and msg.reply_to_external_id == "wamid.OURS"
    assert _one({"type": "reaction", "reaction": {"message_id": "wamid.OURS", "emoji": ""}}) is None
    assert _one({"type": "reaction", "reaction": {"message_id": "wamid.OURS"}}) is None


@pytest.mark.parametrize("message", [
    {"type": "unsupported", "errors": [{"code": 131051, "title": "Message type unknown"}]},
    {"type": "system", "system": {"body": "User identity changed"}},
    {"type": "revoke", "revoke": {"original_message_id": "wamid.A"}},
    {"type": "interactive"},
    {"type": "text"},
])
def test_kinds_we_do_not_handle_are_skipped(message: dict) -> None:
    """Unsupported, system, revoked and empty messages are skipped without error."""
    assert _one(message) is None


def test_shared_contacts() -> None:
    """Shared contact cards keep names and phones."""
    msg = _one({"type": "contacts", "contacts": [
        {"name": {"formatted_name": "Chandler Bing"}, "phones": [{"phone": "+1 555-555-5555"}]}]})
    assert msg.text == "Chandler Bing"
    assert msg.metadata["contacts"] == [{"name": "Chandler Bing", "phones": ["+1 555-555-5555"]}]


def test_batch_of_entries_changes_messages_and_statuses() -> None:
    """Everything in one POST is returned; non-message fields are ignored."""
    event = meta_event(meta_messages(
        {"from": "1", "id": "wamid.A", "type": "text", "text": {"body": "a"}},
        {"from": "2", "id": "wamid.B", "type": "text", "text": {"body": "b"}}))
    event["entry"].append(META_DELIVERED["entry"][0])
    event["entry"].append({"id": "9", "changes": [
        {"field": "user_preferences", "value": {"user_preferences": [{"value": "stop"}]}}]})
    parsed = adapter.parse(headers={}, body=meta_body(event))
    assert [m.external_id for m in parsed.messages] == ["wamid.A", "wamid.B"]
    assert [s.status for s in parsed.statuses] == ["DELIVERED"]


def test_username_user_without_phone_number() -> None:
    """A BSUID-only sender (2026 usernames) is kept, phone absent."""
    event = meta_event(meta_messages(
        {"from_user_id": "US.13491208655302741918", "id": "wamid.U", "type": "text",
         "text": {"body": "hello"}}, contacts=[]))
    msg, = adapter.parse(headers={}, body=meta_body(event)).messages
    assert msg.sender == "US.13491208655302741918"
    assert msg.metadata["bsuid"] == "US.13491208655302741918"


@pytest.mark.parametrize("body", [
    b"", b"not json", b"[]", b'{"object":"page","entry":[]}',
    b'{"object":"whatsapp_business_account"}',
    b'{"object":"whatsapp_business_account","entry":{}}',
    b'{"object":"whatsapp_business_account","entry":[{"changes":"x"}]}',
    meta_body(meta_event({"messages": [{"id": "wamid.1", "type": "text"}]})),
    b"[" * 100_000,
])
def test_malformed_bodies(body: bytes) -> None:
    """Not the webhook envelope: MalformedWebhook (a 400), never another error."""
    with pytest.raises(MalformedWebhook):
        adapter.parse(headers={}, body=body)


# ---- the customer window ------------------------------------------------------------------
def test_customer_window() -> None:
    """Free-form replies within 24 h of the customer's last message, minus a safety minute."""
    now = datetime(2026, 9, 14, 12, 0, tzinfo=UTC)
    assert within_customer_window(now - timedelta(hours=23, minutes=58), now)
    assert not within_customer_window(now - timedelta(hours=23, minutes=59, seconds=30), now)
    assert not within_customer_window(now - timedelta(hours=25), now)
    assert not within_customer_window(None, now)


# ---- sending ------------------------------------------------------------------------------
def _reply(**metadata) -> OutboundMessage:
    return OutboundMessage(channel=Channel.WHATSAPP, recipient="+16505551234",
                           text="Yes - it also comes in blue.", message_id="msg-7",
                           metadata=metadata)


def _config(base: str, **extra) -> dict:
    return {"phone_number_id": META_PHONE_NUMBER_ID, "api_base_url": base, **extra}


async def test_send_text_as_contextual_reply() -> None:
    """Bearer token, versioned path, the sample's JSON body; the wamid comes back."""
    fake = FakeGraphAPI(TOKEN, META_PHONE_NUMBER_ID)
    async with fake.serve() as base:
        result = await adapter.send(
            _reply(reply_to_external_id="wamid.Q"), config=_config(base, api_version="v25.0"),
            credentials={"access_token": TOKEN})
    assert result.ok and result.external_id == fake.messages[0]["id"]
    request, = fake.requests
    assert request["path"] == f"/v25.0/{META_PHONE_NUMBER_ID}/messages"
    assert request["authorization"] == f"Bearer {TOKEN}"
    assert request["content_type"] == "application/json"
    assert json.loads(request["body"]) == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "+16505551234",
        "type": "text", "text": {"preview_url": False, "body": "Yes - it also comes in blue."},
        "context": {"message_id": "wamid.Q"}, "biz_opaque_callback_data": "msg-7"}


async def test_send_template_outside_the_window() -> None:
    """metadata['template'] sends a template message instead of text."""
    fake = FakeGraphAPI(TOKEN, META_PHONE_NUMBER_ID)
    template = {"name": "order_update", "language": "en_US", "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "#1042"}]}]}
    async with fake.serve() as base:
        result = await adapter.send(_reply(template=template, reply_to_external_id="wamid.Q"),
                                    config=_config(base), credentials={"access_token": TOKEN})
    assert result.ok
    payload = fake.messages[0]["payload"]
    assert payload["type"] == "template" and "text" not in payload and "context" not in payload
    assert payload["template"] == {"name": "order_update", "language": {"code": "en_US"},
                                   "components": template["components"]}


@pytest.mark.parametrize(("status", "code", "retryable"), [
    (400, 131047, False), (400, 131026, False), (400, 130429, True), (429, 4, True),
    (500, 131000, True), (503, 133004, True),
])
async def test_graph_errors_are_classified(status: int, code: int, retryable: bool) -> None:
    """Throttling and server errors are retryable; re-engagement and undeliverable are not."""
    fake = FakeGraphAPI(TOKEN, META_PHONE_NUMBER_ID)
    fake.script.append(Scripted(status, graph_error(code, "error")))
    async with fake.serve() as base:
        result = await adapter.send(_reply(), config=_config(base),
                                    credentials={"access_token": TOKEN})
    assert (result.ok, result.retryable, result.error_code) == (False, retryable, str(code))


async def test_send_with_expired_token_is_final() -> None:
    """An invalid token (190) is not retried."""
    fake = FakeGraphAPI(TOKEN, META_PHONE_NUMBER_ID)
    async with fake.serve() as base:
        result = await adapter.send(_reply(), config=_config(base),
                                    credentials={"access_token": "expired"})
    assert (result.retryable, result.error_code, result.status_code) == (False, "190", 401)


async def test_gateway_timeout_is_ambiguous() -> None:
    """504: the provider may have acted, so no retry."""
    fake = FakeGraphAPI(TOKEN, META_PHONE_NUMBER_ID)
    fake.script.append(Scripted(504, {}))
    async with fake.serve() as base:
        result = await adapter.send(_reply(), config=_config(base),
                                    credentials={"access_token": TOKEN})
    assert result.ambiguous and not result.retryable


async def test_send_without_token_is_a_configuration_error() -> None:
    """No access token is a configuration error."""
    with pytest.raises(ChannelNotConfigured):
        await adapter.send(_reply(), config=_config("http://127.0.0.1:9"), credentials={})
