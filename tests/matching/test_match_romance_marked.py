"""French/Portuguese/Italian lines, the unmarked sibling, count tokens and accessory kinds.

Invented catalogs and lines (nothing from a distributor set): an ERP-style paper-goods and
coffee catalog (class first) and a natural-English produce one.
"""

from __future__ import annotations

from decimal import Decimal

from matching.catalog import CatalogItem
from matching.index import CatalogIndex, build_index
from matching.lexicon import read_spanish
from matching.parse import parse_line
from matching.resolve import match_line


def _item(sku: str, name: str, category: str) -> CatalogItem:
    return CatalogItem(product_id=sku, variant_id=None, sku=sku, name=name, category=category,
                       unit="case")  # fmt: skip


ERP = build_index([
    _item("K1", "CUP HOT PPR 10OZ WHT 1000CT", "Cups"),
    _item("K2", "CUP COLD PET 14OZ CLR 1000CT", "Cups"),
    _item("K3", "CUP COLD PLA COMPOST 14OZ CLR 1000CT", "Cups"),
    _item("K4", "CUP PORTION 3OZ CLR 2500CT", "Cups"),
    _item("K5", "LID PORTION CUP 3OZ CLR 2500CT", "Lids"),
    _item("K6", "LID FLAT 14OZ CLR 1000CT", "Lids"),
    _item("K7", "FILTER PAPER BASKET 10-CUP 500CT", "Smallwares"),
    _item("K8", "TRAY CARRIER CUP 3-CT PULP 300CT", "Carriers"),
    _item("K9", "TRAY CARRIER CUP 2-CT PULP 300CT", "Carriers"),
    _item("S1", "SYRUP ALMOND 750ML", "Syrups"),
    _item("S2", "SYRUP CINNAMON 750ML", "Syrups"),
    _item("M1", "MILK OAT 6/32OZ", "Dairy"),
    _item("M2", "MILK ALMOND 6/32OZ", "Dairy"),
    _item("T1", "TEA MINT 100CT", "Tea"),
    _item("T2", "TEA CHAMOMILE 100CT", "Tea"),
    _item("C1", "COFFEE HOUSE BLEND GROUND 2LB", "Coffee"),
    _item("C2", "COFFEE HOUSE BLEND WHOLE BEAN 2LB", "Coffee"),
])  # fmt: skip

PRODUCE = build_index([
    _item("P1", "Radish 24 ct", "Produce"),
    _item("P2", "Radish Watermelon 24 ct", "Produce"),
    _item("P3", "Ice Shaved 8 lb Bag", "Ice"),
    _item("P4", "Ice Cubed 8 lb Bag", "Ice"),
    _item("P5", "Cucumber Persian 6 lb", "Produce"),
    _item("P6", "Cucumber Slicer 1 bu", "Produce"),
])  # fmt: skip


def _sku(index: CatalogIndex, line: str) -> str | None:
    hit = match_line(index, line)
    return hit.item.sku if hit.item else None


def test_romance_unit_words_are_quantities() -> None:
    for line, unit in (("3 caixas de leite", "case"), ("2 boîtes de thé", "box"),
                       ("4 cartoni di latte", "case"), ("2 sacs de sucre", "bag"),
                       ("6 bottiglie di sciroppo", "bottle")):  # fmt: skip
        parsed = parse_line(line)
        assert parsed.quantity is not None and parsed.unit == unit, line
    assert parse_line("5 caixas de copos").quantity == Decimal(5)


def test_romance_words_are_read_in_english() -> None:
    assert _sku(ERP, "leite de aveia 2 caixas") == "M1"
    assert _sku(ERP, "lait d'amande 3 caisses") == "M2"
    assert _sku(ERP, "sciroppo cannella 2") == "S2"
    assert _sku(ERP, "camomille 2 boîtes") == "T2"
    assert _sku(ERP, "café moído 1 caixa") == "C1"
    assert _sku(ERP, "caffè in grani 2") == "C2"


def test_romance_never_overrides_a_spanish_reading() -> None:
    # "pepino" is Spanish (cucumber) and stays so; "te" is Spanish tea, not anything else
    readings = {r.source: r.senses for r in read_spanish(["pepino", "te"])}
    assert readings[("pepino",)][0] == ("cucumber",)
    assert readings[("te",)][0] == ("tea",)


def test_romance_words_are_not_read_in_catalog_names() -> None:
    # an English catalog's French words ("au jus", "creme brulee") keep their own meaning
    assert read_spanish(["jus"], catalog=True)[0].senses == ()


def test_count_token_is_not_the_noun() -> None:
    # "10-CUP" says how many cups the filter is for: paper cups are the paper cup
    assert _sku(ERP, "10oz paper cups 2 cs") == "K1"
    assert _sku(ERP, "2-cup carriers 1 cs") == "K9"


def test_portion_cups_are_not_their_lid() -> None:
    assert _sku(ERP, "portion cups 3oz 2 cs") == "K4"
    assert _sku(ERP, "3oz souffle cups 2 cs") == "K4"
    assert _sku(ERP, "3oz portion cup lids") == "K5"


def test_unmarked_default_among_siblings() -> None:
    # no material said: the plain PET cup, not the compostable one
    assert _sku(ERP, "14oz clear cups 3 cs") == "K2"
    assert _sku(ERP, "14oz compostable cups 3 cs") == "K3"
    # no form said: cubes; no kind said: the slicing cucumber
    assert _sku(PRODUCE, "bagged ice x6") == "P4"
    assert _sku(PRODUCE, "shaved ice x6") == "P3"
    assert _sku(PRODUCE, "2 cs cucumbers") == "P6"
    assert _sku(PRODUCE, "2 cs persian cucumbers") == "P5"


def test_catalog_marks_a_name_that_adds_a_modifier() -> None:
    # "Radish Watermelon" is Radish plus a modifier: "radishes" means the plain one
    assert PRODUCE.item_modifiers[1] == frozenset({"watermelon"})
    assert PRODUCE.item_modifiers[0] == frozenset()
    assert _sku(PRODUCE, "radishes 2") == "P1"
    assert _sku(PRODUCE, "watermelon radish 2") == "P2"


def _variant(base: CatalogItem, sku: str, variant_name: str) -> CatalogItem:
    return CatalogItem(product_id=base.product_id, variant_id=sku, sku=sku,
                       name=f"{base.name} {variant_name}", category=base.category,
                       unit=base.unit, variant_name=variant_name)  # fmt: skip


def test_a_variants_own_words_name_its_kind() -> None:
    # "JAM ... 12CT" sold in flavours: "apricot" names the apricot variant's kind
    jam = _item("J1", "JAM STRAWBERRY PORTION 200CT", "Spreads")
    index = build_index([
        jam, _variant(jam, "J1-AP", "APRICOT"), _variant(jam, "J1-GR", "GRAPE"),
        _item("J2", "JELLY MINT 12OZ", "Spreads"), _item("J3", "JUICE ORANGE 12/32OZ", "Juice"),
    ])  # fmt: skip
    apricot = next(i for i, it in enumerate(index.items) if it.sku == "J1-AP")
    assert index.item_kinds[apricot].named_by({"apricot": 1.0}, frozenset({"apricot"})) == 1.0
    assert _sku(index, "apricot x3") == "J1-AP"
