"""The webhook routes over real HTTP: signed provider requests in, rows in PostgreSQL out."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import update

from channels.consent import queue_notice
from channels.owners import OwnerCache
from channels.twilio import EMPTY_TWIML
from channels.webhooks import SPOOL
from db.crypto import Keyring
from db.models import Conversation, ExternalMessageMapping, Message
from db.models.enums import MessageStatus
from orderagent.app import create_app
from tests.channels.samples import (
    CUSTOMER_MESSAGE_ID,
    CUSTOMER_REFERENCES,
    EMAIL_SECRET,
    META_DELIVERED,
    META_FAILED_131047,
    META_ORDER,
    META_PHONE_NUMBER_ID,
    META_TEXT,
    SENDGRID_DEFAULT_FIELDS,
    TWILIO_WA_PARAMS,
    mailgun_fields,
    meta_event,
    meta_messages,
    meta_signature,
    meta_statuses,
    multipart,
    postmark_payload,
)
from tests.channels.webhook_env import (
    EMAIL_ADDRESS,
    SMS_NUMBER,
    VERIFY_TOKEN,
    basic_auth,
    inbound,
    integrations,
    load,
    mailgun_now,
    meta_post,
    rows,
    status_params,
    twilio_params,
    twilio_post,
)
from tests.conftest import TEST_MASTER_KEY

TW = "/webhooks/twilio"
TW_STATUS = "/webhooks/twilio/status"
WA = "/webhooks/whatsapp"


@pytest.fixture
async def dist(database) -> uuid.UUID:
    """The test distributor, every channel configured."""
    return await load(database)


@pytest.fixture
async def client(aiohttp_client, settings, database, dist):
    """The real app over this test's database."""
    return await aiohttp_client(create_app(settings, database))


# ---- Twilio -------------------------------------------------------------------------------
async def test_signed_sms_is_stored_and_answered_with_empty_twiml(client, database, dist) -> None:
    """A signed SMS: 200 with empty TwiML as text/xml, one message in an SMS conversation."""
    resp = await client.post(TW, **twilio_post(TW, twilio_params("2 cs whole milk")))
    assert resp.status == 200
    assert resp.content_type == "text/xml"
    assert await resp.text() == EMPTY_TWIML
    [msg] = await inbound(database, dist)
    assert msg.content == "2 cs whole milk" and msg.status == MessageStatus.RECEIVED
    [conv] = await rows(database, dist, Conversation)
    assert (conv.channel, conv.channel_address) == ("SMS", SMS_NUMBER)


async def test_twilio_whatsapp_with_media_is_stored(client, database, dist) -> None:
    """Twilio's WhatsApp sample (image, profile name) lands in a WhatsApp conversation."""
    resp = await client.post(TW, **twilio_post(TW, TWILIO_WA_PARAMS))
    assert resp.status == 200
    [msg] = await inbound(database, dist)
    assert msg.message_type == "IMAGE" and msg.attachments[0]["content_type"] == "image/jpeg"
    [conv] = await rows(database, dist, Conversation)
    assert conv.channel == "WHATSAPP"


async def test_wrong_signature_is_403_and_stores_nothing(client, database, dist) -> None:
    """A signature made with another token is refused."""
    resp = await client.post(TW, **twilio_post(TW, twilio_params(), token="not-the-token"))
    assert resp.status == 403
    assert await inbound(database, dist) == []


async def test_missing_signature_is_403(client, database, dist) -> None:
    """No X-Twilio-Signature at all is refused."""
    resp = await client.post(TW, **twilio_post(TW, twilio_params(), signature=""))
    assert resp.status == 403
    assert await inbound(database, dist) == []


async def test_signature_for_another_path_is_403(client, database, dist) -> None:
    """The signature binds the URL: one made for the status path fails on the inbound path."""
    params = twilio_params()
    signed_elsewhere = twilio_post(TW_STATUS, params)
    assert (await client.post(TW, **signed_elsewhere)).status == 403


async def test_tampered_body_is_403(client, database, dist) -> None:
    """A signed request whose Body was changed afterwards is refused."""
    kwargs = twilio_post(TW, twilio_params("1 case milk"))
    kwargs["data"] = kwargs["data"].replace(b"1+case", b"9+case")
    assert (await client.post(TW, **kwargs)).status == 403


async def test_signed_but_malformed_is_400(client, database, dist) -> None:
    """A signed form without MessageSid is not Twilio's shape."""
    params = [(k, v) for k, v in twilio_params() if "Sid" not in k]
    resp = await client.post(TW, **twilio_post(TW, params))
    assert resp.status == 400


async def test_unknown_number_is_refused_like_a_bad_signature(client, database, dist) -> None:
    """A number no distributor owns gets the very answer a wrong signature gets (403, same
    body): outsiders cannot probe which numbers we serve (issue 15; was 404)."""
    unknown = await client.post(TW, **twilio_post(TW, twilio_params(to="+19995550000")))
    forged = await client.post(TW, **twilio_post(TW, twilio_params(), token="f" * 32))
    assert unknown.status == forged.status == 403
    assert await unknown.read() == await forged.read()
    assert await inbound(database, dist) == []


async def test_duplicate_delivery_is_200_and_stores_once(client, database, dist) -> None:
    """Twilio retrying the same MessageSid: 200 both times, one message."""
    kwargs = twilio_post(TW, twilio_params(sid="SM" + "d" * 32))
    assert (await client.post(TW, **kwargs)).status == 200
    assert (await client.post(TW, **kwargs)).status == 200
    assert len(await inbound(database, dist)) == 1


async def test_concurrent_identical_deliveries_store_once(client, database, dist) -> None:
    """Five copies at the same moment: all 200, exactly one message, one conversation."""
    kwargs = twilio_post(TW, twilio_params(sid="SM" + "c" * 32))
    statuses = await asyncio.gather(*(client.post(TW, **kwargs) for _ in range(5)))
    assert [r.status for r in statuses] == [200] * 5
    assert len(await inbound(database, dist)) == 1
    assert len(await rows(database, dist, Conversation)) == 1


async def test_a_burst_from_many_customers_is_stored_once_each_in_order(client, database,
                                                                      dist) -> None:
    """Concurrent webhooks share transactions: every message is stored once, retries
    included, and each customer's conversation counts and orders its own messages."""
    senders = [f"+1415555{n:04d}" for n in range(6)]
    posts = [twilio_post(TW, twilio_params(f"{k} cs milk", sender=s, sid=f"SM{s[-4:]}{k:028d}"))
             for s in senders for k in range(1, 5)]
    posts += posts[::3]  # provider retries, in the same burst
    statuses = await asyncio.gather(*(client.post(TW, **kw) for kw in posts))
    assert {r.status for r in statuses} == {200}
    stored = await inbound(database, dist)
    assert len(stored) == len(senders) * 4
    assert len({m.external_message_id for m in stored}) == len(stored)
    conversations = await rows(database, dist, Conversation)
    assert len(conversations) == len(senders)
    for conv in conversations:
        mine = [m for m in stored if m.conversation_id == conv.id]  # by created_at
        assert conv.message_count == conv.unread_count == len(mine) == 4
        assert [m.thread_position for m in mine] == [1, 2, 3, 4]  # one order, no gaps


async def test_nul_and_huge_values_are_not_a_500(client, database, dist) -> None:
    """A NUL in the body is dropped; a sender longer than a phone column is 400."""
    ok = await client.post(TW, **twilio_post(TW, twilio_params("milk\x00please")))
    assert ok.status == 200
    assert (await inbound(database, dist))[0].content == "milkplease"
    long_sender = await client.post(TW, **twilio_post(TW, twilio_params(sender="+1" * 40)))
    assert long_sender.status == 400


# ---- Meta WhatsApp Cloud ------------------------------------------------------------------
async def test_meta_handshake_echoes_the_challenge(client) -> None:
    """GET with our verify token echoes hub.challenge; another token is 403."""
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444",
             "hub.verify_token": VERIFY_TOKEN}
    resp = await client.get(WA, params=query)
    assert resp.status == 200 and await resp.text() == "1158201444"
    bad = await client.get(WA, params={**query, "hub.verify_token": "guess"})
    assert bad.status == 403


async def test_meta_text_and_order_are_stored(client, database, dist) -> None:
    """Meta's text and catalog-order samples are stored in one WhatsApp conversation."""
    assert (await client.post(WA, **meta_post(META_TEXT))).status == 200
    assert (await client.post(WA, **meta_post(META_ORDER))).status == 200
    msgs = await inbound(database, dist)
    assert [m.message_type for m in msgs] == ["TEXT", "ORDER_CONTEXT"]
    assert msgs[1].external_metadata["order"]["items"][0]["quantity"] == 2
    [conv] = await rows(database, dist, Conversation)
    assert conv.channel_address == META_PHONE_NUMBER_ID


async def test_meta_batch_for_two_numbers_stores_each_with_its_owner(client, database,
                                                                     dist) -> None:
    """One POST, three changes: ours, another distributor's number, and an unknown one."""
    other_pid = "209876543210987"
    other = await load(database, slug="other", integration_list=[
        {**integrations()[2], "config": {"phone_number_id": other_pid}}])
    ours = meta_messages(
        {"from": "16505551234", "id": "wamid.A1", "timestamp": "1750000001", "type": "text",
         "text": {"body": "first"}},
        {"from": "16505551234", "id": "wamid.A2", "timestamp": "1750000002", "type": "text",
         "text": {"body": "second"}})
    theirs = meta_messages({"from": "15550009999", "id": "wamid.B1", "timestamp": "1750000003",
                            "type": "text", "text": {"body": "theirs"}})
    theirs["metadata"]["phone_number_id"] = other_pid
    unknown = meta_messages({"from": "15550008888", "id": "wamid.C1",
                             "timestamp": "1750000004", "type": "text", "text": {"body": "?"}})
    unknown["metadata"]["phone_number_id"] = "100000000000001"
    event = meta_event(ours)
    event["entry"].append({"id": "waba-2", "changes": [{"field": "messages", "value": theirs},
                                                       {"field": "messages", "value": unknown}]})
    assert (await client.post(WA, **meta_post(event))).status == 200
    assert [m.content for m in await inbound(database, dist)] == ["first", "second"]
    assert [m.content for m in await inbound(database, other)] == ["theirs"]
    # redelivered (Meta retries whole batches): nothing new anywhere
    assert (await client.post(WA, **meta_post(event))).status == 200
    assert len(await inbound(database, dist)) == 2 and len(await inbound(database, other)) == 1


async def test_meta_post_naming_many_numbers(client, database, dist) -> None:
    """Forged, it is 403 (checked against our apps before any number is looked up); real,
    with ours among 200 numbers that are not, ours is stored."""
    event = meta_event(meta_messages())
    for n in range(200):
        value = meta_messages({"from": "15550008888", "id": f"wamid.X{n}",
                               "timestamp": "1750000004", "type": "text", "text": {"body": "?"}})
        value["metadata"]["phone_number_id"] = f"1000000{n:08d}"
        event["entry"][0]["changes"].append({"field": "messages", "value": value})
    assert (await client.post(WA, **meta_post(event, secret="forged"))).status == 403
    ours = meta_messages({"from": "16505551234", "id": "wamid.OURS", "timestamp": "1750000005",
                          "type": "text", "text": {"body": "2 cs milk"}})
    event["entry"][0]["changes"].append({"field": "messages", "value": ours})
    assert (await client.post(WA, **meta_post(event))).status == 200
    assert [m.content for m in await inbound(database, dist)] == ["2 cs milk"]


async def test_meta_refusals(client, database, dist) -> None:
    """Wrong or missing signature 403, unknown number 403 too (no oracle), not JSON 400."""
    assert (await client.post(WA, **meta_post(META_TEXT, secret="other-secret"))).status == 403
    unsigned = meta_post(META_TEXT)
    del unsigned["headers"]["X-Hub-Signature-256"]
    assert (await client.post(WA, **unsigned)).status == 403
    foreign = meta_messages({"from": "1", "id": "wamid.X", "timestamp": "1", "type": "text",
                             "text": {"body": "x"}})
    foreign["metadata"]["phone_number_id"] = "100000000000002"
    assert (await client.post(WA, **meta_post(meta_event(foreign)))).status == 403
    garbage = meta_post(META_TEXT)
    garbage["data"] = b"{not json"
    garbage["headers"]["X-Hub-Signature-256"] = "sha256=" + meta_signature(b"{not json")
    assert (await client.post(WA, **garbage)).status == 400
    assert await inbound(database, dist) == []


async def test_meta_event_without_a_number_needs_a_valid_signature(client) -> None:
    """An account update names no number: 200 if one of our apps signed it, else 403."""
    event = meta_event({"ban_info": {"waba_ban_state": "SCHEDULE_FOR_DISABLE"}},
                       field="account_update")
    assert (await client.post(WA, **meta_post(event))).status == 200
    assert (await client.post(WA, **meta_post(event, secret="x"))).status == 403


# ---- statuses -------------------------------------------------------------------------------
async def _sent(database, dist, provider: str, external_id: str | None,
                status: MessageStatus = MessageStatus.SENT) -> uuid.UUID:
    """An outbound message already sent under `external_id` (mapped when given)."""
    conv = (await rows(database, dist, Conversation))[0]
    async with database.transaction(tenant=dist) as s:
        mid = await queue_notice(s, dist, conv.id, "Your order is confirmed.", sent_by="agent")
        await s.execute(update(Message).where(Message.id == mid).values(
            status=status, external_message_id=external_id))
        if external_id:
            s.add(ExternalMessageMapping(distributor_id=dist, provider=provider,
                                         external_id=external_id, message_id=mid))
    return mid


async def _message(database, dist, mid: uuid.UUID) -> Message:
    return (await rows(database, dist, Message, Message.id == mid))[0]


async def test_twilio_statuses_apply_forward_only_and_once(client, database, dist) -> None:
    """delivered moves SENT on; a late 'sent' does not move it back; repeats are deduped."""
    await client.post(TW, **twilio_post(TW, twilio_params()))
    sid = "SM" + "5" * 32
    mid = await _sent(database, dist, "twilio", sid)
    for status in ("delivered", "sent", "delivered"):
        resp = await client.post(TW_STATUS, **twilio_post(TW_STATUS, status_params(sid, status)))
        assert resp.status == 200 and await resp.text() == EMPTY_TWIML
    msg = await _message(database, dist, mid)
    assert msg.status == MessageStatus.DELIVERED
    assert [e["status"] for e in msg.external_metadata["status_events"]] == ["delivered", "sent"]


async def test_twilio_undelivered_keeps_the_error_code(client, database, dist) -> None:
    """undelivered with ErrorCode 30003 fails the message and keeps the code."""
    await client.post(TW, **twilio_post(TW, twilio_params()))
    sid = "SM" + "6" * 32
    mid = await _sent(database, dist, "twilio", sid)
    params = status_params(sid, "undelivered", error_code="30003")
    assert (await client.post(TW_STATUS, **twilio_post(TW_STATUS, params))).status == 200
    msg = await _message(database, dist, mid)
    assert msg.status == MessageStatus.FAILED and "30003" in msg.last_error


async def test_status_before_the_send_was_recorded_uses_the_signed_hint(client, database,
                                                                        dist) -> None:
    """A callback racing the sender's record step finds the message by `?m=` in its URL."""
    await client.post(TW, **twilio_post(TW, twilio_params()))
    mid = await _sent(database, dist, "twilio", None, status=MessageStatus.QUEUED)
    path = f"{TW_STATUS}?m={mid}"
    resp = await client.post(path, **twilio_post(path, status_params("SM" + "7" * 32, "sent")))
    assert resp.status == 200
    assert (await _message(database, dist, mid)).status == MessageStatus.SENT


async def test_status_for_a_message_not_ours_is_200(client) -> None:
    """A callback for a message we never sent is acknowledged and ignored."""
    params = status_params("SM" + "9" * 32, "delivered")
    assert (await client.post(TW_STATUS, **twilio_post(TW_STATUS, params))).status == 200


async def test_meta_statuses_read_and_window_failure(client, database, dist) -> None:
    """Meta delivered then read; a 131047 failure says the 24 h window closed."""
    await client.post(WA, **meta_post(META_TEXT))
    delivered_id = META_DELIVERED["entry"][0]["changes"][0]["value"]["statuses"][0]["id"]
    failed_id = META_FAILED_131047["entry"][0]["changes"][0]["value"]["statuses"][0]["id"]
    ok = await _sent(database, dist, "meta_whatsapp", delivered_id)
    bad = await _sent(database, dist, "meta_whatsapp", failed_id)
    read = meta_event(meta_statuses({"id": delivered_id, "status": "read",
                                     "timestamp": "1750030100", "recipient_id": "16505551234"}))
    for event in (read, META_DELIVERED, META_FAILED_131047):
        assert (await client.post(WA, **meta_post(event))).status == 200
    assert (await _message(database, dist, ok)).status == MessageStatus.READ
    failed = await _message(database, dist, bad)
    assert failed.status == MessageStatus.FAILED
    assert "131047" in failed.last_error and "24h window" in failed.last_error


# ---- email --------------------------------------------------------------------------------
async def test_postmark_email_is_stored_with_threading(client, database, dist) -> None:
    """Postmark JSON behind basic auth: stored by Message-ID, threading kept, subject set."""
    resp = await client.post("/webhooks/email/postmark", json=postmark_payload(),
                             headers=basic_auth())
    assert resp.status == 200
    [msg] = await inbound(database, dist)
    assert msg.external_message_id == CUSTOMER_MESSAGE_ID
    assert msg.external_metadata["references"] == CUSTOMER_REFERENCES
    [conv] = await rows(database, dist, Conversation)
    assert conv.channel_address == EMAIL_ADDRESS
    assert conv.subject == "Re: [#1042] Your order has shipped"


async def test_postmark_without_or_with_wrong_secret_is_401(client, database, dist) -> None:
    """401 with a Basic challenge (Postmark would stop retrying on 403)."""
    for headers in ({}, basic_auth("wrong")):
        resp = await client.post("/webhooks/email/postmark", json=postmark_payload(),
                                 headers=headers)
        assert resp.status == 401
        assert resp.headers["WWW-Authenticate"].startswith("Basic")
    assert await inbound(database, dist) == []


async def test_sendgrid_parse_with_url_token(client, database, dist) -> None:
    """SendGrid's parsed multipart post with ?token=: 200; a wrong token is 403."""
    content_type, body = multipart(SENDGRID_DEFAULT_FIELDS)
    headers = {"Content-Type": content_type}
    bad = await client.post("/webhooks/email/sendgrid?token=nope", data=body, headers=headers)
    assert bad.status == 403
    ok = await client.post(f"/webhooks/email/sendgrid?token={EMAIL_SECRET}", data=body,
                           headers=headers)
    assert ok.status == 200
    [msg] = await inbound(database, dist)
    assert msg.content.startswith("The box arrived damaged")


async def test_mailgun_token_is_single_use(client, database, dist) -> None:
    """A signed route post is stored; its token reused for another message is 403."""
    timestamp, token = mailgun_now()
    fields = mailgun_fields(timestamp=timestamp, token=token)
    url = "/webhooks/email/mailgun"
    assert (await client.post(url, data=dict(fields))).status == 200
    assert (await client.post(url, data=dict(fields))).status == 200  # a plain retry
    forged = dict(fields, **{"Message-Id": "<forged@evil.example>",
                             "body-plain": "send 100 cases"})
    forged["message-headers"] = forged["message-headers"].replace(CUSTOMER_MESSAGE_ID,
                                                                  "<forged@evil.example>")
    assert (await client.post(url, data=forged)).status == 403
    assert len(await inbound(database, dist)) == 1
    unsigned = dict(fields, signature="0" * 64)
    assert (await client.post(url, data=unsigned)).status == 403


async def test_auto_reply_email_is_stored_but_never_answered(client, database, dist) -> None:
    """An out-of-office (Auto-Submitted) is kept for staff and marked processed."""
    payload = postmark_payload()
    payload["Headers"].append({"Name": "Auto-Submitted", "Value": "auto-replied"})
    resp = await client.post("/webhooks/email/postmark", json=payload, headers=basic_auth())
    assert resp.status == 200
    [msg] = await inbound(database, dist)
    assert msg.ai_processed and msg.ai_extracted_intent == "AUTO_SUBMITTED"


async def test_unknown_email_provider_is_404_and_unknown_address_refused(client) -> None:
    """A provider we do not take is 404; an address no distributor owns is refused like
    a wrong secret (Postmark: 401), so addresses cannot be probed."""
    assert (await client.post("/webhooks/email/gmail", data=b"x")).status == 404
    payload = postmark_payload()
    payload["OriginalRecipient"] = "nobody@elsewhere.example"
    resp = await client.post("/webhooks/email/postmark", json=payload, headers=basic_auth())
    wrong = await client.post("/webhooks/email/postmark", json=postmark_payload(),
                              headers=basic_auth("not-the-secret"))
    assert resp.status == wrong.status == 401



# ---- the route cache --------------------------------------------------------------------------
async def test_route_cache_single_flight_and_ttl(database, dist, monkeypatch) -> None:
    """A cold burst makes one query; entries expire after the TTL (rotations are picked up)."""
    import channels.owners as routes_module

    calls = []
    real = routes_module._owners

    async def counting(*args, **kwargs):
        calls.append(args[2:])
        await asyncio.sleep(0.05)
        return await real(*args, **kwargs)

    monkeypatch.setattr(routes_module, "_owners", counting)
    now = [0.0]
    cache = OwnerCache(database, Keyring(TEST_MASTER_KEY.encode()), ttl_s=30,
                       clock=lambda: now[0])
    found = await asyncio.gather(*(cache.get("twilio", SMS_NUMBER) for _ in range(10)))
    assert len(calls) == 1 and all(r is not None and r.distributor_id == dist for r in found)
    assert found[0].credentials["auth_token"]
    assert await cache.get("twilio", "+19995550000") is None
    now[0] = 31.0
    await cache.get("twilio", SMS_NUMBER)
    assert len(calls) == 3


async def test_route_cache_survives_the_first_caller_going_away(database, dist) -> None:
    """If the request doing a cold lookup is cancelled, the ones waiting on it still answer."""
    cache = OwnerCache(database, Keyring(TEST_MASTER_KEY.encode()))
    first = asyncio.create_task(cache.get("twilio", SMS_NUMBER))
    await asyncio.sleep(0)
    second = asyncio.create_task(cache.get("twilio", SMS_NUMBER))
    await asyncio.sleep(0)
    first.cancel()
    route = await second
    assert route is not None and route.distributor_id == dist


# ---- signature first, bounded bodies ------------------------------------------------------
async def test_signature_is_checked_before_the_body_is_parsed(client, database, dist) -> None:
    """A body that is not the provider's shape is refused for its signature (403/401),
    not parsed (400): only a signed request costs us a parse."""
    garbage = [("To", SMS_NUMBER), ("From", "+14155550199")]  # no MessageSid: would be 400
    forged = await client.post(TW, **twilio_post(TW, garbage, token="f" * 32))
    assert forged.status == 403
    signed = await client.post(TW, **twilio_post(TW, garbage))
    assert signed.status == 400
    not_json = await client.post("/webhooks/email/postmark", data=b"{not json",
                                 headers={**basic_auth("wrong"),
                                          "Content-Type": "application/json"})
    assert not_json.status == 401


async def test_an_oversized_message_is_stored_cut_and_handed_to_staff(aiohttp_client, settings,
                                                                      database, dist) -> None:
    """A message past max_message_kb is stored cut to that size, its cards masked, never
    given to the agent, and its conversation handed to a person with the reason."""
    client = await aiohttp_client(create_app(settings.model_copy(update={"max_message_kb": 1}),
                                             database))
    card = "4111 1111 1111 1111"
    payload = postmark_payload()
    payload["TextBody"] = f"order 2 cs milk, pay with {card}\n" + "9 cs eggs\n" * 20_000
    resp = await client.post("/webhooks/email/postmark", json=payload, headers=basic_auth())
    assert resp.status == 200
    for _ in range(600):  # a cold detector may take past the write deadline: then spooled
        if client.app[SPOOL].depth == 0 and await inbound(database, dist):
            break
        await asyncio.sleep(0.1)
    [msg] = await inbound(database, dist)
    assert len(msg.content) == 1024
    assert card not in msg.content and "1111" in msg.content  # masked, last four kept
    assert msg.external_metadata["truncated_from_chars"] > 190_000  # what the customer sent
    assert msg.ai_processed and msg.ai_extracted_intent == "TRUNCATED"
    [conv] = await rows(database, dist, Conversation)
    assert conv.handoff_active and "cut" in conv.handoff_reason
