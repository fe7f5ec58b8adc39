"""`orderagent export-transcripts`: real conversations out as redacted transcripts, and back."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from agent.context import AgentContext
from core.distributor_file import read_distributor_file
from core.messages import Channel
from db.crypto import Keyring
from db.engine import Database, make_engine, runtime_url
from db.models import Customer, OrderProduct
from db.scratch import create_database, database_url, drop_database
from evaluation.export import ExportError, export_transcripts
from evaluation.local import say
from evaluation.replay import replay
from evaluation.transcripts import read_transcripts
from orderagent.bootstrap import DEMO_FILE
from orderagent.cli import main
from tests.conftest import TEST_MASTER_KEY

PHONE = "+13055550101"
EMAIL = "linda@marios.example"
SIGNED = "2 cs whole milk 3 mozz\nthanks, Linda Perez (305) 555-0143"
EMAIL_TEXT = ("Hi team,\n\nPlease send 2 cs whole milk.\n\nThanks,\nLinda\nMario's Pizzeria\n"
              "linda.perez@marios.example")


@pytest.fixture
def ctx() -> AgentContext:
    """The worker context, no LLM."""
    return AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()))


async def _talk(database, ctx, demo, sender: str, *texts: str,
                channel: Channel = Channel.WHATSAPP) -> None:
    for text in texts:
        await say(database, ctx, demo, sender=sender, text=text, channel=channel)


async def _known_customer(database, demo) -> None:
    """The email customer as the distributor registered them: business and contact name."""
    async with database.transaction(tenant=demo) as s:
        s.add(Customer(distributor_id=demo, email=EMAIL, business_name="Mario's Pizzeria",
                       contact_person_name="Linda Perez"))


async def test_export_then_replay_reproduces_each_order(database, demo, ctx, tmp_path,
                                                        pg_server_url, migrated_template
                                                        ) -> None:
    """One transcript per session, PII gone, the right answers; replayed, they all hold."""
    await _known_customer(database, demo)
    await _talk(database, ctx, demo, PHONE, "hi there", SIGNED, "yes")
    await _talk(database, ctx, demo, PHONE, "2 cs whole milk", "cancel")
    await _talk(database, ctx, demo, PHONE, "3 cs whole milk", "can I talk to a person please")
    await _talk(database, ctx, demo, EMAIL, EMAIL_TEXT, "yes", channel=Channel.EMAIL)
    out = tmp_path / "real.jsonl"
    assert await export_transcripts(database, "demo", out) == 0

    raw = out.read_text(encoding="utf-8")
    for secret in ("555-0143", "Linda", "Perez", "marios.example", PHONE, "Mario's"):
        assert secret not in raw, secret
    rows = [json.loads(line) for line in raw.splitlines()]
    assert [(r["channel"], r["expected"]) for r in rows] == [
        ("whatsapp", {"outcome": "CONFIRMED", "items": [{"sku": "CH-2003", "quantity": 3},
                                                        {"sku": "DY-1001", "quantity": 2}]}),
        ("whatsapp", {"outcome": "CANCELLED", "items": []}),
        # staff took over while the milk was pending
        ("whatsapp", {"outcome": "HANDOFF", "items": [{"sku": "DY-1001", "quantity": 3}]}),
        ("email", {"outcome": "CONFIRMED", "items": [{"sku": "DY-1001", "quantity": 2}]}),
    ]
    # the greeting before the first order goes with it; customer turns only
    assert [t["text"] for t in rows[0]["turns"]] == [
        "hi there", "2 cs whole milk 3 mozz\nthanks, <PERSON> <PHONE_NUMBER>", "yes"]
    email_text = rows[3]["turns"][0]["text"]
    assert "<PERSON>" in email_text and "<EMAIL_ADDRESS>" in email_text
    # one pseudonym per customer, fictional, and their business name in text becomes it
    assert len({json.dumps(r["customer"]) for r in rows[:3]}) == 1
    assert rows[0]["customer"]["phone"].startswith("+1555") and rows[0]["customer"]["email"] is None
    assert rows[3]["customer"]["email"].endswith("@example.com")
    assert rows[3]["customer"]["business_name"] in email_text
    assert len({r["id"] for r in rows}) == 4 and all(r["id"].startswith("demo-") for r in rows)

    # the file is a valid transcript set, and replaying it gives back every outcome
    transcripts = read_transcripts(out)
    name = await create_database(pg_server_url, prefix="oa_test", template=migrated_template)
    engine = make_engine(database_url(pg_server_url, name), pool_size=2)
    fresh = Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    try:
        report = await replay(fresh, transcripts, read_distributor_file(DEMO_FILE),
                              keyring=Keyring(TEST_MASTER_KEY.encode()))
    finally:
        await fresh.close()
        await drop_database(pg_server_url, name)
    assert [(t["outcome"], t["ok"]) for t in report["transcripts"]] == [
        ("CONFIRMED", True), ("CANCELLED", True), ("HANDOFF", True), ("CONFIRMED", True)]


async def test_the_order_as_staff_corrected_it_is_the_answer(database, demo, ctx, tmp_path
                                                             ) -> None:
    """A line corrected in review exports corrected: the review is the ground truth."""
    await _talk(database, ctx, demo, PHONE, "2 cs whole milk", "yes")
    async with database.transaction(tenant=demo) as s:
        await s.execute(update(OrderProduct).where(OrderProduct.sku == "DY-1001")
                        .values(quantity=4))
    out = tmp_path / "x.jsonl"
    await export_transcripts(database, "demo", out)
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["expected"]["items"] == [{"sku": "DY-1001", "quantity": 4}]


async def test_since_keeps_only_later_conversations(database, demo, ctx, tmp_path) -> None:
    """--since tomorrow exports nothing; --since today exports today's order."""
    await _talk(database, ctx, demo, PHONE, "2 cs whole milk")
    out = tmp_path / "x.jsonl"
    await export_transcripts(database, "demo", out, since=date.today() + timedelta(days=2))
    assert out.read_text() == ""
    await export_transcripts(database, "demo", out, since=date.today() - timedelta(days=1))
    assert len(out.read_text().splitlines()) == 1


async def test_an_unknown_distributor_is_an_error(database, demo, tmp_path) -> None:
    """A slug that does not exist: ExportError (exit 2), and no file written."""
    with pytest.raises(ExportError, match="no distributor 'nope'"):
        await export_transcripts(database, "nope", tmp_path / "x.jsonl")
    assert not (tmp_path / "x.jsonl").exists()
    async with database.transaction(tenant=demo) as s:
        assert (await s.execute(select(Customer))).first() is None


def test_a_bad_since_date_exits_2(tmp_path, capsys) -> None:
    """--since must be YYYY-MM-DD."""
    with pytest.raises(SystemExit) as exc:
        main(["export-transcripts", "--distributor", "demo", "--since", "last week",
              str(tmp_path / "x.jsonl")])
    assert exc.value.code == 2
    assert "--since" in capsys.readouterr().err


@pytest.fixture
async def db_url(pg_server_url: str, migrated_template: str, monkeypatch):
    """DATABASE_URL of a fresh migrated database, as the runtime role (the superuser
    migrates, as ORDERAGENT_OWNER_DATABASE_URL), for commands run in this process."""
    name = await create_database(pg_server_url, prefix="oa_test", template=migrated_template)
    owner = database_url(pg_server_url, name)
    monkeypatch.setenv("ORDERAGENT_OWNER_DATABASE_URL", owner)
    yield runtime_url(owner)
    await drop_database(pg_server_url, name)


def test_the_command_exports_and_names_an_unknown_slug(tmp_path, db_url, monkeypatch,
                                                       capsys) -> None:
    """On the configured database: exit 0 and a summary; an unknown slug exits 2."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ORDERAGENT_HOME", str(tmp_path / "home"))
    assert main(["load", str(DEMO_FILE)]) == 0
    out = tmp_path / "x.jsonl"
    assert main(["export-transcripts", "--distributor", "demo", str(out)]) == 0
    assert "wrote 0 transcripts" in capsys.readouterr().out and out.read_text() == ""
    assert main(["export-transcripts", "--distributor", "nope", str(out)]) == 2
    assert "no distributor 'nope'" in capsys.readouterr().err
