"""A line's quantity in the selling unit, read from the pack its item's name gives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.packs import selling_quantity
from matching.catalog import CatalogItem
from matching.parse import parse_line


def _item(sku: str, name: str, unit: str = "case", variant: str | None = None,
          product: str | None = None) -> CatalogItem:
    return CatalogItem(product_id=product or sku, variant_id=sku if variant else None, sku=sku,
                       name=name if not variant else f"{name} {variant}", unit=unit,
                       variant_name=variant)


def _sold(text: str, item: CatalogItem, family: tuple[CatalogItem, ...] = ()
          ) -> tuple[Decimal | None, str | None, dict | None]:
    got = selling_quantity(parse_line(text), item, family or (item,))
    return got.quantity, got.item.sku if got.item else None, got.note


@pytest.mark.parametrize(("text", "name", "unit", "quantity"), [
    ("144 buns", "BUN SLIDER WHEAT 72CT", "case", 2),          # a bare count of pieces
    ("36 knots", "GARLIC KNOT FRZ DZ", "dozen", 3),            # sold by the dozen
    ("1000 forks", "FORK PLAS MED WT WHT 1000/CS", "case", 1),
    ("24 wraps", "TORTILLA FLOUR 12IN 12/12CT", "case", 24),    # no whole number of packs
    ("6 buns", "BUN SLIDER WHEAT 72CT", "case", 6),            # fewer than a pack: packs
    ("8 jars pesto", "PESTO BASIL 4/32OZ", "case", 2),         # containers in the case
    ("60 lb cod", "COD LOIN PORTION 8OZ FRZ 10#", "case", 6),  # the pack, not the portion
])
def test_counts_and_weights_in_the_selling_unit(text: str, name: str, unit: str,
                                                quantity: int) -> None:
    assert _sold(text, _item("X1", name, unit))[0] == quantity


def test_a_count_the_pack_does_not_divide_asks_with_the_customers_words() -> None:
    """10 jars of a four-jar case: the question quotes 10 jars; a case of 4 jars."""
    quantity, _, note = _sold("10 jars pesto", _item("X1", "PESTO BASIL 4/32OZ"))
    assert note is not None and note["asked"] == "10 jars" and note["per_unit"] == "4"
    assert quantity == 3  # the proposal that covers it, asked about, never taken as said


def test_half_a_bushel_is_one_of_the_half_bushel_variant() -> None:
    """ "1/2 BU" in a variant's name is half of the product's bushel."""
    product = _item("C1", "CLAMS LITTLENECK BU", "bushel")
    half = _item("C1-H", "CLAMS LITTLENECK", "bushel", variant="1/2 BU", product="C1")
    assert _sold("half bushel littlenecks", product, (product, half))[:2] == (1, "C1-H")
    assert _sold("half bushel littlenecks", half, (product, half))[:2] == (1, None)


def test_a_half_gallon_variant_is_no_half_case() -> None:
    """ "Half Gallon" is a size of the jug, not half of the case: half a case is asked."""
    product = _item("M1", "MILK 2% GALLON 4/1", "case")
    half = _item("M1-HG", "MILK 2%", "case", variant="Half Gallon", product="M1")
    quantity, sku, note = _sold("half case 2% milk", product, (product, half))
    assert (quantity, sku, note["kind"]) == (Decimal("0.5"), None, "fraction")


def test_a_fraction_of_a_product_sold_by_weight_is_as_said() -> None:
    assert _sold("2.5 lb brisket", _item("B1", "BEEF BRISKET CHOICE", "lb"))[:3:2] == (
        Decimal("2.5"), None)


def test_a_piece_weight_with_a_count_is_not_the_pack_weight() -> None:
    """ "3OZ 60CT" is sixty 3 oz pieces, 11.25 lb a case: 45 lb of them is four cases."""
    assert _sold("45 lb meatballs", _item("X1", "MEATBALL BEEF CKD 3OZ 60CT"))[:3:2] == (4, None)
