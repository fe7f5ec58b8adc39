"""A customer may name an item by its code ("8 cs 40115", "2 BK-2210"), as the agent asks
them to when a name is not found; a code beside words naming another item is a question."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.catalog import CatalogItem
from matching.index import CatalogIndex, build_index
from matching.resolve import match_line

# An invented bakery-supply catalog with numeric codes and lettered variant codes.
ITEMS = [
    CatalogItem("p1", None, "40115", "FLOUR BREAD HI GLTN 50#", unit="bag"),
    CatalogItem("p2", None, "40120", "SUGAR GRAN CANE 50#", unit="bag"),
    CatalogItem("p3", None, "52210", "BUTTER SLTD AA 36/1#", unit="case"),
    CatalogItem("p3", "v1", "52210-UN", "BUTTER SLTD AA 36/1#", unit="case",
                variant_name="UNSALTED", variant_type="STYLE"),
    CatalogItem("p4", None, "BK-2210", "PAN SHEET FULL ALUM", unit="each"),
    CatalogItem("p5", None, "1200", "CUP PORTION 2OZ 2500/CS", unit="case"),
]


@pytest.fixture(scope="module")
def bakery() -> CatalogIndex:
    """The invented catalog's index."""
    return build_index(ITEMS)


@pytest.mark.parametrize(("text", "sku", "quantity"), [
    ("8 cs 40115", "40115", 8),
    ("#40120 x 3", "40120", 3),
    ("4 52210-un", "52210-UN", 4),
    ("52210-UN unsalted butter 2 cs", "52210-UN", 2),
    ("2 bk-2210", "BK-2210", 2),
    ("40115 flour 10", "40115", 10),
])  # fmt: skip
def test_a_code_names_its_item_surely(bakery: CatalogIndex, text: str, sku: str,
                                      quantity: int) -> None:
    """The code's item is chosen without a person, and the count is still the count."""
    got = match_line(bakery, text)
    assert got.item is not None and got.item.sku == sku and got.matched
    assert got.parsed.quantity == Decimal(quantity)


def test_a_code_beside_another_items_name_is_asked_about(bakery: CatalogIndex) -> None:
    """'2 cs 40115 butter': the code says flour, the words say butter; nobody guesses."""
    got = match_line(bakery, "2 cs 40115 salted butter")
    assert got.needs_review


@pytest.mark.parametrize("text", ["1200 portion cups", "2 cs 40115x", "3 cs 4011"])
def test_what_only_looks_like_a_code_is_no_code(bakery: CatalogIndex, text: str) -> None:
    """A four-digit number is a count, and part of a code is no code."""
    got = match_line(bakery, text)
    assert got.method != "EXACT_MATCH" or got.item is None or got.item.sku not in text.upper()
