"""The line must name the item's KIND: a shared modifier, a near word or a size is not enough.

Invented catalogs (nothing from a distributor set): a natural-English one (head noun last,
with aliases) and an ERP-style one (class first), so the head side read from the catalog
is exercised both ways.
"""

from __future__ import annotations

import pytest

from matching.catalog import CatalogItem, variant_display_name
from matching.index import CatalogIndex, build_index
from matching.kinds import FIRST, LAST, convention, head_phrase
from matching.resolve import match_line


def _item(sku: str, name: str, category: str, aliases: tuple[str, ...] = (), unit: str = "case"
          ) -> CatalogItem:  # fmt: skip
    return CatalogItem(product_id=sku, variant_id=None, sku=sku, name=name, category=category,
                       unit=unit, aliases=aliases)  # fmt: skip


def _variant(base: CatalogItem, sku: str, variant_name: str) -> CatalogItem:
    return CatalogItem(product_id=base.product_id, variant_id=sku, sku=sku,
                       name=variant_display_name(base.name, variant_name),
                       category=base.category, unit=base.unit, aliases=base.aliases,
                       variant_name=variant_name)  # fmt: skip


PEAR_NECTAR = _item("N1", "Pear Nectar 33 oz", "Nectar", ("pear nectar",))
PLAIN = [
    PEAR_NECTAR,
    _item("N2", "Mango Nectar 33 oz", "Nectar"),
    _item("N3", "Peach Nectar 33 oz", "Nectar"),
    _item("F1", "Carrot Crinkle Chips 2 lb", "Frozen Snacks", ("carrot chips",)),
    _item("F2", "Onion Ring Bites 2 lb", "Frozen Snacks"),
    _item("B1", "Green Tea Concentrate 1 qt", "Tea", ("green tea concentrate",)),
    _item("B2", "Black Tea Bags 100 ct", "Tea"),
    _item("C1", "Paper Bowl 12 oz", "Bowls"),
    _item("C2", "Paper Bowl 16 oz", "Bowls"),
    _item("C3", "Paper Bowl Lid 12-16 oz", "Bowls", ("bowl lids", "lids for paper bowls")),
    _item("C4", "Foam Plate 9 in", "Plates"),
    _item("M1", "Whole Wheat Loaf 24 oz", "Bread"),
    _item("M2", "Sourdough Loaf 24 oz", "Bread"),
    _item("M3", "Rye Loaf 24 oz", "Bread"),
]
BASIL = _item("H1", "Thai Basil 1 lb", "Herbs")
PLAIN += [BASIL, _variant(BASIL, "H1-B", "Bunch")]
GUM = _item("G1", "Mint Gum Tin 12/20 ct", "Candy")
PLAIN += [GUM, _variant(GUM, "G1-P", "Pouch 20 ct")]


@pytest.fixture(scope="module")
def plain() -> CatalogIndex:
    """The natural-English catalog."""
    return build_index(PLAIN)


@pytest.mark.parametrize(
    "text",
    [
        "pears 2 cs",  # a fruit: the catalog only has pear NECTAR
        "carrots 1 cs",  # a vegetable: carrot CHIPS
        "green tea 3",  # the catalog has green tea CONCENTRATE
        "onions 2 cs",  # onion RING BITES
    ],
)
def test_a_kind_the_catalog_lacks_is_not_accepted(plain: CatalogIndex, text: str) -> None:
    """The line shares a word with the item, but as the item's modifier, not its kind."""
    result = match_line(plain, text)
    assert result.needs_review
    assert result.confidence < 0.8


def test_the_kind_asked_is_still_accepted(plain: CatalogIndex) -> None:
    """The same words naming the item's own kind are accepted."""
    for text, sku in (("pear nectar 2 cs", "N1"), ("carrot chips 1 cs", "F1"),
                      ("green tea concentrate 3", "B1"), ("rye loaf 2", "M3")):  # fmt: skip
        result = match_line(plain, text)
        assert result.item is not None and result.item.sku == sku, text
        assert not result.needs_review, text


def test_an_accessory_word_outweighs_a_size(plain: CatalogIndex) -> None:
    """"lids 12 oz": the 12 oz bowl has the size but is not a lid; the lid is meant."""
    result = match_line(plain, "lids 12 oz 2 cs")
    assert result.item is not None and result.item.sku == "C3"
    bowl = match_line(plain, "bowls 12 oz 2 cs")
    assert bowl.item is not None and bowl.item.sku == "C1"


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("thai basil by the bunch 6", "H1-B"),
        ("6 thai basil each", "H1-B"),
        ("thai basil 2 cs", "H1"),
        ("mint gum single pouches 10", "G1-P"),
    ],
)
def test_the_unit_named_in_words_picks_the_variant(plain: CatalogIndex, text: str, sku: str
                                                   ) -> None:  # fmt: skip
    """"by the bunch", "single pouches", "each": the variant sold that way, not the case."""
    result = match_line(plain, text)
    assert result.item is not None and result.item.sku == sku


ERP = [
    _item("E1", "NECTAR PEAR 12/33OZ", "JUICE & NECTAR"),
    _item("E2", "NECTAR MANGO 12/33OZ", "JUICE & NECTAR"),
    _item("E3", "NECTAR GUAVA 12/33OZ", "JUICE & NECTAR"),
    _item("E4", "PEPPER HABANERO 10 LB", "PEPPERS"),
    _item("E5", "PEPPER GUAJILLO DRIED 5 LB", "PEPPERS"),
    _item("E6", "PEPPER ANCHO DRIED 5 LB", "PEPPERS"),
    _item("E7", "BOWL PAPER 12OZ 500/CS", "BOWLS"),
    _item("E8", "BOWL PAPER 16OZ 500/CS", "BOWLS"),
]


def test_the_head_side_is_read_from_the_catalog() -> None:
    """English names put the kind last, ERP names first (the category's word says which)."""
    assert convention(PLAIN) == LAST
    assert convention(ERP) == FIRST
    assert head_phrase("Paper Bowl Lid 12-16 oz for soup") == ("paper", "bowl", "lid")


def test_an_erp_catalog_accepts_the_specific_word() -> None:
    """"habaneros" names PEPPER HABANERO: in a class-first name a later word is the kind."""
    index = build_index(ERP)
    result = match_line(index, "habaneros 2 cs")
    assert result.item is not None and result.item.sku == "E4"
    assert not result.needs_review


def test_an_accessory_named_after_a_kind_the_catalog_sells_is_another_kind() -> None:
    """"BAND NAPKIN" is a napkin band, not napkins, when the catalog sells NAPKIN items: a
    word heading other names is a kind of its own; "serrano" heads none, so PEPPER
    SERRANO is still named by it."""
    index = build_index([
        *ERP,
        _item("E9", "NAPKIN DINNER WHITE 3000/CS", "PAPER"),
        _item("E10", "NAPKIN BEVERAGE WHITE 4000/CS", "PAPER"),
        _item("E11", "BAND NAPKIN KRAFT 20000/CS", "PAPER"),
        _item("E12", "PEPPER SERRANO 10 LB", "PEPPERS"),
    ])  # fmt: skip
    ranked = match_line(index, "napkins 2 cs").candidates
    kinds = {index.items[c.index].sku: c.kind for c in ranked}
    assert kinds["E11"] == 1.0 and kinds["E9"] == 0.0
    result = match_line(index, "serranos 2 cs")
    assert result.item is not None and result.item.sku == "E12"
    assert not result.needs_review


def test_a_made_thing_is_not_its_ingredient_in_class_first_names() -> None:
    """"SAUCE CLAM" is a sauce: "clams" alone may be the shellfish, so it is only offered;
    "clam sauce" is accepted. A class that is not made from the next word (PEPPER) keeps
    "jalapenos" naming PEPPER JALAPENO."""
    index = build_index([
        *ERP,
        _item("S1", "SAUCE CLAM WHITE 6/51OZ", "SAUCES"),
        _item("S2", "SAUCE MARINARA 6/#10", "SAUCES"),
        _item("S3", "SAUCE ALFREDO 6/5 LB", "SAUCES"),
        _item("S4", "PEPPER JALAPENO 25 LB", "PEPPERS"),
    ])  # fmt: skip
    clams = match_line(index, "clams 2 cs")
    assert clams.needs_review and clams.confidence < 0.8
    sauce = match_line(index, "clam sauce 2 cs")
    assert sauce.item is not None and sauce.item.sku == "S1"
    assert not sauce.needs_review
    pepper = match_line(index, "jalapenos 1 cs")
    assert pepper.item is not None and pepper.item.sku == "S4" and not pepper.needs_review


def test_a_food_word_is_not_a_clipped_longer_word() -> None:
    """"pear" is a fruit, not a clipped "pearl"; a true clip ("mozzar") still reads long."""
    index = build_index([_item("P1", "Mozzarella Pearls 1 lb", "Cheese")])
    assert all(c.weight < 0.75 for c in index.correct("pear") if c.token == "pearl")
    assert index.correct("mozzar")[0].token == "mozzarella"
    assert match_line(index, "pears 2 cs").needs_review


def test_an_adjective_does_not_name_a_class_first_item() -> None:
    """"hot cups": the cup, not "Sleeve Hot Cup", whose only shared word besides the cups
    (a kind of their own) is an adjective."""
    index = build_index([
        _item("H1", "Cup Hot Paper 12oz 1000/cs", "Cups"),
        _item("H2", "Cup Cold Clear 16oz 1000/cs", "Cups"),
        _item("H3", "Sleeve Hot Cup Kraft 12-20oz 1000/cs", "Accessories"),
        _item("H4", "Lid Hot Sip 12-20oz 1000/cs", "Lids"),
    ])  # fmt: skip
    kinds = {index.items[c.index].sku: c.kind for c in match_line(index, "hot cups").candidates}
    assert kinds["H1"] == 0.0 and kinds["H3"] == 1.0
    result = match_line(index, "hot cups 12oz 5 cs")
    assert result.item is not None and result.item.sku == "H1" and not result.needs_review


def test_a_soft_word_names_no_kind() -> None:
    """"go" in a sentence is not the "To-Go" shelf: a container stays another kind."""
    index = build_index([_item("T1", "Foam Container Hinged 8x8", "To-Go Containers")])
    [cand] = match_line(index, "make it 3 and go ahead").candidates[:1]
    assert cand.kind == 1.0
