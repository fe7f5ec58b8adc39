"""ERP pack notation, and the selling unit an item is sold in.

Catalog exports write packs tersely: "4/10#" (four 10 lb packs), "6/#10" (six #10 cans),
"24/12.5OZ", "12/32 oz", "1000/cs", "3-4#". `spell_packs` rewrites them in the long form
the size parser reads ("4 x 10 lb", "#10 can 6 ct"), so a pack's inner size and count
become comparable sizes. `item_units` says what an item is sold by: its variant's own
unit word ("10 LB BAG", "BUNCH EA", "Case 4/5.5 lb") or else the product's unit; a
customer's unit then picks the variant ("3 bags" of lemons is the 10 lb bag).
`pack_contents` says how much one selling unit holds ("6/50CT": 6 packs, 300 pieces), and
`share_of_product` what share of the product's pack a variant is ("24CT HALF CS").
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from matching.catalog import CatalogItem
from matching.normalize import fold, lex
from matching.units import SELLING_UNITS, SIZE_UNITS

_UNIT = r"(oz|lbs?|gal|kg|g|ml|l|lt|ltr|qt|pt|ct|dz|doz|in|ft)"
_COUNT_WORDS = r"(cs|case|cases|bundle|bdl|roll|rl|bx|box|pk|pack|bag|bg|ctn|carton|slv|tray)"
_REWRITES = [
    # 4/10# -> four 10 lb packs; 3-4# -> a 3 to 4 lb piece
    (re.compile(r"(?<![\w/.#])(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*#(?!\d)"), r"\1 x \2 lb"),
    (re.compile(r"(?<![\w/.#-])(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*#(?!\d)"), r"\1-\2 lb"),
    # 6/#10 -> six #10 cans
    (re.compile(r"(?<![\w/.#])(\d+)\s*/\s*#\s*(\d+)\b"), r"#\2 can \1 ct"),
    # 24/12.5OZ, 12/32 oz, 4/1 GAL, 6/24ct -> count x inner size (not 1/2 gal, 3/8 in)
    (re.compile(rf"(?<![\w/.#])(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*{_UNIT}(?![a-z])", re.I),
     lambda m: m.group(0) if _fraction(m.group(1), m.group(2)) else
     f"{m.group(1)} x {m.group(2)} {m.group(3)}"),
    # 1000/cs, 100/bundle -> a count of 1000
    (re.compile(rf"(?<![\w/.#])(\d+)\s*/\s*{_COUNT_WORDS}(?![a-z])", re.I), r"\1 ct"),
]  # fmt: skip


def _fraction(num: str, den: str) -> bool:
    """Whether "num/den" is a fraction people write (1/2, 3/4, 3/8) rather than a pack."""
    return (
        den in {"2", "3", "4", "8", "16"}
        and int(num) < int(den)
        and (num == "1" or int(num) % 2 == 1 or den == "3")
    )


def spell_packs(text: str) -> str:
    """A catalog text with its pack notation written out ("4/10#" -> "4 x 10 lb")."""
    if "/" not in text and "#" not in text:
        return text
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


# Container words that name how a variant is sold, beyond the selling-unit vocabulary.
_EXTRA_UNITS = {"ea": "each", "bib": "each", "jib": "each", "sack": "bag", "sacks": "bag",
                "chub": "each"}  # fmt: skip


def unit_of(word: str) -> str | None:
    """The canonical selling unit a word names ("cs" -> case, "sack" -> bag), if any."""
    return _EXTRA_UNITS.get(word) or SELLING_UNITS.get(word)


def item_units(item: CatalogItem) -> frozenset[str]:
    """The units an item is sold by: its variant's own unit words, else the product's unit."""
    if item.variant_name:
        # "25 LB" is a size, not how it is sold; "10 LB BAG" is sold by the bag
        words = [w for w in lex(fold(item.variant_name)) if w not in SIZE_UNITS]
        own = {u for w in words if (u := unit_of(w)) is not None}
        # "BUNCH EA" is sold by the bunch: "each" only counts when nothing else is said
        if len(own) > 1:
            own.discard("each")
        if own:
            return frozenset(own)
    return _units_of(item.unit.lower())


@cache
def _units_of(unit: str) -> frozenset[str]:
    """A product's unit as a set (shared: thousands of items are sold by the case)."""
    canonical = unit_of(unit)
    return frozenset({canonical}) if canonical else frozenset()


# What one selling unit holds, per dimension: "cnt" pieces the catalog counts ("48CT",
# "50/BDL", "15 DZ"), "pk" inner packs or containers ("6/#10": six cans; "12/32OZ": twelve
# cartons), "m" weight in ounces, "v" volume in fluid ounces.
_PACK_UNITS: dict[str, tuple[str, Decimal]] = {
    **dict.fromkeys(("dz", "doz", "dozen"), ("cnt", Decimal(12))),
    **dict.fromkeys(("ct", "count"), ("cnt", Decimal(1))),
    **dict.fromkeys(("lb", "lbs", "#"), ("m", Decimal(16))),
    **dict.fromkeys(("oz",), ("m", Decimal(1))),
    **dict.fromkeys(("kg",), ("m", Decimal("35.274"))),
    **dict.fromkeys(("g",), ("m", Decimal("0.035274"))),
    **dict.fromkeys(("gal", "gallon"), ("v", Decimal(128))),
}
_POUND = Decimal(16)
_AMOUNT_UNIT = r"(dz|doz|dozen|ct|count|lbs|lb|#|oz|kg|g|gallon|gal)"
# "4/10#", "12/32 OZ", "10/90CT", "2 x 5 lb": packs of inner units; "15 DZ", "40 LB": one
# amount; a range ("3-4#") or a catch weight ("~40 LB") is no exact pack and is not read
_MULTI = re.compile(rf"(?<![\d.~/-])(\d+)\s*[/x]\s*(\d+(?:\.\d+)?)\s*{_AMOUNT_UNIT}(?![a-z])",
                    re.I)
_SINGLE = re.compile(rf"(?<![\d.~/-])(\d+(?:\.\d+)?)\s*{_AMOUNT_UNIT}(?![a-z])", re.I)
# "6/#10": six #10 cans; "50/BDL", "1000/CS": fifty, a thousand pieces to the unit
_CANS = re.compile(r"(?<![\d.~/-])(\d+)\s*/\s*#\s*\d+\b")
_PER_UNIT = re.compile(rf"(?<![\d.~/-])(\d+)\s*/\s*{_COUNT_WORDS}(?![a-z])", re.I)
# "1/2 CS", "HALF BU": a share of the product's own selling unit (not "Half Gallon")
_HALF = re.compile(r"\b(?:1/2|half)\s*-?\s*([a-z]+)", re.I)


def _multi_contents(text: str) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for m in _MULTI.finditer(text):
        dim, base = _PACK_UNITS[m[3].lower()]
        found.setdefault(dim, Decimal(m[1]) * Decimal(m[2]) * base)
        found.setdefault("pk", Decimal(m[1]))
    for m in _CANS.finditer(text):
        found.setdefault("pk", Decimal(m[1]))
    for m in _PER_UNIT.finditer(text):
        found.setdefault("pk", Decimal(m[1]))
        found.setdefault("cnt", Decimal(m[1]))
    return found


def _single_contents(text: str) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for m in _SINGLE.finditer(text):
        dim, base = _PACK_UNITS[m[2].lower()]
        # "PORTION 6OZ ... 10#": the pack's amount is the largest, the rest are its pieces
        found[dim] = max(found.get(dim, Decimal(0)), Decimal(m[1]) * base)
    if found.get("cnt") and found.get("m", _POUND) < _POUND:
        found["m"] *= found["cnt"]  # "3OZ 60CT": sixty pieces of 3 oz, not a 3 oz case
    return found


def pack_contents(item: CatalogItem, *, own: bool = False) -> dict[str, Decimal]:
    """What one selling unit of `item` holds, per dimension ("cnt", "pk", "m", "v").

    A pack of inner units ("12/32 OZ", "6/#10", "50/BDL") says it best, wherever it is
    written; else a single amount ("15 DZ", "50 LB"); an item sold by the dozen holds 12.
    The variant's own words come first: the product's may describe another size. With
    `own`, only what the variant's own words say (its description is the product's).
    """
    texts = [item.variant_name, item.name] if own and item.is_variant else \
        [item.variant_name, item.name, item.description]
    texts = [t for t in texts if t]
    for read in (_multi_contents, _single_contents):
        for text in texts:
            found = read(text)
            if found:
                return found
    return {"cnt": Decimal(12)} if "dozen" in item_units(item) else {}


def share_of_product(variant: CatalogItem, product: CatalogItem) -> Decimal | None:
    """The share of the product's selling unit one of `variant` is ("24CT HALF CS" of a
    48CT case: 0.5), when the catalog says it; None otherwise."""
    if not variant.is_variant or variant.product_id != product.product_id:
        return None
    mine, whole = pack_contents(variant, own=True), pack_contents(product)
    if mine != whole:
        for dim in ("m", "v", "cnt"):
            if mine.get(dim) and whole.get(dim) and mine[dim] < whole[dim]:
                return mine[dim] / whole[dim]
    for m in _HALF.finditer(variant.variant_name or ""):
        unit = unit_of(fold(m[1]))
        if unit is not None and unit not in SIZE_UNITS and unit != "each":
            return Decimal("0.5")
    return None
