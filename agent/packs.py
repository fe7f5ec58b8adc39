"""Quantities in the selling unit: "30 dozen" eggs sold by the 15-dozen case is 2 cases.

A customer often counts in another unit than the catalog sells: dozens of eggs sold by
the case, pounds of a product sold as a 40 lb case or a 50 lb sack, cans of a case of six
#10 cans, pieces of a bundle of fifty boxes, half a case. The pack written in the item's
name, variant or description (`matching.packs.pack_contents`) says how much one selling
unit holds. When the pack divides the customer's amount exactly, the line gets that many
selling units (half a case is one of the product's half-case variant, when it has one);
when it does not, the line carries a question instead of a silent guess. A product sold
by weight ("lb") keeps the customer's pounds as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from matching.catalog import CatalogItem
from matching.packs import item_units, pack_contents, share_of_product
from matching.parse import ParsedLine
from matching.units import fmt_number

# how the customer's measure counts: (dimension, amount of the dimension's base per unit);
# weights in ounces, counts in pieces
_CUSTOMER_UNITS: dict[str, tuple[str, Decimal]] = {
    "dozen": ("cnt", Decimal(12)),
    "lb": ("m", Decimal(16)),
    "kg": ("m", Decimal("35.274")),
    "gal": ("v", Decimal(128)),
}
# units that name one piece, or one container inside a case ("12 cans" of a 6/#10 case)
_PIECES = {"each": "cnt", "can": "pk", "bottle": "pk", "jar": "pk"}
# products sold by a measure: the customer's measure is already the selling quantity
_MEASURED_SELLING_UNITS = {"lb", "lbs", "pound", "kg", "oz", "gal", "dozen", "dz"}
# a bare count ("300 kraft boxes", "24 whales") is of pieces only when the pack holds at
# least this many and the count is a whole number of packs (else it counts packs)
_BARE_PIECES = 12
_EXACT = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class Conversion:
    """The selling quantity for a line, or the question to ask when the pack does not fit;
    `item` is the family member that makes the quantity whole, when not the matched one."""

    quantity: Decimal | None
    note: dict | None = None
    item: CatalogItem | None = None


def _sells_by_measure(item: CatalogItem) -> bool:
    return (item.unit or "").lower() in _MEASURED_SELLING_UNITS


def _whole(units: Decimal) -> Decimal | None:
    whole = units.to_integral_value()
    return whole if abs(units - whole) < _EXACT and whole >= 1 else None


def _share(quantity: Decimal, item: CatalogItem, family: Sequence[CatalogItem]
           ) -> Conversion | None:
    """ "half case" of a product with a half-case variant: one of the variant. The
    quantity counts the product's unit; the matched item is tried first."""
    product = next((f for f in family if not f.is_variant), None)
    if product is None:
        return None
    for member in sorted(family, key=lambda f: f.sku != item.sku):
        share = Decimal(1) if member is product else share_of_product(member, product)
        if share and (whole := _whole(quantity / share)) is not None:
            return Conversion(whole, item=None if member.sku == item.sku else member)
    return None


def _fraction(quantity: Decimal) -> str:
    return {Decimal("0.5"): "1/2", Decimal("0.25"): "1/4", Decimal("0.75"): "3/4"}.get(
        quantity.normalize(), fmt_number(quantity))


def _ask(quantity: Decimal, said: str, inside: Decimal, base: Decimal, item: CatalogItem,
         unit: str) -> Conversion:
    """Not a whole number of packs: propose the nearest that covers it, and ask."""
    proposed = Decimal(max(1, math.ceil(quantity * base / inside)))
    return Conversion(proposed, {"asked": f"{fmt_number(quantity)} {said}",
                                 "per_unit": _fmt(inside / base), "unit": said,
                                 "selling_unit": item.unit or "unit"})


def selling_quantity(parsed: ParsedLine | None, item: CatalogItem | None,
                     family: Sequence[CatalogItem] = ()) -> Conversion:
    """The line's quantity in `item`'s selling unit, converted only where the pack says how.

    `family` is the product and its variants (the matched item among them): half of the
    product's pack may be exactly one of a variant's.
    """
    quantity = parsed.quantity if parsed else None
    if parsed is None or item is None or quantity is None:
        return Conversion(quantity)
    unit = parsed.unit
    measure = _CUSTOMER_UNITS.get(unit or "")
    piece = _PIECES.get(unit or "") if unit not in item_units(item) else None
    if quantity % 1 and measure is None and piece is None:
        # a share of a pack: whole only in a variant holding that share
        shared = _share(quantity, item, family)
        if shared is not None:
            return shared
        if _sells_by_measure(item):
            return Conversion(quantity)
        said = unit or item.unit or "unit"
        return Conversion(quantity, {"kind": "fraction", "asked": f"{_fraction(quantity)} "
                                     f"{said}", "selling_unit": item.unit or "unit"})
    # sold by the dozen, a bare count may still be of pieces ("24 whales": two dozen)
    if _sells_by_measure(item) and (unit is not None or "dozen" not in item_units(item)):
        return Conversion(quantity)
    contents = pack_contents(item)
    if measure is not None:
        dim, base = measure
        inside = contents.get(dim)
        if not inside:
            return Conversion(quantity)  # nothing to convert with: as the customer said it
        whole = _whole(quantity * base / inside)
        return Conversion(whole) if whole is not None else \
            _ask(quantity, unit or "", inside, base, item, unit or "")
    if piece is not None:
        inside = contents.get(piece) or contents.get("cnt" if piece == "pk" else "pk")
        if not inside or inside == 1:
            return Conversion(quantity)
        whole = _whole(quantity / inside)
        said = "pieces" if unit == "each" else f"{unit}s"
        return Conversion(whole) if whole is not None else \
            _ask(quantity, said, inside, Decimal(1), item, said)
    inside = contents.get("cnt")
    if unit is None and inside and inside >= _BARE_PIECES and quantity >= inside:
        whole = _whole(quantity / inside)
        if whole is not None:
            return Conversion(whole)
    return Conversion(quantity)


def _fmt(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return text
