"""Units and sizes: the words customers use for them, and sizes that can be compared.

Selling units ("2 cs") count what is ordered; sizes ("16 oz", "1/2 gal", "#10 can") tell
near-duplicate products apart. Weights and volumes share one scale in ounces, as
customers do ("64 oz" milk is the half gallon), so 16.9 oz water equals 500 ml.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Written form -> canonical selling unit. Spanish, French, Portuguese and Italian forms
# included; "caja" is a case in distribution talk, as is "ctn".
# fmt: off
SELLING_UNITS: dict[str, str] = {
    **dict.fromkeys((
        "case", "cases", "cs", "css", "cse", "ctn", "ctns", "carton", "cartons", "caja", "cajas",
        "cj", "cjs",
        # French, Portuguese, Italian
        "caisse", "caisses", "caixa", "caixas", "cartone", "cartoni", "cassa", "casse",
    ), "case"),
    **dict.fromkeys((
        "box", "boxes", "bx", "bxs", "caja chica", "boite", "boites", "scatola", "scatole",
    ), "box"),
    **dict.fromkeys((
        "bag", "bags", "bg", "bgs", "sack", "sacks", "saco", "sacos", "bolsa", "bolsas", "costal",
        "costales", "sac", "sacs", "sacco", "sacchi",
    ), "bag"),
    **dict.fromkeys((
        "each", "ea", "eaches", "pc", "pcs", "piece", "pieces", "unit", "units", "unidad",
        "unidades", "pieza", "piezas", "ud", "uds", "unidade", "pezzo", "pezzi",
    ), "each"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds", "libra", "libras", "lbr"), "lb"),
    **dict.fromkeys((
        "kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramo", "kilogramos",
    ), "kg"),
    **dict.fromkeys(("gal", "gals", "gallon", "gallons", "galon", "galones"), "gal"),
    **dict.fromkeys((
        "dozen", "dozens", "dz", "doz", "docena", "docenas", "douzaine", "douzaines", "duzia",
        "duzias", "dozzina", "dozzine",
    ), "dozen"),
    **dict.fromkeys((
        "pack", "packs", "pk", "pks", "pkg", "pkgs", "package", "packages", "paquete", "paquetes",
        "paq", "paquet", "paquets", "pacote", "pacotes", "pacco", "pacchi", "confezione",
        "confezioni", "fardo", "fardos",
    ), "pack"),
    **dict.fromkeys((
        "bottle", "bottles", "btl", "btls", "botella", "botellas", "bouteille", "bouteilles",
        "garrafa", "garrafas", "bottiglia", "bottiglie",
    ), "bottle"),
    **dict.fromkeys((
        "can", "cans", "lata", "latas", "lattina", "lattine", "canette", "canettes",
    ), "can"),
    **dict.fromkeys(("jar", "jars", "frasco", "frascos", "barattolo", "barattoli"), "jar"),
    **dict.fromkeys(("sleeve", "sleeves", "slv", "slvs"), "sleeve"),
    **dict.fromkeys(("tub", "tubs", "bote", "botes"), "tub"),
    **dict.fromkeys(("pouch", "pouches"), "pouch"),
    **dict.fromkeys(("jug", "jugs"), "jug"),
    # a jug-in-box or bag-in-box of oil, syrup, liquid egg: sold one by one
    **dict.fromkeys(("jib", "jibs", "bib", "bibs"), "each"),
    **dict.fromkeys(("bundle", "bundles", "bdl", "bdls"), "bundle"),
    **dict.fromkeys((
        "roll", "rolls", "rollo", "rollos", "rouleau", "rouleaux", "rotolo", "rotoli", "rolo",
        "rolos",
    ), "roll"),
    **dict.fromkeys(("bunch", "bunches", "bnch", "bn", "manojo", "manojos"), "bunch"),
    **dict.fromkeys(("tray", "trays", "charola", "charolas"), "tray"),
    **dict.fromkeys(("pail", "pails", "bucket", "buckets", "cubeta", "cubetas"), "pail"),
    **dict.fromkeys(("loaf", "loaves"), "loaf"),
    **dict.fromkeys(("block", "blocks", "bloque", "bloques"), "block"),
    **dict.fromkeys(("head", "heads"), "head"),
    **dict.fromkeys(("flat", "flats"), "flat"),
    # produce and seafood shipping units
    **dict.fromkeys(("bushel", "bushels", "bu"), "bushel"),
    **dict.fromkeys(("peck", "pecks"), "peck"),
    **dict.fromkeys(("lug", "lugs"), "lug"),
    **dict.fromkeys(("crate", "crates"), "crate"),
}
# fmt: on

# Written form -> (canonical unit, factor to the dimension's base, dimension).
# Dimension "m" is weight-or-volume in ounces; "len" inches; "cnt" a count; "can" a can size.
# fmt: off
SIZE_UNITS: dict[str, tuple[str, Decimal, str]] = {
    **dict.fromkeys(("oz", "ozs", "ounce", "ounces", "onza", "onzas", "floz"),
                    ("oz", Decimal(1), "m")),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds", "libra", "libras"), ("lb", Decimal(16), "m")),
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos"), ("kg", Decimal("35.274"), "m")),
    **dict.fromkeys(("g", "gr", "gram", "grams", "gramos"), ("g", Decimal("0.035274"), "m")),
    **dict.fromkeys(("gal", "gals", "gallon", "gallons", "galon", "galones"),
                    ("gal", Decimal(128), "m")),
    **dict.fromkeys(("qt", "qts", "quart", "quarts"), ("qt", Decimal(32), "m")),
    **dict.fromkeys(("pt", "pint", "pints"), ("pt", Decimal(16), "m")),
    **dict.fromkeys(("l", "lt", "ltr", "liter", "liters", "litre", "litres", "litro", "litros"),
                    ("l", Decimal("33.814"), "m")),
    **dict.fromkeys(("ml", "mls", "milliliter", "milliliters"), ("ml", Decimal("0.033814"), "m")),
    **dict.fromkeys(("in", "inch", "inches", '"', "pulgada", "pulgadas"),
                    ("in", Decimal(1), "len")),
    **dict.fromkeys(("ft", "feet", "foot"), ("ft", Decimal(12), "len")),
    **dict.fromkeys(("ct", "count", "cnt"), ("ct", Decimal(1), "cnt")),
    **dict.fromkeys(("dozen", "dz", "doz"), ("dozen", Decimal(12), "cnt")),
}
# fmt: on

# Measures a customer may order by (then they are a quantity, not a size).
MEASURE_QUANTITY_UNITS = {"lb", "kg", "gal"}
# Container words that follow a size and belong to it ("5 lb bag", "12 oz can").
CONTAINER_WORDS = frozenset(
    {
        "can",
        "cans",
        "bottle",
        "bottles",
        "jug",
        "jugs",
        "tub",
        "tubs",
        "bag",
        "bags",
        "box",
        "boxes",
        "loaf",
        "loaves",
        "carton",
        "cartons",
        "pouch",
        "pouches",
        "jar",
        "jars",
        "tin",
        "tins",
        "pail",
        "block",
        "glass",
    }
)


Amount = Decimal | tuple[Decimal, Decimal]


def loose_number(word: str) -> Amount | None:
    """A bare number ("12") or range ("12/20", written "12-20") that may name a size."""
    if word.replace(".", "", 1).isdigit():
        return Decimal(word)
    low, _, high = word.partition("/")
    if low.isdigit() and high.isdigit() and int(low) < int(high):
        return Decimal(low), Decimal(high)
    return None


def size_amounts(sizes: tuple[Size, ...], *, counts: bool = True) -> frozenset[Amount]:
    """The numbers a customer may say for an item's sizes: amounts and ranges. With
    counts=False a count ("12/12CT", "115CT") is left out when the item has another size."""
    other = not counts and any(s.dimension != "cnt" for s in sizes)
    out: set[Amount] = set()
    for s in sizes:
        if other and s.dimension == "cnt":
            continue
        out.add(s.amount if s.upper is None else (s.amount, s.upper))
    return frozenset(out) if out else _NO_AMOUNTS


_NO_AMOUNTS: frozenset[Amount] = frozenset()


def fmt_number(value: Decimal) -> str:
    """A decimal as people write it: 2, 0.5, 16.9 (no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True, slots=True)
class Size:
    """A product size: amount and unit, or a range ("fits 12-20 oz"), or a #10 can."""

    amount: Decimal
    unit: str
    upper: Decimal | None = None

    @property
    def dimension(self) -> str:
        """What the size measures: m (weight or volume), len, cnt or can."""
        return "can" if self.unit == "#" else SIZE_UNITS[self.unit][2]

    def base(self) -> tuple[Decimal, Decimal]:
        """The size (or range) in its dimension's base unit."""
        factor = Decimal(1) if self.unit == "#" else SIZE_UNITS[self.unit][1]
        return self.amount * factor, (self.upper or self.amount) * factor

    def matches(self, other: Size) -> bool:
        """Whether two sizes can be the same thing (3% slack, ranges inclusive)."""
        if self.dimension != other.dimension:
            return False
        lo1, hi1 = self.base()
        lo2, hi2 = other.base()
        slack = max(hi1, hi2) * Decimal("0.03")
        return lo1 <= hi2 + slack and lo2 <= hi1 + slack

    def __str__(self) -> str:
        if self.unit == "#":
            return f"#{fmt_number(self.amount)} can"
        amount = fmt_number(self.amount)
        if self.amount == Decimal("0.5"):
            amount = "1/2"
        if self.upper is not None:
            amount = f"{amount}-{fmt_number(self.upper)}"
        return f"{amount} {self.unit}"
