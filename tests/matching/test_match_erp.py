"""An ERP catalog nobody tuned on: abbreviations, pack notation and Spanish lines find items."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.index import CatalogIndex, build_index
from matching.packs import spell_packs
from matching.resolve import match_line
from matching.units import Size
from tests.matching.erp_catalog import erp_items


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("2 cs boneless skinless chicken breast", "10001"),
        ("chicken thighs boneless 3 cases", "10002"),
        ("whole milk 4 cs", "20001"),
        ("ground beef 80/20 2 cs", "10010"),
        ("granulated sugar 3 bags", "40005X"),
        ("crushed tomatoes #10 1 cs", "40003"),
        ("atlantic salmon fillet 20 lb", "10020"),
        ("115s lemons 2 cs", "30006"),
    ],
)
def test_english_lines_find_abbreviated_names(erp_index: CatalogIndex, text: str, sku: str) -> None:
    """CHIX, BRST, BNLS, WHL, GRND, GRAN... read as the words customers write."""
    result = match_line(erp_index, text)
    assert result.item is not None and result.item.sku == sku
    assert not result.needs_review


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("3 cajas de pechuga de pollo", "10001"),
        ("muslo de pollo deshuesado 2 cajas", "10002"),
        ("alitas de pollo 1 caja", "10003"),
        ("carne molida 2 cajas", "10010"),
        ("chambarete 30 libras", "10011"),
        ("2 cajas de leche entera", "20001"),
        ("leche descremada 1 caja", "20002"),
        ("mantequilla sin sal 2 cajas", "20004"),
        ("huevos 2 cajas", "20006"),
        ("frijol negro 2 sacos", "40001"),
        ("frijoles rojos 1 saco", "40002"),
        ("cebolla morada 1 saco", "30003"),
        ("ajo pelado 1 caja", "30008"),
        ("azucar morena 1 bolsa", "40006"),
        ("papel aluminio 2", "60007"),
    ],
)
def test_spanish_lines_find_english_names(erp_index: CatalogIndex, text: str, sku: str) -> None:
    """The lexicon reads Spanish food and packaging words in English."""
    result = match_line(erp_index, text)
    assert result.item is not None and result.item.sku == sku, result.item


def test_a_spanish_catalog_name_is_found_in_english(erp_index: CatalogIndex) -> None:
    """Catalog names are indexed in both languages: "QUESO BLANCO FRESCO" is fresh white cheese."""
    result = match_line(erp_index, "fresh white cheese 2")
    assert result.item is not None and result.item.sku == "20003"


def test_pack_notation_is_written_out() -> None:
    """4/10#, 6/#10, 24/12.5OZ, 1000/CS and 3-4# become sizes the parser reads; 1/2 stays."""
    assert spell_packs("CHIX BRST 4/10#") == "CHIX BRST 4 x 10 lb"
    assert spell_packs("TOMATO 6/#10") == "TOMATO #10 can 6 ct"
    assert spell_packs("SODA 24/12.5OZ") == "SODA 24 x 12.5 OZ"
    assert spell_packs("CUP 1000/CS") == "CUP 1000 ct"
    assert spell_packs("SALMON 3-4#") == "SALMON 3-4 lb"
    assert spell_packs("1/2 gal milk") == "1/2 gal milk"
    assert spell_packs("FRIES 3/8 IN") == "FRIES 3/8 IN"


def test_packs_give_comparable_sizes(erp_index: CatalogIndex) -> None:
    """The inner size of a pack is the item's size: "10 lb" chicken is the 4/10# case."""
    by_sku = {it.sku: i for i, it in enumerate(erp_index.items)}
    assert Size(Decimal(10), "lb") in erp_index.item_sizes[by_sku["10001"]]
    assert Size(Decimal(1), "gal") in erp_index.item_sizes[by_sku["20001"]]


def test_an_unreadable_size_never_breaks_the_index() -> None:
    """Odd ERP size notation in a name leaves that name's sizes out, not the catalog."""
    items = [*erp_items()]
    odd = items[0].__class__("X1", None, "X1", "SHRIMP 8/1#/3-4#/#/ 10#-12#")
    index = build_index([*items, odd])
    assert match_line(index, "2 cs chicken breast").item is not None


def test_a_misspelt_spanish_word_is_still_read(erp_index: CatalogIndex) -> None:
    """One letter off a lexicon word ("sebolla" for cebolla) is read as that word."""
    result = match_line(erp_index, "sebolla morada 1 saco")
    assert result.item is not None and result.item.sku == "30003"
