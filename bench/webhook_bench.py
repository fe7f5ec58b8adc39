"""Webhook hot-path benchmark: signed Twilio webhooks through our app vs a bare INSERT handler.

    .venv/bin/python bench/webhook_bench.py [--requests 20000] [--concurrency 32]
        [--max-seconds 60] [--duplicates 0.05] [--rounds 1] [--proposal]

One embedded PostgreSQL (fsync on), migrated, one distributor with a Twilio number. Each
server runs alone in its own process (uvloop) on 127.0.0.1 while this process sends the
same load to it with an aiohttp client: `bare` parses the form and does one asyncpg
`INSERT ... ON CONFLICT DO NOTHING`; `ours` is the real app (signature check, routing,
`store_inbound` in one transaction). Requests are pre-signed; a share of them are
repeated deliveries of an earlier MessageSid. Afterwards the database is counted: every
MessageSid answered 200 must be stored exactly once (lost / duplicated are reported).

`--proposal` adds `ours-proposal`: the same app with the store of a plain text message
done as one SQL statement, the NOTIFY sent after the commit (see `_STORE`) and no pool
pre-ping (three round trips per checkout with asyncpg), to show
what a leaner `agent.inbox.store_inbound` would buy; it is a measurement, not a path
the service takes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEY = "bench-master-key-0123456789abcdef"
TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
ACCOUNT = "AC00000000000000000000000000000001"
NUMBER = "+14155550100"
PATH = "/webhooks/twilio"
BARE_TABLE = """CREATE TABLE IF NOT EXISTS bare_messages (
    provider_id text PRIMARY KEY, sender text, recipient text, body text,
    received_at timestamptz NOT NULL DEFAULT now())"""
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- the two servers (each run in a child process) -----------------------------------------
async def _serve_bare(url: str, port: int) -> None:
    import asyncpg
    from aiohttp import web

    pool = await asyncpg.create_pool(url.replace("postgresql+asyncpg", "postgresql"),
                                     min_size=10, max_size=10)

    async def handle(request: web.Request) -> web.Response:
        form = await request.post()
        await pool.execute(
            "INSERT INTO bare_messages (provider_id, sender, recipient, body) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            form["MessageSid"], form["From"], form["To"], form["Body"])
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")

    app = web.Application()
    app.router.add_post(PATH, handle)
    await _run(app, port)


# ---- a proposal for agent/inbox.py: one statement per message, NOTIFY after the commit ------
# The whole store of a text message is one INSERT ... WITH statement: atomic on its own,
# so it needs no BEGIN/COMMIT round trips. The customer upsert uses DO UPDATE so that it
# always yields the id, even when a concurrent first message created that customer.
_STORE = """WITH claimed AS (
    INSERT INTO external_message_mappings
        (id, distributor_id, provider, external_id, message_id, integration_id, raw_metadata)
    VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::jsonb)
    ON CONFLICT (distributor_id, provider, external_id) DO NOTHING RETURNING message_id
), customer AS (
    INSERT INTO customers (id, distributor_id, phone, contact_person_name)
    SELECT gen_random_uuid(), $1, $7, $8 FROM claimed
    ON CONFLICT (distributor_id, phone) DO UPDATE SET phone = excluded.phone RETURNING id
), conversation AS (
    INSERT INTO conversations (id, distributor_id, customer_id, channel, channel_address,
        last_message_at, message_count, unread_count, last_customer_message_at)
    SELECT gen_random_uuid(), $1, customer.id, $9::channel, $10, $11, 1, 1, $11 FROM customer
    ON CONFLICT (distributor_id, customer_id, channel) DO UPDATE SET
        message_count = conversations.message_count + 1,
        last_message_at = greatest(conversations.last_message_at, excluded.last_message_at),
        unread_count = conversations.unread_count + 1,
        last_customer_message_at = excluded.last_customer_message_at,
        channel_address = coalesce(excluded.channel_address, conversations.channel_address),
        status = 'ACTIVE'
    RETURNING id, message_count
)
INSERT INTO messages (id, distributor_id, conversation_id, content, is_from_customer,
    message_type, status, thread_position, external_message_id, external_metadata, created_at)
SELECT claimed.message_id, $1, conversation.id, $12, true, $13::message_type, 'RECEIVED',
       conversation.message_count, $3, $14::jsonb, clock_timestamp()
FROM claimed, conversation
RETURNING conversation_id"""


async def _proposed_store(request, distributor_id, messages, statuses) -> None:
    """`_store` for plain SMS/WhatsApp texts, one statement each (else: the original)."""
    from agent.pii import mask_for_storage
    from channels.appkeys import DATABASE
    from channels.consent import consent_action

    if statuses or len(messages) != 1 or any(
            m.attachments or m.channel == "EMAIL" or consent_action(m, r.config)
            for r, m in messages):
        return await _original_store(request, distributor_id, messages, statuses)
    route, msg = messages[0]
    masked = mask_for_storage(msg.text)
    metadata = dict(msg.metadata)
    if masked.cards:
        metadata["pii_masked_cards"] = masked.cards
    async with request.app[DATABASE].engine.connect() as pooled:
        conn = (await pooled.get_raw_connection()).driver_connection
        conversation = await conn.fetchval(
            _STORE, distributor_id, msg.provider, msg.external_id, uuid.uuid4(),
            route.integration_id,
            json.dumps({"sender_name": msg.sender_name} if msg.sender_name else {}),
            msg.sender, msg.sender_name, str(msg.channel), msg.recipient,
            msg.received_at or datetime.now(UTC), masked.text, msg.message_type,
            json.dumps(metadata))
        if conversation is not None:
            # NOTIFY inside a writing transaction holds PostgreSQL's notify lock through the
            # commit's WAL flush, which serialises every webhook; after it, it costs nothing
            await conn.execute("SELECT pg_notify('orderagent_inbox', $1)", str(conversation))


_original_store = None  # the real `channels.webhooks._store`, kept for what the proposal skips


async def _serve_ours(url: str, port: int, home: str, store: str = "as-is") -> None:
    from channels.app import create_app
    from db.engine import open_database
    from orderagent.settings import Settings

    if store == "proposal":
        import channels.webhooks

        global _original_store
        _original_store = channels.webhooks._store
        channels.webhooks._store = _proposed_store

    settings = Settings(home=Path(home), encryption_key=KEY, database_url=url,
                        public_url=f"http://127.0.0.1:{port}")
    database = open_database(settings)
    if store == "proposal":
        # asyncpg's pre-ping is BEGIN; ";"; ROLLBACK: three round trips per checkout
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        from db.engine import Database

        await database.close()
        engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=False)
        database = Database(engine=engine,
                            sessions=async_sessionmaker(engine, expire_on_commit=False))
    await _run(create_app(settings, database), port)  # no workers: the webhook path alone


async def _run(app, port: int) -> None:
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    print("READY", flush=True)
    await asyncio.Event().wait()


# ---- setup, load and counting (this process) ----------------------------------------------
async def _prepare(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from db.crypto import Keyring
    from db.engine import Database, make_engine
    from db.loader import load_distributor
    from db.migrate import upgrade
    from db.tenant import ALL
    from orderagent.distributor_file import parse_distributor_json

    engine = make_engine(url, pool_size=2)
    await upgrade(engine)
    db = Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    spec = {"distributor": {"slug": "bench", "business_name": "Bench Foods"}, "products": [],
            "integrations": [{"provider": "twilio", "config": {
                "account_sid": ACCOUNT, "phone_number": NUMBER}, "credentials": {
                "auth_token": TOKEN}}]}
    async with db.transaction(tenant=ALL) as session:
        await load_distributor(session, parse_distributor_json(json.dumps(spec)),
                               Keyring(KEY.encode()))
        await session.execute(text(BARE_TABLE))
    await engine.dispose()


def _requests(count: int, port: int, duplicates: float, seed: int) -> list[tuple[str, bytes, str]]:
    """(MessageSid, body, signature) for each request, signed for this server's URL."""
    from multidict import MultiDict
    from twilio.request_validator import RequestValidator

    rnd = random.Random(seed)
    validator = RequestValidator(TOKEN)
    customers = [f"+1415{rnd.randrange(10**6, 10**7)}" for _ in range(500)]
    out: list[tuple[str, bytes, str]] = []
    for _ in range(count):
        if out and rnd.random() < duplicates:
            out.append(rnd.choice(out))  # a provider retry: same sid, body and signature
            continue
        sid = f"SM{uuid.uuid4().hex}"
        params = [("ToCountry", "US"), ("ToState", "CA"), ("SmsMessageSid", sid),
                  ("NumMedia", "0"), ("ToCity", "SAN FRANCISCO"), ("FromZip", "94103"),
                  ("SmsSid", sid), ("FromState", "CA"), ("SmsStatus", "received"),
                  ("FromCity", "SAN FRANCISCO"),
                  ("Body", f"{rnd.randint(1, 9)} cs whole milk and {rnd.randint(1, 5)} dz eggs"),
                  ("FromCountry", "US"), ("To", NUMBER), ("ToZip", "94105"),
                  ("NumSegments", "1"), ("MessageSid", sid), ("AccountSid", ACCOUNT),
                  ("From", rnd.choice(customers)), ("ApiVersion", "2010-04-01")]
        signature = validator.compute_signature(f"http://127.0.0.1:{port}{PATH}",
                                                MultiDict(params))
        out.append((sid, urlencode(params).encode(), signature))
    return out


async def _load(port: int, reqs: list[tuple[str, bytes, str]], concurrency: int,
                max_seconds: float) -> dict:
    import aiohttp

    url = f"http://127.0.0.1:{port}{PATH}"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    accepted: set[str] = set()
    queue = iter(reqs)
    deadline = time.perf_counter() + max_seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            for sid, body, signature in queue:
                if time.perf_counter() > deadline:
                    return
                started = time.perf_counter()
                async with session.post(url, data=body, headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-Twilio-Signature": signature}) as resp:
                    await resp.read()
                latencies.append(time.perf_counter() - started)
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
                if resp.status == 200:
                    accepted.add(sid)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
            "statuses": statuses, "accepted": accepted}


async def _stored(url: str, which: str) -> tuple[list[str], int]:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        if which == "bare":
            ids = [r[0] for r in await conn.fetch("SELECT provider_id FROM bare_messages")]
            return ids, len(ids)
        ids = [r[0] for r in await conn.fetch(
            "SELECT external_message_id FROM messages WHERE is_from_customer")]
        mappings = await conn.fetchval(
            "SELECT count(*) FROM external_message_mappings WHERE provider = 'twilio'")
        return ids, mappings
    finally:
        await conn.close()


async def _reset(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("TRUNCATE bare_messages")
        await conn.execute("DELETE FROM messages; DELETE FROM external_message_mappings; "
                           "DELETE FROM conversations; DELETE FROM customers")
    finally:
        await conn.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _spawn(which: str, url: str, port: int, home: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", which, "--url", url,
                             "--port", str(port), "--home", home],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "READY":
        proc.kill()
        raise SystemExit(f"{which} server did not start")
    return proc


async def _measure(which: str, url: str, home: str, args: argparse.Namespace) -> dict:
    port = _free_port()
    await _reset(url)
    proc = _spawn(which, url, port, home)
    try:
        warm = _requests(300, port, 0.0, seed=1)
        await _load(port, warm, args.concurrency, 30)
        await _reset(url)
        reqs = _requests(args.requests, port, args.duplicates, seed=2)
        cpu = _cpu_seconds(proc.pid)
        result = await _load(port, reqs, args.concurrency, args.max_seconds)
        result["cpu_ms"] = 1000 * (_cpu_seconds(proc.pid) - cpu) / max(result["requests"], 1)
    finally:
        proc.terminate()
        proc.wait(10)
    ids, mappings = await _stored(url, which)
    accepted = result.pop("accepted")
    result["lost"] = len(accepted - set(ids))
    extra_mappings = mappings - len(ids) if which != "bare" else 0
    result["duplicated"] = len(ids) - len(set(ids)) + extra_mappings
    result["stored"] = len(ids)
    return result


def _line(which: str, r: dict) -> str:
    return (f"{which:14} {r['requests']:6d} req {r['seconds']:5.1f}s {r['rps']:6.0f} req/s  "
            f"p50 {r['p50_ms']:5.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
            f"server CPU {r['cpu_ms']:.2f} ms/req  {r['statuses']}  stored {r['stored']}  "
            f"lost {r['lost']}  duplicated {r['duplicated']}")


async def _main(args: argparse.Namespace) -> None:
    from db.embedded import start_embedded

    workdir = Path(tempfile.mkdtemp(prefix="oa-webhook-bench-"))
    pg = start_embedded(workdir / "pgdata", temporary=True)
    targets = ["bare", "ours"] + (["ours-proposal"] if args.proposal else [])
    try:
        await _prepare(pg.url)
        for n in range(args.rounds):  # rounds alternate, so a noisy neighbour hits all
            results = {}
            for which in targets:
                results[which] = await _measure(which, pg.url, str(workdir / "home"), args)
                print(_line(which, results[which]), flush=True)
            for which in targets[1:]:
                r = results[which]
                ratio = r["rps"] / results["bare"]["rps"]
                ok = ratio >= 0.5 and r["p99_ms"] <= 50 and r["lost"] == r["duplicated"] == 0
                print(f"round {n + 1}: {which} / bare = {ratio:.0%} (target >= 50%), p99 "
                      f"{r['p99_ms']:.1f} ms (target <= 50), lost {r['lost']}, duplicated "
                      f"{r['duplicated']}: {'PASS' if ok else 'FAIL'}", flush=True)
    finally:
        pg.stop()


def main() -> None:
    """Run the comparison, or (internally) one of the servers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--proposal", action="store_true",
                        help="also measure the app with the plain-SQL store proposal")
    parser.add_argument("--serve", choices=["bare", "ours", "ours-proposal"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    import uvloop

    if args.serve == "bare":
        uvloop.run(_serve_bare(args.url, args.port))
    elif args.serve:
        os.environ.pop("DATABASE_URL", None)
        store = "proposal" if args.serve == "ours-proposal" else "as-is"
        uvloop.run(_serve_ours(args.url, args.port, args.home, store))
    else:
        uvloop.run(_main(args))


if __name__ == "__main__":
    main()
