"""The transcript sets in bench/transcripts follow formats.md and name real demo skus."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.distributor_file import read_distributor_file

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "orderagent" / "demo" / "demo.json"
SETS = {"dev.jsonl": 70, "heldout.jsonl": 25}  # file → the fewest conversations it may hold
CHANNELS = {"whatsapp", "sms", "email"}
OUTCOMES = {"CONFIRMED", "CANCELLED", "HANDOFF", "NONE"}
# every set measures these; HANDOFF where a set has handoffs labelled as such (formats.md)
REQUIRED_OUTCOMES = {"CONFIRMED", "CANCELLED", "NONE"}


def _skus() -> set[str]:
    catalog = read_distributor_file(DEMO)
    return {p.sku for p in catalog.products} | {
        v.sku for p in catalog.products for v in p.variants}


def _lines(name: str) -> list[tuple[int, dict]]:
    text = (ROOT / "bench" / "transcripts" / name).read_text(encoding="utf-8")
    return [(n, json.loads(line)) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


@pytest.mark.parametrize(("name", "minimum"), SETS.items())
def test_transcript_file_is_valid(name: str, minimum: int) -> None:
    """Every line parses, has the spec's shape, names demo skus and a valid outcome."""
    skus = _skus()
    lines = _lines(name)
    assert len(lines) >= minimum
    for n, t in lines:
        where = f"{name}:{n} ({t.get('id')})"
        assert set(t) == {"id", "channel", "customer", "turns", "expected"}, where
        assert t["channel"] in CHANNELS, where
        customer = t["customer"]
        assert set(customer) == {"business_name", "phone", "email"}, where
        assert customer["business_name"], where
        assert customer["email" if t["channel"] == "email" else "phone"], where
        assert t["turns"], where
        for turn in t["turns"]:
            assert turn["role"] == "customer" and turn["text"].strip(), where
        expected = t["expected"]
        assert set(expected) == {"outcome", "items"}, where
        assert expected["outcome"] in OUTCOMES, where
        if expected["outcome"] == "CANCELLED":
            assert expected["items"] == [], where
        if expected["outcome"] == "CONFIRMED":
            assert expected["items"], where
        seen = [item["sku"] for item in expected["items"]]
        assert len(seen) == len(set(seen)), f"{where}: a sku twice"
        for item in expected["items"]:
            assert set(item) == {"sku", "quantity"}, where
            assert item["sku"] in skus, f"{where}: unknown sku {item['sku']}"
            assert Decimal(str(item["quantity"])) > 0, where


def test_ids_are_unique_across_sets() -> None:
    """A transcript id names one conversation in all the sets."""
    ids = [t["id"] for name in SETS for _, t in _lines(name)]
    assert len(ids) == len(set(ids))


def test_sets_cover_every_outcome_and_channel() -> None:
    """Each set measures confirmations, cancellations and open sessions on every channel."""
    for name in SETS:
        rows = [t for _, t in _lines(name)]
        assert {t["expected"]["outcome"] for t in rows} >= REQUIRED_OUTCOMES, name
        assert {t["channel"] for t in rows} == CHANNELS, name
