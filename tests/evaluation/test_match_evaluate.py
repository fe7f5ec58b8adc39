"""`eval-match`: the report a user reads, and clear errors for bad query files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from evaluation.eval_match import run_eval_match
from tests.matching.conftest import DEMO

QUERIES = [
    {"text": "2 cs whole milk", "sku": "DY-1001", "quantity": 2},
    {"text": "half gal whole milk x3", "sku": "DY-1001-HG", "quantity": 3},
    {"text": "3 bags shredded mozz", "sku": "CH-2003", "quantity": 3},
    {"text": "lobster tails 2 cs", "sku": None, "quantity": 2},
    {"text": "16oz lids", "sku": "DS-1012", "quantity": None},
]


def _write(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120), out


def test_report_has_the_documented_shape(tmp_path: Path) -> None:
    """Metrics and per-query keys are those of formats.md, with the values they should have."""
    queries = _write(tmp_path / "q.jsonl", QUERIES)
    report_path = tmp_path / "report.json"
    console, out = _console()
    assert run_eval_match(DEMO, queries, report_path, console=console) == 0
    report = json.loads(report_path.read_text())
    m = report["metrics"]
    assert {
        "queries",
        "top1_accuracy",
        "auto_accept_rate",
        "auto_accept_precision",
        "not_in_catalog_rejected",
        "quantity_accuracy",
        "latency_ms_p50",
        "latency_ms_p99",
    } <= m.keys()
    assert m["queries"] == 5
    assert m["not_in_catalog_rejected"] == 1.0  # lobster is not sold
    assert m["quantity_accuracy"] == 1.0
    assert m["auto_accept_precision"] == 1.0
    assert m["auto_accept_rate"] == 0.6  # milk, half gallon, mozz; not lobster, not "16oz lids"
    rows = report["queries"]
    assert [r["text"] for r in rows] == [q["text"] for q in QUERIES]
    for row in rows:
        assert {"text", "expected", "top", "confidence", "auto_accepted", "ok"} <= row.keys()
    assert rows[0]["top"][0] == "DY-1001" and rows[0]["ok"] and rows[0]["auto_accepted"]
    assert rows[3]["expected"] is None and rows[3]["ok"] and not rows[3]["auto_accepted"]
    text = out.getvalue()
    assert "top1_accuracy" in text and "auto_accept_precision" in text


def test_threshold_override_changes_acceptance(tmp_path: Path) -> None:
    """--threshold overrides the distributor's: at 1.0 nothing is auto-accepted."""
    queries = _write(tmp_path / "q.jsonl", QUERIES)
    report_path = tmp_path / "r.json"
    assert run_eval_match(DEMO, queries, report_path, threshold=1.0, console=_console()[0]) == 0
    assert json.loads(report_path.read_text())["metrics"]["auto_accept_rate"] == 0.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: invalid JSON"),
        ('["a list"]', "line 2: expected a JSON object"),
        ('{"text": 5, "sku": null}', "line 2: 'text' must be a string"),
        ('{"text": "milk"}', "line 2: 'sku' must be a string or null"),
        ('{"text": "milk", "sku": "NOPE-1"}', "line 2: sku 'NOPE-1' is not in the catalog"),
        ('{"text": "milk", "sku": null, "quantity": "two"}', "line 2: 'quantity' must be a number"),
        ('{"text": "milk", "sku": null, "qty": 2}', "line 2: unknown key 'qty'"),
    ],
)
def test_bad_query_line_is_named_and_exits_2(tmp_path: Path, line: str, message: str) -> None:
    """A bad line stops the run with exit 2 and an error naming the file and line."""
    queries = _write(tmp_path / "q.jsonl", [QUERIES[0], line])
    console, out = _console()
    assert run_eval_match(DEMO, queries, tmp_path / "r.json", console=console) == 2
    assert message in out.getvalue()
    assert not (tmp_path / "r.json").exists()


def test_missing_files_exit_2(tmp_path: Path) -> None:
    """A catalog or queries file that does not exist is an error, not a traceback."""
    console, out = _console()
    assert run_eval_match(tmp_path / "none.json", tmp_path / "q.jsonl", console=console) == 2
    assert run_eval_match(DEMO, tmp_path / "missing.jsonl", console=console) == 2
    assert "cannot read" in out.getvalue()
