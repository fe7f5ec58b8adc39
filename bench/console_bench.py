"""Console page benchmark: every page's time with 10,000 conversations and 100,000 messages.

    .venv/bin/python bench/console_bench.py [--conversations 10000] [--messages-each 10]
        [--orders 2000] [--review 40] [--repeat 20]

A scratch database on `TEST_DATABASE_URL` / `DATABASE_URL` (else a temporary embedded
PostgreSQL), migrated, with the demo catalog and one owner; the distributor gets the
conversations, messages (half from customers), orders (some to review, three lines each),
open order sessions and 30 days of hourly AI usage, written with set-based SQL (synthetic
text only). The real app then serves the console on 127.0.0.1 and each page is asked for
`--repeat` times by a signed-in client after one warm-up; the figures are wall time per
request seen by the client on loopback (so server time plus a little), p50 / p95 / max.
The target is 200 ms per page.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEY = "bench-master-key-0123456789abcdef"
OWNER, PASSWORD = "owner@bench.example", "bench password 123"
TARGET_MS = 200.0

SEED = [
    """INSERT INTO customers (id, distributor_id, business_name, contact_person_name, phone,
                             language)
       SELECT gen_random_uuid(), :d, 'Bench Cafe ' || g, 'Chef ' || g,
              '+1555' || lpad(g::text, 7, '0'), 'en'
       FROM generate_series(1, :n) g""",
    """INSERT INTO conversations (id, distributor_id, customer_id, channel, last_message_at,
                                 last_customer_message_at, unread_count, message_count,
                                 handoff_active, channel_address)
       SELECT gen_random_uuid(), :d, c.id, 'WHATSAPP'::channel,
              now() - n * interval '1 minute', now() - n * interval '1 minute',
              (n % 4), :m, n % 20 = 0, 'local'
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM customers
             WHERE distributor_id = :d) c""",
    """INSERT INTO messages (distributor_id, conversation_id, content, is_from_customer,
                            status, thread_position, created_at, ai_processed, sent_by)
       SELECT :d, cv.id,
              CASE WHEN p % 2 = 1 THEN 'bench order ' || p || ': cases of whole milk, buns'
                   ELSE 'Noted: ' || p || ' x Whole Milk 1 Gallon' END,
              p % 2 = 1,
              (CASE WHEN p % 2 = 1 THEN 'RECEIVED' ELSE 'DELIVERED' END)::message_status,
              p, cv.last_message_at - (:m - p) * interval '10 seconds', true,
              CASE WHEN p % 2 = 1 THEN NULL ELSE 'agent' END
       FROM conversations cv, generate_series(1, :m) p WHERE cv.distributor_id = :d""",
    """INSERT INTO orders (id, distributor_id, customer_id, conversation_id, channel, status,
                          total_amount, requires_review, ai_generated, created_at)
       SELECT gen_random_uuid(), :d, cv.customer_id, cv.id, 'WHATSAPP'::channel,
              (CASE WHEN n <= :r THEN 'REVIEW' ELSE 'CONFIRMED' END)::order_status,
              165.00, n <= :r, true, cv.last_message_at
       FROM (SELECT *, row_number() OVER (ORDER BY last_message_at DESC) AS n
             FROM conversations WHERE distributor_id = :d) cv WHERE n <= :o""",
    """INSERT INTO order_products (distributor_id, order_id, product_name, product_unit,
                                  quantity, unit_price, line_price, ai_original_text, sku,
                                  matching_confidence, matching_method, alternative_matches,
                                  line_order)
       SELECT :d, o.id, 'Whole Milk 1 Gallon', 'case', 2, 27.5, 55, 'bench line ' || l,
              'DY-1001', CASE WHEN o.requires_review AND l = 2 THEN 0.4 ELSE 0.95 END,
              'FUZZY_MATCH'::matching_method,
              '[{"sku": "DY-1001", "name": "Whole Milk 1 Gallon", "confidence": 0.4}]'::jsonb,
              l
       FROM orders o, generate_series(1, 3) l WHERE o.distributor_id = :d""",
    """INSERT INTO conversation_order_sessions (distributor_id, conversation_id, status)
       SELECT :d, id, 'COLLECTING'::session_status FROM conversations
       WHERE distributor_id = :d AND unread_count = 1""",
    """INSERT INTO ai_usage_metrics (distributor_id, period_start, period_end, requests_count,
                                    successful_requests, tokens_used, cost_usd)
       SELECT :d, h, h + interval '59 minutes 59 seconds', 40, 39, 12000, 0.0180
       FROM generate_series(date_trunc('hour', now()) - interval '30 days',
                            date_trunc('hour', now()), interval '1 hour') h""",
]


async def seed(database, distributor_id: uuid.UUID, args: argparse.Namespace) -> None:
    """Write the bench data with set-based SQL, as the table owner."""
    from sqlalchemy import text

    params = {"d": distributor_id, "n": args.conversations, "m": args.messages_each,
              "o": args.orders, "r": args.review}
    async with database.engine.begin() as conn:
        for sql in SEED:
            await conn.execute(text(sql), {k: v for k, v in params.items() if f":{k}" in sql})
        await conn.execute(text("ANALYZE"))


async def prepare(url: str, args: argparse.Namespace):
    """Migrate, load the demo catalog and an owner, seed; the database and a sample id."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from console.auth import hash_password
    from core.distributor_file import read_distributor_file
    from db.crypto import Keyring
    from db.engine import Database, make_engine
    from db.loader import load_distributor
    from db.migrate import upgrade
    from db.models import Conversation, Order, UserProfile
    from db.models.enums import UserRole
    from db.tenant import ALL
    from orderagent.bootstrap import DEMO_FILE

    engine = make_engine(url, pool_size=10)
    database = Database(engine=engine, sessions=async_sessionmaker(engine,
                                                                   expire_on_commit=False))
    await upgrade(engine)
    async with database.transaction(tenant=ALL) as s:
        dist = (await load_distributor(s, read_distributor_file(DEMO_FILE),
                                       Keyring(KEY.encode()))).distributor_id
    async with database.transaction(tenant=dist) as s:
        s.add(UserProfile(distributor_id=dist, email=OWNER, role=UserRole.OWNER,
                          password_hash=hash_password(PASSWORD)))
    started = time.perf_counter()
    await seed(database, dist, args)
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    async with database.transaction(tenant=dist) as s:
        conv = (await s.execute(select(Conversation.id).order_by(
            Conversation.last_message_at.desc()).limit(1))).scalar_one()
        order = (await s.execute(select(Order.id).limit(1))).scalar_one()
        counts = [(await s.execute(select(func_count(m)))).scalar_one()
                  for m in (Conversation, "messages")]
    print(f"distributor has {counts[0]} conversations, {counts[1]} messages")
    return database, conv, order


def func_count(model):
    """count(*) of a model or a table name."""
    from sqlalchemy import func, select, table

    if isinstance(model, str):
        return select(func.count()).select_from(table(model)).scalar_subquery()
    return select(func.count(model.id)).scalar_subquery()


async def measure(args: argparse.Namespace, url: str) -> int:
    """Seed, serve, time every page; print the table; 1 if a page misses the target."""
    from aiohttp.test_utils import TestClient, TestServer

    from core.settings import Settings
    from orderagent.app import create_app

    database, conv, order = await prepare(url, args)
    home = Path(tempfile.mkdtemp(prefix="oa-console-bench-"))
    app = create_app(Settings(home=home, encryption_key=KEY, database_url=url), database)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        await client.get("/app/signin")
        csrf = next(c.value for c in client.session.cookie_jar if c.key == "oa_csrf")
        resp = await client.post("/app/signin", data={"_csrf": csrf, "email": OWNER,
                                                      "password": PASSWORD},
                                 allow_redirects=False)
        assert resp.status == 303, await resp.text()
        pages = [
            ("inbox", "/app/inbox"), ("inbox poll", "/app/inbox/list"),
            ("inbox: needs review", "/app/inbox?review=1"),
            ("inbox: handed off", "/app/inbox?handoff=1"),
            ("inbox: open order", "/app/inbox?open_session=1"),
            ("inbox: channel", "/app/inbox?channel=WHATSAPP"),
            ("inbox: search name", "/app/inbox?q=Bench%20Cafe%209999"),
            ("inbox: search phone", "/app/inbox?q=5550004242"),
            ("inbox: search text", "/app/inbox?q=order%20999"),
            ("thread", f"/app/c/{conv}"), ("thread poll", f"/app/c/{conv}/messages"),
            ("review queue", "/app/review"), ("orders", "/app/orders"),
            ("order", f"/app/orders/{order}"), ("catalog", "/app/catalog"),
            ("catalog: search + try", "/app/catalog?q=milk&try=2%20cs%20whole%20milk"),
            ("AI usage", "/app/ai"), ("team", "/app/team"),
        ]
        worst = 0.0
        print(f"\n{'page':24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, path in pages:
            times = []
            for n in range(args.repeat + 1):
                started = time.perf_counter()
                resp = await client.get(path, allow_redirects=False)
                await resp.read()
                elapsed = (time.perf_counter() - started) * 1000
                assert resp.status == 200, (path, resp.status)
                if n:  # the first is a warm-up (caches, prepared statements)
                    times.append(elapsed)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            worst = max(worst, p95)
            print(f"{name:24} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")
        verdict = "within" if worst <= TARGET_MS else "OVER"
        print(f"\nworst p95 {worst:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target")
        return 0 if worst <= TARGET_MS else 1
    finally:
        await client.close()
        await database.close()


async def main_async(args: argparse.Namespace) -> int:
    """Run on a scratch database of the configured server (or a temporary one)."""
    from db.embedded import start_embedded, to_async_url
    from db.scratch import create_database, database_url, drop_database

    server = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    embedded = None
    if server:
        server = to_async_url(server)
    else:
        embedded = start_embedded(Path(tempfile.mkdtemp(prefix="oa-bench-")) / "pgdata",
                                  temporary=True)
        server = embedded.url
    name = await create_database(server, prefix="oa_console_bench")
    try:
        return await measure(args, database_url(server, name))
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            await drop_database(server, name)
        if embedded is not None:
            embedded.stop()


def main() -> int:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--messages-each", type=int, default=10)
    parser.add_argument("--orders", type=int, default=2_000)
    parser.add_argument("--review", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database (to study)")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
