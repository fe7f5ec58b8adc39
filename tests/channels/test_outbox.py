"""The sender against local Twilio, Graph API and SMTP servers: once, in order, with retries."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from agent.context import AgentContext
from agent.worker import claim_and_process
from channels._http import MAX_TIMEOUT_S, timeout_from
from channels.consent import queue_notice
from channels.retry import longest_send_s
from channels.sender import _claim, send_next
from core.messages import Channel, InboundMessage
from db.models import Customer, ExternalMessageMapping, Message
from db.models.enums import MessageStatus
from mailroom.inbox import store_inbound
from orderagent.app import create_app
from orderagent.serve import start_senders
from tests.channels.samples import (
    CUSTOMER_MESSAGE_ID,
    CUSTOMER_REFERENCES,
    meta_event,
    meta_messages,
    postmark_payload,
)
from tests.channels.webhook_env import (
    CUSTOMER,
    KEYRING,
    OPTIONS,
    SMS_NUMBER,
    WA_CUSTOMER,
    WA_NUMBER,
    basic_auth,
    conversation,
    customer,
    integrations,
    load,
    meta_post,
    outbound,
    rows,
    status_params,
    twilio_params,
    twilio_post,
)
from tests.fakes.graph_api import Scripted as GraphScripted
from tests.fakes.graph_api import graph_error
from tests.fakes.twilio_api import Scripted, twilio_error

TW = "/webhooks/twilio"


@pytest.fixture
async def dist(database, twilio_api, graph_api, smtp) -> uuid.UUID:
    """The test distributor with every provider pointed at the fakes."""
    return await load(database, integration_list=integrations(
        twilio_base=twilio_api.base, graph_base=graph_api.base, smtp_port=smtp.port))


@pytest.fixture
async def client(aiohttp_client, settings, database, dist):
    """The real app (no background tasks: each test drives the sender itself)."""
    return await aiohttp_client(create_app(settings, database))


async def _reply(database, dist, channel: str = "SMS", text: str = "Noted: 2 x Whole Milk",
                 sent_by: str = "agent") -> uuid.UUID:
    conv = await conversation(database, dist, channel)
    async with database.transaction(tenant=dist) as s:
        return await queue_notice(s, dist, conv.id, text, sent_by=sent_by)


async def _get(database, dist, mid: uuid.UUID) -> Message:
    return (await rows(database, dist, Message, Message.id == mid))[0]


async def _due_now(database, dist, mid: uuid.UUID) -> None:
    async with database.transaction(tenant=dist) as s:
        await s.execute(update(Message).where(Message.id == mid).values(
            next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))


async def _sms_thread(client) -> None:
    assert (await client.post(TW, **twilio_post(TW, twilio_params()))).status == 200


async def test_sms_reply_is_sent_mapped_and_tracked(client, database, dist, twilio_api) -> None:
    """SENT with Twilio's sid, a mapping row, and our signed status URL with its id."""
    await _sms_thread(client)
    mid = await _reply(database, dist)
    outcome = await send_next(database, KEYRING, OPTIONS)
    assert outcome is not None and outcome.status == MessageStatus.SENT
    [sent] = twilio_api.messages
    assert sent["to"] == CUSTOMER and sent["from"] == SMS_NUMBER
    assert sent["body"] == "Noted: 2 x Whole Milk"
    callback = sent["form"]["StatusCallback"][0]
    assert callback == f"http://testserver/webhooks/twilio/status?m={mid}"
    msg = await _get(database, dist, mid)
    assert msg.status == MessageStatus.SENT and msg.external_message_id == sent["sid"]
    assert msg.send_attempts == 1 and "send_in_flight" not in msg.external_metadata
    [mapping] = await rows(database, dist, ExternalMessageMapping,
                           ExternalMessageMapping.message_id == mid)
    assert mapping.external_id == sent["sid"]
    assert await send_next(database, KEYRING, OPTIONS) is None  # nothing sent twice


async def test_429_then_500_then_success(client, database, dist, twilio_api) -> None:
    """Retryable answers are retried with backoff; the third try goes out."""
    await _sms_thread(client)
    mid = await _reply(database, dist)
    twilio_api.script = [
        Scripted(429, twilio_error(429, 20429, "Too Many Requests"), {"Retry-After": "0"}),
        Scripted(500, twilio_error(500, 20500, "Internal Server Error")),
    ]
    outcome = await send_next(database, KEYRING, OPTIONS)
    assert outcome.status == MessageStatus.SENT
    assert len(twilio_api.requests) == 3 and len(twilio_api.messages) == 1
    assert (await _get(database, dist, mid)).status == MessageStatus.SENT


async def test_outage_is_rescheduled_then_sent(client, database, dist, twilio_api) -> None:
    """Still failing after the in-process retries: QUEUED for later, sent on a later claim."""
    await _sms_thread(client)
    mid = await _reply(database, dist)
    twilio_api.script = [Scripted(503, twilio_error(503, 20503, "Unavailable"))] * 3
    outcome = await send_next(database, KEYRING, OPTIONS)
    assert outcome.status == MessageStatus.QUEUED
    msg = await _get(database, dist, mid)
    assert msg.status == MessageStatus.QUEUED and "503" in msg.last_error
    assert msg.next_attempt_at > datetime.now(UTC) - timedelta(seconds=1)
    await _due_now(database, dist, mid)
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.SENT
    assert len(twilio_api.messages) == 1


async def test_gives_up_after_max_attempts(client, database, dist, twilio_api) -> None:
    """An outage outlasting every attempt ends FAILED, not in a loop."""
    await _sms_thread(client)
    mid = await _reply(database, dist)
    twilio_api.script = [Scripted(500, twilio_error(500, 20500, "down"))] * 20
    for _ in range(OPTIONS.max_attempts):
        await _due_now(database, dist, mid)
        await send_next(database, KEYRING, OPTIONS)
    msg = await _get(database, dist, mid)
    assert msg.status == MessageStatus.FAILED and msg.send_attempts == OPTIONS.max_attempts


async def test_permanent_failure_is_not_retried(client, database, dist, twilio_api) -> None:
    """400 21211 (invalid number) fails at once with the code kept."""
    await _sms_thread(client)
    mid = await _reply(database, dist)
    twilio_api.script = [Scripted(400, twilio_error(400, 21211, "Invalid 'To' Phone Number"))]
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.FAILED
    msg = await _get(database, dist, mid)
    assert "21211" in msg.last_error and len(twilio_api.requests) == 1


async def test_provider_error_text_is_kept_on_the_message_but_not_logged(
        client, database, dist, twilio_api, caplog) -> None:
    """The provider's words can hold the customer's number: they stay on the message
    for staff, and the log says only the codes."""
    await _sms_thread(client)
    mid = await _reply(database, dist)
    twilio_api.script = [Scripted(400, twilio_error(
        400, 21211, f"The 'To' number {CUSTOMER} is not a valid phone number."))]
    with caplog.at_level("DEBUG"):
        assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.FAILED
    assert CUSTOMER in (await _get(database, dist, mid)).last_error
    assert "21211" in caplog.text and CUSTOMER not in caplog.text


async def test_a_claim_is_leased_longer_than_its_longest_send(client, database, dist) -> None:
    """No second sender can take a message while the first may still be sending it, even
    with an integration that asks for an hour-long timeout (it gets 60 s at most)."""
    await _sms_thread(client)
    mid = await _reply(database, dist)
    claim = await _claim(database, KEYRING, dataclasses.replace(OPTIONS, lease_s=1.0))
    assert claim.message_id == mid
    msg = await _get(database, dist, mid)
    assert msg.next_attempt_at - datetime.now(UTC) > timedelta(
        seconds=longest_send_s(OPTIONS.policy))
    assert timeout_from({"http_timeout_s": 3600}).total == MAX_TIMEOUT_S


async def test_21610_records_the_opt_out(client, database, dist, twilio_api) -> None:
    """Twilio saying the recipient unsubscribed marks the customer opted out."""
    await _sms_thread(client)
    twilio_api.opted_out.add(CUSTOMER)
    mid = await _reply(database, dist)
    await send_next(database, KEYRING, OPTIONS)
    assert (await _get(database, dist, mid)).last_error.startswith("opted out")
    assert (await customer(database, dist, CUSTOMER)).sms_opted_out_at is not None


async def test_ambiguous_timeout_is_failed_not_resent(database, twilio_api, graph_api, smtp,
                                                      aiohttp_client, settings) -> None:
    """No answer within the timeout: the provider may have it, so FAILED and never resent."""
    dist = await load(database, integration_list=integrations(
        twilio_base=twilio_api.base, twilio_config={"http_timeout_s": 0.3}))
    client = await aiohttp_client(create_app(settings, database))
    await _sms_thread(client)
    mid = await _reply(database, dist)
    twilio_api.delay_s = 1.0
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.FAILED
    msg = await _get(database, dist, mid)
    assert msg.last_error.startswith("ambiguous") and len(twilio_api.requests) == 1


async def test_crash_between_send_and_record_never_resends(client, database, dist,
                                                           twilio_api) -> None:
    """A claim whose sender died: after the lease it is FAILED as ambiguous, not sent again."""
    await _sms_thread(client)
    mid = await _reply(database, dist)
    claim = await _claim(database, KEYRING, OPTIONS)  # the sender "crashes" after this
    assert claim.message_id == mid
    assert await send_next(database, KEYRING, OPTIONS) is None  # leased: nobody takes it
    await _due_now(database, dist, mid)  # the lease ran out
    outcome = await send_next(database, KEYRING, OPTIONS)
    assert outcome.status == MessageStatus.FAILED
    assert "ambiguous" in (await _get(database, dist, mid)).last_error
    assert twilio_api.requests == []


async def test_thread_order_holds_across_retries(client, database, dist, twilio_api) -> None:
    """A later reply waits while an earlier one of the same thread is still queued."""
    await _sms_thread(client)
    first = await _reply(database, dist, text="first")
    await _reply(database, dist, text="second")
    twilio_api.script = [Scripted(503, twilio_error(503, 20503, "Unavailable"))] * 3
    patient = dataclasses.replace(OPTIONS, retry_base_s=60.0, retry_max_s=60.0)
    assert (await send_next(database, KEYRING, patient)).message_id == first
    assert await send_next(database, KEYRING, patient) is None  # "second" must not overtake
    await _due_now(database, dist, first)
    await send_next(database, KEYRING, OPTIONS)
    await send_next(database, KEYRING, OPTIONS)
    assert [m["body"] for m in twilio_api.messages] == ["first", "second"]


async def test_opted_out_customer_gets_nothing(client, database, dist, twilio_api) -> None:
    """The sender refuses an opted-out customer: FAILED 'opted out', no request made."""
    await _sms_thread(client)
    async with database.transaction(tenant=dist) as s:
        await s.execute(update(Customer).values(sms_opted_out_at=datetime.now(UTC)))
    mid = await _reply(database, dist)
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.FAILED
    assert (await _get(database, dist, mid)).last_error == "opted out"
    assert twilio_api.requests == []


def _meta_text(body: str, timestamp: int) -> dict:
    return meta_event(meta_messages({"from": WA_CUSTOMER.lstrip("+"),
                                     "id": f"wamid.{uuid.uuid4().hex}",
                                     "timestamp": str(timestamp), "type": "text",
                                     "text": {"body": body}}))


async def test_whatsapp_reply_goes_out_through_meta(client, database, dist, graph_api) -> None:
    """Inside the 24 h window a WhatsApp reply is a text through the Graph API."""
    resp = await client.post("/webhooks/whatsapp", **meta_post(_meta_text("hi", int(time.time()))))
    assert resp.status == 200
    mid = await _reply(database, dist, channel="WHATSAPP")
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.SENT
    [sent] = graph_api.messages
    assert sent["payload"]["to"] == WA_CUSTOMER and sent["payload"]["type"] == "text"
    assert sent["payload"]["biz_opaque_callback_data"] == str(mid)
    assert (await _get(database, dist, mid)).external_message_id == sent["id"]


async def test_whatsapp_outside_window_without_template_fails(client, database, dist,
                                                              graph_api) -> None:
    """A customer who last wrote two days ago cannot get free text."""
    two_days_ago = int(time.time()) - 2 * 86400
    await client.post("/webhooks/whatsapp", **meta_post(_meta_text("hi", two_days_ago)))
    mid = await _reply(database, dist, channel="WHATSAPP")
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.FAILED
    assert (await _get(database, dist, mid)).last_error == "outside 24h window"
    assert graph_api.requests == []


async def test_whatsapp_outside_window_sends_the_template(database, graph_api, aiohttp_client,
                                                          settings) -> None:
    """With a re-engagement template configured, that template goes out instead."""
    template = {"name": "order_update", "language": "en_US"}
    dist = await load(database, integration_list=integrations(
        graph_base=graph_api.base, meta_config={"reengagement_template": template}))
    client = await aiohttp_client(create_app(settings, database))
    await client.post("/webhooks/whatsapp",
                      **meta_post(_meta_text("hi", int(time.time()) - 2 * 86400)))
    await _reply(database, dist, channel="WHATSAPP")
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.SENT
    payload = graph_api.messages[0]["payload"]
    assert payload["type"] == "template" and payload["template"]["name"] == "order_update"


async def test_meta_throttling_then_success(client, database, dist, graph_api) -> None:
    """Graph 429 (code 130429) is retried."""
    await client.post("/webhooks/whatsapp", **meta_post(_meta_text("hi", int(time.time()))))
    await _reply(database, dist, channel="WHATSAPP")
    graph_api.script = [GraphScripted(429, graph_error(130429, "Rate limit hit"))]
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.SENT
    assert len(graph_api.requests) == 2


async def test_twilio_whatsapp_thread_replies_from_the_whatsapp_number(client, database, dist,
                                                                       twilio_api) -> None:
    """A WhatsApp thread that came in through Twilio answers through Twilio."""
    params = twilio_params("hola", sender=f"whatsapp:{WA_CUSTOMER}", to=f"whatsapp:{WA_NUMBER}")
    assert (await client.post(TW, **twilio_post(TW, params))).status == 200
    await _reply(database, dist, channel="WHATSAPP")
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.SENT
    [sent] = twilio_api.messages
    assert sent["to"] == f"whatsapp:{WA_CUSTOMER}" and sent["from"] == f"whatsapp:{WA_NUMBER}"


async def test_email_reply_is_threaded(client, database, dist, smtp) -> None:
    """SMTP reply: Re: subject, In-Reply-To/References of the customer's mail, our id kept."""
    resp = await client.post("/webhooks/email/postmark", json=postmark_payload(),
                             headers=basic_auth())
    assert resp.status == 200
    mid = await _reply(database, dist, channel="EMAIL", text="We will replace the box.")
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.SENT
    [mail] = smtp.messages
    email = mail.message
    assert mail.rcpt_tos == ["jane.customer@example.net"]
    assert email["Subject"] == "Re: [#1042] Your order has shipped"
    assert email["In-Reply-To"] == CUSTOMER_MESSAGE_ID
    assert email["References"].split() == [*CUSTOMER_REFERENCES, CUSTOMER_MESSAGE_ID]
    assert email["Auto-Submitted"] == "auto-replied"
    assert (await _get(database, dist, mid)).external_message_id == email["Message-ID"].strip()


async def test_smtp_temporary_failure_is_retried(client, database, dist, smtp) -> None:
    """451 at DATA is a temporary refusal: retried, then delivered once."""
    await client.post("/webhooks/email/postmark", json=postmark_payload(), headers=basic_auth())
    await _reply(database, dist, channel="EMAIL")
    smtp.data_replies = ["451 4.3.0 Try again later"]
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.SENT
    assert len(smtp.messages) == 1


async def test_full_loop_webhook_worker_sender_status(database, twilio_api, aiohttp_client,
                                                      settings) -> None:
    """SMS in -> worker answers -> sender sends to Twilio -> Twilio's callback: DELIVERED."""
    dist = await load(database, demo_catalog=True,
                      integration_list=integrations(twilio_base=twilio_api.base))
    client = await aiohttp_client(create_app(settings, database))
    resp = await client.post(TW, **twilio_post(TW, twilio_params("2 cs whole milk")))
    assert resp.status == 200
    assert await claim_and_process(database, AgentContext(keyring=KEYRING), window_s=0) is not None
    outcome = await send_next(database, KEYRING, OPTIONS)
    assert outcome.status == MessageStatus.SENT
    [sent] = twilio_api.messages
    assert "Whole Milk" in sent["body"]
    callback = urlsplit(sent["form"]["StatusCallback"][0])
    path = f"{callback.path}?{callback.query}"
    status = await client.post(path, **twilio_post(path, status_params(sent["sid"], "delivered")))
    assert status.status == 200
    [reply] = await outbound(database, dist)
    assert reply.status == MessageStatus.DELIVERED


async def test_background_senders_send_without_being_asked(database, twilio_api,
                                                           aiohttp_client, settings) -> None:
    """`start_senders` in create_app's background list sends what lands in the outbox."""
    dist = await load(database, integration_list=integrations(twilio_base=twilio_api.base))
    client = await aiohttp_client(create_app(settings, database, background=[start_senders(2)]))
    await _sms_thread(client)
    await _reply(database, dist, text="from the background")
    for _ in range(100):
        if twilio_api.messages:
            break
        await asyncio.sleep(0.05)
    assert [m["body"] for m in twilio_api.messages] == ["from the background"]


async def test_thread_from_elsewhere_never_leaves_through_another_number(
        database, dist, twilio_api) -> None:
    """A thread of `orderagent chat` (address "local") is not sent via the Twilio number."""
    msg = InboundMessage(provider="local", channel=Channel.SMS, external_id="local-1",
                         sender=CUSTOMER, recipient="local", text="hi")
    async with database.transaction(tenant=dist) as s:
        stored = await store_inbound(s, dist, msg)
        mid = await queue_notice(s, dist, stored.conversation_id, "hello", sent_by="agent")
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.FAILED
    assert (await _get(database, dist, mid)).last_error == "no active SMS integration owns local"
    assert twilio_api.requests == []
