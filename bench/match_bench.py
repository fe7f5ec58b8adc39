"""Matcher benchmark: accuracy on the dev and held-out sets, speed on 200 and 50,000 products.

    .venv/bin/python bench/match_bench.py [--instacart DIR] [--queries N]

DIR is `shared/data/public/instacart_products` (products.csv, aisles.csv, departments.csv,
no header rows); it is converted to catalog items here and never copied into the repo.
Without it the 50k part is skipped. Figures are printed; nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import statistics
import time
from pathlib import Path

import psutil

from core.distributor_file import read_distributor_file
from evaluation.eval_match import evaluate, read_queries
from matching.catalog import CatalogItem, items_from_file
from matching.index import build_index
from matching.resolve import match_line

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "orderagent/demo/demo.json"


def instacart_items(folder: Path) -> list[CatalogItem]:
    """The Instacart products as catalog items (aisle as category, department as keyword)."""

    def table(name: str) -> dict[str, str]:
        with (folder / name).open(encoding="utf-8") as f:
            return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}

    aisles, departments = table("aisles.csv"), table("departments.csv")
    items = []
    with (folder / "products.csv").open(encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) < 4:
                continue
            pid, name, aisle, dept = row[0], row[1].replace('"', "").strip(), row[2], row[3]
            items.append(
                CatalogItem(
                    product_id=pid,
                    variant_id=None,
                    sku=f"IC-{pid}",
                    name=name,
                    category=aisles.get(aisle),
                    keywords=(departments.get(dept, ""),),
                )
            )
    return items


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i] * 2 + word[i:]


def customer_queries(items: list[CatalogItem], n: int, seed: int = 7) -> list[tuple[str, str]]:
    """(query, sku): the product name with a quantity, a unit and sometimes a typo."""
    rng = random.Random(seed)
    out = []
    for item in rng.sample(items, n):
        # The whole name: a shortened one is often another product's name exactly.
        words = item.name.lower().split()
        if rng.random() < 0.4:
            j = rng.randrange(len(words))
            words[j] = _typo(words[j], rng)
        out.append((f"{rng.randint(1, 6)} cs {' '.join(words)}", item.sku))
    return out


def latencies(index, texts: list[str]) -> list[float]:
    """Per-query wall time in ms (one warm-up pass first, as a running server would be)."""
    for text in texts[:20]:
        match_line(index, text)
    out = []
    for text in texts:
        start = time.perf_counter()
        match_line(index, text)
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    """Print accuracy and speed figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instacart", type=Path, default=None)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    file = read_distributor_file(DEMO)
    for name in ("match_dev", "match_heldout"):
        path = ROOT / "bench/data" / f"{name}.jsonl"
        m = evaluate(file, read_queries(path))["metrics"]
        print(f"{name:14} " + "  ".join(f"{k}={v}" for k, v in m.items()))
    items = items_from_file(file)
    index = build_index(items)
    texts = [
        q.text
        for name in ("match_dev", "match_heldout")
        for q in read_queries(ROOT / "bench/data" / f"{name}.jsonl")
    ]
    lat = latencies(index, texts)
    print(
        f"demo catalog ({len(items)} items): p50 {statistics.median(lat):.3f} ms, "
        f"p99 {pct(lat, 0.99):.3f} ms, max {max(lat):.3f} ms over {len(lat)} queries"
    )
    if args.instacart is None:
        print("instacart: skipped (pass --instacart DIR)")
        return 0
    big = instacart_items(args.instacart)
    gc.collect()
    rss0 = psutil.Process().memory_info().rss
    start = time.perf_counter()
    big_index = build_index(big)
    build_s = time.perf_counter() - start
    rss1 = psutil.Process().memory_info().rss
    queries = customer_queries(big, args.queries)
    lat = latencies(big_index, [text for text, _ in queries])
    rss2 = psutil.Process().memory_info().rss
    results = [(match_line(big_index, text), sku) for text, sku in queries]
    top1 = sum(r.item is not None and r.item.sku == sku for r, sku in results) / len(results)
    accepted = [(r, sku) for r, sku in results if not r.needs_review]
    precision = sum(r.item.sku == sku for r, sku in accepted) / max(len(accepted), 1)
    print(
        f"instacart ({len(big)} items): build {build_s:.2f} s, p50 "
        f"{statistics.median(lat):.3f} ms, p99 {pct(lat, 0.99):.3f} ms, "
        f"max {max(lat):.3f} ms over {len(lat)} queries; RSS {rss2 / 2**20:.0f} MB "
        f"(index +{(rss1 - rss0) / 2**20:.0f} MB)"
    )
    print(
        f"instacart synthetic queries (names, 40% with a typo): top-1 {top1:.3f}, "
        f"auto-accepted {len(accepted) / len(results):.3f} at precision {precision:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
