"""Which member of a product family (the product and its variants) a line names.

A line names a variant by how it is sold ("3 bags" of lemons: the 10 lb bag, not the 40 lb
case; "12 manojos de perejil": the bunch), by a share of the product's pack ("medio saco de
papa": the 25 lb sack of a 50 lb potato), or by a relative size ("salsa chica": the
smallest bottle of the family) when the names carry no size word. `family_fit` scores one
candidate against its siblings: +1 the line picks it, -1 the line picks a sibling, else 0.
"""

from __future__ import annotations

from decimal import Decimal

from matching.attributes import Attributes
from matching.index import CatalogIndex
from matching.normalize import fold, lex, singular
from matching.packs import unit_of
from matching.parse import ParsedLine

# Words that ask for one piece rather than the pack ("single pouches", "by the each")
SINGLE = frozenset({"single", "singles", "individual", "each", "ea", "loose", "unit"})
# Units that hold several pieces: "each" asks for a family member sold otherwise
PACKS = frozenset({"case", "box", "bag", "pack", "bundle", "tray", "dozen", "carton"})
SMALL = frozenset({"small", "mini", "petite"})
LARGE = frozenset({"large", "xl", "jumbo", "colossal"})


def _main_size(index: CatalogIndex, c: int) -> Decimal | None:
    """An item's weight or volume in ounces (the first one its name gives)."""
    for size in index.item_sizes[c]:
        if size.dimension == "m":
            return size.base()[0]
    return None


def _unit_fit(index: CatalogIndex, c: int, family: tuple[int, ...], unit: str) -> float:
    mine = unit in index.item_units[c]
    if mine and not all(unit in index.item_units[f] for f in family):
        return 1.0
    others = any(unit in index.item_units[f] for f in family if f != c)
    # a variant named by its container ("20 oz Bottle") may still be sold by the case
    declared = unit_of(index.items[c].unit.lower()) == unit
    return -1.0 if others and not mine and not declared else 0.0


def _share_fit(index: CatalogIndex, c: int, family: tuple[int, ...], share: Decimal) -> float:
    sizes = {f: s for f in family if (s := _main_size(index, f)) is not None}
    if c not in sizes or len(set(sizes.values())) < 2:
        return 0.0
    whole = max(sizes.values())
    if abs(sizes[c] - share * whole) <= whole * Decimal("0.03"):
        return 1.0
    return -1.0 if sizes[c] == whole else 0.0


def _relative_fit(index: CatalogIndex, c: int, family: tuple[int, ...], asked: Attributes) -> float:
    words = asked.get("size", frozenset())
    want_small, want_large = bool(words & SMALL), bool(words & LARGE)
    if want_small == want_large or any("size" in index.item_attributes[f] for f in family):
        return 0.0
    sizes = {f: s for f in family if (s := _main_size(index, f)) is not None}
    if c not in sizes or len(set(sizes.values())) < 2:
        return 0.0
    target = min(sizes.values()) if want_small else max(sizes.values())
    return 1.0 if sizes[c] == target else -1.0


def unit_words(mention: str) -> frozenset[str]:
    """The selling units a mention names in its words ("cilantro by the bunch", "saf red
    single pouches"), "each" for a word asking for single pieces."""
    out = set()
    for word in lex(fold(mention)):
        unit = "each" if word in SINGLE else unit_of(word) or unit_of(singular(word))
        if unit is not None:
            out.add(unit)
    return frozenset(out)


def word_picks(index: CatalogIndex, c: int, word: str) -> bool:
    """Whether the unit a word names ("pouches", "bunch") picks this family member: then
    the word is explained by it ("3 cs bottles" does not pick the can, though the case
    unit fits it)."""
    family = index.family.get(index.items[c].product_id, ())
    units = unit_words(word)
    return len(family) >= 2 and bool(units) and _named_unit(index, c, family, units) > 0


def _sold_singly(index: CatalogIndex, c: int) -> bool:
    """Whether an item is the piece of its family: its variant name says EA or single, or
    it is sold by a unit that is no pack (the bunch, the pouch, the bottle)."""
    name = index.items[c].variant_name
    if name is not None and any(w in SINGLE for w in lex(fold(name))):
        return True
    units = index.item_units[c]
    return bool(units) and not units & PACKS


def _named_unit(index: CatalogIndex, c: int, family: tuple[int, ...], units: frozenset[str]
                ) -> float:  # fmt: skip
    """+1/-1/0 as `_unit_fit`, for the units a mention names in its words."""
    best = 0.0
    for unit in units:
        if unit == "each" and not any("each" in index.item_units[f] for f in family):
            singly = [f for f in family if _sold_singly(index, f)]
            # only when the family has both: pieces and packs
            fit = (1.0 if c in singly else -1.0) if 0 < len(singly) < len(family) else 0.0
        else:
            fit = _unit_fit(index, c, family, unit)
        if fit > 0:
            return fit
        best = min(best, fit)
    return best


def family_fit(index: CatalogIndex, c: int, parsed: ParsedLine, asked: Attributes) -> float:
    """+1 when the line's unit, share of a pack or relative size picks this family member
    over its siblings, -1 when it picks a sibling, 0 when it says nothing about it."""
    family = index.family.get(index.items[c].product_id, ())
    if len(family) < 2:
        return 0.0
    if parsed.quantity is not None and parsed.quantity % 1 and parsed.quantity < 1:
        fit = _share_fit(index, c, family, parsed.quantity)
        if fit:
            return fit
    if "size" in asked:
        fit = _relative_fit(index, c, family, asked)
        if fit:
            return fit
    if parsed.unit:
        return _unit_fit(index, c, family, parsed.unit)
    # no unit by a number: one named in the words ("by the bunch", "single pouches")
    units = unit_words(parsed.mention)
    return _named_unit(index, c, family, units) if units else 0.0
