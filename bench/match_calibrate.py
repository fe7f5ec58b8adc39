"""Fit the matcher's confidence model (logistic regression) across distributors.

    .venv/bin/python bench/match_calibrate.py [--data DIR] [--exclude NAME ...] [--out FILE]

Examples come from every distributor's labelled queries: the demo's
`bench/data/match_dev.jsonl` and each `DIR/<name>/match_queries.jsonl` (DIR defaults to
../shared/data/distributors). Each distributor weighs the same, whatever its size, so the
model learns what "right" looks like on any catalog rather than on the biggest one.
`--exclude` leaves distributors out (`bench/loo.py`). The model is written to `--out`
(default `matching/data/match_model.json`, the shipped model). Printed: the weights and a
reliability table; only aggregate figures, never a query's text.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.distributor_file import read_distributor_file
from evaluation.eval_match import read_queries
from matching.catalog import items_from_file
from matching.confidence import Model
from matching.index import build_index
from matching.parse import parse_line
from matching.resolve import FEATURES, features, rank

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "distributors"
SHIPPED = ROOT / "matching" / "data" / "match_model.json"
TOP = 3  # candidates per query used as examples (the runner-ups teach "wrong")
L2 = 0.05


@dataclass(frozen=True, slots=True)
class Source:
    """One distributor's catalog and labelled queries."""

    name: str
    catalog: Path
    queries: Path


def sources(data: Path | None, extra: list[Path] = ()) -> list[Source]:
    """The demo, then every distributor folder with a catalog and match queries."""
    out = [Source("demo", ROOT / "orderagent/demo/demo.json", ROOT / "bench/data/match_dev.jsonl")]
    for folder in (data, *extra):
        if folder is None or not folder.is_dir():
            continue
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            catalog, queries = sub / "distributor.json", sub / "match_queries.jsonl"
            if catalog.is_file() and queries.is_file():
                out.append(Source(sub.name, catalog, queries))
    return out


def collect(source: Source) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and right/wrong labels for the top candidates of every query."""
    index = build_index(items_from_file(read_distributor_file(source.catalog)))
    rows, labels = [], []
    for q in read_queries(source.queries):
        parsed = parse_line(q.text)
        ranked = rank(index, parsed)
        for i in range(min(TOP, len(ranked))):
            f = features(index, ranked, i, parsed)
            rows.append([f[name] for name in FEATURES])
            labels.append(float(q.sku is not None and index.items[ranked[i].index].sku == q.sku))
    return np.asarray(rows, dtype=float).reshape(-1, len(FEATURES)), np.asarray(labels)


def fit(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = L2, steps: int = 60
) -> np.ndarray:
    """Weighted logistic regression by Newton's method, small L2 penalty (bias unpenalised)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (weight * (p - y)) + penalty * w
        hess = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def calibrate(chosen: list[Source]) -> tuple[Model, np.ndarray, np.ndarray, np.ndarray]:
    """Fit one model on the chosen distributors (each weighing the same)."""
    xs, ys, ws = [], [], []
    for source in chosen:
        x, y = collect(source)
        xs.append(x)
        ys.append(y)
        ws.append(np.full(len(y), 1.0 / max(len(y), 1)))
    x, y, weight = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    weight *= len(y) / weight.sum()
    w = fit(x, y, weight)
    return Model(FEATURES, tuple(float(v) for v in w[:-1]), float(w[-1])), x, y, weight


def report(model: Model, x: np.ndarray, y: np.ndarray) -> None:
    """Print the weights and a reliability table (predicted vs observed share right)."""
    for name, value in zip(model.features, model.weights, strict=True):
        print(f"  {name:12} {value:9.3f}")
    print(f"  {'bias':12} {model.bias:9.3f}")
    z = x @ np.asarray(model.weights) + model.bias
    p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
    print("predicted      n   observed")
    edges = (0.0, 0.2, 0.5, 0.8, 0.9, 0.95, 0.99, 1.01)
    for lo, hi in itertools.pairwise(edges):
        mask = (p >= lo) & (p < hi)
        if mask.any():
            print(f"[{lo:.2f},{min(hi, 1):.2f})  {mask.sum():5d}  {y[mask].mean():.3f}")
    base = y.mean()
    loss = -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))
    entropy = -(base * math.log(base) + (1 - base) * math.log(1 - base)) if 0 < base < 1 else 0.0
    print(f"log loss {loss:.4f} (base rate {base:.3f}, entropy {entropy:.4f})")


def main(argv: list[str]) -> int:
    """Fit on every distributor but the excluded ones, print, write the model file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="another folder of distributor folders")  # fmt: skip
    parser.add_argument("--exclude", action="append", default=[])
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    chosen = [s for s in sources(args.data, args.extra) if s.name not in args.exclude]
    model, x, y, _ = calibrate(chosen)
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    if not args.quiet:
        print(f"fitted on {', '.join(s.name for s in chosen)}: {len(y)} examples, "
              f"{int(y.sum())} right; written to {args.out}")  # fmt: skip
        report(model, x, y)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
