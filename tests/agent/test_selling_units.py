"""Quantities counted in another unit than the catalog sells, and products out of stock,
through the whole agent on an invented distributor."""

from __future__ import annotations

import json

import pytest

from core.distributor_file import parse_distributor_json
from db.crypto import Keyring
from db.loader import load_distributor
from db.tenant import ALL
from tests.agent import talk
from tests.conftest import TEST_MASTER_KEY

PHONE = "+17205550177"

_PRODUCTS = [
    ("IV-100", "CARTON PIZZA 12IN WHITE 50/BDL", "bundle", 20.0, True, []),
    ("IV-101", "TOMATO PUREE 6/#10", "case", 30.0, True, []),
    ("IV-102", "POTSTICKER VEGETABLE FRZ 4/60CT", "case", 40.0, True, []),
    ("IV-103", "FLOUR BREAD UNBLEACHED 50LB", "bag", 25.0, True, []),
    ("IV-104", "HAM DELI SMOKED 2/10#", "case", 60.0, True, []),
    ("IV-105", "GREEN ONION 60CT", "case", 28.0, True, [("IV-105-H", "30CT HALF CS")]),
    ("IV-106", "KALE GREEN 24CT", "case", 22.0, True, []),
    ("IV-107", "SQUID TUBES CLEANED FRZ 10/2LB", "case", 80.0, False, []),
]


@pytest.fixture
async def ridgeline(database):
    """An invented distributor: packs of pieces, cans and pounds, a half-case variant, and
    one product out of stock."""
    data = {
        "distributor": {"slug": "ridgeline", "business_name": "Ridgeline Provisions",
                        "currency": "USD", "locale": "en", "timezone": "America/Denver",
                        "ai_confidence_threshold": 0.8, "monthly_ai_budget_usd": 10,
                        "contact_name": "Pat Lee", "contact_email": "orders@ridgeline.example",
                        "contact_phone": "+15550002222", "address": "1 Mill Rd"},
        "categories": [{"name": "Grocery", "parent": None}],
        "products": [
            {"sku": sku, "name": name, "category": "Grocery", "unit": unit,
             "unit_price": price, "in_stock": stocked,
             "variants": [{"sku": v, "variant_name": vname, "variant_type": "SIZE",
                           "unit_price": price / 2} for v, vname in variants]}
            for sku, name, unit, price, stocked, variants in _PRODUCTS],
    }
    async with database.transaction(tenant=ALL) as s:
        result = await load_distributor(s, parse_distributor_json(json.dumps(data)),
                                        Keyring(TEST_MASTER_KEY.encode()))
    return result.distributor_id


async def chat(database, dist, text: str) -> str:
    return await talk.chat(database, dist, text, sender=PHONE)


async def test_pieces_cans_and_pounds_become_selling_units(database, ridgeline) -> None:
    """200 boxes of a 50-box bundle, 18 cans of a six-can case, 480 pieces of a 4/60 case,
    100 lb of a 50 lb bag, 40 lb of a 2/10 lb case: each a whole number of what is sold."""
    reply = await chat(database, ridgeline, "200 12in white pizza cartons\n18 cans tomato puree\n"
                                            "480 pcs vegetable potstickers\n100 lb bread flour\n"
                                            "40 lb smoked ham")
    assert "how many" not in reply
    await chat(database, ridgeline, "yes")
    assert await talk.order_lines(database, ridgeline, by_sku=True) == [[
        ("IV-100", 4.0), ("IV-101", 3.0), ("IV-102", 2.0), ("IV-103", 2.0), ("IV-104", 2.0)]]


async def test_cans_the_case_does_not_divide_are_asked_about(database, ridgeline) -> None:
    """7 cans of a six-can case is no whole case: the line quotes them and asks."""
    reply = await chat(database, ridgeline, "7 cans tomato puree")
    line = next(ln for ln in reply.splitlines() if "TOMATO PUREE" in ln)
    assert "you asked for 7 cans" in line and "case of 6 cans" in line and "how many" in line


async def test_half_a_case_is_one_of_the_half_case_variant(database, ridgeline) -> None:
    """ "half case green onions" orders one half case, not 0.5 of the full one."""
    reply = await chat(database, ridgeline, "half case green onions")
    assert "- 1 x GREEN ONION 30CT HALF CS" in reply and "0.5" not in reply
    await chat(database, ridgeline, "yes")
    assert await talk.order_lines(database, ridgeline) == [[("IV-105-H", 1.0)]]


async def test_half_a_case_with_no_half_case_is_a_question(database, ridgeline) -> None:
    """Half a case of a product sold only by the case is asked about, not rounded."""
    reply = await chat(database, ridgeline, "half case kale")
    line = next(ln for ln in reply.splitlines() if "KALE" in ln)
    assert line.startswith("- 0.5 x") and "1/2 case" in line and "how many" in line


async def test_an_out_of_stock_product_is_shown_and_never_ordered(database, ridgeline) -> None:
    """The summary says the squid is out of stock and leaves it out of the total; the
    go-ahead confirms the rest, and the confirmation says what was left out."""
    reply = await chat(database, ridgeline, "2 cs kale\n1 cs squid tubes")
    assert "Out of stock right now" in reply and "SQUID TUBES" in reply
    assert "Total: $44.00" in reply
    reply = await chat(database, ridgeline, "ok send the rest")
    assert "confirmed" in reply.lower() and "Out of stock right now" in reply
    assert await talk.order_lines(database, ridgeline) == [[("IV-106", 2.0)]]


async def test_skipping_an_out_of_stock_line_is_understood(database, ridgeline) -> None:
    """ "skip the squid" after being told it is out: nothing to take off, no question."""
    await chat(database, ridgeline, "2 cs kale\n1 cs squid tubes")
    reply = await chat(database, ridgeline, "skip the squid then")
    assert "could not tell which line" not in reply
    await chat(database, ridgeline, "yes")
    assert await talk.order_lines(database, ridgeline) == [[("IV-106", 2.0)]]


async def test_an_order_of_only_out_of_stock_products_says_so(database, ridgeline) -> None:
    """Nothing to confirm when all that was asked for is out: the reply says it plainly."""
    reply = await chat(database, ridgeline, "1 cs squid tubes")
    assert "out of stock" in reply and "SQUID TUBES" in reply and "YES" not in reply
