"""Fit the matcher's confidence model (logistic regression) across distributors.

    .venv/bin/python bench/match_calibrate.py [--data DIR] [--exclude NAME ...] [--out FILE]

Examples come from every tuning distributor's labelled queries: the demo's
`bench/data/match_dev.jsonl`, each `DIR/<name>/match_queries.jsonl` (DIR defaults to
../shared/data/distributors) and each folder of bench/distributors/ except the held-out ones
(`HELD_OUT`: they are scored, never fitted on). Each distributor weighs the same, whatever
its size, so the model learns what "right" looks like on any catalog rather than on the
biggest one. Each weight keeps the sign its feature's meaning gives it (`fit_signed`), and
the model file also gets its guess floor (`guess_floor`). `--exclude` leaves more
distributors out (`bench/loo.py`). The model is written to `--out` (default
`matching/data/match_model.json`, the shipped model). Printed: the weights and a
reliability table; only aggregate figures, never a query's text.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.distributor_file import read_distributor_file
from evaluation.eval_match import read_queries
from matching.catalog import items_from_file
from matching.confidence import NOT_FOUND_BELOW, Model
from matching.index import build_index
from matching.parse import parse_line
from matching.resolve import FEATURES, confidence, features, line_parts, rank

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "distributors"
SHIPPED = ROOT / "matching" / "data" / "match_model.json"
BENCH = ROOT / "bench" / "distributors"
# Written blind and never looked at: their figures measure the model, they never shape it.
HELD_OUT = frozenset({"prairie-meat-poultry", "cedar-saffron-wholesale",
                      "greenfield-institutional-foods"})  # fmt: skip
TOP = 3  # candidates per query used as examples (the runner-ups teach "wrong", and a tie)
# What a query's first guess weighs against each runner-up. The model's question is "is the
# matcher's first choice right?"; weighed like the runner-ups, they taught mostly how a
# first differs from a second (the margin), and a stray word's look-alike ("skip" read as
# "skin") stayed at 0.4, where the agent shows a guess.
FIRST_WEIGHT = 3.0
L2 = 0.05
THRESHOLD = 0.8  # the usual auto-accept threshold: the floor is looked for under it
# Under the model's floor, at most this share of the fitted queries' first guesses was right
# (the agent says "not found" there and offers the closest products instead).
FLOOR_RIGHT = 0.05
# What each feature says of a candidate: +1 the more, the likelier right; -1 the likelier
# wrong; 0 either (see `fit_signed`).
SIGNS = {"score": 1, "margin": 1, "coverage": 1, "text": 1, "recall": 1, "size_fit": 1,
         "unit_fit": 1, "conflict": -1, "missing": -1, "rivals": -1, "alike": -1, "kind": -1,
         "unnamed": -1}


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


def collect(source: Source) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature rows and right/wrong labels for the top candidates of every query, and which
    rows are a query's first guess."""
    index = build_index(items_from_file(read_distributor_file(source.catalog)))
    rows, labels, first = [], [], []
    for q in read_queries(source.queries):
        parsed = parse_line(q.text)
        ranked = rank(index, parsed)
        parts = line_parts(index, parsed)
        for i in range(min(TOP, len(ranked))):
            f = features(index, ranked, i, parsed, parts)
            rows.append([f[name] for name in FEATURES])
            labels.append(float(q.sku is not None and index.items[ranked[i].index].sku == q.sku))
            first.append(i == 0)
    x = np.asarray(rows, dtype=float).reshape(-1, len(FEATURES))
    return x, np.asarray(labels), np.asarray(first, dtype=bool)


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


def fit_signed(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """`fit`, with each feature's weight kept to the sign its meaning gives it (`SIGNS`): a
    feature whose fitted weight says the opposite (a collinear partner carried its share,
    as `text` and `recall` inside `score`) is dropped and the rest refitted, so the model
    never rewards a worse reading on a catalog unlike the ones it was fitted on."""
    signs = np.asarray([SIGNS.get(name, 0) for name in FEATURES], dtype=float)
    keep = np.ones(len(FEATURES), dtype=bool)
    while True:
        w = np.zeros(len(FEATURES) + 1)
        cols = np.flatnonzero(keep)
        part = fit(x[:, cols], y, weight)
        w[cols], w[-1] = part[:-1], part[-1]
        wrong = signs * w[:-1] < 0
        if not wrong.any():
            return w
        keep[int(np.argmin(np.where(wrong, signs * w[:-1], 0.0)))] = False


def guess_floor(model: Model, x: np.ndarray, y: np.ndarray) -> float:
    """The confidence under which at most FLOOR_RIGHT of the first guesses were right: the
    longest run of the least sure guesses (under the threshold) that keeps to that share."""
    sure = np.asarray([confidence(dict(zip(FEATURES, row, strict=True)), model) for row in x])
    order = np.argsort(sure, kind="stable")
    sure, right = sure[order], y[order]
    low = sure < THRESHOLD
    sure, right = sure[low], right[low]
    if not len(sure):
        return NOT_FOUND_BELOW
    share = np.cumsum(right) / np.arange(1, len(sure) + 1)
    fits = np.flatnonzero(share <= FLOOR_RIGHT)
    if not len(fits):
        return 0.0
    k = int(fits[-1])  # guesses 0..k keep to the share; the floor lies just above k
    above = sure[k + 1] if k + 1 < len(sure) else THRESHOLD
    return float((sure[k] + above) / 2)


def calibrate(chosen: list[Source]) -> tuple[Model, np.ndarray, np.ndarray, np.ndarray]:
    """Fit one model on the chosen distributors (each weighing the same), with its floor."""
    xs, ys, ws, firsts = [], [], [], []
    for source in chosen:
        x, y, first = collect(source)
        xs.append(x)
        ys.append(y)
        firsts.append(first)
        share = np.where(first, FIRST_WEIGHT, 1.0)
        ws.append(share / max(share.sum(), 1.0))
    x, y, weight = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    first = np.concatenate(firsts)
    weight *= len(y) / weight.sum()
    w = fit_signed(x, y, weight)
    model = Model(FEATURES, tuple(float(v) for v in w[:-1]), float(w[-1]))
    model = replace(model, not_found_below=guess_floor(model, x[first], y[first]))
    return model, x, y, weight


def report(model: Model, x: np.ndarray, y: np.ndarray) -> None:
    """Print the weights and a reliability table (predicted vs observed share right)."""
    for name, value in zip(model.features, model.weights, strict=True):
        print(f"  {name:12} {value:9.3f}")
    print(f"  {'bias':12} {model.bias:9.3f}")
    print(f"  {'floor':12} {model.not_found_below:9.4f}  (a first guess under it: not found)")
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
    parser.add_argument("--extra", type=Path, action="append", default=[BENCH],
                        help="another folder of distributor folders")  # fmt: skip
    parser.add_argument("--exclude", action="append", default=sorted(HELD_OUT),
                        help="leave this distributor out (the held-out ones always are)")
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
