"""Leave-one-distributor-out: calibrate without a distributor, then score that distributor.

    .venv/bin/python bench/loo.py [DATA_DIR] [--replay] [--only NAME ...] [--handoff-as-none]

For every distributor (the demo, each folder of DATA_DIR — default ../shared/data/distributors —
and each folder of bench/distributors/ when present) the confidence model is fitted on all
the OTHER distributors (`bench/match_calibrate.py`), written to a temporary file, and that
distributor is scored with eval-match under it (ORDERAGENT_MATCH_MODEL). A distributor left
out with --skip is neither scored nor fitted on, and the held-out ones
(`match_calibrate.HELD_OUT`) are never fitted on: they are scored under a model fitted on
the tuning sets only, like the shipped one. With --replay its
transcripts are replayed too (`orderagent replay`, same model; set DATABASE_URL to replay on
scratch databases of a running server). Only aggregate figures are printed: held-out sets
stay unread by eyes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.match_calibrate import (  # noqa: E402
    BENCH,
    DEFAULT_DATA,
    HELD_OUT,
    Source,
    calibrate,
    sources,
)
from core.distributor_file import read_distributor_file  # noqa: E402
from evaluation.eval_match import evaluate, read_queries  # noqa: E402
from matching.confidence import MODEL_ENV, current_model  # noqa: E402

MATCH_KEYS = ("top1_accuracy", "auto_accept_rate", "auto_accept_precision",
              "not_in_catalog_rejected", "quantity_accuracy", "latency_ms_p99")  # fmt: skip
REPLAY_KEYS = ("item_f1", "order_exact_match", "outcome_accuracy", "replay_p99ms")
SHORT = {"top1_accuracy": "top1", "auto_accept_rate": "rate", "auto_accept_precision": "prec",
         "not_in_catalog_rejected": "nic_rej", "quantity_accuracy": "qty",
         "latency_ms_p99": "p99ms", "item_f1": "F1", "order_exact_match": "exact",
         "outcome_accuracy": "outcome", "replay_p99ms": "r_p99ms"}  # fmt: skip
TRANSCRIPTS = {"demo": ROOT / "bench/transcripts/dev.jsonl"}


def _transcripts(source: Source) -> Path | None:
    path = TRANSCRIPTS.get(source.name, source.catalog.parent / "transcripts.jsonl")
    return path if path.is_file() else None


def match_figures(source: Source, model_path: Path) -> dict:
    """eval-match metrics of one distributor under the given model file."""
    os.environ[MODEL_ENV] = str(model_path)
    current_model.cache_clear()
    file = read_distributor_file(source.catalog)
    return evaluate(file, read_queries(source.queries))["metrics"]


def replay_figures(source: Source, model_path: Path, workdir: Path, handoff_as_none: bool) -> dict:
    """Replay metrics of one distributor's transcripts under the given model file."""
    transcripts = _transcripts(source)
    if transcripts is None:
        return {}
    if handoff_as_none:  # for a replay build that predates the HANDOFF outcome
        copy = workdir / f"{source.name}.transcripts.jsonl"
        text = transcripts.read_text(encoding="utf-8")
        copy.write_text(text.replace('"outcome": "HANDOFF"', '"outcome": "NONE"'), encoding="utf-8")
        transcripts = copy
    report = workdir / f"{source.name}.replay.json"
    env = {**os.environ, MODEL_ENV: str(model_path)}
    cmd = [str(ROOT / ".venv/bin/orderagent"), "replay", str(transcripts),
           "--catalog", str(source.catalog), "--report", str(report)]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if not report.is_file():
        return {"error": f"replay exited {done.returncode}"}
    return json.loads(report.read_text(encoding="utf-8"))["metrics"]


def _row(name: str, figures: dict, keys: tuple[str, ...]) -> str:
    cells = []
    for key in keys:
        value = figures.get(key)
        cells.append(f"{value:>8.3f}" if isinstance(value, int | float) else f"{'-':>8}")
    return f"{name:22}" + "".join(cells)


def main(argv: list[str]) -> int:
    """Fit without each distributor, score it, print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    parser.add_argument("--replay", action="store_true")
    parser.add_argument("--only", action="append", default=[], help="score only these")
    parser.add_argument("--skip", action="append", default=[],
                        help="neither score nor fit on these")  # fmt: skip
    parser.add_argument("--handoff-as-none", action="store_true")
    args = parser.parse_args(argv)
    everyone = [s for s in sources(args.data, [BENCH]) if s.name not in args.skip]
    fitted = [s for s in everyone if s.name not in HELD_OUT]
    scored = [s for s in everyone if not args.only or s.name in args.only]
    keys = MATCH_KEYS + (REPLAY_KEYS if args.replay else ())
    print(f"{'held out':22}" + "".join(f"{SHORT[k]:>8}" for k in keys))
    with tempfile.TemporaryDirectory(prefix="loo-") as tmp:
        workdir = Path(tmp)
        for source in scored:
            model, _, _, _ = calibrate([s for s in fitted if s.name != source.name])
            model_path = workdir / f"without-{source.name}.json"
            model_path.write_text(model.to_json(), encoding="utf-8")
            figures = match_figures(source, model_path)
            if args.replay:
                replay = replay_figures(source, model_path, workdir, args.handoff_as_none)
                figures.update({k: replay.get(k) for k in REPLAY_KEYS})
                figures["replay_p99ms"] = replay.get("latency_ms_p99")
            print(_row(source.name, figures, keys), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
