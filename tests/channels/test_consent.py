"""SMS/WhatsApp consent through the real webhook: STOP, START, HELP, and nothing sent after STOP."""

from __future__ import annotations

import time
import uuid

import pytest

from agent.context import AgentContext
from agent.worker import claim_and_process
from channels.consent import consent_action
from channels.sender import send_next
from core.messages import Channel, InboundMessage
from db.models.enums import MessageStatus
from orderagent.app import create_app
from tests.channels.samples import (
    META_PHONE_NUMBER_ID,
    TWILIO_SMS_STOP_PARAMS,
    meta_event,
    meta_messages,
)
from tests.channels.webhook_env import (
    CUSTOMER,
    KEYRING,
    OPTIONS,
    WA_CUSTOMER,
    customer,
    inbound,
    integrations,
    load,
    meta_post,
    outbound,
    twilio_params,
    twilio_post,
)

TW = "/webhooks/twilio"


def _msg(text: str, channel: Channel = Channel.SMS, **metadata: str) -> InboundMessage:
    return InboundMessage(provider="twilio", channel=channel, external_id="SM1", sender=CUSTOMER,
                          recipient="+14155550100", text=text, metadata=metadata)


@pytest.mark.parametrize(("text", "channel", "meta", "expected"), [
    ("STOP", Channel.SMS, {"consent": "STOP", "consent_source": "provider"},
     ("STOP", False, False)),
    ("unsubscribe", Channel.SMS, {"consent": "STOP"}, ("STOP", False, False)),
    ("YES", Channel.SMS, {"consent": "START"}, ("START", True, False)),
    ("HELP", Channel.SMS, {"consent": "HELP"}, ("HELP", False, False)),
    ("stop", Channel.WHATSAPP, {}, ("STOP", False, False)),
    ("help", Channel.WHATSAPP, {}, ("HELP", False, True)),
    ("start", Channel.WHATSAPP, {}, ("START", False, True)),
])
def test_consent_actions(text, channel, meta, expected) -> None:
    """Who handles what: the agent sees only YES; we answer only where nobody else does."""
    action = consent_action(_msg(text, channel, **meta), {})
    assert (action.kind, action.to_agent, action.reply) == expected


@pytest.mark.parametrize("text", ["cancel", "end", "quit", "yes", "2 cases milk", "stop it"])
def test_order_words_on_whatsapp_are_not_consent(text) -> None:
    """'cancel' in a WhatsApp order chat is about the order: no carrier keywords there."""
    assert consent_action(_msg(text, Channel.WHATSAPP), {}) is None


def test_short_codes_answer_help_themselves() -> None:
    """With `keyword_replies: ours` (short codes: Twilio does not answer), we answer HELP."""
    action = consent_action(_msg("HELP", consent="HELP"), {"keyword_replies": "ours"})
    assert action.reply


@pytest.fixture
async def dist(database, twilio_api, graph_api) -> uuid.UUID:
    """The test distributor with Twilio and Meta pointed at the fakes."""
    return await load(database, integration_list=integrations(
        twilio_base=twilio_api.base, graph_base=graph_api.base))


@pytest.fixture
async def client(aiohttp_client, settings, database, dist):
    """The real app."""
    return await aiohttp_client(create_app(settings, database))


async def _sms(client, text: str, **extra: str) -> None:
    resp = await client.post(TW, **twilio_post(TW, twilio_params(text, **extra)))
    assert resp.status == 200


async def _drain(database) -> None:
    """Run the worker and the sender until both have nothing left."""
    ctx = AgentContext(keyring=KEYRING)
    while await claim_and_process(database, ctx, window_s=0) is not None:
        pass
    while await send_next(database, KEYRING, OPTIONS) is not None:
        pass


async def test_stop_then_nothing_is_ever_sent(client, database, dist, twilio_api) -> None:
    """Twilio's STOP sample opts out; the order sent afterwards gets no reply on the wire."""
    resp = await client.post(TW, **twilio_post(TW, TWILIO_SMS_STOP_PARAMS))
    assert resp.status == 200
    person = await customer(database, dist, CUSTOMER)
    assert person.sms_opted_out_at is not None
    assert person.opt_out_method == "sms_provider:STOP"
    [stop] = await inbound(database, dist)
    assert stop.ai_processed and stop.ai_extracted_intent == "CONSENT_STOP"
    await _sms(client, "2 cs whole milk")
    await _drain(database)
    assert twilio_api.requests == []
    assert all(m.status == MessageStatus.FAILED and m.last_error == "opted out"
               for m in await outbound(database, dist))


async def test_start_opts_back_in_and_yes_still_reaches_the_agent(client, database,
                                                                  dist) -> None:
    """START clears the opt-out without an answer of ours; YES also clears it, unprocessed."""
    await _sms(client, "STOP")
    await _sms(client, "start")
    person = await customer(database, dist, CUSTOMER)
    assert person.sms_opted_out_at is None and person.opt_out_method is None
    await _sms(client, "STOP")
    await _sms(client, "YES")
    assert (await customer(database, dist, CUSTOMER)).sms_opted_out_at is None
    yes = (await inbound(database, dist))[-1]
    assert yes.content == "YES" and not yes.ai_processed
    assert await outbound(database, dist) == []  # Twilio confirms SMS keywords itself


async def test_sms_help_is_left_to_twilio(client, database, dist) -> None:
    """Twilio answers HELP on long codes: we store it, queue nothing, the agent skips it."""
    await _sms(client, "HELP")
    assert (await inbound(database, dist))[0].ai_extracted_intent == "CONSENT_HELP"
    assert await outbound(database, dist) == []


def _wa(text: str) -> dict:
    return meta_post(meta_event(meta_messages({
        "from": WA_CUSTOMER.lstrip("+"), "id": f"wamid.{uuid.uuid4().hex}",
        "timestamp": str(int(time.time())), "type": "text", "text": {"body": text}})))


async def test_whatsapp_help_is_answered(client, database, dist, graph_api) -> None:
    """On WhatsApp nobody else answers HELP: our help text goes out through Meta."""
    assert (await client.post("/webhooks/whatsapp", **_wa("HELP"))).status == 200
    await _drain(database)
    [sent] = graph_api.messages
    body = sent["payload"]["text"]["body"]
    assert "Acme Foods" in body and "STOP" in body and "+15550001111" in body


async def test_whatsapp_stop_is_per_channel(client, database, dist, graph_api,
                                            twilio_api) -> None:
    """STOP on WhatsApp silences WhatsApp only; HELP afterwards gets no answer."""
    assert (await client.post("/webhooks/whatsapp", **_wa("stop"))).status == 200
    person = await customer(database, dist, WA_CUSTOMER)
    assert person.whatsapp_opted_out_at is not None and person.sms_opted_out_at is None
    assert (await client.post("/webhooks/whatsapp", **_wa("help"))).status == 200
    await _drain(database)
    assert graph_api.requests == []
    assert (await client.post("/webhooks/whatsapp", **_wa("START"))).status == 200
    await _drain(database)
    assert "get our messages again" in graph_api.messages[-1]["payload"]["text"]["body"]
    assert META_PHONE_NUMBER_ID in graph_api.requests[-1]["path"]


async def test_whatsapp_cancel_goes_to_the_agent(client, database, dist) -> None:
    """'cancel' is an order word on WhatsApp: not an opt-out, not marked processed."""
    assert (await client.post("/webhooks/whatsapp", **_wa("cancel"))).status == 200
    assert (await customer(database, dist, WA_CUSTOMER)).whatsapp_opted_out_at is None
    assert not (await inbound(database, dist))[0].ai_processed
