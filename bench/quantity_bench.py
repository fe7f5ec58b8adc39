"""Quantity and unit reading on public labelled data (prints figures; no assertions).

    python bench/quantity_bench.py [--data ../shared/data/public] [--sample 3000]

- ingredient_parser (recipe lines, labelled quantity/unit): the amount read from a line
  (`parse_line` quantity, else its size) against the first labelled quantity, and the unit
  against the first labelled unit where that unit is one an order can use.
- pizza_amazon (PIZZA dev+test, span-annotated): each PIZZAORDER/DRINKORDER span read with
  `parse_line`; its count against NUMBER (no NUMBER means one).
- foodordering_amazon (five venues' dev sets): whole utterances through `extract`; the
  multiset of line counts against the labelled NUMBERs (segmentation and quantity together).
These are recipe and restaurant sentences, not distributor orders: the figures say how the
grammar generalises, not what the agent scores.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.parse import UNIT_WORDS, parse_line
from matching.units import SIZE_UNITS
from reading import extract

_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
          "fifteen": 15, "twenty": 20}


def _gold_amount(text: str) -> Decimal | None:
    """The first labelled quantity: "5#1$4" is 5 1/4, "#1$2" is 1/2."""
    first = text.split()[0] if text.strip() else ""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)?(?:#(\d+)\$(\d+))?", first)
    if not first or not m:
        return None
    try:
        whole = Decimal(m[1]) if m[1] else Decimal(0)
        return whole + (Decimal(m[2]) / Decimal(m[3]) if m[2] else 0)
    except (InvalidOperation, ZeroDivisionError):
        return None


def _canonical(unit: str) -> str | None:
    unit = unit.lower().strip(".")
    if unit in SIZE_UNITS:
        return SIZE_UNITS[unit][0]
    return UNIT_WORDS.get(unit)


def ingredients(root: Path, sample: int, rng: random.Random) -> None:
    """Amount and unit accuracy on a sample of labelled recipe-ingredient lines."""
    rows = []
    for path in sorted((root / "ingredient_parser").glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            rows += [r for r in csv.DictReader(f) if r["quantity"].strip()]
    rows = rng.sample(rows, min(sample, len(rows)))
    amount_ok = unit_total = unit_ok = 0
    for row in rows:
        parsed = parse_line(row["input"])
        read = parsed.quantity if parsed.quantity is not None else \
            (parsed.size.amount if parsed.size else None)
        gold = _gold_amount(row["quantity"])
        amount_ok += read is not None and gold is not None and abs(read - gold) < Decimal("0.01")
        gold_unit = _canonical(row["unit"].split()[0]) if row["unit"].strip() else None
        if gold_unit:
            unit_total += 1
            got = parsed.unit or (parsed.size.unit if parsed.size else None)
            unit_ok += _canonical(got or "") == gold_unit
    print(f"ingredient_parser  lines {len(rows):5d}  amount acc {amount_ok / len(rows):.3f}  "
          f"unit acc {unit_ok / max(unit_total, 1):.3f} (on {unit_total} lines with an order unit)")


def _raw_spans(tree: str, label: str) -> list[str]:
    """The inside of each (LABEL ...) node of a bracketed tree."""
    out = []
    for m in re.finditer(rf"\({label} ", tree):
        depth, i = 1, m.end()
        while depth and i < len(tree):
            depth += {"(": 1, ")": -1}.get(tree[i], 0)
            i += 1
        out.append(tree[m.end() : i - 1])
    return out


def _spans(top: str, label: str) -> list[str]:
    """The text of each (LABEL ...) span of a TOP tree, brackets and inner labels removed."""
    return [" ".join(re.sub(r"\([A-Z_]+ ", "", raw).replace(")", "").split())
            for raw in _raw_spans(top, label)]


def _numbers(exr: str, label: str) -> list[int]:
    """The NUMBER of each (LABEL ...) order in an EXR tree (1 when absent)."""
    counts = []
    for span in _raw_spans(exr, label):
        m = re.search(r"\(NUMBER (\w+)", span)
        word = m[1].lower() if m else "1"
        counts.append(int(word) if word.isdigit() else _WORDS.get(word, 1))
    return counts


def pizza(root: Path) -> None:
    """Count accuracy on span-aligned pizza and drink orders."""
    total = ok = 0
    for name in ("PIZZA_dev.json", "PIZZA_test.json"):
        with (root / "pizza_amazon" / name).open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                top = next(v for k, v in row.items() if k.endswith(".TOP"))
                exr = next(v for k, v in row.items() if k.endswith(".EXR"))
                for label in ("PIZZAORDER", "DRINKORDER"):
                    for text, gold in zip(_spans(top, label), _numbers(exr, label), strict=False):
                        got = parse_line(text).quantity or Decimal(1)
                        total += 1
                        ok += got == gold
    print(f"pizza_amazon       orders {total:5d}  count acc {ok / total:.3f}")


def food_ordering(root: Path) -> None:
    """Line counts of whole utterances (segmentation and quantity) on five venues."""
    total = ok = 0
    labels = ("MAIN_DISH_ORDER", "SIDE_ORDER", "DRINK_ORDER", "SANDWICH_ORDER", "PIZZAORDER",
              "BURRITO_ORDER")
    for path in sorted((root / "foodordering_amazon").glob("*/dev.json")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                row = json.loads(line)
                gold = Counter(n for label in labels for n in _numbers(row["EXR"], label))
                items = extract(row["SRC"]).items
                got = Counter(int(parse_line(i).quantity or 1) for i in items)
                total += 1
                ok += got == gold
    print(f"foodordering       utts   {total:5d}  line-count multiset exact {ok / total:.3f}")


def main() -> None:
    """Print the three figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared"
                                              / "data" / "public"))
    parser.add_argument("--sample", type=int, default=3000)
    args = parser.parse_args()
    root = Path(args.data)
    if not root.is_dir():
        print(f"no public data at {root}; nothing to measure")
        return
    ingredients(root, args.sample, random.Random(13))
    pizza(root)
    food_ordering(root)


if __name__ == "__main__":
    main()
