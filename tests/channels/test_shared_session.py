"""Provider sends share one HTTP client per process: one connection for many messages."""

from __future__ import annotations

from channels._http import client_session, close_client_session
from channels.consent import queue_notice
from channels.sender import send_next
from db.models.enums import MessageStatus
from orderagent.app import create_app
from tests.channels.webhook_env import (
    KEYRING,
    OPTIONS,
    conversation,
    integrations,
    load,
    twilio_params,
    twilio_post,
)

TW = "/webhooks/twilio"


async def test_three_sends_reuse_one_connection(aiohttp_client, settings, database, twilio_api,
                                                graph_api, smtp) -> None:
    """Three replies reach Twilio over a single TCP connection (one shared session), and a
    closed session is replaced on the next send."""
    dist = await load(database, integration_list=integrations(
        twilio_base=twilio_api.base, graph_base=graph_api.base, smtp_port=smtp.port))
    client = await aiohttp_client(create_app(settings, database))
    assert (await client.post(TW, **twilio_post(TW, twilio_params()))).status == 200
    await close_client_session()  # start from no pooled connection
    conv = await conversation(database, dist, "SMS")
    for n in range(3):
        async with database.transaction(tenant=dist) as s:
            await queue_notice(s, dist, conv.id, f"reply {n}", sent_by="agent")
        assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.SENT
    peers = [r["peer"] for r in twilio_api.requests]
    assert len(peers) == 3 and len(set(peers)) == 1
    first = client_session()
    await close_client_session()
    assert client_session() is not first and not client_session().closed
