"""Time the PII detector on pathological input: 1 MB holding 10,000 card-like numbers.

Run: .venv/bin/python bench/pii_speed.py [--numbers 10000] [--repeat 3]
Prints the size, the findings and the best wall and CPU time of `detect()`, and the time
of its overlap resolution alone. Issue 14.3: such a text once stalled the event loop for seconds.
"""

from __future__ import annotations

import argparse
import random
import time

from pii_build import luhn_complete

from privacy.detect import PIIDetector, _resolve_overlaps

FILLER = " 2 cs milk, 3 cs eggs and 4 bags rice for the Friday truck, thanks! "


def pathological_text(numbers: int, seed: int = 14) -> str:
    """About 100 characters per card-like number; half pass Luhn, many are grouped."""
    rng = random.Random(seed)
    parts = []
    for k in range(numbers):
        body = rng.choice("45") + "".join(rng.choice("0123456789") for _ in range(14))
        digits = luhn_complete(body) if k % 2 else body + rng.choice("0123456789")
        sep = rng.choice(["", " ", "-", "."])
        shown = sep.join(digits[i : i + 4] for i in range(0, 16, 4))
        parts.append(f"ref {k} card {shown}{FILLER[: 100 - len(shown) - 14]}")
    return "".join(parts)


def main() -> None:
    """Build the text, warm the detector up, then time detect() and the overlap step."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--numbers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = pathological_text(args.numbers)
    detector = PIIDetector()
    detector.warm_up()
    best, best_cpu, findings = float("inf"), float("inf"), []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        findings = detector.detect(text)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    cards = sum(f.type == "CREDIT_CARD" for f in findings)
    print(f"text: {len(text):,} chars, {args.numbers:,} card-like numbers")
    print(f"findings: {len(findings):,} ({cards:,} cards)")
    # CPU time too: on a shared machine the wall time mostly measures the neighbours.
    print(f"detect(): best of {args.repeat}: {best:.3f} s wall, {best_cpu:.3f} s CPU")

    # The overlap step alone, on many overlapping findings: every card also as a phone.
    engine = detector._build()
    raw = engine.analyze(text, language="en", score_threshold=0.01)
    doubled = [(r, float(r.score)) for r in raw] * 2
    t0 = time.perf_counter()
    kept = _resolve_overlaps(doubled)
    print(f"_resolve_overlaps(): {len(doubled):,} findings -> {len(kept):,} "
          f"in {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":
    main()
