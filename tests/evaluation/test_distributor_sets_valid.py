"""The held-out distributor sets in bench/distributors follow formats.md and name real skus."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from core.distributor_file import DistributorFile, read_distributor_file
from db.crypto import Keyring
from db.loader import load_distributor
from db.models import Product, ProductVariant
from db.tenant import ALL
from evaluation.transcripts import read_transcripts
from tests.conftest import TEST_MASTER_KEY

ROOT = Path(__file__).resolve().parents[2] / "bench" / "distributors"
SETS = ("bayline-produce-seafood", "ironbound-coffee-packaging", "harbor-asian-restaurant-supply",
        "summit-pizza-deli-supply", "prairie-meat-poultry", "cedar-saffron-wholesale",
        "greenfield-institutional-foods")
CHANNELS = {"whatsapp", "sms", "email"}
OUTCOMES = {"CONFIRMED", "CANCELLED", "HANDOFF", "NONE"}


def _catalog(name: str) -> DistributorFile:
    return read_distributor_file(ROOT / name / "distributor.json")


def _in_stock_skus(catalog: DistributorFile) -> set[str]:
    return {p.sku for p in catalog.products if p.in_stock} | {
        v.sku for p in catalog.products if p.in_stock for v in p.variants}


def _rows(name: str, file: str) -> list[tuple[int, dict]]:
    text = (ROOT / name / file).read_text(encoding="utf-8")
    return [(n, json.loads(line)) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


@pytest.mark.parametrize("name", SETS)
async def test_catalog_loads_into_the_database(database, name: str) -> None:
    """`orderagent load` stores every product and variant; market-price items stay unpriced."""
    catalog = _catalog(name)
    async with database.transaction(tenant=ALL) as session:
        result = await load_distributor(session, catalog, Keyring(TEST_MASTER_KEY.encode()))
    async with database.transaction(tenant=result.distributor_id) as session:
        prices = dict((await session.execute(select(Product.sku, Product.unit_price))).all())
        variants = set((await session.execute(select(ProductVariant.sku))).scalars())
    assert set(prices) == {p.sku for p in catalog.products}
    assert variants == {v.sku for p in catalog.products for v in p.variants}
    assert {sku for sku, price in prices.items() if price is None} == {
        p.sku for p in catalog.products if p.unit_price is None}


@pytest.mark.parametrize("name", SETS)
def test_transcripts_follow_the_spec(name: str) -> None:
    """Every conversation has the spec's shape and expects in-stock skus of its catalog."""
    skus = _in_stock_skus(_catalog(name))
    rows = _rows(name, "transcripts.jsonl")
    assert len(rows) == 40
    assert len({t["id"] for _, t in rows}) == len(rows)
    for n, t in rows:
        where = f"{name}:{n} ({t.get('id')})"
        assert set(t) == {"id", "channel", "customer", "turns", "expected"}, where
        assert t["channel"] in CHANNELS, where
        assert t["customer"]["business_name"], where
        assert t["customer"]["email" if t["channel"] == "email" else "phone"], where
        assert t["turns"] and all(
            turn["role"] == "customer" and turn["text"].strip() for turn in t["turns"]), where
        outcome, items = t["expected"]["outcome"], t["expected"]["items"]
        assert outcome in OUTCOMES, where
        assert (items == []) if outcome == "CANCELLED" else True, where
        assert items if outcome == "CONFIRMED" else True, where
        assert len({i["sku"] for i in items}) == len(items), f"{where}: a sku twice"
        for item in items:
            assert item["sku"] in skus, f"{where}: unknown or out-of-stock sku {item['sku']}"
            assert Decimal(str(item["quantity"])) > 0, where


@pytest.mark.parametrize("name", SETS)
def test_each_set_covers_every_outcome_and_channel(name: str) -> None:
    """A set measures confirmations, cancellations, handoffs and open sessions on all channels."""
    rows = [t for _, t in _rows(name, "transcripts.jsonl")]
    assert {t["expected"]["outcome"] for t in rows} == OUTCOMES
    assert {t["channel"] for t in rows} == CHANNELS


@pytest.mark.parametrize("name", SETS)
def test_transcripts_pass_the_replay_reader(name: str, tmp_path: Path) -> None:
    """Replay's own reader takes every line (HANDOFF read as NONE until the reader knows it)."""
    text = (ROOT / name / "transcripts.jsonl").read_text(encoding="utf-8")
    copy = tmp_path / "transcripts.jsonl"
    copy.write_text(text.replace('"outcome": "HANDOFF"', '"outcome": "NONE"'), encoding="utf-8")
    assert len(read_transcripts(copy)) == 40


@pytest.mark.parametrize("name", SETS)
def test_match_queries_follow_the_spec(name: str) -> None:
    """100 distinct lines; skus exist, about a tenth are not in the catalog (sku null)."""
    catalog = _catalog(name)
    skus = {p.sku for p in catalog.products} | {
        v.sku for p in catalog.products for v in p.variants}
    rows = [q for _, q in _rows(name, "match_queries.jsonl")]
    assert len(rows) == 100
    assert len({q["text"] for q in rows}) == len(rows)
    for q in rows:
        assert set(q) == {"text", "sku", "quantity"}, q
        assert q["sku"] is None or q["sku"] in skus, q
        assert q["quantity"] is None or Decimal(str(q["quantity"])) > 0, q
    assert 8 <= sum(q["sku"] is None for q in rows) <= 12
