"""Which member of a family, and which of two look-alike products, a line means: a size
letter, a plain value asked by name ("regular sodium"), an unsaid word that changes what the
product is ("broken" rice, "diced" ham). Invented catalogs and lines."""

from __future__ import annotations

import pytest

from matching.index import CatalogIndex, build_index
from matching.normalize import normalize
from matching.resolve import match_line
from tests.matching.items import item as _item


@pytest.fixture(scope="module")
def deli() -> CatalogIndex:
    """A deli and dry-goods supplier with variants of size, heat and sodium."""
    return build_index([
        _item("G1", "APRON POLY WHT MEDIUM 100/CS"),
        _item("G2", "APRON POLY WHT MEDIUM 100/CS", product="G1", variant="SMALL"),
        _item("G3", "APRON POLY WHT MEDIUM 100/CS", product="G1", variant="LARGE"),
        _item("H1", "HAM SMKD BNLS 2/12#"),
        _item("H2", "HAM SMKD BNLS 2/12#", product="H1", variant="LOW SODIUM"),
        _item("H3", "HAM DICED 2/5#"),
        _item("C1", "CHORIZO CKD CRMBL MILD 2/5#"),
        _item("C2", "CHORIZO CKD CRMBL MILD 2/5#", product="C1", variant="HOT"),
        _item("C3", "CHORIZO LINK RAW 2/5#"),
        _item("R1", "RICE BASMATI INDIAN SELECT 40#", unit="bag"),
        _item("R2", "RICE BROKEN BASMATI 40#", unit="bag"),
        _item("K1", "CRAB STICK IMITATION 2/2.5#"),
        _item("K2", "CRAB CLAW MEAT PASTEURIZED 1#"),
        _item("O1", "OLIVE KALAMATA PITTED 2/2KG"),
        _item("O2", "OLIVE KALAMATA SLICED 2/2KG"),
        _item("B1", "BOX CAKE 10IN WHT 100/BDL", unit="bundle"),
        _item("B2", "BOX CAKE 10IN WHT 100/BDL", product="B1", variant="8IN"),
        _item("B3", "BOX CAKE 10IN WHT 100/BDL", product="B1", variant="12IN"),
    ])  # fmt: skip


def test_a_lone_size_letter_is_the_size() -> None:
    """"aprons S", "gloves M": the letter after a word is the size; "88s" is a count."""
    assert normalize("poly aprons S") == "poly apron small"
    assert normalize("gloves M, black") == "glove medium black"
    assert normalize("88s oranges") == "88 orange"


@pytest.mark.parametrize(
    ("line", "sku"),
    [
        ("poly aprons S x2", "G2"),
        ("poly aprons L 1 cs", "G3"),
        ('12" cake boxes 3 bdl', "B3"),
        ("8 inch cake boxes", "B2"),
        ("hot chorizo crumble 2 cs", "C2"),
        ("chorizo crumble hot x2", "C2"),
        ("mild chorizo crumble", "C1"),
        ("smoked ham regular sodium 2 cs", "H1"),
        ("boneless ham low sodium", "H2"),
    ],
)
def test_the_line_picks_its_variant(deli: CatalogIndex, line: str, sku: str) -> None:
    """Size letters and inches pick the variant, a heat its variant, and "regular sodium"
    the plain ham, not the LOW SODIUM one."""
    hit = match_line(deli, line)
    assert hit.item is not None and hit.item.sku == sku, line
    assert hit.matched, (line, hit.confidence)


@pytest.mark.parametrize(
    ("line", "sku"),
    [
        ("basmati rice 2 bags", "R1"),  # not the broken rice
        ("broken basmati 2 bags", "R2"),
        ("crab 1 cs", "K2"),  # not the imitation
        ("kalamata olives 2 cs", "O1"),  # not the sliced ones
        ("sliced kalamata olives", "O2"),
    ],
)
def test_an_unsaid_word_that_changes_the_product_costs_more(deli: CatalogIndex, line: str,
                                                           sku: str) -> None:  # fmt: skip
    """BROKEN, IMITATION, SLICED make another product than the one a line names plainly; a
    describing word (INDIAN, SELECT, PITTED) does not."""
    hit = match_line(deli, line)
    assert hit.item is not None and hit.item.sku == sku, line


def test_a_plain_value_asked_only_explains_an_item_of_that_kind(deli: CatalogIndex) -> None:
    """"whole" is plain milk's word, not a word a ham or rice line may drop for free."""
    hit = match_line(deli, "whole ham 2 cs")
    assert hit.needs_review
