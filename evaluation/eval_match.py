"""`orderagent eval-match FILE.json QUERIES.jsonl [--report OUT.json]`: measure the matcher.

The query and report formats are `shared/specs/formats.md` ("Matcher queries"). Bad query
lines stop the run with an error naming the line (exit 2), like a bad distributor file.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.distributor_file import (
    DistributorFile,
    DistributorFileError,
    read_distributor_file,
)
from matching.catalog import items_from_file
from matching.index import build_index
from matching.resolve import match_line


class QueryFileError(ValueError):
    """A bad queries file; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Query:
    """One labelled mention: its text, the right sku (None: not sold), the quantity."""

    line: int
    text: str
    sku: str | None
    quantity: Decimal | None


def read_queries(path: str | Path, known_skus: set[str] | None = None) -> list[Query]:
    """Read and check a queries JSONL file; raise QueryFileError naming the bad line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(f"{path}: cannot read: {exc}") from None
    out: list[Query] = []
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}: line {no}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QueryFileError(f"{where}: invalid JSON: {exc.msg}") from None
        if not isinstance(row, dict):
            raise QueryFileError(f"{where}: expected a JSON object")
        unknown = set(row) - {"text", "sku", "quantity"}
        if unknown:
            raise QueryFileError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        text, sku, qty = row.get("text"), row.get("sku", ...), row.get("quantity")
        if not isinstance(text, str):
            raise QueryFileError(f"{where}: 'text' must be a string")
        if sku is ... or not (sku is None or isinstance(sku, str)):
            raise QueryFileError(f"{where}: 'sku' must be a string or null")
        if known_skus is not None and sku is not None and sku not in known_skus:
            raise QueryFileError(f"{where}: sku {sku!r} is not in the catalog")
        if qty is not None and (isinstance(qty, bool) or not isinstance(qty, int | float)):
            raise QueryFileError(f"{where}: 'quantity' must be a number or null")
        out.append(Query(no, text, sku, Decimal(str(qty)) if qty is not None else None))
    return out


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def evaluate(
    file: DistributorFile,
    queries: list[Query],
    *,
    threshold: float | None = None,
    console: Console | None = None,
) -> dict:
    """Run every query through the matcher and build the eval-match report."""
    threshold = file.distributor.ai_confidence_threshold if threshold is None else threshold
    index = build_index(items_from_file(file))
    match_line(index, "warm up")  # first-call costs are the process's, not a query's
    rows, latencies = [], []
    counts = dict.fromkeys(
        ("in_cat", "top1", "accepted", "accepted_ok", "null", "rejected", "with_qty", "qty_ok"), 0
    )
    with Progress(
        TextColumn("matching"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=console is None,
    ) as progress:
        task = progress.add_task("match", total=len(queries))
        for q in queries:
            start = time.perf_counter()
            result = match_line(index, q.text, threshold=threshold)
            latencies.append((time.perf_counter() - start) * 1000)
            top = [result.item.sku] if result.item else []
            top += [item.sku for item, _ in result.alternatives]
            accepted = result.item is not None and result.confidence >= threshold
            right = bool(top) and top[0] == q.sku
            if q.sku is None:
                counts["null"] += 1
                counts["rejected"] += not accepted
                ok = not accepted
            else:
                counts["in_cat"] += 1
                counts["top1"] += right
                ok = right
            counts["accepted"] += accepted
            counts["accepted_ok"] += accepted and right
            qty_ok = None
            if q.quantity is not None:
                qty_ok = result.parsed.quantity == q.quantity
                counts["with_qty"] += 1
                counts["qty_ok"] += qty_ok
            rows.append(
                {
                    "text": q.text,
                    "expected": q.sku,
                    "top": top,
                    "confidence": result.confidence,
                    "auto_accepted": accepted,
                    "ok": ok,
                    "method": result.method,
                    "quantity": float(result.parsed.quantity) if result.parsed.quantity else None,
                    "expected_quantity": float(q.quantity) if q.quantity is not None else None,
                    "quantity_ok": qty_ok,
                }
            )
            progress.advance(task)
    metrics = {
        "queries": len(queries),
        "top1_accuracy": _ratio(counts["top1"], counts["in_cat"]),
        "auto_accept_rate": _ratio(counts["accepted"], len(queries)),
        "auto_accept_precision": _ratio(counts["accepted_ok"], counts["accepted"]),
        "not_in_catalog_rejected": _ratio(counts["rejected"], counts["null"]),
        "quantity_accuracy": _ratio(counts["qty_ok"], counts["with_qty"]),
        "latency_ms_p50": round(statistics.median(latencies), 3) if latencies else 0.0,
        "latency_ms_p99": round(_percentile(latencies, 0.99), 3),
        "threshold": threshold,
    }
    return {"metrics": metrics, "queries": rows}


# The targets for the deterministic path: (metric, at least?, bound).
TARGETS = {
    "top1_accuracy": (True, 0.95),
    "auto_accept_rate": (True, 0.80),
    "auto_accept_precision": (True, 0.99),
    "not_in_catalog_rejected": (True, 0.95),
    "quantity_accuracy": (True, 0.98),
    "latency_ms_p99": (False, 2.0),
}


def summary_table(report: dict) -> Table:
    """A readable table of the report's metrics, against the targets."""
    m = report["metrics"]
    table = Table(title=f"eval-match: {m['queries']} queries, threshold {m['threshold']}",
                  title_justify="left")  # fmt: skip
    for name, justify in (("metric", "left"), ("value", "right"), ("target", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for key, value in m.items():
        if key in ("queries", "threshold"):
            continue
        target = ""
        if key in TARGETS:
            at_least, bound = TARGETS[key]
            met = value >= bound if at_least else value <= bound
            target = f"{'>=' if at_least else '<='} {bound:g} " + (
                "[green]ok[/green]" if met else "[red]missed[/red]"
            )
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value), target)
    return table


def _mistakes(report: dict, limit: int = 10) -> list[str]:
    """Lines for the queries auto-accepted to the wrong item (the costly mistakes)."""
    wrong = [q for q in report["queries"] if q["auto_accepted"] and not q["ok"]]
    lines = [f"{len(wrong)} auto-accepted to the wrong item" + (":" if wrong else "")]
    lines += [f"  {q['text']!r}: got {q['top'][0]}, expected {q['expected']} "
              f"(confidence {q['confidence']:.2f})" for q in wrong[:limit]]  # fmt: skip
    return lines


def run_eval_match(
    catalog_path: str | Path,
    queries_path: str | Path,
    report_path: str | Path | None = None,
    *,
    threshold: float | None = None,
    console: Console | None = None,
) -> int:
    """The eval-match command: 0 when run, 2 on a bad catalog or queries file."""
    console = console or Console()
    try:
        file = read_distributor_file(catalog_path)
        skus = {s for p in file.products for s in (p.sku, *(v.sku for v in p.variants))}
        queries = read_queries(queries_path, skus)
    except (DistributorFileError, QueryFileError) as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return 2
    report = evaluate(file, queries, threshold=threshold, console=console)
    console.print(summary_table(report))
    for line in _mistakes(report):
        console.print(line, highlight=False, markup=False)
    if report_path is not None:
        Path(report_path).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        console.print(f"report written to {report_path}", highlight=False)
    return 0
