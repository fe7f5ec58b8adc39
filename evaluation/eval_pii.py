"""`orderagent eval-pii CORPUS.jsonl [--report OUT.json]`: the detector against a corpus.

A detection is right when its type is the labelled one and the spans overlap. Per type:
precision = right detections / detections (1.0 when there are none), recall = labels
found / labels (1.0 when there are none). Micro figures sum over types.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evaluation.pii_corpus import CorpusError, LabelledMessage, load_corpus
from privacy.findings import PII_TYPES, Finding

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _ratio(num: int, den: int) -> float:
    """num / den, 1.0 for an empty denominator (nothing claimed, nothing to find)."""
    return round(num / den, 4) if den else 1.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def score_messages(
    messages: Sequence[LabelledMessage],
    detect: Callable[[str], list[Finding]],
    on_message: Callable[[], None] = lambda: None,
) -> dict[str, object]:
    """The eval-pii report for `messages` run through `detect`."""
    support = dict.fromkeys(PII_TYPES, 0)
    found_n = dict.fromkeys(PII_TYPES, 0)
    detected = dict.fromkeys(PII_TYPES, 0)
    right = dict.fromkeys(PII_TYPES, 0)
    per_message, elapsed = [], 0.0
    for message in messages:
        t0 = time.perf_counter()
        findings = detect(message.text)
        elapsed += time.perf_counter() - t0
        found, missed, false = [], [], []
        for entity in message.entities:
            support[entity.type] += 1
            if any(f.type == entity.type and f.overlaps(entity.start, entity.end)
                   for f in findings):
                found_n[entity.type] += 1
                found.append(entity.as_dict())
            else:
                missed.append(entity.as_dict())
        for f in findings:
            detected[f.type] += 1
            if any(e.type == f.type and f.overlaps(e.start, e.end) for e in message.entities):
                right[f.type] += 1
            else:
                false.append({"type": str(f.type), "start": f.start, "end": f.end,
                              "value": f.value, "score": f.score, "recognizer": f.recognizer})
        per_message.append({"id": message.id, "ok": not missed and not false,
                            "found": found, "missed": missed, "false": false})
        on_message()
    per_type = {}
    for kind in PII_TYPES:
        p, r = _ratio(right[kind], detected[kind]), _ratio(found_n[kind], support[kind])
        per_type[kind] = {"precision": p, "recall": r, "f1": _f1(p, r),
                          "support": support[kind], "detected": detected[kind]}
    metrics = {
        "messages": len(messages),
        "per_type": per_type,
        "micro_precision": _ratio(sum(right.values()), sum(detected.values())),
        "micro_recall": _ratio(sum(found_n.values()), sum(support.values())),
        "messages_per_s": round(len(messages) / elapsed, 1) if elapsed else 0.0,
    }
    metrics["micro_f1"] = _f1(metrics["micro_precision"], metrics["micro_recall"])
    return {"metrics": metrics, "messages": per_message}


def _table(metrics: dict[str, object]) -> Table:
    """A readable per-type table of the metrics."""
    table = Table(title=f"PII detection on {metrics['messages']} messages")
    for column in ("type", "support", "detected", "precision", "recall", "f1"):
        table.add_column(column, justify="left" if column == "type" else "right")
    per_type: dict[str, dict[str, float]] = metrics["per_type"]  # type: ignore[assignment]
    for kind, m in per_type.items():
        if m["support"] or m["detected"]:
            table.add_row(kind, str(m["support"]), str(m["detected"]),
                          f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}")
    table.add_section()
    table.add_row("micro", "", "", f"{metrics['micro_precision']:.3f}",
                  f"{metrics['micro_recall']:.3f}", f"{metrics['micro_f1']:.3f}")
    return table


def run_eval_pii(
    corpus_path: str | Path,
    report_path: str | Path | None = None,
    *,
    console: Console | None = None,
) -> int:
    """Run the detector over a labelled corpus, print a table, write the report; exit code."""
    console = console or Console()
    try:
        messages = load_corpus(Path(corpus_path))
    except CorpusError as exc:
        console.print(f"[red]eval-pii:[/red] {exc}", markup=True, highlight=False, soft_wrap=True)
        return EXIT_BAD_INPUT
    from privacy.detect import PIIDetector

    detector = PIIDetector()
    t0 = time.perf_counter()
    detector.warm_up()  # the build is not part of the per-message speed
    build_s = time.perf_counter() - t0
    columns = (TextColumn("detecting PII"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("detect", total=len(messages))
        report = score_messages(messages, detector.detect, lambda: progress.advance(task))
    report["metrics"]["detector_build_s"] = round(build_s, 2)  # type: ignore[index]
    console.print(_table(report["metrics"]))  # type: ignore[arg-type]
    console.print(f"{report['metrics']['messages_per_s']} messages/s "  # type: ignore[index]
                  f"(detector built in {build_s:.2f} s)")
    if report_path is not None:
        try:
            Path(report_path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
        except OSError as exc:
            console.print(f"[red]eval-pii:[/red] cannot write {report_path}: {exc}", soft_wrap=True)
            return EXIT_BAD_INPUT
        console.print(f"report written to {report_path}")
    return EXIT_OK
