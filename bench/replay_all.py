"""Replay the demo dev set and every distributor's transcripts; print one table.

    python bench/replay_all.py [--data ../shared/data/distributors] [--only a,b] [--skip c]
                               [--jobs 2] [--reports DIR]

For quick iteration: each set runs `orderagent replay` in its own process on its own
throw-away database (DATABASE_URL, else an embedded server), then one row per set prints
item F1 (P / R), exact orders, outcome accuracy, latency p99 and how long the set took.
Only aggregate figures are printed (held-out sets must stay unread); the per-transcript
reports land in --reports when given. Leave-one-distributor-out calibration is
`bench/loo.py --replay`, not this script.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ("demo-dev", ROOT / "bench" / "transcripts" / "dev.jsonl",
        ROOT / "orderagent" / "demo" / "demo.json")


def sets(data: Path, only: set[str], skip: set[str]) -> list[tuple[str, Path, Path]]:
    """(name, transcripts, catalog) for the demo dev set and each distributor folder."""
    found = [DEMO]
    if data.is_dir():
        for folder in sorted(p for p in data.iterdir() if p.is_dir()):
            t, c = folder / "transcripts.jsonl", folder / "distributor.json"
            if t.is_file() and c.is_file():
                found.append((folder.name, t, c))
    return [s for s in found if (not only or s[0] in only) and s[0] not in skip]


def run_one(name: str, transcripts: Path, catalog: Path, reports: Path) -> dict:
    """One `orderagent replay` in a subprocess; its metrics and wall time."""
    report = reports / f"{name}.json"
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "orderagent.cli", "replay", str(transcripts), "--catalog",
         str(catalog), "--report", str(report)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if not report.is_file():
        return {"name": name, "error": (proc.stderr or proc.stdout).strip()[-300:],
                "seconds": seconds}
    m = json.loads(report.read_text(encoding="utf-8"))["metrics"]
    errors = sum(bool(t["error"]) for t in json.loads(report.read_text())["transcripts"])
    return {"name": name, "metrics": m, "seconds": seconds, "errors": errors}


def table(rows: list[dict]) -> str:
    """The figures, one set a row."""
    head = (f"{'set':<22} {'n':>4} {'item F1 (P / R)':>22} {'exact':>7} {'outcome':>8} "
            f"{'p99 ms':>7} {'errors':>6} {'secs':>6}")
    out = [head, "-" * len(head)]
    for r in rows:
        if "error" in r:
            out.append(f"{r['name']:<22} failed: {r['error']}")
            continue
        m = r["metrics"]
        f1 = f"{m['item_f1']:.3f} ({m['item_precision']:.3f} / {m['item_recall']:.3f})"
        out.append(f"{r['name']:<22} {m['transcripts']:>4} {f1:>22} "
                   f"{m['order_exact_match']:>7.3f} {m['outcome_accuracy']:>8.3f} "
                   f"{m['latency_ms_p99']:>7.0f} {r['errors']:>6} {r['seconds']:>6.1f}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Replay every set, print the table; 1 when a set failed to run."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "distributors")
    ap.add_argument("--only", default="", help="comma-separated set names")
    ap.add_argument("--skip", default="", help="comma-separated set names")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reports", type=Path, default=None)
    args = ap.parse_args(argv)
    chosen = sets(args.data, set(filter(None, args.only.split(","))),
                  set(filter(None, args.skip.split(","))))
    reports = args.reports or Path(tempfile.mkdtemp(prefix="replay-all-"))
    reports.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        rows = list(pool.map(lambda s: run_one(*s, reports), chosen))
    print(table(rows))
    print(f"reports: {reports}")
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
