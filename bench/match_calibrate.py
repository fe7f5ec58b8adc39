"""Fit the matcher's confidence model (logistic regression) on the development queries.

    .venv/bin/python bench/match_calibrate.py [CATALOG.json] [QUERIES.jsonl]

Prints `WEIGHTS` and `BIAS` to paste into `matching/resolve.py`, and a reliability table
(predicted vs observed share right) for the fitted model. Fit on the dev set only: the
held-out set stays unseen so its figures stay honest.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from core.distributor_file import read_distributor_file
from evaluation.eval_match import read_queries
from matching.catalog import items_from_file
from matching.index import build_index
from matching.parse import parse_line
from matching.resolve import FEATURES, features, rank

ROOT = Path(__file__).resolve().parent.parent
TOP = 3  # candidates per query used as examples (the runner-ups teach "wrong")
L2 = 0.05


def collect(catalog: Path, queries: Path) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and right/wrong labels for the top candidates of every query."""
    index = build_index(items_from_file(read_distributor_file(catalog)))
    rows, labels = [], []
    for q in read_queries(queries):
        parsed = parse_line(q.text)
        ranked = rank(index, parsed)
        for i in range(min(TOP, len(ranked))):
            f = features(index, ranked, i, parsed)
            rows.append([f[name] for name in FEATURES])
            labels.append(float(q.sku is not None and index.items[ranked[i].index].sku == q.sku))
    return np.asarray(rows, dtype=float), np.asarray(labels)


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method with a small L2 penalty (bias unpenalised)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main(argv: list[str]) -> int:
    """Fit, print the weights and a reliability table."""
    catalog = Path(argv[0]) if argv else ROOT / "orderagent/demo/demo.json"
    queries = Path(argv[1]) if len(argv) > 1 else ROOT / "bench/data/match_dev.jsonl"
    x, y = collect(catalog, queries)
    w = fit(x, y)
    print(f"{len(y)} examples, {int(y.sum())} right")
    print("WEIGHTS = (" + ", ".join(f"{v:.3f}" for v in w[:-1]) + ")")
    print(f"BIAS = {w[-1]:.3f}")
    p = 1 / (1 + np.exp(-np.clip(np.hstack([x, np.ones((len(x), 1))]) @ w, -30, 30)))
    print("predicted   n   observed")
    for lo in (0.0, 0.2, 0.5, 0.8, 0.9, 0.95, 0.99):
        hi = {0.0: 0.2, 0.2: 0.5, 0.5: 0.8, 0.8: 0.9, 0.9: 0.95, 0.95: 0.99, 0.99: 1.01}[lo]
        mask = (p >= lo) & (p < hi)
        if mask.any():
            print(f"[{lo:.2f},{min(hi, 1):.2f})  {mask.sum():4d}  {y[mask].mean():.3f}")
    loss = -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))
    print(
        f"log loss {loss:.4f} (base rate {y.mean():.3f}, "
        f"entropy {-(y.mean() * math.log(y.mean()) + (1 - y.mean()) * math.log(1 - y.mean())):.4f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
