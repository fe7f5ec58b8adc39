"""Quantities in the selling unit: "30 dozen" eggs sold by the 15-dozen case is 2 cases.

A customer often counts in another unit than the catalog sells: dozens of eggs sold by
the case, pounds of a product sold as a 40 lb case or a 50 lb sack. The pack written in
the item's name, variant or description ("15 DZ", "40 LB", "4/10#", "10/90CT") says how
much one selling unit holds. When the pack divides the customer's amount exactly, the line
gets that many selling units; when it does not, the line carries a question instead of a
silent guess. A product sold by weight ("lb") keeps the customer's pounds as they are.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from matching.catalog import CatalogItem
from matching.parse import ParsedLine

# how the customer's unit measures: (dimension, amount of the dimension's base per unit);
# weights in ounces, counts in pieces
_CUSTOMER_UNITS: dict[str, tuple[str, Decimal]] = {
    "dozen": ("cnt", Decimal(12)),
    "lb": ("m", Decimal(16)),
    "kg": ("m", Decimal("35.274")),
    "gal": ("v", Decimal(128)),
}
# the pack's unit words, same dimensions and bases
_PACK_UNITS: dict[str, tuple[str, Decimal]] = {
    **dict.fromkeys(("dz", "doz", "dozen"), ("cnt", Decimal(12))),
    **dict.fromkeys(("ct", "count"), ("cnt", Decimal(1))),
    **dict.fromkeys(("lb", "lbs", "#"), ("m", Decimal(16))),
    **dict.fromkeys(("oz",), ("m", Decimal(1))),
    **dict.fromkeys(("kg",), ("m", Decimal("35.274"))),
    **dict.fromkeys(("gal", "gallon"), ("v", Decimal(128))),
}
# products sold by a measure: the customer's measure is already the selling quantity
_MEASURED_SELLING_UNITS = {"lb", "lbs", "pound", "kg", "oz", "gal", "dozen", "dz"}
_UNIT = r"(dz|doz|dozen|ct|count|lbs|lb|#|oz|kg|gallon|gal)"
# "4/10#", "12/32 OZ", "10/90CT": packs of inner units; "15 DZ", "40 LB": one amount;
# a range ("3-4#") or a catch weight ("~40 LB") is no exact pack and is not read
_MULTI = re.compile(rf"(?<![\d.~/-])(\d+)\s*[/x]\s*(\d+(?:\.\d+)?)\s*{_UNIT}(?![a-z])", re.I)
_SINGLE = re.compile(rf"(?<![\d.~/-])(\d+(?:\.\d+)?)\s*{_UNIT}(?![a-z])", re.I)


@dataclass(frozen=True, slots=True)
class Conversion:
    """The selling quantity for a line, or the question to ask when the pack does not fit."""

    quantity: Decimal | None
    note: dict | None = None


def pack_contents(item: CatalogItem) -> dict[str, Decimal]:
    """What one selling unit of `item` holds, per dimension (cnt pieces, m oz, v fl oz).

    A pack of inner units ("12/32 OZ", "4 x 1 gal") says it best, wherever it is written;
    else a single amount ("15 DZ", "50 LB"). The variant's own words come first: the
    product's may describe another size.
    """
    texts = [t for t in (item.variant_name, item.name, item.description) if t]
    for text in texts:
        found = {}
        for m in _MULTI.finditer(text):
            dim, base = _PACK_UNITS[m[3].lower()]
            found.setdefault(dim, Decimal(m[1]) * Decimal(m[2]) * base)
        if found:
            return found
    for text in texts:
        found = {}
        for m in _SINGLE.finditer(text):
            dim, base = _PACK_UNITS[m[2].lower()]
            found.setdefault(dim, Decimal(m[1]) * base)
        if found:
            return found
    return {}


def _sells_by_measure(item: CatalogItem) -> bool:
    return (item.unit or "").lower() in _MEASURED_SELLING_UNITS


def _share_of_parent(quantity: Decimal, item: CatalogItem, parent: CatalogItem | None
                     ) -> Decimal | None:
    """ "medio saco" that chose the 25 lb variant of a 50 lb sack: one of the variant."""
    if parent is None or quantity == quantity.to_integral_value():
        return None
    mine, theirs = pack_contents(item), pack_contents(parent)
    for dim, inside in mine.items():
        if theirs.get(dim) and inside:
            units = quantity * theirs[dim] / inside
            whole = units.to_integral_value()
            if abs(units - whole) < Decimal("0.01") and whole >= 1:
                return whole
    return None


def selling_quantity(parsed: ParsedLine | None, item: CatalogItem | None,
                     parent: CatalogItem | None = None) -> Conversion:
    """The line's quantity in `item`'s selling unit, converted only where the pack says how.

    `parent` is the product when `item` is one of its variants: half of the product's
    pack may be exactly one of the variant's.
    """
    quantity = parsed.quantity if parsed else None
    if item is not None and quantity is not None:
        share = _share_of_parent(quantity, item, parent)
        if share is not None:
            return Conversion(share)
    if parsed is None or item is None or quantity is None or parsed.unit is None:
        return Conversion(quantity)
    measure = _CUSTOMER_UNITS.get(parsed.unit)
    if measure is None or _sells_by_measure(item):
        return Conversion(quantity)
    dim, base = measure
    inside = pack_contents(item).get(dim)
    if not inside:
        return Conversion(quantity)  # nothing to convert with: as the customer said it
    units = quantity * base / inside
    whole = units.to_integral_value()
    if abs(units - whole) < Decimal("0.001") and whole >= 1:
        return Conversion(whole)
    # not a whole number of packs: propose the nearest that covers it, and ask
    proposed = Decimal(max(1, math.ceil(units)))
    return Conversion(proposed, {"asked": f"{_fmt(quantity)} {parsed.unit}",
                                 "per_unit": _fmt(inside / base), "unit": parsed.unit,
                                 "selling_unit": item.unit or "unit"})


def _fmt(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return text
