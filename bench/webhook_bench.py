"""Webhook hot-path benchmark: signed Twilio webhooks through our app vs a bare INSERT handler.

    .venv/bin/python bench/webhook_bench.py [--requests 20000] [--concurrency 32]
        [--max-seconds 60] [--duplicates 0.05] [--rounds 1]

One embedded PostgreSQL (fsync on), migrated, one distributor with a Twilio number. Each
server runs alone in its own process (uvloop) on 127.0.0.1 while this process sends the
same load to it with an aiohttp client: `bare` parses the form and does one asyncpg
`INSERT ... ON CONFLICT DO NOTHING`; `ours` is the real app (signature check, routing,
concurrent requests stored together through `db/group_commit.py`, each message in full:
mapping, customer, conversation and message rows). Requests are pre-signed; a share of them are
repeated deliveries of an earlier MessageSid. Afterwards the database is counted: every
MessageSid answered 200 must be stored exactly once (lost / duplicated are reported).

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


async def _serve_ours(url: str, port: int, home: str) -> None:
    from core.settings import Settings
    from db.engine import open_database
    from orderagent.app import create_app

    settings = Settings(home=Path(home), encryption_key=KEY, database_url=url,
                        public_url=f"http://127.0.0.1:{port}")
    database = open_database(settings)
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

    from core.distributor_file import parse_distributor_json
    from db.crypto import Keyring
    from db.engine import Database, make_engine
    from db.loader import load_distributor
    from db.migrate import upgrade
    from db.tenant import ALL

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
    async with engine.begin() as conn:  # as the owner: the runtime roles create no tables
        await conn.execute(text(BARE_TABLE))
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
    targets = ["bare", "ours"]
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
    parser.add_argument("--serve", choices=["bare", "ours"],
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
        uvloop.run(_serve_ours(args.url, args.port, args.home))
    else:
        uvloop.run(_main(args))


if __name__ == "__main__":
    main()
