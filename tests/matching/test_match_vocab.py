"""Words a customer writes that the catalog spells another way, or does not spell at all:
pack notation, containers, glued and derived words, trade synonyms, grades and counts,
packaging that tells siblings apart. Invented catalogs and lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.catalog import variant_display_name
from matching.index import CatalogIndex, build_index, pack_tokens
from matching.parse import parse_line
from matching.resolve import LOOKALIKE_CAP, features, match_line
from matching.scoring import WEAK_HIT, rank
from tests.matching.items import item as _item


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    return build_index([
        _item("J1", "BLEACH GERMICIDAL 6/1GAL"),
        _item("J2", "DEGREASER HEAVY DUTY 4/1GAL"),
        _item("J3", "WATER SPRING 24/16.9OZ"),
        _item("J4", "BITTERS AROMATIC 4OZ"),
        _item("J5", "CONTAINER HINGED FOAM 9X9X3 200/CS"),
        _item("J6", "CUTLERY KIT FORK KNIFE NAPKIN 250/CS"),
        _item("J7", "DETERGENT DISHMACHINE 5GAL", unit="pail"),
        _item("J8", "CUP COLD COMPOST 16OZ CLR 1000CT"),
        _item("J9", "LID SIP HOT 8OZ WHT 1000CT"),
        _item("J10", "CUP HOT PAPER 8OZ WHT 1000CT"),
        _item("B1", "SYRUP BIB GINGER ALE 5GAL", unit="each"),
        _item("B2", "GINGER ALE 24/12OZ CAN"),
        _item("B3", "COLA 24/12OZ CAN"),
        _item("B4", "COLA 24/12OZ GLASS"),
        _item("P1", "CRABMEAT LUMP PASTEURIZED 1#", unit="each"),
        _item("P2", "BEAN GREEN SNAP 25#"),
        _item("P3", "SPRING MIX 3#"),
        _item("P4", "CRAB BLUE LIVE #1 MALE BU", unit="bushel"),
        _item("P4-2", "CRAB BLUE LIVE #1 MALE BU", product="P4", variant="#2 MALE BU"),
        _item("P5", "SCALLOP SEA DRY U10", unit="lb"),
        _item("P6", "ONION YELLOW JUMBO 50#", unit="sack"),
        _item("P6-25", "ONION YELLOW JUMBO 50#", product="P6", variant="25#"),
        _item("P7", "CILANTRO 60CT"),
    ])  # fmt: skip


def _top(index: CatalogIndex, text: str) -> tuple[str, dict[str, float]]:
    parsed = parse_line(text)
    ranked = rank(index, parsed)
    assert ranked, text
    return index.items[ranked[0].index].sku, features(index, ranked, 0, parsed)


def test_pack_tokens_are_read_as_customers_write_them() -> None:
    assert pack_tokens("WATER SPRING 24/16.9OZ") == {"24/16.9", "16.9"}
    assert pack_tokens("FOAM 9X9X3") == {"9x9x3", "9x9", "9x3"}
    assert pack_tokens("LID 12-20OZ") == {"12/20"}  # the customer's "12-20" reads 12/20


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("bleach 6/1 x2", "J1"),  # the item's own pack explains "6/1"
        ("water bottles 16.9 5 cs", "J3"),  # and "16.9"; "bottles" names no product here
        ("aromatic bitters small bottles 6", "J4"),
        ("9x9 styrofoam clamshells 2 cs", "J5"),
        ("dish machine detergent 2 pails", "J7"),  # the catalog glues DISHMACHINE
        ("compostable cold cups 16oz 2 cs", "J8"),  # COMPOST
        ("lids for 8oz cups 1 cs", "J9"),  # the cups are what the lids are for
        ("crab meat lump x2", "P1"),  # CRABMEAT
        ("string beans 2 cs", "P2"),  # a trade synonym of green snap beans
    ],
)
def test_a_word_the_item_explains_is_not_missing(index: CatalogIndex, text: str,
                                                  sku: str) -> None:
    top, f = _top(index, text)
    assert top == sku
    assert f["missing"] == 0 and f["conflict"] == 0


def test_another_pack_is_a_conflict(index: CatalogIndex) -> None:
    """The catalog's bleach is 6/1 gal: "4/1" asks for another item."""
    top, f = _top(index, "bleach 4/1 x1")
    assert top == "J1" and f["conflict"] > 0
    assert match_line(index, "bleach 4/1 x1").confidence <= LOOKALIKE_CAP


def test_a_container_the_catalog_sells_stays_a_word() -> None:
    """Where the catalog has boxes, "cake boxes" is not a cake."""
    idx = build_index([_item("C1", "CAKE CHOCOLATE 10IN"), _item("C2", "BOX PIZZA 12IN")])
    _, f = _top(idx, "cake boxes 1 cs")
    assert f["missing"] > 0


def test_two_edits_in_a_short_word_do_not_explain_it(index: CatalogIndex) -> None:
    """ "celery" is two edits from "cutlery": a candidate, never a hit."""
    assert all(c.weight < WEAK_HIT for c in index.correct("celery"))
    assert match_line(index, "celery 2 cs").needs_review


def test_derived_forms_find_the_catalog_word(index: CatalogIndex) -> None:
    assert [c.token for c in index.correct("compostable")] == ["compost"]
    assert [c.token for c in index.correct("cans")] != ["can"]  # plural: `singular`'s job


def test_bag_in_box_is_not_the_canned_drink(index: CatalogIndex) -> None:
    assert _top(index, "ginger ale bag in box 1")[0] == "B1"
    assert _top(index, "ginger ale bib 1")[0] == "B1"
    parsed = parse_line("2 bib ginger ale")
    assert parsed.quantity == 2 and "bib" in parsed.mention.split()


def test_can_tells_cans_from_glass(index: CatalogIndex) -> None:
    assert _top(index, "2 cs cola cans")[0] == "B3"
    parsed = parse_line("2 cs cola cans")
    glass = next(i for i, it in enumerate(index.items) if it.sku == "B4")
    ranked = rank(index, parsed)
    assert next(c for c in ranked if c.index == glass).conflict > 0
    assert parse_line("can you send 2 cs cola").mention == "cola"


def test_grades_and_counts_are_read(index: CatalogIndex) -> None:
    parsed = parse_line("dry scallops u10 5#")
    assert parsed.quantity == Decimal(5) and "u10" in parsed.mention
    assert _top(index, "dry scallops u10 5#")[0] == "P5"
    assert _top(index, "2 bu #2s")[0] == "P4-2"
    assert _top(index, "1 bushel number ones")[0] == "P4"


def test_a_variant_name_keeps_one_grade_and_one_weight() -> None:
    assert variant_display_name("CRAB BLUE LIVE #1 MALE BU", "#2 MALE BU") == \
        "CRAB BLUE LIVE #2 MALE BU"
    assert variant_display_name("ONION YELLOW JUMBO 50#", "25#") == "ONION YELLOW JUMBO 25#"
    assert variant_display_name("SHRIMP P&D 21/25 5#", "16/20 5#") == "SHRIMP P&D 16/20 5#"
    # a pack is not a grade: "24/12.5OZ" takes the place of "4/1 GAL"
    assert variant_display_name("HOT SAUCE 4/1 GAL", "24/12.5OZ") == "HOT SAUCE 24/12.5OZ"


def test_the_variant_of_the_asked_weight(index: CatalogIndex) -> None:
    assert _top(index, "1 25 lb bag yellow onions")[0] == "P6-25"


def test_a_case_word_ending_the_line_is_its_unit() -> None:
    parsed = parse_line("cilantro cs")
    assert parsed.unit == "case" and parsed.mention == "cilantro" and parsed.quantity is None


def test_a_grade_alone_keeps_the_unit_word_as_the_name() -> None:
    """ "2 cs #1s": with only a grade left, the unit word is all that names the item."""
    assert parse_line("2 cs #1s").mention.split()[0] == "cs"
    assert parse_line("3 #10 cans").mention == ""  # a can size: the cans are the unit
