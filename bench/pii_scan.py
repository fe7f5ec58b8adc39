"""PII at rest: one message full of it through the real pipeline, then every column searched.

    .venv/bin/python bench/pii_scan.py [--server-url postgresql://postgres@127.0.0.1:5432/x]

On a scratch database (on `--server-url`, else `TEST_DATABASE_URL`, else a temporary
embedded server), migrated by the superuser and then used as the service uses it, as the
runtime role: a demo-catalog distributor with a Twilio number (sending to a local fake
Twilio) and a webhook endpoint; a customer sends, through a signed Twilio webhook to the
real app, an order with three card numbers, two emails, two phone numbers and an IBAN,
then "yes"; the worker answers and confirms, the sender sends, the order events are
queued. Then every text, varchar and JSON column of every table is read (as the
superuser) and searched for each value in clear, in any spacing, as are the log lines the
service wrote (INFO and up, through its redacting filter, as `orderagent` installs it).

The rule: no card number anywhere, and no other PII outside the `messages.content` of
inbound messages (the customer's words, kept as sent; a reply of ours that echoes them
is a finding, reported as `messages.content (outbound)`). The customer's own number,
the one they write from, is their address (`customers.phone`) and is not looked for.
Findings are printed per kind, table and column; the exit code is 1 when there is any.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEPARATORS = r"[\s.\-()/]{0,3}"


@dataclass(frozen=True)
class Planted:
    """One PII value put in the message, and how to find it again in any spacing."""

    kind: str  # card, email, phone, iban
    value: str
    pattern: re.Pattern[str]


def _spaced(chars: str) -> re.Pattern[str]:
    """The characters in order with any light separators between them (4111 1111 ...)."""
    return re.compile(SEPARATORS.join(re.escape(c) for c in chars), re.IGNORECASE)


def _planted() -> list[Planted]:
    cards = ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005"]
    emails = ["jane.doe@example.com", "billing@harbor-foods.example.org"]
    phones = ["(305) 555-0143", "+44 20 7946 0958"]
    ibans = ["GB82 WEST 1234 5698 7654 32"]
    out = [Planted("card", c, _spaced(re.sub(r"\D", "", c))) for c in cards]
    out += [Planted("email", e, re.compile(re.escape(e), re.IGNORECASE)) for e in emails]
    # the national number is enough to find a phone, with or without its country code
    out += [Planted("phone", p, _spaced(re.sub(r"\D", "", p)[-10:])) for p in phones]
    out += [Planted("iban", i, _spaced(i.replace(" ", ""))) for i in ibans]
    # a search that cannot find what it looks for would report a clean database
    assert all(p.pattern.search(p.value) and p.pattern.search(json.dumps(p.value))
               for p in out)
    return out


def message_text(planted: list[Planted]) -> str:
    """The customer's message: an order line with every planted value in it."""
    by = {k: [p.value for p in planted if p.kind == k] for k in ("card", "email", "phone",
                                                                 "iban")}
    return (f"2 cs whole milk and 3 dozen eggs please. Charge card {by['card'][0]}, or "
            f"{by['card'][1]} / amex {by['card'][2]}. Invoice to {by['email'][0]} and "
            f"{by['email'][1]}; call {by['phone'][0]} or {by['phone'][1]}. "
            f"Refunds to IBAN {by['iban'][0]}.")


class Captured(logging.Handler):
    """Every log line as the service would write it (formatted, after its filters)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the formatted line (traceback included)."""
        self.lines.append(self.format(record))


def allowed(kind: str, where: str) -> bool:
    """Cards nowhere; other PII only in the customer's own words."""
    return kind != "card" and where == "messages.content"


async def _columns(conn) -> list[tuple[str, str]]:
    from sqlalchemy import text

    rows = (await conn.execute(text("""
        SELECT c.table_name, c.column_name FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
          AND c.udt_name IN ('text', 'varchar', 'bpchar', 'json', 'jsonb', '_text',
                             '_varchar', 'citext')
        ORDER BY 1, 2"""))).all()
    return [(r.table_name, r.column_name) for r in rows]


async def scan(owner_url: str, logs: list[str], planted: list[Planted]
               ) -> tuple[Counter[tuple[str, str]], int, int]:
    """(kind, table.column) -> hits (planted values found, per row); columns and values
    read."""
    from sqlalchemy import text

    from db.engine import make_engine

    found: Counter[tuple[str, str]] = Counter()
    engine = make_engine(owner_url, pool_size=1)
    n_rows = 0
    try:
        async with engine.connect() as conn:
            columns = await _columns(conn)
            for table, column in columns:
                # a message's content is the customer's words only on inbound rows; what
                # we send is ours, and must not echo what they gave us
                side = ("CASE WHEN is_from_customer THEN '' ELSE ' (outbound)' END"
                        if (table, column) == ("messages", "content") else "''")
                rows = (await conn.execute(text(
                    f'SELECT "{column}"::text, {side} FROM "{table}" '
                    f'WHERE "{column}" IS NOT NULL'))).all()
                n_rows += len(rows)
                for value, suffix in rows:
                    for p in planted:
                        if p.pattern.search(value):
                            found[p.kind, f"{table}.{column}{suffix}"] += 1
    finally:
        await engine.dispose()
    for line in logs:
        for p in planted:
            if p.pattern.search(line):
                found[p.kind, "(logs)"] += 1
    return found, len(columns), n_rows


async def run_pipeline(owner_url: str, home: Path, text_: str) -> list[str]:
    """Migrate, load, send the message and "yes" through the real app, worker and sender;
    the service's log lines."""
    import aiohttp
    from aiohttp.test_utils import TestClient, TestServer
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from agent.context import AgentContext
    from agent.worker import claim_and_process
    from api.deliveries import deliver_due
    from channels.sender import send_next
    from core.settings import Settings
    from db.engine import Database, make_engine, runtime_url
    from db.models import WebhookEndpoint
    from mailroom.events import EventType
    from orderagent.app import create_app
    from privacy.redact import RedactingFilter
    from tests.channels.webhook_env import (
        CUSTOMER,
        KEYRING,
        OPTIONS,
        PUBLIC_URL,
        integrations,
        load,
        twilio_params,
        twilio_post,
    )
    from tests.conftest import TEST_MASTER_KEY
    from tests.fakes.twilio_api import FakeTwilioAPI

    captured = Captured()
    captured.addFilter(RedactingFilter())  # as `orderagent` installs it on its handler
    root = logging.getLogger()
    root.addHandler(captured)
    root.setLevel(logging.INFO)

    engine = make_engine(runtime_url(owner_url), pool_size=4)  # as the service connects
    db = Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False),
                  owner_url=owner_url)
    await db.migrate()  # as the owner; then the start check, as the runtime role
    settings = Settings(home=home, encryption_key=TEST_MASTER_KEY, public_url=PUBLIC_URL,
                        burst_window_ms=0)
    fake = FakeTwilioAPI(*_twilio_account())
    try:
        async with fake.serve() as base:
            dist = await load(db, slug="harbor", demo_catalog=True,
                              integration_list=integrations(twilio_base=base)[:1])
            async with db.transaction(tenant=dist) as s:
                s.add(WebhookEndpoint(distributor_id=dist, name="erp",
                                      url="http://127.0.0.1:9/",
                                      events=[str(e) for e in EventType]))
            async with TestClient(TestServer(create_app(settings, db))) as client:
                for body in (text_, "yes"):
                    path = "/webhooks/twilio"
                    resp = await client.post(path, **twilio_post(path, twilio_params(body)))
                    assert resp.status == 200, await resp.text()
                    while await claim_and_process(db, AgentContext(keyring=KEYRING),
                                                  window_s=0):
                        pass
                    while await send_next(db, KEYRING, OPTIONS) is not None:
                        pass
            async with aiohttp.ClientSession() as http:
                await deliver_due(db, KEYRING, http, allow_private=True)
            print(f"pipeline: {len(fake.messages)} SMS sent to the customer "
                  f"({CUSTOMER}, not looked for)")
    finally:
        await db.close()
        root.removeHandler(captured)
    return captured.lines


def _twilio_account() -> tuple[str, str]:
    from tests.channels.samples import TWILIO_ACCOUNT, TWILIO_TOKEN

    return TWILIO_ACCOUNT, TWILIO_TOKEN


async def main_async(server_url: str | None) -> int:
    """Run, scan, report; 1 on any finding."""
    from db.embedded import start_embedded, to_async_url
    from db.scratch import create_database, database_url, drop_database

    embedded = None
    if server_url is None:
        embedded = start_embedded(Path(tempfile.mkdtemp(prefix="oa-pii-")) / "pgdata",
                                  temporary=True)
        server_url = embedded.url
    server_url = to_async_url(server_url)
    name = await create_database(server_url, prefix="oa_pii_scan")
    owner_url = database_url(server_url, name)
    planted = _planted()
    try:
        with tempfile.TemporaryDirectory() as home:
            logs = await run_pipeline(owner_url, Path(home), message_text(planted))
        found, n_columns, n_rows = await scan(owner_url, logs, planted)
    finally:
        await drop_database(server_url, name)
        if embedded is not None:
            embedded.stop()
    bad = {k: n for k, n in found.items() if not allowed(*k)}
    print(f"scanned {n_columns} text/JSON columns ({n_rows} values) and {len(logs)} log "
          f"lines for {len(planted)} planted values "
          f"({', '.join(f'{n} {k}' for k, n in Counter(p.kind for p in planted).items())})")
    for (kind, where), n in sorted(found.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        verdict = "allowed" if allowed(kind, where) else "FINDING"
        print(f"  {verdict:8} {kind:6} {where:45} {n} hit(s)")
    print(json.dumps({"findings": len(bad), "columns_with_findings":
                      sorted({w for _, w in bad})}))
    return 1 if bad else 0


def main() -> int:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-url", default=os.environ.get("TEST_DATABASE_URL"),
                        help="a PostgreSQL server to make a scratch database on "
                             "(default: TEST_DATABASE_URL, else an embedded one)")
    args = parser.parse_args()
    return asyncio.run(main_async(args.server_url))


if __name__ == "__main__":
    sys.exit(main())
