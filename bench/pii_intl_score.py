"""Score the detector on a labelled corpus for phones and IBANs; list the failures.

Run: .venv/bin/python bench/pii_intl_score.py bench/data/pii_intl_tune.jsonl [--failures]
Precision and recall as `orderagent eval-pii` counts them (same type, overlapping span),
plus "whole": the share of labelled values whose every character is inside findings of
their type. A finding that covers half a phone counts as found, yet leaves half in clear.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from privacy.detect import PIIDetector

TYPES = ("PHONE_NUMBER", "IBAN_CODE")


def main() -> None:
    """Print per-type figures for the corpus, and the failures when asked."""
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--failures", action="store_true", help="print every miss and false hit")
    args = parser.parse_args()
    detector = PIIDetector()
    counts = {t: {"labels": 0, "found": 0, "whole": 0, "detected": 0, "right": 0} for t in TYPES}
    failures = []
    for line in args.corpus.read_text("utf-8").splitlines():
        message = json.loads(line)
        text, labels = message["text"], message["entities"]
        findings = [f for f in detector.detect(text) if f.type in TYPES]
        for label in (e for e in labels if e["type"] in TYPES):
            c = counts[label["type"]]
            same = [f for f in findings if f.type == label["type"]]
            hits = [f for f in same if f.overlaps(label["start"], label["end"])]
            covered = {i for f in same for i in range(f.start, f.end)}
            c["labels"] += 1
            c["found"] += bool(hits)
            whole = all(i in covered for i in range(label["start"], label["end"])
                        if not text[i].isspace())
            c["whole"] += whole
            if hits and not whole:
                failures.append(("part", message["id"], label["type"], label["value"], text))
            if not hits:
                failures.append(("miss", message["id"], label["type"], label["value"], text))
        for f in findings:
            c = counts[f.type]
            c["detected"] += 1
            if any(e["type"] == f.type and f.overlaps(e["start"], e["end"]) for e in labels):
                c["right"] += 1
            else:
                failures.append(("false", message["id"], f.type, f.value, text))
    for kind, c in counts.items():
        precision = c["right"] / c["detected"] if c["detected"] else 1.0
        recall = c["found"] / c["labels"] if c["labels"] else 1.0
        whole = c["whole"] / c["labels"] if c["labels"] else 1.0
        print(f"{kind:13s} labels {c['labels']:4d}  detected {c['detected']:4d}  "
              f"precision {precision:.3f}  recall {recall:.3f}  whole {whole:.3f}")
    if args.failures:
        for what, ident, kind, value, text in failures:
            print(f"{what:5s} {ident} {kind} {value!r} in {text!r}", file=sys.stdout)


if __name__ == "__main__":
    main()
