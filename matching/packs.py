"""ERP pack notation, and the selling unit an item is sold in.

Catalog exports write packs tersely: "4/10#" (four 10 lb packs), "6/#10" (six #10 cans),
"24/12.5OZ", "12/32 oz", "1000/cs", "3-4#". `spell_packs` rewrites them in the long form
the size parser reads ("4 x 10 lb", "#10 can 6 ct"), so a pack's inner size and count
become comparable sizes. `item_units` says what an item is sold by: its variant's own
unit word ("10 LB BAG", "BUNCH EA", "Case 4/5.5 lb") or else the product's unit; a
customer's unit then picks the variant ("3 bags" of lemons is the 10 lb bag).
"""

from __future__ import annotations

import re
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
