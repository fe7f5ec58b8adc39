"""Sellable catalog items as the matcher sees them: one per product and one per variant.

The database layer builds `CatalogItem`s with real UUIDs; `items_from_file` builds them
straight from a distributor file (ids are the skus there), for the CLI, tests and benches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from core.distributor_file import DistributorFile, ProductSpec, VariantSpec
from matching.attributes import swap_attribute


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """One sellable thing: a product, or one of its variants."""

    product_id: str
    variant_id: str | None
    sku: str
    name: str
    brand: str | None = None
    category: str | None = None
    unit: str = "each"
    unit_price: Decimal | None = None
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()
    variant_name: str | None = None
    variant_type: str | None = None
    in_stock: bool = True
    description: str | None = None
    # the most one order line may ask for without a person checking (None: the default)
    max_quantity: int | None = None

    @property
    def is_variant(self) -> bool:
        """Whether this item is a variant of a product rather than the product itself."""
        return self.variant_id is not None


# A size written in a product or variant name, with the container word that goes with it,
# so "Coca-Cola 12 oz Can" + "20 oz Bottle" reads "Coca-Cola 20 oz Bottle".
_MEASURE = re.compile(
    r"(?:(?<![\w/])(?:\d+\s*/\s*)?\d+(?:\.\d+)?(?:\s*x\s*\d+(?:\.\d+)?)?\s*(?:fl\s*)?"
    r"(?:(?:oz|lb|lbs|gal|gallon|liter|litre|l|ml|qt|quart|kg|g|in|inch|dozen|ct)\b|#(?!\d))"
    r"|\bhalf\s+gal(?:lon)?\b|\b(?:gallon|quart|pint|qt)\b)"
    r"(?:\s+(?:can|bottle|glass bottle|jug|tub|bag|box|loaf|carton|pouch))?",
    re.IGNORECASE,
)
# 16/20 shrimp, 80/20 beef, U10 scallops, #1 / #2 grade produce and crabs
_GRADE = re.compile(r"\b(?:\d+/\d+|u/?\d+)\b|(?<!\w)#\d+\b", re.IGNORECASE)
_SIZE_WORD = re.compile(r"\b(?:x-large|extra large|small|medium|large)\b", re.IGNORECASE)
_DIMENSIONS = re.compile(r"\b\d+(?:\.\d+)?x\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)?\b", re.IGNORECASE)
_COMPARTMENTS = re.compile(r"\b\d\s*-?\s*(?:cmp|cmpt|comp|compartment)s?\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


def variant_display_name(product_name: str, variant_name: str) -> str:
    """The variant's name: the product's size, colour, flavour... replaced by the variant's
    ("Butter Unsalted 4/1 lb" + "Salted" -> "Butter Salted 4/1 lb"), else appended."""
    swapped = swap_attribute(product_name, variant_name)
    if swapped is not None:
        product_name, variant_name = swapped
        have = {w.lower() for w in _WORD.findall(product_name)}
        if all(w.lower() in have for w in _WORD.findall(variant_name)):
            return product_name  # "YELLOW 10/1KG": the pack is the product's too
    # a count grade first: "16/20 5#" of "SHRIMP 21/25 5#" is another grade, same pack
    grade = _grade(variant_name)
    if grade and _grade(product_name):
        return _swap_value(product_name, variant_name, _GRADE, grade)
    measured = _swap_measures(product_name, variant_name)
    if measured is not None:
        return measured
    for pattern in (_SIZE_WORD, _DIMENSIONS, _COMPARTMENTS):
        mine = pattern.search(variant_name)
        if mine and pattern.search(product_name):
            return _swap_value(product_name, variant_name, pattern, mine)
    return f"{product_name} {variant_name}"


def _grade(name: str) -> re.Match[str] | None:
    """A count grade of a name that is not part of a pack ("24/12.5OZ" is 24 of 12.5 oz)."""
    grade = _GRADE.search(name)
    if grade is None or any(m.start() <= grade.start() < m.end() for m in _MEASURE.finditer(name)):
        return None
    return grade


def _swap_value(product_name: str, variant_name: str, pattern: re.Pattern[str],
                mine: re.Match[str]) -> str:
    """The variant's value in place of the product's; the variant's other words are added
    unless the product's name has them all ("#1 MALE BU" + "#2 MALE BU" -> "#2 MALE BU")."""
    name = pattern.sub(lambda _m: mine.group(0), product_name, count=1)
    rest = f"{variant_name[: mine.start()]} {variant_name[mine.end() :]}".strip()
    have = {w.lower() for w in _WORD.findall(name)}
    if all(w.lower() in have for w in _WORD.findall(rest)):
        return name
    return f"{name} {' '.join(rest.split())}"


def _swap_measures(product_name: str, variant_name: str) -> str | None:
    """Each size of the variant in place of the product's size of the same kind
    ("LIME PERSIAN 200CT 40 LB" + "10 LB BAG" -> "LIME PERSIAN 200CT 10 LB BAG")."""
    theirs, mine = list(_MEASURE.finditer(product_name)), list(_MEASURE.finditer(variant_name))
    if not theirs or not mine:
        return None
    spots: list[tuple[int, int, str]] = []
    left = variant_name
    for m in mine:
        kind = _measure_kind(m.group(0))
        free = [t for t in theirs if all(t.start() != s for s, _, _ in spots)]
        spot = next((t for t in free if _measure_kind(t.group(0)) == kind), None)
        if spot is None and len(mine) == 1:
            spot = free[0]
        if spot is not None:
            spots.append((spot.start(), spot.end(), m.group(0)))
            left = left.replace(m.group(0), " ", 1)
    if not spots:
        return None
    name = product_name
    for start, end, text in sorted(spots, reverse=True):
        name = f"{name[:start]}{text}{name[end:]}"
    left = " ".join(left.split())
    return f"{name} {left}" if left else name


_KINDS = (("lb", "oz", "kg", "g"), ("gal", "qt", "pint", "quart", "l", "ml", "liter", "litre"),
          ("in", "inch"), ("ct", "dozen"))  # fmt: skip


def _measure_kind(text: str) -> int:
    """Which kind of measure a matched size is (weight, volume, length, count), -1 if none."""
    if text.rstrip().endswith("#"):  # "50#": pounds in kitchen shorthand
        return 0
    words = [w.lower() for w in _WORD.findall(text) if not w[0].isdigit()]
    for kind, units in enumerate(_KINDS):
        if any(w.rstrip("s") in units or w in units for w in words):
            return kind
    return -1


def _product_item(product: ProductSpec) -> CatalogItem:
    return CatalogItem(
        product_id=product.sku,
        variant_id=None,
        sku=product.sku,
        name=product.name,
        brand=product.brand,
        category=product.category,
        unit=product.unit,
        unit_price=product.unit_price,
        aliases=tuple(product.aliases),
        keywords=tuple(product.keywords),
        misspellings=tuple(product.common_misspellings),
        in_stock=product.in_stock,
        description=product.description,
    )


def _variant_item(product: ProductSpec, variant: VariantSpec) -> CatalogItem:
    # A variant is still the product ("whole milk" names the half gallon too), so it keeps
    # the product's aliases; its own aliases name it alone.
    return CatalogItem(
        product_id=product.sku,
        variant_id=variant.sku,
        sku=variant.sku,
        name=variant_display_name(product.name, variant.variant_name),
        brand=product.brand,
        category=product.category,
        unit=product.unit,
        unit_price=variant.unit_price if variant.unit_price is not None else product.unit_price,
        aliases=(*variant.ai_aliases, *product.aliases),
        keywords=tuple(product.keywords),
        misspellings=tuple(product.common_misspellings),
        variant_name=variant.variant_name,
        variant_type=variant.variant_type,
        in_stock=product.in_stock and variant.active,
        description=product.description,
    )


def items_from_file(file: DistributorFile) -> list[CatalogItem]:
    """Every sellable item of a distributor file (active products and variants)."""
    items: list[CatalogItem] = []
    for product in file.products:
        if not product.active:
            continue
        items.append(_product_item(product))
        items.extend(_variant_item(product, v) for v in product.variants if v.active)
    return items
