"""Matching order lines against the demo catalog: right when sure, and saying when unsure."""

from __future__ import annotations

import pytest

from matching.catalog import CatalogItem
from matching.index import CatalogIndex, build_index
from matching.resolve import EXACT_MATCH, FUZZY_MATCH, match_line


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("2 cs whole milk", "DY-1001"),
        ("3 bags shredded mozz", "CH-2003"),
        ("hnh 2", "DY-1102"),
        ("half n half x 2", "DY-1102"),
        ("2 cs whole milk mozz", "CH-2001"),
        ("fresh mozz 1 cs", "CH-2005"),
        ("mozz sticks 2 cs", "FZ-9009"),
        ("shreded mozarela 3 bags", "CH-2003"),
        ("chiken breast 1", "MT-3201"),
        ("jalepenos 2", "PR-5015"),
        ("wholemilk 2", "DY-1001"),
        ("dos cajas de leche entera", "DY-1001"),
        ("tres bolsas de queso mozzarella", "CH-2003"),
        ("quiero dos cajas de papas fritas", "FZ-9001"),
        ("coke 5 cs", "BV-8001"),
        ("evoo 1 cs", "DG-6033"),
    ],
)
def test_confident_matches(demo_index: CatalogIndex, text: str, sku: str) -> None:
    """Names, aliases, abbreviations, typos and Spanish all land on the right item."""
    result = match_line(demo_index, text)
    assert result.item is not None and result.item.sku == sku
    assert result.confidence >= 0.8 and not result.needs_review


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("half gal whole milk", "DY-1001-HG"),
        ("whole milk half gallons 3cs", "DY-1001-HG"),
        ("whole milk", "DY-1001"),
        ("gallon whole milk", "DY-1001"),
        ("2 cs heavy cream quarts", "DY-1101-QT"),
        ("20oz coke 2 cs", "BV-8001-20"),
        ("2 liter sprite", "BV-8004-2L"),
        ("21/25 shrimp 3 bags", "SF-4002-2125"),
        ("16/20 shrimp 4 bags", "SF-4002"),
        ("gloves medium 1 cs", "DS-4003-M"),
        ("xl gloves 1 cs", "DS-4003-XL"),
        ("hot italian sausage 1 cs", "MT-3104-HOT"),
        ("italian sausage 1 cs", "MT-3104"),
        ("14 inch pizza boxes 3 bundles", "DS-2010-14"),
        ("16 pizza boxes 2 bundles", "DS-2010"),
    ],
)
def test_variants_follow_size_and_type_words(demo_index: CatalogIndex, text: str, sku: str) -> None:
    """A size or type word picks the variant; without one the product itself is meant."""
    result = match_line(demo_index, text)
    assert result.item is not None and result.item.sku == sku
    assert not result.needs_review


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("12 oz hot cups 2 cs", "DS-1002"),
        ("16oz hot cups 3 cs", "DS-1003"),
        ("20 oz coffee cups 1 cs", "DS-1004"),
        ("16 oz plastic cups 3 cs", "DS-1022"),
        ("16 oz hot lids 2 cs", "DS-1012"),
        ("lids for 8 oz hot cups 1 cs", "DS-1011"),
        ("2% milk 3 cs", "DY-1002"),
        ("1% milk 1 cs", "DY-1003"),
        ("skim milk 2 cases", "DY-1004"),
        ("ketchup packets 2 cs", "DG-6063"),
        ("ketchup #10 1 cs", "DG-6062"),
    ],
)
def test_near_duplicates_are_told_apart(demo_index: CatalogIndex, text: str, sku: str) -> None:
    """Cup sizes, lids per cup size, milk fat levels and ketchup packs do not get mixed up."""
    result = match_line(demo_index, text)
    assert result.item is not None and result.item.sku == sku
    assert not result.needs_review


@pytest.mark.parametrize(
    "text",
    [
        "16oz lids",
        "hot cups",
        "milk",
        "cheese",
        "16 oz cups",
        "chicken",
    ],
)
def test_ambiguous_lines_go_to_review_with_alternatives(
    demo_index: CatalogIndex, text: str
) -> None:
    """When several items fit equally, the matcher says so and offers them."""
    result = match_line(demo_index, text)
    assert result.needs_review
    assert result.confidence < 0.8
    assert len(result.alternatives) >= 2


@pytest.mark.parametrize(
    "text",
    [
        "lobster tails 2 cs",
        "truffle oil 1",
        "maple syrup 1 cs",
        "soy milk 2 cs",
        "goat cheese 1",
        "7up 2 cs",
        "mountain dew 2 cs",
        "kale 2 cs",
        "chicken thighs bone in",
        "brown eggs 2 cs",
        "cranberry juice 1 cs",
        "paper plates",
        "iphone charger",
    ],
)
def test_not_in_catalog_is_never_confidently_matched(demo_index: CatalogIndex, text: str) -> None:
    """Something the distributor does not sell comes back unsure, not as a look-alike."""
    result = match_line(demo_index, text)
    assert result.needs_review
    assert result.confidence < 0.8


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🥛🥛🥛",
        "1234567",
        "牛奶两箱",
        "молоко",
        "???",
        "!!!!",
        "x" * 100_000,
        "milk " * 10_000,
    ],
)
def test_bad_input_is_a_clear_no_match(demo_index: CatalogIndex, text: str) -> None:
    """Bad input never raises and is never auto-accepted."""
    result = match_line(demo_index, text)
    assert result.needs_review
    assert 0.0 <= result.confidence < 0.8


def test_result_shape(demo_index: CatalogIndex) -> None:
    """Confidence is a probability; the method says how; alternatives are other items."""
    exact = match_line(demo_index, "2 cs whole milk")
    assert exact.method == EXACT_MATCH
    assert exact.parsed.quantity == 2 and exact.parsed.unit == "case"
    fuzzy = match_line(demo_index, "shreded mozarela 3 bags")
    assert fuzzy.method == FUZZY_MATCH
    for result in (exact, fuzzy, match_line(demo_index, "16oz lids")):
        assert 0.0 <= result.confidence <= 1.0
        assert result.llm_call is None
        assert all(0.0 <= c <= 1.0 for _, c in result.alternatives)
        assert result.item not in [alt for alt, _ in result.alternatives]


def test_threshold_decides_review(demo_index: CatalogIndex) -> None:
    """The same line needs review under a stricter threshold."""
    line = "chedder shredded 2"
    loose = match_line(demo_index, line, threshold=0.5)
    strict = match_line(demo_index, line, threshold=0.9999)
    assert loose.item == strict.item and not loose.needs_review and strict.needs_review


def test_index_of_an_empty_catalog() -> None:
    """An index with no items answers no match."""
    result = match_line(build_index([]), "2 cs whole milk")
    assert result.item is None and result.needs_review


def test_out_of_stock_items_still_match(
    demo_items: list[CatalogItem], demo_index: CatalogIndex
) -> None:
    """Stock is the agent's business; the matcher still names the product."""
    result = match_line(demo_index, "burrata 1 cs")
    assert result.item is not None and result.item.sku == "CH-2007"
    assert not result.item.in_stock
