"""Fault bench (issue 14): outages, SIGTERM and a hostile email, against real processes.

    .venv/bin/python bench/fault_bench.py [--rate 30] [--outage-s 60] [--after-s 15]
        [--skip email,outage,sigterm]

Starts an embedded PostgreSQL (its own, in a temporary home), migrates it, loads one
distributor (a Twilio number, a Postmark address), then runs `orderagent serve
--workers 0` and `orderagent worker` as an operator would, and:

1. email: a validly signed 1 MB Postmark email carrying 10,000 card-like numbers while
   `/healthz` is polled every 10 ms: its p50/p99/max latency while the email is handled.
2. outage: signed Twilio webhooks at a fixed rate (open loop: each request on its own
   schedule) from 50 customers, 2% of them provider retries; PostgreSQL stopped with
   pg_ctl for `--outage-s`, then started again. Afterwards the database is read: lost
   (answered 200, not stored), duplicated, customers whose thread order differs from the
   send order, and the seconds from PostgreSQL's return until every message answered
   during the outage was stored and until every one was processed by the worker (the
   worker runs with --concurrency 8; processing is the agent's turn, without an LLM).
3. sigterm: 16 kept-alive clients posting as fast as they can; SIGTERM to `serve` (and
   then to `worker`); requests written to an open connection but never answered, the
   exit codes, and 200s not stored.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEY = "fault-bench-master-key-0123456789abcdef"
TOKEN = "f1e2d3c4b5a697887766554433221100"
ACCOUNT = "AC00000000000000000000000000000002"
NUMBER = "+14155550100"
ADDRESS = "orders@bench.example.com"
EMAIL_SECRET = "fault-bench-email-secret"
TW = "/webhooks/twilio"
PM = "/webhooks/email/postmark"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * (len(values) - 1)))] if values else float("nan")


# ---- setup ----------------------------------------------------------------------------------
async def _prepare(url: str) -> None:
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
    smtp = {"address": ADDRESS, "smtp_host": "127.0.0.1", "smtp_port": 9}
    spec = {"distributor": {"slug": "faults", "business_name": "Fault Foods"}, "products": [],
            "integrations": [
                {"provider": "twilio", "config": {"account_sid": ACCOUNT, "phone_number": NUMBER,
                                                  "api_base_url": "http://127.0.0.1:9"},
                 "credentials": {"auth_token": TOKEN}},
                {"provider": "postmark", "config": smtp,
                 "credentials": {"webhook_secret": EMAIL_SECRET}}]}
    async with db.transaction(tenant=ALL) as session:
        await load_distributor(session, parse_distributor_json(json.dumps(spec)),
                               Keyring(KEY.encode()))
    await engine.dispose()


class Processes:
    """`serve --workers 0` and `worker`, on one database and one home."""

    def __init__(self, url: str, home: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        from db.engine import runtime_url

        # as production runs: the runtime role, the server's superuser as the owner
        self.env = {**os.environ, "DATABASE_URL": runtime_url(url),
                    "ORDERAGENT_OWNER_DATABASE_URL": url, "ORDERAGENT_HOME": str(home),
                    "ORDERAGENT_ENCRYPTION_KEY": KEY, "ORDERAGENT_PUBLIC_URL": self.base,
                    "PYTHONUNBUFFERED": "1", "ORDERAGENT_LOG_LEVEL": "INFO"}
        self.logs = home / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.worker_concurrency = 8
        self.serve: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    def _spawn(self, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{args[0]}-{time.time():.0f}.log", "w")  # noqa: SIM115
        return subprocess.Popen([sys.executable, "-m", "orderagent.cli", *args], cwd=ROOT,
                                env=self.env, stdout=log, stderr=subprocess.STDOUT)

    async def start(self) -> None:
        import aiohttp

        self.serve = self._spawn("serve", "--port", str(self.port), "--workers", "0",
                                 "--no-demo")
        if self.worker is None or self.worker.poll() is not None:
            self.worker = self._spawn("worker", "--concurrency", str(self.worker_concurrency))
        async with aiohttp.ClientSession() as session:
            for _ in range(600):
                try:
                    async with session.get(self.base + "/healthz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise SystemExit("serve did not come up")

    def stop(self) -> None:
        for proc in (self.serve, self.worker):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (self.serve, self.worker):
            if proc is not None:
                try:
                    proc.wait(60)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _twilio(base: str, sid: str, sender: str, body: str) -> tuple[bytes, dict[str, str]]:
    from multidict import MultiDict
    from twilio.request_validator import RequestValidator

    params = [("SmsMessageSid", sid), ("NumMedia", "0"), ("SmsSid", sid),
              ("SmsStatus", "received"), ("Body", body), ("To", NUMBER), ("NumSegments", "1"),
              ("MessageSid", sid), ("AccountSid", ACCOUNT), ("From", sender),
              ("ApiVersion", "2010-04-01")]
    signature = RequestValidator(TOKEN).compute_signature(base + TW, MultiDict(params))
    return urlencode(params).encode(), {"Content-Type": "application/x-www-form-urlencoded",
                                        "X-Twilio-Signature": signature}


async def _rows(url: str, sql: str, *args: object) -> list:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


# ---- 1. the hostile email ---------------------------------------------------------------------
def _card(rnd: random.Random) -> str:
    digits = [4] + [rnd.randrange(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):  # Luhn check digit
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    digits.append((10 - total % 10) % 10)
    s = "".join(map(str, digits))
    return f"{s[:4]} {s[4:8]} {s[8:12]} {s[12:]}"


async def email_phase(procs: Processes, url: str) -> dict:
    import aiohttp

    rnd = random.Random(7)
    lines = [f"card {_card(rnd)} ref {n}" for n in range(10_000)]
    text = "\n".join(lines)
    text += "\n" + "x" * max(0, 1_000_000 - len(text))
    payload = {"From": "buyer@customer.example", "To": ADDRESS, "OriginalRecipient": ADDRESS,
               "Subject": "numbers", "MessageID": str(uuid.uuid4()), "TextBody": text,
               "Headers": [{"Name": "Message-ID", "Value": f"<{uuid.uuid4()}@customer.example>"}]}
    body = json.dumps(payload).encode()
    latencies: list[float] = []
    done = threading.Event()

    def poll() -> None:
        # its own thread and connection: the bench's event loop busy with the 1 MB post
        # must not count as the server's latency
        conn = http.client.HTTPConnection("127.0.0.1", procs.port, timeout=30)
        while not done.is_set():
            started = time.perf_counter()
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            latencies.append(time.perf_counter() - started)
            time.sleep(0.01)
        conn.close()

    poller = threading.Thread(target=poll)
    poller.start()
    async with aiohttp.ClientSession() as session:
        await asyncio.sleep(0.5)
        started = time.perf_counter()
        async with session.post(procs.base + PM + f"?token={EMAIL_SECRET}", data=body,
                                headers={"Content-Type": "application/json"}) as resp:
            status = resp.status
        email_s = time.perf_counter() - started
    await asyncio.sleep(2.0)  # and the worker's share, if any
    done.set()
    await asyncio.to_thread(poller.join)
    stored = await _rows(url, "SELECT length(content) AS n, content ~ '\\d{4} \\d{4} \\d{4} "
                              "\\d{4}' AS clear FROM messages WHERE message_type = 'TEXT' AND "
                              "external_metadata ? 'truncated_from_chars'")
    return {"email_bytes": len(body), "email_status": status, "email_s": round(email_s, 3),
            "healthz_polls": len(latencies),
            "healthz_p50_ms": round(1000 * _pct(latencies, 0.5), 1),
            "healthz_p99_ms": round(1000 * _pct(latencies, 0.99), 1),
            "healthz_max_ms": round(1000 * max(latencies), 1),
            "stored_chars": [r["n"] for r in stored],
            "card_in_clear": any(r["clear"] for r in stored)}


# ---- 2. the outage ----------------------------------------------------------------------------
async def outage_phase(procs: Processes, pg, url: str, args: argparse.Namespace) -> dict:
    import aiohttp

    from db.embedded import start_server, stop_server

    rnd = random.Random(11)
    customers = [f"+1415{rnd.randrange(10**6, 10**7)}" for _ in range(50)]
    sent: list[tuple[str, str, bytes, dict[str, str]]] = []  # sid, sender, body, headers
    outcomes: dict[int, tuple[float, int | str]] = {}  # index -> (answered at, status)
    marks: dict[str, float] = {}
    returned = asyncio.Event()
    total_s = args.before_s + args.outage_s + args.after_s
    count = int(total_s * args.rate)
    for i in range(count):
        if sent and rnd.random() < 0.02:
            sent.append(rnd.choice(sent))  # a provider retry: same sid, body and signature
            continue
        sender = customers[i % len(customers)]
        sid = f"SM{uuid.uuid4().hex}"
        sent.append((sid, sender, *_twilio(procs.base, sid, sender, f"{i} cs whole milk")))

    async def controller() -> None:
        await asyncio.sleep(args.before_s)
        marks["stop"] = time.monotonic()
        await asyncio.to_thread(stop_server, pg)
        marks["stopped"] = time.monotonic()
        await asyncio.sleep(max(0.0, args.outage_s - (marks["stopped"] - marks["stop"])))
        await asyncio.to_thread(start_server, pg)
        marks["back"] = time.monotonic()
        returned.set()

    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=15)) as session:
        async def one(i: int, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            _, _, body, headers = sent[i]
            try:
                async with session.post(procs.base + TW, data=body, headers=headers) as resp:
                    await resp.read()
                    outcomes[i] = (time.monotonic(), resp.status)
            except (aiohttp.ClientError, TimeoutError) as exc:
                outcomes[i] = (time.monotonic(), type(exc).__name__)

        async def watch() -> tuple[float | None, float | None]:
            """From PostgreSQL's return: when every message answered 200 while it was
            away is stored, and when every one is processed by the worker (polled while
            the load goes on)."""
            await returned.wait()
            stored_at = processed_at = None
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and processed_at is None:
                during = [sent[i][0] for i, (at, status) in list(outcomes.items())
                          if status == 200 and marks["stop"] <= at <= marks["back"]]
                rows = await _rows(url, "SELECT ai_processed FROM messages WHERE "
                                        "is_from_customer AND external_message_id = ANY($1)",
                                   during)
                if stored_at is None and len(rows) >= len(set(during)):
                    stored_at = time.monotonic()
                if len(rows) >= len(set(during)) and all(r["ai_processed"] for r in rows):
                    processed_at = time.monotonic()
                await asyncio.sleep(0.2)
            return stored_at, processed_at

        t0 = time.monotonic() + 0.5
        ctl = asyncio.create_task(controller())
        watcher = asyncio.create_task(watch())
        await asyncio.gather(*(one(i, t0 + i / args.rate) for i in range(count)))
        await ctl
    ok = {sent[i][0] for i, (_, status) in outcomes.items() if status == 200}
    stored_at, processed_at = await watcher
    rows = await _rows(url, "SELECT m.external_message_id AS sid, c.phone AS phone FROM messages m "
                            "JOIN conversations v ON v.id = m.conversation_id JOIN customers c "
                            "ON c.id = v.customer_id WHERE m.is_from_customer AND m.message_type"
                            " = 'TEXT' AND c.phone = ANY($1) ORDER BY m.thread_position",
                       customers)
    stored = [r["sid"] for r in rows]
    order_broken = 0
    for who in customers:
        mine = [r["sid"] for r in rows if r["phone"] == who]
        expected: list[str] = []
        for sid, sender, _, _ in sent:
            if sender == who and sid in ok and sid not in expected:
                expected.append(sid)
        got = [s for s in mine if s in set(expected)]
        order_broken += got != expected
    statuses: dict[str, int] = {}
    for _, status in outcomes.values():
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {"requests": count, "rate_per_s": args.rate, "outage_s": args.outage_s,
            "statuses": statuses, "answered_200_during_outage": sum(
                1 for at, status in outcomes.values()
                if status == 200 and marks["stop"] <= at <= marks["back"]),
            "lost": len(ok - set(stored)), "duplicated": len(stored) - len(set(stored)),
            "customers_out_of_order": order_broken,
            "stored_s_after_return": None if stored_at is None
            else round(stored_at - marks["back"], 2),
            "processed_s_after_return": None if processed_at is None
            else round(processed_at - marks["back"], 2)}


# ---- 3. SIGTERM under load --------------------------------------------------------------------
async def sigterm_phase(procs: Processes, url: str) -> dict:
    import aiohttp

    accepted: list[str] = []
    unanswered = refused = 0
    stop_at = [float("inf")]

    async def client(n: int, session: aiohttp.ClientSession) -> None:
        nonlocal unanswered, refused
        k = 0
        while time.monotonic() < stop_at[0]:
            sid = f"SMt{n:03d}{uuid.uuid4().hex[:28]}"
            k += 1
            body, headers = _twilio(procs.base, sid, f"+1650555{n:04d}", f"{k} cs eggs")
            try:
                async with session.post(procs.base + TW, data=body, headers=headers) as resp:
                    await resp.read()
                    if resp.status == 200:
                        accepted.append(sid)
            except aiohttp.ClientConnectorError:
                refused += 1  # the listener is closed: the request never reached us
                await asyncio.sleep(0.01)
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                unanswered += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=16)) as session:
        load = asyncio.gather(*(client(n, session) for n in range(16)))
        await asyncio.sleep(3.0)
        assert procs.serve is not None and procs.worker is not None
        started = time.monotonic()
        procs.serve.send_signal(signal.SIGTERM)
        stop_at[0] = time.monotonic() + 1.0
        await load
    serve_rc = await asyncio.to_thread(procs.serve.wait, 60)
    serve_s = time.monotonic() - started
    procs.worker.send_signal(signal.SIGTERM)
    worker_rc = await asyncio.to_thread(procs.worker.wait, 60)
    rows = await _rows(url, "SELECT external_message_id FROM messages WHERE "
                            "external_message_id = ANY($1)", accepted)
    return {"answered_200": len(accepted), "unanswered": unanswered, "refused_after_close": refused,
            "not_stored": len(set(accepted) - {r[0] for r in rows}), "serve_exit": serve_rc,
            "serve_exit_s": round(serve_s, 2), "worker_exit": worker_rc}


async def _main(args: argparse.Namespace) -> None:
    from db.embedded import start_embedded

    home = Path(tempfile.mkdtemp(prefix="oa-faults-"))
    pg = start_embedded(home / "pgdata", temporary=True)
    url = pg.url
    await _prepare(url)
    procs = Processes(url, home / "home")
    results: dict[str, dict] = {}
    try:
        await procs.start()
        skip = set(args.skip.split(",")) if args.skip else set()
        if "email" not in skip:
            results["email"] = await email_phase(procs, url)
            print("email  ", json.dumps(results["email"]), flush=True)
        if "outage" not in skip:
            results["outage"] = await outage_phase(procs, pg, url, args)
            print("outage ", json.dumps(results["outage"]), flush=True)
        if "sigterm" not in skip:
            results["sigterm"] = await sigterm_phase(procs, url)
            print("sigterm", json.dumps(results["sigterm"]), flush=True)
    finally:
        procs.stop()
        pg.stop()
    print(f"logs of serve and worker were in {procs.logs} (removed with the temporary server)")
    if "email" in results:
        e = results["email"]
        print(f"1 MB email: {e['email_status']} in {e['email_s']} s; /healthz p99 "
              f"{e['healthz_p99_ms']} ms (max {e['healthz_max_ms']} ms) over "
              f"{e['healthz_polls']} polls")
    if "outage" in results:
        o = results["outage"]
        print(f"outage {o['outage_s']} s at {o['rate_per_s']}/s: {o['statuses']}; lost "
              f"{o['lost']}, duplicated {o['duplicated']}, customers out of order "
              f"{o['customers_out_of_order']}; stored {o['stored_s_after_return']} s and "
              f"processed {o['processed_s_after_return']} s after PostgreSQL returned")
    if "sigterm" in results:
        s = results["sigterm"]
        print(f"SIGTERM under load: {s['answered_200']} answered 200, {s['unanswered']} "
              f"unanswered, {s['not_stored']} not stored; serve exit {s['serve_exit']} in "
              f"{s['serve_exit_s']} s, worker exit {s['worker_exit']}")


def main() -> None:
    """Run the fault bench and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=30.0, help="webhooks per second")
    parser.add_argument("--outage-s", type=float, default=60.0)
    parser.add_argument("--before-s", type=float, default=5.0)
    parser.add_argument("--after-s", type=float, default=15.0)
    parser.add_argument("--skip", default="", help="comma-separated: email,outage,sigterm")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
