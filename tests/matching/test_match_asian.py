"""Romanized Vietnamese, Chinese, Korean, Japanese, Thai and Tagalog food words against an
English ERP catalog: the lexicons read them in English, and a catalog that writes the
customer's own word is taken at its word. Invented catalog and lines."""

from __future__ import annotations

import pytest

from matching.catalog import CatalogItem
from matching.index import CatalogIndex, build_index
from matching.kinds import lexicon_nouns
from matching.lexicon import ASIAN, _rows, misspelt_spanish, read_spanish, spanish
from matching.normalize import normalize
from matching.resolve import match_line


def _item(sku: str, name: str) -> CatalogItem:
    return CatalogItem(product_id=sku, variant_id=None, sku=sku, name=name, unit="case")


@pytest.fixture(scope="module")
def asian() -> CatalogIndex:
    """An English ERP catalog of an Asian restaurant supplier (class word first)."""
    return build_index([
        _item("N1", "NOODLE RICE STICK 5MM 30/1LB"),
        _item("N2", "NOODLE RICE VERMICELLI 30/1LB"),
        _item("N3", "NOODLE RICE WIDE FRESH 10/2LB"),
        _item("N4", "NOODLE GLASS MUNG BEAN 40/100G"),
        _item("N5", "NOODLE EGG FRESH 6/5LB"),
        _item("N6", "NOODLE UDON FRZ 30/200G"),
        _item("S1", "SAUCE FISH 12/700ML"),
        _item("S2", "SAUCE OYSTER 6/5LB"),
        _item("S3", "SAUCE SOY DARK 6/1.8L"),
        _item("S4", "SAUCE SOY LIGHT 6/1.8L"),
        _item("S5", "PASTE HOT PEPPER KOREAN 6/1KG"),
        _item("S6", "OIL SESAME 12/500ML"),
        _item("S7", "PASTE SHRIMP 12/8OZ"),
        _item("S8", "SAUCE EEL 12/500ML"),
        _item("S9", "MIRIN SEASONING 6/1L"),
        _item("S10", "WINE COOKING RICE 12/750ML"),
        _item("V1", "BEAN SPROUT 10LB"),
        _item("V2", "BASIL THAI 1LB"),
        _item("V3", "BASIL HOLY 1LB"),
        _item("V4", "ONION GREEN 48CT"),
        _item("V5", "LIME 200CT"),
        _item("V6", "CHIVE GARLIC 5LB"),
        _item("V7", "LEAF PERILLA 1LB"),
        _item("V8", "CHILI BIRD EYE 1LB"),
        _item("V9", "GAI LAN 20LB"),
        _item("V10", "CILANTRO 30CT"),
        _item("M1", "PORK BELLY SLICED KBBQ 10/1KG"),
        _item("M2", "PORK BELLY SKIN ON 2/10LB"),
        _item("M3", "BEEF SHORT RIB FLANKEN CUT 2/10LB"),
        _item("M4", "CRAB STICK IMITATION 20/1LB"),
        _item("M5", "ROE CAPELIN ORANGE 1LB"),
        _item("M6", "DUMPLING SOUP PORK 12/20CT"),
        _item("M7", "BUN STEAMED BARBECUE PORK 6/24CT"),
        _item("M8", "DUMPLING PORK CHIVE 6/50CT"),
        _item("M9", "MANDU BEEF VEG 6/1KG"),
        _item("R1", "RICE JASMINE 50LB"),
        _item("R2", "RICE BROKEN JASMINE 50LB"),
        _item("R3", "RICE GLUTINOUS 50LB"),
        _item("R4", "WRAPPER SPRING ROLL 8IN 20/25CT"),
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("line", "sku"),
    [
        # Vietnamese
        ("4 cs banh pho", "N1"),
        ("bun tuoi 3 cs", "N2"),
        ("2 bag gia", "V1"),
        ("rau que 3 lb", "V2"),
        ("hanh la 1 cs", "V4"),
        ("chanh 2 cs", "V5"),
        ("nuoc mam 1 case", "S1"),
        ("mam tom 2 cs", "S7"),
        ("gao tam 2 bags", "R2"),
        # Chinese, pinyin and Cantonese
        ("xiao long bao 2 cs", "M6"),
        ("char siu bao x3", "M7"),
        ("gau choy 1 case", "V6"),
        ("ho fun 2 cs", "N3"),
        ("lao chou 1 cs", "S3"),
        ("sang chau 1 cs", "S4"),
        ("hao you 2 cs", "S2"),
        # Korean
        ("samgyeopsal 4 cs", "M1"),
        ("LA galbi 40 lb", "M3"),
        ("gochujang 2 cs", "S5"),
        ("chamgireum 1 cs", "S6"),
        ("dangmyeon 2 box", "N4"),
        ("kkaennip 3 lb", "V7"),
        # Japanese
        ("kani 2 cs", "M4"),
        ("masago 2 lb", "M5"),
        ("unagi sauce 1 cs", "S8"),
        ("eel sauce 1 cs", "S8"),
        # Thai
        ("sen lek 3 cs", "N1"),
        ("sen yai 2 cs", "N3"),
        ("nam pla 2 cs", "S1"),
        ("prik kee noo 2 lb", "V8"),
        ("horapa 2 lb", "V2"),
        ("kaprao 2 lb", "V3"),
        ("khao niao 1 bag", "R3"),
        # Tagalog
        ("bihon 2 cs", "N2"),
        ("patis 1 cs", "S1"),
        ("lumpia wrapper 2 cs", "R4"),
    ],
)
def test_asian_food_words_find_the_english_item(asian: CatalogIndex, line: str, sku: str) -> None:
    """A cook's own word for a food finds the English ERP item, surely enough to use."""
    hit = match_line(asian, line)
    assert hit.item is not None and hit.item.sku == sku, line
    assert hit.matched, (line, hit.confidence)


def test_the_catalogs_own_word_comes_before_the_translation(asian: CatalogIndex) -> None:
    """"mandu" is the catalog's MANDU, not one of its other dumplings; "mirin" its MIRIN,
    not another rice wine; "gai lan" is written as the catalog writes it."""
    for line, sku in (("mandu 2 cs", "M9"), ("mirin 1 cs", "S9"), ("gai lan 1 cs", "V9")):
        hit = match_line(asian, line)
        assert hit.item is not None and hit.item.sku == sku, line
        assert hit.matched, line


def test_asian_words_are_read_in_customer_lines_only() -> None:
    """An English catalog's own names are never read as romanized Asian words."""
    lex = spanish()
    assert ("nuoc", "mam") in lex.phrases
    assert ("nuoc", "mam") not in lex.catalog_phrases
    assert read_spanish(["nuoc", "mam"], catalog=True)[0].senses == ()


def test_asian_lexicons_are_broad_and_leave_english_words_alone() -> None:
    """Each language lists many words; none takes an English food word or an abbreviation
    for its own ("bun" stays a bun, "tom" a tomato, "com" a web address)."""
    for name in ASIAN:
        assert len(_rows(name)) >= 60, name
    lex = spanish()
    for word in ("bun", "tomato", "com", "rice", "sushi", "baking", "bone", "chi"):
        assert (word,) not in lex.keep_own, word


def test_asian_words_are_no_misspelt_spanish_and_no_common_nouns() -> None:
    """A Spanish word one letter from a Korean one ("gamba", "gamja") is not read as it, and
    the borrowed names ("udon", "mirin") are not general kinds of product."""
    assert misspelt_spanish("gambaz") != ("gamja",)
    assert read_spanish(normalize("gambas").split())[0].senses[0] == ("shrimp",)
    assert "udon" not in lexicon_nouns() and "mirin" not in lexicon_nouns()


def test_an_asian_phrase_does_not_take_words_of_a_longer_english_line(asian: CatalogIndex) -> None:
    """"hamburger buns" and "rice" alone stay English."""
    assert read_spanish(normalize("hamburger buns").split())[1].senses == ()
    hit = match_line(asian, "jasmine rice 2 bags")
    assert hit.item is not None and hit.item.sku == "R1"
