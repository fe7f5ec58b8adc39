"""Admin commands as the person on call runs them: resend, API keys, distributors, load."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text

from channels.consent import queue_notice
from channels.retry import RetryPolicy
from channels.sender import SenderOptions, send_next
from db.models import Message
from db.models.enums import MessageStatus
from orderagent.app import create_app
from orderagent.cli import main
from tests.channels.webhook_env import (
    CUSTOMER,
    KEYRING,
    OPTIONS,
    PUBLIC_URL,
    conversation,
    integrations,
    load,
    rows,
    twilio_params,
    twilio_post,
)
from tests.conftest import TEST_MASTER_KEY
from tests.fakes.twilio_api import Scripted, twilio_error

TW = "/webhooks/twilio"
ONE_TRY = SenderOptions(public_url=PUBLIC_URL, policy=RetryPolicy(max_attempts=1),
                        max_attempts=1)


@pytest.fixture
def cli_env(monkeypatch, database, tmp_path):
    """The environment of an `orderagent` command on this test's database."""
    url = database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url.replace("+asyncpg", ""))
    monkeypatch.setenv("ORDERAGENT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ORDERAGENT_ENCRYPTION_KEY", TEST_MASTER_KEY)


async def orderagent(*argv: str) -> int:
    """Run the command as the shell would (its own event loop, in a thread)."""
    return await asyncio.to_thread(main, list(argv))


async def _reply(database, dist: uuid.UUID, text_: str) -> uuid.UUID:
    conv = await conversation(database, dist, "SMS")
    async with database.transaction(tenant=dist) as s:
        return await queue_notice(s, dist, conv.id, text_, sent_by="agent")


async def _message(database, dist: uuid.UUID, mid: uuid.UUID) -> Message:
    return (await rows(database, dist, Message, Message.id == mid))[0]


async def test_messages_retry_resends_the_retryable_and_leaves_the_ambiguous(
        aiohttp_client, settings, database, twilio_api, cli_env, capsys) -> None:
    """A send Twilio refused with 503 is sent again; one that timed out after the request
    left (Twilio may have delivered it) is left alone, and never reaches the customer twice."""
    dist = await load(database, integration_list=integrations(
        twilio_base=twilio_api.base, twilio_config={"http_timeout_s": 0.3}))
    client = await aiohttp_client(create_app(settings, database))
    assert (await client.post(TW, **twilio_post(TW, twilio_params()))).status == 200

    timed_out = await _reply(database, dist, "Your order is confirmed")
    twilio_api.delay_s = 1.0
    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.FAILED
    twilio_api.delay_s = 0.0
    refused = await _reply(database, dist, "Anything else?")
    twilio_api.script = [Scripted(503, twilio_error(503, 20503, "Service Unavailable"))]
    assert (await send_next(database, KEYRING, ONE_TRY)).status == MessageStatus.FAILED
    assert (await _message(database, dist, timed_out)).last_error.startswith("ambiguous")
    assert twilio_api.messages == []  # neither went out

    assert await orderagent("messages", "retry", "--failed", "--since", "1h") == 0
    out = capsys.readouterr().out
    assert "queued 1 failed message(s) again; left 1 alone" in out
    assert str(timed_out) in out
    assert (await _message(database, dist, refused)).status == MessageStatus.QUEUED
    assert (await _message(database, dist, timed_out)).status == MessageStatus.FAILED

    assert (await send_next(database, KEYRING, OPTIONS)).status == MessageStatus.SENT
    assert await send_next(database, KEYRING, OPTIONS) is None
    assert [m["body"] for m in twilio_api.messages] == ["Anything else?"]
    assert twilio_api.messages[0]["to"] == CUSTOMER
    # a second run finds nothing more to resend
    assert await orderagent("messages", "retry", "--failed") == 0
    assert "queued 0 failed message(s)" in capsys.readouterr().out


async def test_webhooks_redeliver_queues_a_fresh_delivery_once(database, cli_env,
                                                                capsys) -> None:
    """An event whose delivery failed for good gets one new PENDING delivery; a second
    run does not queue it again while that one is on its way."""
    dist = await load(database, integration_list=[])
    async with database.engine.begin() as conn:
        endpoint = (await conn.execute(text(
            "INSERT INTO webhook_endpoints (distributor_id, name, url, events) VALUES "
            "(:d, 'erp', 'https://erp.example.com/hook', '[]') RETURNING id"),
            {"d": dist})).scalar_one()
        await conn.execute(text(
            "INSERT INTO webhook_deliveries (distributor_id, webhook_endpoint_id, event_type, "
            "event_id, event_data, status, attempt_number) VALUES "
            "(:d, :e, 'order.created', gen_random_uuid(), '{}', 'FAILED', 4)"),
            {"d": dist, "e": endpoint})
    assert await orderagent("webhooks", "redeliver", "--endpoint", str(endpoint)) == 0
    assert "queued for redelivery: 1 event(s)" in capsys.readouterr().out
    assert await orderagent("webhooks", "redeliver") == 0
    assert "queued for redelivery: 0 event(s)" in capsys.readouterr().out
    async with database.engine.connect() as conn:
        pending = (await conn.execute(text(
            "SELECT attempt_number FROM webhook_deliveries WHERE status = 'PENDING'"))).all()
    assert [p.attempt_number for p in pending] == [1]


async def test_two_live_keys_overlap_and_a_revoked_one_stops(
        aiohttp_client, settings, database, cli_env, capsys) -> None:
    """Two keys work at once (a rotation); after revoking the first only the second does;
    the listing shows audit names, never a key."""
    await load(database, integration_list=[])
    assert await orderagent("api-keys", "create", "--distributor", "acme", "--name", "erp") == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert await orderagent("api-keys", "create", "--distributor", "acme") == 0
    second = capsys.readouterr().out.splitlines()[0]
    client = await aiohttp_client(create_app(settings, database))

    async def status(key: str) -> int:
        resp = await client.get("/api/conversations", headers={"Authorization": f"Bearer {key}"})
        return resp.status

    assert (await status(first), await status(second)) == (200, 200)
    assert await orderagent("api-keys", "list", "--distributor", "acme") == 0
    listing = capsys.readouterr().out
    assert first not in listing and second not in listing
    first_line = next(line for line in listing.splitlines() if line.endswith("erp"))
    assert "live" in first_line
    key_id = first_line.split()[0]
    assert await orderagent("api-keys", "revoke", key_id, "--distributor", "acme") == 0
    assert (await status(first), await status(second)) == (401, 200)
    async with database.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT key_hash FROM api_keys"))).scalars().all()
    assert len(stored) == 2 and all(h.startswith("sha256:") for h in stored)
    assert await orderagent("api-keys", "list", "--distributor", "nope") == 2
    # (the access lines above it: this process's app logs to the same stderr)
    assert capsys.readouterr().err.splitlines()[-1].startswith("orderagent: no distributor")


async def test_a_csv_loads_into_the_named_distributor_only(database, cli_env, tmp_path,
                                                          capsys) -> None:
    """`load prices.csv` without --distributor exits 2; with it, the catalog goes to that
    distributor, and no tenant named after the file appears."""
    await load(database, integration_list=[])
    csv = tmp_path / "prices.csv"
    csv.write_text("sku,name,unit_price\nDY-1,Whole Milk,27.50\n")
    assert await orderagent("load", str(csv)) == 2
    assert "--distributor SLUG" in capsys.readouterr().err
    assert await orderagent("load", str(csv), "--distributor", "acme") == 0
    assert capsys.readouterr().out.startswith("acme: updated")
    assert await orderagent("distributors", "list") == 0
    listing = capsys.readouterr().out
    assert listing.startswith("acme\t") and "prices" not in listing
    async with database.engine.connect() as conn:
        names = (await conn.execute(text(
            "SELECT d.business_name, count(p.id) FROM distributors d "
            "JOIN products p ON p.distributor_id = d.id GROUP BY 1"))).all()
    assert [tuple(n) for n in names] == [("Acme Foods", 1)]


def test_configuration_errors_name_every_variable_and_exit_2(monkeypatch, capsys) -> None:
    """Two bad settings: both named by their environment variable, exit 2, stderr only."""
    monkeypatch.setenv("ORDERAGENT_ENCRYPTION_KEY", "changeme")
    monkeypatch.setenv("ORDERAGENT_BURST_WINDOW_MS", "-5")
    assert main(["distributors", "list"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 2 and all(line.startswith("orderagent: configuration: ")
                                   for line in lines)
    assert {line.split(": ")[2] for line in lines} == {"ORDERAGENT_ENCRYPTION_KEY",
                                                       "ORDERAGENT_BURST_WINDOW_MS"}


def test_version(capsys) -> None:
    """`orderagent --version` prints the installed version."""
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("orderagent 0.")
