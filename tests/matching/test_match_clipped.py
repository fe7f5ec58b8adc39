"""A catalog that writes words short ("CRMBL", "HNY GLZD") explains the customer's full words:
the item is no look-alike for them; a word it does not write at all still makes one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.catalog import CatalogItem
from matching.index import CatalogIndex, build_index
from matching.resolve import match_line

# An invented deli catalog in the clipped style of ERP exports.
NAMES = [
    ("D1", "SAUSAGE PORK CKD CRMBL 2/5#"),
    ("D2", "SAUSAGE PORK RAW LINK 2/5#"),
    ("D3", "HAM HNY GLZD SLCD 6/2#"),
    ("D4", "TURKEY BRST SMKD SLCD 6/2#"),
    ("D5", "CHS CHED MILD SLCD 4/5#"),
]


@pytest.fixture(scope="module")
def deli() -> CatalogIndex:
    """The clipped deli catalog's index."""
    return build_index([CatalogItem(sku, None, sku, name, unit="case", unit_price=Decimal(10))
                        for sku, name in NAMES])  # fmt: skip


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("pork sausage crumbles 2 cs", "D1"),  # CRMBL
        ("honey glazed ham 2 cs", "D3"),  # HNY GLZD
        ("honey ham 1 cs", "D3"),
    ],
)
def test_a_word_the_catalog_writes_short_is_explained(deli: CatalogIndex, text: str, sku: str
                                                      ) -> None:
    """The full word for a clipped one is no unexplained word: the line is taken."""
    result = match_line(deli, text)
    assert result.item is not None and result.item.sku == sku
    assert not result.needs_review


@pytest.mark.parametrize(
    "text", ["smoked pork sausage crumbles 2 cs", "chorizo sausage crumbles 2 cs"]
)
def test_a_word_the_item_lacks_still_makes_a_look_alike(deli: CatalogIndex, text: str) -> None:
    """Crumbles it is, but nothing smoked or chorizo: the line goes to review."""
    result = match_line(deli, text)
    assert result.needs_review and result.confidence <= 0.5
