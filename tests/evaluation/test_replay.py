"""`orderagent replay`: scoring worked out by hand, bad input files, the report, --compare."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from agent.llm import agent_llm
from core.distributor_file import read_distributor_file
from core.settings import Settings
from db.crypto import Keyring
from db.engine import Database, make_engine
from db.scratch import create_database, database_url, drop_database
from evaluation.replay import replay
from evaluation.report import compare, render_comparison
from evaluation.transcripts import (
    Transcript,
    TranscriptFileError,
    Usage,
    entry,
    metrics,
    read_transcripts,
)
from orderagent.bootstrap import DEMO_FILE
from orderagent.cli import main
from tests.conftest import TEST_MASTER_KEY

PHONE = "+13055550101"
SPEC_METRICS = {"transcripts": int, "item_precision": float, "item_recall": float,
                "item_f1": float, "sku_f1": float, "order_exact_match": float,
                "outcome_accuracy": float, "llm_calls": int, "llm_tokens": int,
                "llm_cost_usd": float, "latency_ms_p50": float, "latency_ms_p99": float}


def _t(tid: str, turns: list[str], outcome: str, items: dict[str, float], *,
       phone: str = PHONE, channel: str = "sms") -> dict:
    """A transcript line as formats.md writes it."""
    return {"id": tid, "channel": channel,
            "customer": {"business_name": "Mario's Pizzeria", "phone": phone, "email": None},
            "turns": [{"role": "customer", "text": x} for x in turns],
            "expected": {"outcome": outcome,
                         "items": [{"sku": s, "quantity": q} for s, q in items.items()]}}


# Five conversations whose results are known; b and c carry deliberately wrong answers.
SMALL = [
    # the handoff comes first on the same phone as a: if it leaked, a would get no replies;
    # it is scored HANDOFF with the milk that was pending when staff took over
    _t("e", ["2 cs whole milk", "can I talk to someone please"], "HANDOFF", {"DY-1001": 2}),
    _t("a", ["2 cs whole milk 3 mozz", "yes"], "CONFIRMED", {"DY-1001": 2, "CH-2003": 3}),
    _t("b", ["2 cs whole milk", "cancel"], "CONFIRMED", {"DY-1001": 2}, phone="+13055550102"),
    _t("c", ["3 cs whole milk"], "NONE", {"DY-1001": 2}, phone="+13055550103"),
    _t("d", ["2 cs whole milk", "cancel"], "CANCELLED", {}, phone="+13055550104"),
]


def _write(path: Path, rows: list[dict | str]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def _keyring() -> Keyring:
    return Keyring(TEST_MASTER_KEY.encode())


def test_scoring_by_hand() -> None:
    """P/R/F1 over (sku, qty) pairs summed across transcripts; sku_f1 ignores quantity."""
    t1 = Transcript.model_validate(_t("1", ["x"], "CONFIRMED", {"A": 2, "B": 1}))
    t2 = Transcript.model_validate(_t("2", ["x"], "NONE", {"A": 1}))
    t3 = Transcript.model_validate(_t("3", ["x"], "CANCELLED", {}))
    rows = [entry(t1, "CONFIRMED", [("A", Decimal(2)), ("C", Decimal(1))], []),
            entry(t2, "NONE", [("A", Decimal("3.000"))], []),
            entry(t3, "CANCELLED", [], [])]
    m = metrics(rows, [10.0, 20.0, 30.0, 40.0], Usage(2, 300, Decimal("0.0015")))
    # pairs: got {A2, C1} {A3} = 3, expected {A2, B1} {A1} = 3, right: A2 = 1
    assert (m["item_precision"], m["item_recall"], m["item_f1"]) == (0.3333, 0.3333, 0.3333)
    # skus: got {A, C} {A}, expected {A, B} {A}: right 2 of 3 each way
    assert m["sku_f1"] == 0.6667
    assert (m["order_exact_match"], m["outcome_accuracy"]) == (0.3333, 1.0)
    assert (m["llm_calls"], m["llm_tokens"], m["llm_cost_usd"]) == (2, 300, 0.0015)
    assert (m["latency_ms_p50"], m["latency_ms_p99"]) == (25.0, 39.7)
    assert rows[0]["diff"] == "-B×1 +C×1" and rows[1]["diff"] == "~A×1→3"
    assert rows[1]["items"] == [{"sku": "A", "quantity": 3}]  # 3.000 prints as 3


def test_nothing_expected_and_nothing_got_is_perfect() -> None:
    """A set of cancellations only: no items either side is not a zero score."""
    t = Transcript.model_validate(_t("1", ["x"], "CANCELLED", {}))
    m = metrics([entry(t, "CANCELLED", [], [])], [], Usage())
    assert (m["item_precision"], m["item_recall"], m["item_f1"], m["sku_f1"]) == (1, 1, 1, 1)


async def test_replay_of_a_small_set_gives_the_hand_checked_metrics(database) -> None:
    """Through the real pipeline: the five conversations score as worked out by hand."""
    transcripts = [Transcript.model_validate(t) for t in SMALL]
    report = await replay(database, transcripts, read_distributor_file(DEMO_FILE),
                          keyring=_keyring())
    rows = {r["id"]: r for r in report["transcripts"]}
    assert [r["id"] for r in report["transcripts"]] == ["e", "a", "b", "c", "d"]
    assert {k: (r["outcome"], r["ok"]) for k, r in rows.items()} == {
        "a": ("CONFIRMED", True), "b": ("CANCELLED", False), "c": ("NONE", False),
        "d": ("CANCELLED", True), "e": ("HANDOFF", True)}
    assert rows["c"]["diff"] == "~DY-1001×2→3"
    assert rows["b"]["diff"] == "CONFIRMED→CANCELLED -DY-1001×2"
    assert len(rows["a"]["replies"]) == 2 and "confirmed" in rows["a"]["replies"][1].lower()
    m = report["metrics"]
    # pairs: got a{DY2,CH3} c{DY3} e{DY2} = 4; expected a{DY2,CH3} b{DY2} c{DY2} e{DY2}
    # = 5; right 3
    assert (m["item_precision"], m["item_recall"]) == (0.75, 0.6)
    assert m["item_f1"] == 0.6667  # 2PR/(P+R) = 0.9/1.35
    # skus: got 4, expected 5, right 4 (c names the right product) -> P 1, R 0.8
    assert m["sku_f1"] == 0.8889  # 1.6/1.8
    assert (m["order_exact_match"], m["outcome_accuracy"]) == (0.6, 0.8)  # a d e; all but b
    assert (m["llm_calls"], m["llm_tokens"], m["llm_cost_usd"]) == (0, 0, 0.0)
    assert 0 < m["latency_ms_p50"] <= m["latency_ms_p99"]


@pytest.fixture
async def other_database(pg_server_url: str, migrated_template: str):
    """A second fresh migrated database, for replaying the same set twice."""
    name = await create_database(pg_server_url, prefix="oa_test", template=migrated_template)
    engine = make_engine(database_url(pg_server_url, name), pool_size=2)
    yield Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    await engine.dispose()
    await drop_database(pg_server_url, name)


async def test_the_same_inputs_give_the_same_report(database, other_database) -> None:
    """Two replays of one set on two databases: byte for byte the same but for latency."""
    transcripts = [Transcript.model_validate(t) for t in SMALL]
    catalog = read_distributor_file(DEMO_FILE)
    dumps = []
    for db in (database, other_database):
        report = await replay(db, transcripts, catalog, keyring=_keyring())
        for key in ("latency_ms_p50", "latency_ms_p99"):
            report["metrics"].pop(key)
        dumps.append(json.dumps(report, ensure_ascii=False))
    assert dumps[0] == dumps[1]


async def test_replay_counts_llm_calls_tokens_and_cost(database, fake_openai, tmp_path) -> None:
    """With a model configured, its calls are counted from `ai_responses`."""
    fake_openai.reply({"intent": "ORDER", "items": ["2 cs whole milk"], "confidence": 0.9},
                      usage=(200, 30))
    settings = Settings(home=tmp_path, encryption_key=TEST_MASTER_KEY,
                        openai_api_key="sk-test-key-not-real",
                        openai_base_url=fake_openai.base_url, llm_model="gpt-4o-mini")
    t = Transcript.model_validate(_t("u", ["same as last week please, my cell is "
                                           "(305) 555-0143"], "NONE", {"DY-1001": 2}))
    report = await replay(database, [t], read_distributor_file(DEMO_FILE), keyring=_keyring(),
                          llm=agent_llm(settings))
    m = report["metrics"]
    assert (m["llm_calls"], m["llm_tokens"]) == (1, 230)
    assert m["llm_cost_usd"] > 0
    assert report["transcripts"][0]["ok"]


def test_bad_lines_are_rejected_naming_each_line(tmp_path, capsys) -> None:
    """The whole file is refused (exit 2) and every bad line is named; nothing replays."""
    path = _write(tmp_path / "set.jsonl", [
        SMALL[1],
        "{not json",
        {**SMALL[2], "expected": {"outcome": "CANCELLED", "items": [{"sku": "DY-1001",
                                                                     "quantity": 1}]}},
        "",
        {**SMALL[3], "turns": [{"role": "customer", "text": "2 cs milk"}], "mood": "ok"},
        {**SMALL[4], "expected": {"outcome": "NONE", "items": [{"sku": "DY-1001",
                                                                "quantity": "2"}]}},
        SMALL[1],
    ])
    assert main(["replay", str(path), "--catalog", str(DEMO_FILE)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: invalid JSON" in err
    assert f"{path}:3: expected: a CANCELLED transcript expects no items" in err
    assert f"{path}:5: mood: Extra inputs are not permitted" in err
    assert f"{path}:6: expected.items.0.quantity: must be a number" in err
    assert f"{path}:7: id 'a' already used on line 1" in err
    assert "5 bad line(s) (line 2, line 3, line 5, line 6, line 7); nothing replayed" in err


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_an_empty_file_is_an_error(tmp_path, capsys, content: str) -> None:
    """No transcripts: exit 2 with a message saying so."""
    path = tmp_path / "empty.jsonl"
    path.write_text(content)
    assert main(["replay", str(path), "--catalog", str(DEMO_FILE)]) == 2
    assert f"{path}: no transcripts (the file is empty)" in capsys.readouterr().err


def test_a_missing_identity_is_a_bad_line(tmp_path) -> None:
    """An email transcript needs the customer's email, a phone channel the phone."""
    bad = {**SMALL[1], "channel": "email"}
    with pytest.raises(TranscriptFileError) as exc:
        read_transcripts(_write(tmp_path / "x.jsonl", [bad]))
    assert "customer.email is required for channel email" in exc.value.problems[0]


def _databases(server_url: str) -> set[str]:
    """The replay's own databases on the server (others' tests come and go meanwhile)."""
    async def names() -> set[str]:
        engine = make_engine(server_url, pool_size=1)
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT datname FROM pg_database"))
            out = {r[0] for r in rows if r[0].startswith("orderagent_replay")}
        await engine.dispose()
        return out
    return asyncio.run(names())


def test_the_command_writes_the_spec_report_on_a_dropped_database(
        tmp_path, pg_server_url, monkeypatch, capsys) -> None:
    """On DATABASE_URL: a fresh database, dropped after; the report has the spec's keys."""
    monkeypatch.setenv("DATABASE_URL", pg_server_url)
    path = _write(tmp_path / "small.jsonl", SMALL[1:3])
    before = _databases(pg_server_url)
    assert main(["replay", str(path), "--catalog", str(DEMO_FILE),
                 "--report", str(tmp_path / "r.json")]) == 0
    assert _databases(pg_server_url) == before
    out = capsys.readouterr().out
    assert "item_f1" in out and "1 failing" in out and "-DY-1001×2" in out
    report = json.loads((tmp_path / "r.json").read_text())
    assert set(report) == {"metrics", "transcripts", "inputs"}
    assert list(report["metrics"]) == list(SPEC_METRICS)
    for key, kind in SPEC_METRICS.items():
        assert type(report["metrics"][key]) is kind, key
    row = report["transcripts"][0]
    assert {"id", "outcome", "items", "expected", "replies", "ok"} <= set(row)
    # beyond the spec: the diff, what was not matched, errors, and what the HTML report
    # draws (the turns, the channel, the reading's language and lines)
    assert set(row) - {"id", "outcome", "items", "expected", "replies", "ok"} == {
        "diff", "unmatched", "error", "channel", "turns", "language", "lines"}
    assert row["items"] == [{"sku": "CH-2003", "quantity": 3}, {"sku": "DY-1001", "quantity": 2}]
    assert row["expected"] == {"outcome": "CONFIRMED", "items": row["items"]}
    assert all(isinstance(r, str) for r in row["replies"]) and row["ok"] is True
    assert report["inputs"]["transcripts"] == str(path)

    # the same run again, compared with the first: nothing moved but the clock
    assert main(["replay", str(path), "--catalog", str(DEMO_FILE), "--compare",
                 str(tmp_path / "r.json")]) == 0
    assert "no transcript changed between the two reports" in capsys.readouterr().out


def _report(rows: list[tuple[str, bool, str]], f1: float) -> dict:
    return {"metrics": {"transcripts": len(rows), "item_f1": f1, "latency_ms_p50": 10.0},
            "transcripts": [{"id": i, "ok": ok, "diff": d, "outcome": "CONFIRMED",
                             "items": [{"sku": d, "quantity": 1}] if d else []}
                            for i, ok, d in rows]}


def test_compare_shows_what_got_better_and_worse() -> None:
    """Fixed, broken and changed transcripts by id, and each metric's delta."""
    before = _report([("t1", False, "-A×1"), ("t2", True, ""), ("t3", False, "-B×1"),
                      ("t4", True, ""), ("gone", True, "")], 0.5)
    after = _report([("t1", True, ""), ("t2", False, "+C×2"), ("t3", False, "~B×1→2"),
                     ("t4", True, ""), ("new", False, "-D×1")], 0.75)
    cmp = compare(before, after)
    assert [t["id"] for t in cmp.fixed] == ["t1"] and [t["id"] for t in cmp.broken] == ["t2"]
    assert [n["id"] for _, n in cmp.changed] == ["t3"]
    assert (cmp.only_before, cmp.only_after) == (["gone"], ["new"])
    assert ("item_f1", 0.5, 0.75, 0.25) in cmp.deltas
    console = Console(record=True, width=160)
    render_comparison(console, cmp, "base.json")
    out = console.export_text()
    assert "1 fixed, 1 broken, 1 still failing differently" in out
    assert "+0.25" in out and "+C×2" in out and "~B×1→2" in out
    assert "only before (gone)" in out and "only now (new)" in out


def test_compare_refuses_a_file_that_is_not_a_report(tmp_path, capsys) -> None:
    """--compare with something else: exit 2 before anything runs."""
    path = _write(tmp_path / "set.jsonl", SMALL[1:2])
    other = tmp_path / "other.json"
    other.write_text('{"queries": []}')
    assert main(["replay", str(path), "--catalog", str(DEMO_FILE),
                 "--compare", str(other)]) == 2
    assert "not a replay report" in capsys.readouterr().err

