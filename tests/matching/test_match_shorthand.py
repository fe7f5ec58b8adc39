"""ERP shorthand a customer writes out ("skim" for SKM, "bleached" for BLCH), trade slang
and brand names used for the product, and dictation slips. Invented catalogs and lines."""

from __future__ import annotations

import pytest

from matching.index import CatalogIndex, build_index, skeleton
from matching.resolve import match_line
from tests.matching.items import item as _item


@pytest.fixture(scope="module")
def unseen() -> CatalogIndex:
    """A catalog written in shorthand no word list of ours knows."""
    return build_index([
        _item("G1", "PRSRVS STRWBRY 6/#10"),
        _item("G2", "PRSRVS GRAPE 6/#10"),
        _item("G3", "HNY CLVR 6/5#"),
        _item("G4", "SYRP MPL PURE 4/1GAL"),
        _item("G5", "CRNBRY SCE WHL 6/#10"),
        _item("G6", "PNT BTR CRMY 6/5#"),
        _item("G7", "RICE LNG GRN 50#"),
        _item("G8", "PASTA PENNE RGT 2/10#"),
        _item("G9", "SALT KSHR 3#"),
    ])  # fmt: skip


@pytest.fixture(scope="module")
def pizzeria() -> CatalogIndex:
    """A pizza and deli supplier's ERP names."""
    return build_index([
        _item("D1", "CHS MOZZ WM LMPS SHRD 4/5#"),
        _item("D2", "CHS MOZZ PT SKM LMPS SHRD 4/5#"),
        _item("D3", "CHS RICOTTA WM 4/5#"),
        _item("F1", "FLOUR HI GLTN BLCH BRMT 50#", unit="bag"),
        _item("F2", "FLOUR HI GLTN UNBLCH UNBRMT 50#", unit="bag"),
        _item("F3", "CRUST GF 10IN 24/CS"),
        _item("T1", "TOMATO WHL PLD 6/#10"),
        _item("T2", "SAUCE SOY JPN 4/1GAL"),
        _item("T3", "SAUCE SOY CHINESE 4/1GAL"),
        _item("P1", "PEPPERONI SLCD 2/12.5#"),
        _item("P2", "CAPICOLA HOT 2/4#"),
        _item("P3", "SAUSAGE ITAL CKD CRMBL MILD 2/5#"),
        _item("P4", "SAUSAGE ITAL CKD CRMBL MILD 2/5#", product="P3", variant="HOT"),
        _item("P5", "SAUSAGE ITAL RAW LINK 2/5#"),
        _item("B1", "SYRUP BIB COLA 5GAL", unit="box"),
        _item("B2", "SYRUP BIB COLA 5GAL", product="B1", variant="LEMON-LIME"),
        _item("B3", "SYRUP BIB ROOT BEER 5GAL", unit="box"),
        _item("W1", "PIZZA PEEL WOOD 14IN", unit="each"),
        _item("V1", "PEPPER BANANA RING MILD 4/1GAL"),
    ])  # fmt: skip


def test_a_word_reads_as_its_consonants() -> None:
    """The skeleton ERP shorthand keeps: first letter, consonants, a doubled one once."""
    assert skeleton("bleached") == "blchd"
    assert skeleton("buttermilk") == "btrmlk"
    assert skeleton("chicken") == "chkn"


@pytest.mark.parametrize(
    ("line", "sku"),
    [
        ("strawberry preserves 2 cs", "G1"),
        ("clover honey", "G3"),
        ("pure maple syrup", "G4"),
        ("whole cranberry sauce", "G5"),
        ("creamy peanut butter", "G6"),
        ("long grain rice 2 bags", "G7"),
        ("penne rigate 3 cs", "G8"),
        ("kosher salt", "G9"),
    ],
)
def test_shorthand_of_a_catalog_never_seen_is_read(unseen: CatalogIndex, line: str, sku: str
                                                   ) -> None:  # fmt: skip
    """A written-out word finds the catalog's shorthand for it: its consonants."""
    hit = match_line(unseen, line)
    assert hit.item is not None and hit.item.sku == sku, line
    assert hit.matched, (line, hit.confidence)


@pytest.mark.parametrize(
    ("line", "sku"),
    [
        ("4 cs whole milk shredded mozzarella", "D1"),
        ("2 cs part skim shredded mozzarella", "D2"),
        ("3 wm shred", "D1"),
        ("2 cs parts kim mozzarella", "D2"),  # dictated
        ("3 cs mutz whole milk shred", "D1"),
        ("2 cs ricott", "D3"),
        ("2 bags bleached high gluten flour", "F1"),
        ("2 bags of the bleached high gluten flower", "F1"),  # dictated
        ("10 unbleached hi gluten", "F2"),
        ("1 cs gluten free crust", "F3"),
        ("1 cs GF crust", "F3"),
        ("peeled tomatoes 2 cs", "T1"),
        ("japanese soy sauce 2 cs", "T2"),
        ("25# pepp", "P1"),
        ("roni 2 cs", "P1"),
        ("one case of pepper ronnie", "P1"),  # dictated
        ("1 cs gabagool hot", "P2"),
        ("mild crumble 2 cs", "P3"),
        ("2 coke bibs", "B1"),
        ("1 sprite bib", "B2"),
    ],
)
def test_erp_abbreviations_slang_and_brands(pizzeria: CatalogIndex, line: str, sku: str) -> None:
    """SKM, WM, BLCH, UNBLCH, GLTN, GF, PLD, JPN, CRMBL; mutz, gabagool, pepp; coke and
    sprite for the fountain syrups; "flower" and "parts kim" as dictation writes them."""
    hit = match_line(pizzeria, line)
    assert hit.item is not None and hit.item.sku == sku, line
    assert hit.matched, (line, hit.confidence)


def test_a_pizza_peel_is_no_peeled_tomato(pizzeria: CatalogIndex) -> None:
    """PLD is peeled, but a peel (the tool) is not: "pizza peel" finds the peel, and a line
    naming only the peel never takes the tomatoes for sure."""
    hit = match_line(pizzeria, "pizza peel 14 inch")
    assert hit.item is not None and hit.item.sku == "W1"
    tomatoes = build_index([_item("T1", "TOMATO WHL PLD 6/#10"), _item("T9", "SAUCE PIZZA 6/#10")])
    hit = match_line(tomatoes, "pizza peel 14 inch wood")
    assert hit.needs_review


def test_hi_before_gluten_is_high_not_a_greeting(pizzeria: CatalogIndex) -> None:
    """"HI GLTN" is high gluten; the flour is not the gluten-free crust."""
    hit = match_line(pizzeria, "3 bags high gluten bleached")
    assert hit.item is not None and hit.item.sku == "F1"
