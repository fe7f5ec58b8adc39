"""Parsing one order line: quantities, units, sizes and the mention left over."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.parse import parse_line, split_sizes


@pytest.mark.parametrize(
    ("text", "quantity", "unit", "mention"),
    [
        ("2 cs whole milk", "2", "case", "whole milk"),
        ("whole milk 3 cases", "3", "case", "whole milk"),
        ("1.5 cs romaine", "1.5", "case", "romaine"),
        ("1 1/2 cases romaine", "1.5", "case", "romaine"),
        ("1/2 case lemons", "0.5", "case", "lemons"),
        ("x3 ranch", "3", None, "ranch"),
        ("ranch x3", "3", None, "ranch"),
        ("3x ranch", "3", None, "ranch"),
        ("3 ea avocados", "3", "each", "avocados"),
        ("coke 24", "24", None, "coke"),
        ("two cases of whole milk", "2", "case", "whole milk"),
        ("twenty four cans of coke", "24", "can", "coke"),
        ("a case of eggs", "1", "case", "eggs"),
        ("a couple bags of onions", "2", "bag", "onions"),
        ("2 and a half cases of lemons", "2.5", "case", "lemons"),
        ("a dozen bagels", "1", "dozen", "bagels"),
        ("2 dozen eggs", "2", "dozen", "eggs"),
        ("dos cajas de leche entera", "2", "case", "leche entera"),
        ("una caja de limones", "1", "case", "limones"),
        ("tres bolsas de queso", "3", "bag", "queso"),
        ("media caja de limones", "0.5", "case", "limones"),
        ("media docena de huevos", "0.5", "dozen", "huevos"),
        ("veinticuatro latas de coca", "24", "can", "coca"),
        ("5 paquetes de servilletas", "5", "pack", "servilletas"),
        ("2 botellas de salsa", "2", "bottle", "salsa"),
        ("3 libras de queso", "3", "lb", "queso"),
        ("10 lbs ground beef", "10", "lb", "ground beef"),
        ("2 gallons whole milk", "2", "gal", "whole milk"),
        ("50# flour", "50", "lb", "flour"),
        ("can i get 2 cs milk pls", "2", "case", "milk pls"),
        ("1) 2 cs milk", "2", "case", "milk"),
        ("4 sleeves 16 oz lids", "4", "sleeve", "lids"),
    ],
)
def test_quantity_unit_and_mention(
    text: str, quantity: str, unit: str | None, mention: str
) -> None:
    """The quantity counts the unit the customer named; the rest is the product."""
    parsed = parse_line(text)
    assert parsed.quantity == Decimal(quantity)
    assert parsed.unit == unit
    assert parsed.mention == mention


@pytest.mark.parametrize(
    ("text", "size", "quantity"),
    [
        ("16oz lids", "16 oz", None),
        ("2 cs 16 oz hot cups", "16 oz", "2"),
        ("half gal whole milk", "1/2 gal", None),
        ("2 half gallons whole milk", "1/2 gal", "2"),
        ("1/2 gal 2% milk", "1/2 gal", None),
        ("5 lb bag shredded mozz", "5 lb", None),
        ("2 5lb bags mozz", "5 lb", "2"),
        ("3 #10 cans crushed tomatoes", "#10 can", "3"),
        ("12 in flour tortillas 3 cs", "12 in", "3"),
        ("3 x 16 oz cups", "16 oz", "3"),
        ("2 cs 4x1 gal whole milk", "1 gal", "2"),
        ("quart heavy cream", "1 qt", None),
        ("2 liter sprite", "2 l", None),
    ],
)
def test_sizes(text: str, size: str, quantity: str | None) -> None:
    """Sizes are taken out of the mention and kept apart from the quantity."""
    parsed = parse_line(text)
    assert str(parsed.size) == size
    assert parsed.quantity == (Decimal(quantity) if quantity else None)
    assert "oz" not in parsed.mention.split() and "gal" not in parsed.mention.split()


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("2% milk", "2% milk"),
        ("two percent milk", "2% milk"),
        ("80/20 ground beef", "80/20 ground beef"),
        ("16/20 shrimp", "16/20 shrimp"),
        ("3/8 fries", "3/8 fries"),
        ("tipo 00 flour", "tipo 00 flour"),
        ("half and half", "half and half"),
    ],
)
def test_numbers_that_name_the_product_are_not_quantities(text: str, mention: str) -> None:
    """Fat content, grades, cuts and "half and half" stay in the mention."""
    parsed = parse_line(text)
    assert parsed.quantity is None
    assert parsed.mention == mention


def test_a_second_number_is_the_quantity_and_the_first_stays_a_product_word() -> None:
    """In "16 pizza boxes 2 bundles" the customer orders 2 bundles of 16-inch boxes."""
    parsed = parse_line("16 pizza boxes 2 bundles")
    assert (parsed.quantity, parsed.unit) == (Decimal(2), "bundle")
    assert parsed.mention == "16 pizza boxes"


@pytest.mark.parametrize("text", ["", "   ", "🥛🥛🥛", "1234567", "牛奶两箱", "???", "x" * 100_000])
def test_bad_input_never_raises(text: str) -> None:
    """Empty, emoji, other scripts, only numbers and huge text parse without an error."""
    parsed = parse_line(text)
    assert parsed.quantity is None or parsed.quantity <= 10_000
    assert len(parsed.mention) <= 300


def test_catalog_sizes_are_split_from_names() -> None:
    """The same walk reads sizes in catalog names, ranges and bare size words included."""
    assert split_sizes("Whole Milk 1 Gallon") == (["whole", "milk"], split_sizes("1 gal")[1])
    tokens, sizes = split_sizes("Hot Cup Lid Sip Through fits 12-20 oz")
    assert "oz" not in tokens and str(sizes[0]) == "12-20 oz"
    assert str(split_sizes("Heavy Whipping Cream 36% Quart")[1][0]) == "1 qt"
    assert str(split_sizes("Chocolate Milk Half Pint")[1][0]) == "1/2 pt"


@pytest.mark.parametrize(
    ("text", "quantity", "unit", "mention"),
    [
        ("brisket 40 lbs", "40", "lb", "brisket"),
        ("tomatoes - 3 cs", "3", "case", "tomatoes"),
        ("short rib 25#", "25", "lb", "short rib"),
        ("qty: 4 limes", "4", None, "limes"),
        ("limes ×3", "3", None, "limes"),
        ("yellow onion x2 sacks", "2", "bag", "yellow onion"),
        ("medio saco de papa", "0.5", "bag", "papa"),
        ("tres sacos de arroz", "3", "bag", "arroz"),
        ("4 mangos cs 9ct", "4", "case", "mangos"),
        ("Rice - 2 sacos de 50 lb", "2", "bag", "rice"),
    ],
)
def test_quantity_forms_after_the_product_and_in_other_words(
    text: str, quantity: str, unit: str | None, mention: str
) -> None:
    """Quantities after the product, "x2 sacks", "#" for pounds, Spanish units and halves."""
    parsed = parse_line(text)
    assert (parsed.quantity, parsed.unit, parsed.mention) == (Decimal(quantity), unit, mention)


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        ("CHICKEN WING JUMBO 4/10#", [("10", "lb"), ("4", "ct")]),
        ("BLUEBERRY 12/1# FLAT", [("1", "lb"), ("12", "ct")]),
        ("SALMON FILLET 3-4#", [("3", "lb")]),
    ],
)
def test_pack_and_range_pound_notation_in_catalog_names(text: str, sizes: list) -> None:
    """ "4/10#" is four 10 lb packs and "3-4#" a 3 to 4 lb range; neither breaks the parse."""
    _, got = split_sizes(text)
    assert [(str(s.amount), s.unit) for s in got] == sizes


def test_a_pack_weight_in_an_order_line_is_a_size_not_the_count() -> None:
    """ "2 cs wings 4/10#": two cases, the 4/10# only describes them."""
    parsed = parse_line("2 cs wings 4/10#")
    assert (parsed.quantity, parsed.unit, parsed.size.amount) == (Decimal(2), "case", Decimal(10))


def test_pounds_written_with_a_hash_then_a_count() -> None:
    """ "carrots 20# 3": three of the 20 lb item, not a #3 can; "2 #10 cans" is unchanged."""
    parsed = parse_line("carrots 20# 3")
    assert (parsed.quantity, parsed.size.amount, parsed.size.unit) == (Decimal(3), 20, "lb")
    cans = parse_line("2 #10 cans peaches")
    assert (cans.quantity, cans.size.unit) == (Decimal(2), "#")


def test_a_count_per_pack_is_a_size_not_an_order_of_packs() -> None:
    """ "lids 500/cs 4" (a pasted table's pack column) is four, each a case of 500."""
    parsed = parse_line("| foam lids 500/cs - 4 |")
    assert (parsed.quantity, parsed.size.amount, parsed.size.unit) == (Decimal(4), 500, "ct")
    assert "cs" not in parsed.mention.split()


def test_an_item_code_in_front_is_not_the_quantity() -> None:
    """ "40517   paper towels kraft   6": the code is too big to be a count; 6 is."""
    parsed = parse_line("40517   paper towels kraft   6")
    assert parsed.quantity == Decimal(6)
    assert "40517" in parsed.mention


def test_produce_shipping_units() -> None:
    """A bushel, lug or crate is how the line is sold, not a word of the product."""
    for text, unit in (("2 bushels clams", "bushel"), ("plums 3 lugs", "lug"),
                       ("1 crate of kale", "crate")):  # fmt: skip
        parsed = parse_line(text)
        assert parsed.unit == unit, text
        assert unit not in parsed.mention


_TOKENS = ["2", "4/1", "1/2", "3-4", "12-20", "x", "#", "#10", "half", "gal", "lb", "oz", "cs",
           "4x1", "10#", "8/1#", "dozen", "case", "milk", "de", "media", "saco", "ct", "9/cs",
           "1.5", "0", "qty", "×3"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=8))
def test_any_mix_of_numbers_and_units_parses_without_error(tokens: list[str]) -> None:
    """ERP names and order lines mixing packs, fractions, ranges and '#' never raise."""
    text = " ".join(tokens)
    split_sizes(text)
    parsed = parse_line(text)
    assert parsed.quantity is None or parsed.quantity > 0
