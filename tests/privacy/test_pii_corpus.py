"""The labelled corpora: valid offsets, enough messages, and the detector's floor on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.eval_pii import score_messages
from evaluation.pii_corpus import load_corpus
from privacy.detect import detect
from privacy.findings import PII_TYPES

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "privacy" / "pii_corpus.jsonl"
HELDOUT = ROOT / "bench" / "data" / "pii_heldout.jsonl"
HELDOUT2 = ROOT / "bench" / "data" / "pii_heldout2.jsonl"


@pytest.mark.parametrize(("path", "minimum"), [(CORPUS, 220), (HELDOUT, 60), (HELDOUT2, 50)])
def test_every_label_gives_back_its_value(path: Path, minimum: int) -> None:
    """text[start:end] == value for every entity, ids unique, enough messages."""
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(rows) >= minimum
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        for e in row["entities"]:
            assert row["text"][e["start"] : e["end"]] == e["value"], (row["id"], e)
    assert len(load_corpus(path)) == len(rows)


@pytest.mark.parametrize("path", [CORPUS, HELDOUT, HELDOUT2])
def test_the_corpus_covers_every_type_and_has_look_alikes(path: Path) -> None:
    """Each PII type is labelled somewhere; at least a quarter of messages have no PII."""
    messages = load_corpus(path)
    assert {e.type for m in messages for e in m.entities} == set(PII_TYPES)
    assert sum(not m.entities for m in messages) >= len(messages) // 4


def test_the_detector_meets_the_targets_on_the_tuning_corpus() -> None:
    """Recall and precision ≥ 0.95 on phone, email, card, IBAN; ≥ 0.80 on addresses."""
    per_type = score_messages(load_corpus(CORPUS), detect)["metrics"]["per_type"]
    for kind, floor in [("PHONE_NUMBER", 0.95), ("EMAIL_ADDRESS", 0.95), ("CREDIT_CARD", 0.95),
                        ("IBAN_CODE", 0.95), ("STREET_ADDRESS", 0.80)]:
        assert per_type[kind]["recall"] >= floor, (kind, per_type[kind])
        assert per_type[kind]["precision"] >= floor, (kind, per_type[kind])
