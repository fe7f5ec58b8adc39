"""Never losing a webhook: the local spool, and what happens while PostgreSQL is away.

The outage tests run their own PostgreSQL server and stop it for real (never the shared
one); the spool is a real SQLite file in the test's home.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from channels.spool import Delivery, Spool, SpoolFull, spool_key
from channels.webhooks import SPOOL
from db.embedded import EmbeddedPostgres, start_embedded, start_server, stop_server
from db.engine import Database, make_engine
from db.migrate import upgrade
from db.models import Conversation, Customer, Message
from db.tenant import ALL
from orderagent.app import create_app
from tests.channels.webhook_env import CUSTOMER, inbound, load, twilio_params, twilio_post

TW = "/webhooks/twilio"
KEY = spool_key(b"a-test-master-key-of-enough-length")


def _delivery(n: int, body: bytes = b"Body=hello") -> Delivery:
    return Delivery(provider="twilio", url=f"http://testserver/webhooks/twilio?n={n}",
                    headers=(("X-Twilio-Signature", f"sig{n}"),), body=body,
                    arrived=time.time(), verified=True)


# ---- the spool file ---------------------------------------------------------------------------
async def test_spool_keeps_entries_in_order_through_a_crash(tmp_path) -> None:
    """What was appended survives the process (no close), is read back oldest first and
    whole, and is gone once removed; bodies are not in the file in clear."""
    path = tmp_path / "spool.sqlite3"
    first = Spool(path, KEY, max_bytes=10**6, max_age_s=3600)
    await first.open()
    for n in range(3):
        await first.append(_delivery(n, f"Body=card 4242424242424242 #{n}".encode()))
    # no close: as after SIGKILL, the next process opens the same file
    second = Spool(path, KEY, max_bytes=10**6, max_age_s=3600)
    await second.open()
    assert second.depth == 3 and second.oldest_age() is not None
    entries = await second.head(10)
    assert [e.delivery.body for e in entries] == [
        f"Body=card 4242424242424242 #{n}".encode() for n in range(3)]
    assert entries[0].delivery.headers == (("X-Twilio-Signature", "sig0"),)
    await second.remove([entries[0].id])
    assert second.depth == 2
    assert [e.delivery.url[-1] for e in await second.head(10)] == ["1", "2"]
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"4242424242424242" not in raw
    await second.close()
    await first.close()


async def test_entries_spooled_before_a_key_rotation_still_drain(tmp_path) -> None:
    """Spooled under the old master key: read with it configured as previous; without it,
    set aside (kept, not deleted) so the deliveries behind them are not held up."""
    old, new = spool_key(b"old master key"), spool_key(b"new master key")
    path = tmp_path / "spool.sqlite3"
    before = Spool(path, old, max_bytes=10**6, max_age_s=3600)
    await before.open()
    await before.append(_delivery(0, b"Body=2 cs milk"))
    await before.close()
    rotated = Spool(path, new, max_bytes=10**6, max_age_s=3600, previous=(old,))
    await rotated.open()
    await rotated.append(_delivery(1, b"Body=3 cs eggs"))
    assert [e.delivery.body for e in await rotated.head(10)] == [
        b"Body=2 cs milk", b"Body=3 cs eggs"]
    await rotated.close()
    forgotten = Spool(path, new, max_bytes=10**6, max_age_s=3600)
    await forgotten.open()
    assert [e.delivery.body for e in await forgotten.head(10)] == [b"Body=3 cs eggs"]
    assert forgotten.depth == 1
    await forgotten.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM unreadable").fetchone() == (1,)


async def test_spool_refuses_past_its_size_and_age(tmp_path) -> None:
    """Bounded: past max_bytes, or once the oldest entry is older than max_age_s, an
    append raises SpoolFull (answered 503) and nothing is added."""
    small = Spool(tmp_path / "a.sqlite3", KEY, max_bytes=300, max_age_s=3600)
    await small.open()
    await small.append(_delivery(1))
    with pytest.raises(SpoolFull):
        await small.append(_delivery(2, b"x" * 400))
    assert small.depth == 1
    await small.close()
    now = [1000.0]
    aged = Spool(tmp_path / "b.sqlite3", KEY, max_bytes=10**6, max_age_s=60,
                 clock=lambda: now[0])
    await aged.open()
    await aged.append(Delivery("twilio", "http://x/", (), b"", arrived=1000.0))
    now[0] = 1061.0
    with pytest.raises(SpoolFull):
        await aged.append(_delivery(2))
    await aged.close()


# ---- a real outage ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def own_server() -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL server of this module's own, which its tests stop and start."""
    pg = start_embedded(Path(tempfile.mkdtemp(prefix="oa-spool-")) / "pgdata", temporary=True)
    yield pg
    pg.stop()


@pytest.fixture
async def outage_db(own_server) -> AsyncIterator[tuple[EmbeddedPostgres, Database]]:
    """A fresh migrated database on the module's server."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(own_server.url.replace("postgresql+asyncpg", "postgresql"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    engine = make_engine(own_server.url.replace("/postgres?", f"/{name}?"), pool_size=4)
    db = Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    await upgrade(engine)
    yield own_server, db
    await engine.dispose()


async def _drained(client, timeout_s: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        health = await (await client.get("/healthz")).json()
        if health["status"] == "ok" and health["spool"]["depth"] == 0:
            return health
        await asyncio.sleep(0.2)
    raise AssertionError(f"spool not drained: {health}")


async def _thread(db: Database, dist: uuid.UUID, phone: str) -> list[str]:
    async with db.transaction(tenant=ALL) as session:
        return list((await session.execute(
            select(Message.external_message_id).join(Conversation).join(Customer)
            .where(Message.distributor_id == dist, Customer.phone == phone,
                   Message.is_from_customer).order_by(Message.thread_position))).scalars())


async def test_outage_spools_then_drains_once_each_in_order(aiohttp_client, settings,
                                                            outage_db) -> None:
    """PostgreSQL stopped: every signed webhook is answered 200 and spooled (health says
    degraded, with the depth); back up, each message is stored once, each customer's in
    the order sent, a retry that landed before and during the outage included."""
    pg, db = outage_db
    dist = await load(db)
    client = await aiohttp_client(create_app(settings, db))
    before = twilio_params("first", sid="SM" + "0" * 32)
    assert (await client.post(TW, **twilio_post(TW, before))).status == 200
    await asyncio.to_thread(stop_server, pg)
    try:
        other = "+14155550123"
        sent = {CUSTOMER: ["SM" + "0" * 32], other: []}
        posts = [twilio_post(TW, before)]  # Twilio retrying one stored before the outage
        for k in range(5):
            for who in (CUSTOMER, other):
                sid = f"SM{who[-4:]}{k:028d}"
                sent[who].append(sid)
                posts.append(twilio_post(TW, twilio_params(f"{k} cs milk", sid=sid, sender=who)))
        posts.append(posts[3])  # and a retry of one spooled
        for post in posts:  # one by one: the order each customer wrote in
            resp = await client.post(TW, **post)
            assert resp.status == 200
        health = await client.get("/healthz")
        assert health.status == 200
        state = await health.json()
        assert state["status"] == "degraded" and state["spool"]["depth"] == len(posts)
        metrics = await (await client.get("/metrics")).text()
        assert f"orderagent_spool_depth {len(posts)}" in metrics
    finally:
        await asyncio.to_thread(start_server, pg)
    returned = datetime.now(UTC)
    await _drained(client)
    assert await _thread(db, dist, CUSTOMER) == sent[CUSTOMER]
    assert await _thread(db, dist, other) == sent[other]
    stored = await inbound(db, dist)
    assert len(stored) == 11
    # a spooled message counts from when it was taken: the worker's burst window does
    # not make its customer wait again after the database is back
    spooled = [m for m in stored if m.external_message_id in sent[other]]
    assert all(m.created_at < returned for m in spooled)


async def test_an_uncached_route_is_spooled_raw_and_routed_on_drain(aiohttp_client, settings,
                                                                   outage_db) -> None:
    """A process that never saw the number before the outage cannot verify it: it spools
    the request as it came; on drain ours is verified and stored, a number we do not serve
    and a forged signature are dropped."""
    pg, db = outage_db
    dist = await load(db)
    client = await aiohttp_client(create_app(settings, db))
    await asyncio.to_thread(stop_server, pg)
    try:
        ours = twilio_params("2 cs milk", sid="SM" + "1" * 32)
        foreign = twilio_params("2 cs milk", sid="SM" + "2" * 32, to="+19995550000")
        forged = twilio_params("2 cs milk", sid="SM" + "3" * 32)
        for post in (twilio_post(TW, ours), twilio_post(TW, foreign),
                     twilio_post(TW, forged, token="f" * 32)):
            assert (await client.post(TW, **post)).status == 200
        assert client.app[SPOOL].depth == 3
    finally:
        await asyncio.to_thread(start_server, pg)
    await _drained(client)
    assert [m.external_message_id for m in await inbound(db, dist)] == ["SM" + "1" * 32]


async def test_a_write_past_its_deadline_is_spooled_and_stored_once(aiohttp_client, settings,
                                                                   database, caplog) -> None:
    """A write that cannot finish within write_deadline_s is spooled and answered 200;
    if the slow write commits after all, the drain stores nothing twice."""
    dist = await load(database)
    slow = settings.model_copy(update={"write_deadline_s": 1e-6})
    client = await aiohttp_client(create_app(slow, database))
    sids = [f"SM{n:032d}" for n in range(4)]
    for sid in sids:
        assert (await client.post(TW, **twilio_post(TW, twilio_params(sid=sid)))).status == 200
    assert "(TimeoutError): spooling it" in caplog.text
    await _drained(client)
    assert sorted(m.external_message_id for m in await inbound(database, dist)) == sids
