"""Parse one order line into quantity, unit, size and the product mention left over.

Number words become digits first (`numbers.py`, on top of `text2num`). Units and sizes
are small closed vocabularies (`units.py`): pint and quantulum3 would add a dependency
for the easy part, and neither knows "cs", "#10 can", "caja" or "50#". The same token
walk extracts sizes from catalog names, so the customer's side and the catalog's agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from matching.normalize import MAX_TEXT, fold, lex
from matching.numbers import number_words_to_digits
from matching.units import (
    CONTAINER_WORDS,
    MEASURE_QUANTITY_UNITS,
    SELLING_UNITS,
    SIZE_UNITS,
    Size,
)

MAX_QUANTITY = Decimal(10_000)
# Selling-unit words of distribution talk that `units.SELLING_UNITS` lacks (Spanish "saco",
# "bulto"), on top of it; they belong in units.py and are kept here until they move.
# ("pouch" stays a word of the name: catalogs write "1 lb Pouch".)
# fmt: off
UNIT_WORDS: dict[str, str] = {
    **dict.fromkeys(("saco", "sacos", "bulto", "bultos"), "bag"),
    **dict.fromkeys(("cajita", "cajitas"), "box"),
    **SELLING_UNITS,
}
# fmt: on
# Case words a customer writes after the product with no number of their own ("3 avocados
# cs 48ct"); "pieces" or "bags" there are more often part of the name ("tea bags").
# Unit words that also name the product's packaging: "2 bib cola" is two of the bag-in-box
# syrup, not of the canned drink, so the word stays in the mention too.
_NAMED_UNITS = frozenset({"bib", "bibs"})
_AFTER_UNITS = frozenset({"cs", "cse", "case", "cases", "caja", "cajas", "cj", "ctn", "ctns",
                          "sack", "sacks", "saco", "sacos", "bx"})


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """One order line taken apart; `quantity` counts `unit`s (None where not said)."""

    raw: str
    quantity: Decimal | None
    unit: str | None
    size: Size | None
    mention: str
    # Sizes implied by a measured quantity ("10 lb" ground beef: maybe the 10 lb chub).
    size_hints: tuple[Size, ...] = field(default=(), repr=False)


# Request words in front of the item ("can i get", "pls send", "1)"), dropped before parsing.
_LEAD = re.compile(
    r"^(?:\s*(?:(?:hi|hey|hello|hola|ok|pls|please|also|plus|and|y|add|send|need|"
    r"(?:can|could) (?:i|we|you) (?:get|have|send|add|do)|i need|we need|i want|we want|"
    r"i'?ll (?:take|have|need)|gimme|give me|quiero|necesito|mandame|me mandas|manda|ponme|"
    r"agrega|dame)\b|[-*+\u2022>:,]|\d+[.)](?=\s)))+\s*"
)
_PERCENT_WORDS = {"%", "percent", "pct", "porciento"}
# fmt: off
_SIZE_ONLY = {
    "gallon", "gallons", "gal", "galon", "quart", "quarts", "qt", "pint", "pints", "liter",
    "liters", "litre", "litro",
}
# fmt: on
# "of" and "and" in the languages read (French, Portuguese, Italian too: "3 caixas de leite")
_OF = frozenset({"of", "de", "del", "di", "da", "do", "du", "des"})
_EDGE_FILLER = {*_OF, "and", "y", "et", "-", "x"}


def _number(token: str) -> Decimal | None:
    try:
        if "/" in token:
            num, den = token.split("/")
            return Decimal(num) / Decimal(den) if 0 < int(num) < int(den) <= 16 else None
        return Decimal(token)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return None


def _is_num(token: str) -> bool:
    return token[:1].isdigit() or (token[:1] == "." and token[1:2].isdigit())


@dataclass
class _Walk:
    tokens: list[str]
    used: list[bool]
    # (position, size, is a measured quantity, selling unit of the container word after it)
    sizes: list[tuple[int, Size, bool, str | None]] = field(default_factory=list)
    quantities: list[tuple[int, int, Decimal, str | None]] = field(default_factory=list)
    bare: list[int] = field(default_factory=list)  # positions of bare-number candidates

    def take(self, *positions: int) -> None:
        for p in positions:
            self.used[p] = True

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.tokens) and not self.used[i]


def _size_unit(tokens: list[str], i: int) -> tuple[str, int] | None:
    """The size unit starting at token i ("fl oz" spans two), and the tokens it spans."""
    if i >= len(tokens):
        return None
    if tokens[i] == "fl" and i + 1 < len(tokens) and tokens[i + 1] in ("oz", "ounce", "ounces"):
        return "oz", 2
    if tokens[i] in SIZE_UNITS:
        return SIZE_UNITS[tokens[i]][0], 1
    return None


def _sizes(w: _Walk, *, query: bool) -> None:
    t = w.tokens
    for i, tok in enumerate(t):
        if not w.free(i):
            continue
        if tok == "#" and w.free(i + 1) and t[i + 1].isdigit():
            container = None
            w.take(i, i + 1)
            if w.free(i + 2) and t[i + 2] in ("can", "cans", "size"):
                w.take(i + 2)
                container = "can" if t[i + 2] != "size" else None
            w.sizes.append((i, Size(Decimal(t[i + 1]), "#"), False, container))
            continue
        if not _is_num(tok):
            continue
        if w.free(i + 1) and t[i + 1] == "#" and not (i + 2 < len(t) and t[i + 2].isdigit()):
            # "50#" is 50 lb in kitchen shorthand (but "3 #10 cans" is three cans); a pack
            # "4/10#" is four 10 lb units and a range "3-4#" is 3 to 4 lb: sizes, not orders
            w.take(i, i + 1)
            count, slash, inner = tok.partition("/")
            low, dash, high = tok.partition("-")
            try:
                if slash:
                    w.sizes.append((i, Size(Decimal(inner), "lb"), False, None))
                    if not query:
                        w.sizes.append((i, Size(Decimal(count), "ct"), False, None))
                elif dash:
                    w.sizes.append((i, Size(Decimal(low), "lb", Decimal(high)), False, None))
                else:
                    w.sizes.append((i, Size(Decimal(tok), "lb"), query, None))
            except InvalidOperation:
                pass  # "1/#" and the like: no size to read
            continue
        if w.free(i + 1) and t[i + 1] in _PERCENT_WORDS:
            continue
        amount, upper = None, None
        if "x" in tok:  # 4x1 gal: a pack of four one-gallon jugs
            count, _, inner = tok.partition("x")
            unit = _size_unit(t, i + 1)
            if unit is None:
                continue
            amount = _number(inner)
            if query and amount is not None:
                w.quantities.append((3, i, Decimal(count), None))
            elif amount is not None:  # the catalog's "24 x 12 oz cans" is also a 24 count
                w.sizes.append((i, Size(Decimal(count), "ct"), False, None))
        elif "-" in tok:
            lo, _, hi = tok.partition("-")
            amount, upper = _number(lo), _number(hi)
        else:
            amount = _number(tok)
        unit = _size_unit(t, i + 1)
        if amount is None or amount <= 0 or unit is None:
            continue
        start = i
        if "/" in tok and i and w.free(i - 1) and t[i - 1].isdigit():
            # "1 1/2 lb": a mixed number is one amount, not a count and a size
            amount, start, tok = amount + Decimal(t[i - 1]), i - 1, t[i - 1]
        name, span = unit
        end = i + 1 + span
        container = t[end] if w.free(end) and t[end] in CONTAINER_WORDS else None
        # A bare weight or volume may be what is ordered ("10 lb ground beef"); one
        # followed by its container ("5 lb bag") or written as a fraction is a size.
        measure = (
            query
            and name in MEASURE_QUANTITY_UNITS | {"dozen"}
            and "/" not in tok
            and upper is None
            and "x" not in tok
            and container is None
        )
        w.sizes.append((start, Size(amount, name, upper), measure,
                        UNIT_WORDS.get(container or "")))
        w.take(*range(start, end + (container is not None)))
        # "3 x 16 oz": the count in front of a pack size
        count = _number(t[i - 2]) if i >= 2 and t[i - 1] == "x" and w.free(i - 2) else None
        if count is not None and count >= 1:
            if query:
                w.quantities.append((3, i - 2, count, None))
            else:  # the catalog's "24 x 12 oz cans" is also a 24 count
                w.sizes.append((i - 2, Size(count, "ct"), False, None))
            w.take(i - 2, i - 1)


def _quantities(w: _Walk) -> None:
    t = w.tokens
    free_idx = [i for i in range(len(t)) if w.free(i)]
    first, last = (free_idx[0], free_idx[-1]) if free_idx else (-1, -1)
    for i in free_idx:
        tok = t[i]
        if not w.free(i):
            continue
        if tok in ("x", "qty", "cantidad", "quantity", "cant") and w.free(i + 1) \
                and _is_num(t[i + 1]):
            value = _number(t[i + 1])
            if value is not None:
                unit = UNIT_WORDS.get(t[i + 2]) if w.free(i + 2) and i + 2 < len(t) else None
                w.quantities.append((2, i, value, unit))
                w.take(i, i + 1, *([i + 2] if unit else []))
            continue
        if not _is_num(tok) or (tok.startswith("0") and not tok.startswith("0.")):
            continue
        value = _number(tok)
        if value is None or "-" in tok or "x" in tok:
            continue
        j = i + 1
        if w.free(j) and "/" in t[j] and "/" not in tok and _number(t[j]) is not None:
            value += _number(t[j]) or 0  # "1 1/2 cases"
            j += 1
        if w.free(j) and t[j] in _PERCENT_WORDS:
            continue
        if (
            w.free(j)
            and t[j] in UNIT_WORDS
            and not (t[j] == "can" and w.free(j + 1) and t[j + 1] in ("i", "you", "we"))
        ):
            w.quantities.append((1, i, value, UNIT_WORDS[t[j]]))
            w.take(*range(i, j + (t[j] not in _NAMED_UNITS)))
        elif w.free(j) and t[j] == "x" and not (w.free(j + 1) and _is_num(t[j + 1])):
            w.quantities.append((2, i, value, None))
            w.take(i, j)
        elif "/" in tok and value is not None and value < 1:
            continue  # "3/8 fries": a cut, not a quantity
        elif i in (first, last):
            w.quantities.append((3, i, value, None))
            w.bare.append(i)
            w.take(i)


def _unit_without_number(w: _Walk) -> str | None:
    free_idx = [i for i in range(len(w.tokens)) if w.free(i)]
    if not free_idx:
        return None
    i = free_idx[0]
    tok = w.tokens[i]
    nxt = w.tokens[i + 1] if i + 1 < len(w.tokens) else ""
    if (
        tok in UNIT_WORDS
        and tok != "can"
        and (
            nxt in _OF
            or (
                len(free_idx) > 1
                and tok in ("cs", "case", "cases", "caja", "cajas", "ctn", "bag", "bags")
            )
        )
    ):
        w.take(i)
        return UNIT_WORDS[tok]
    return None


def _unit_after(w: _Walk, *, last: bool = False) -> str | None:
    """A unit word standing alone after the quantity ("3 avocados cs", "onion x2 sacks"),
    or with no quantity said, ending the line ("cilantro cs": by the case)."""
    free = [i for i in range(len(w.tokens)) if w.free(i)]
    for i, tok in enumerate(w.tokens):
        if last and (len(free) < 2 or i != free[-1]):
            continue
        if w.free(i) and tok in _AFTER_UNITS:
            w.take(i)
            return UNIT_WORDS[tok]
    return None


def _size_words(w: _Walk) -> Size | None:
    """A size word on its own ("gallon whole milk", "Heavy Cream Quart") means one of it."""
    for i, tok in enumerate(w.tokens):
        if w.free(i) and tok in _SIZE_ONLY:
            w.take(i)
            return Size(Decimal(1), SIZE_UNITS[tok][0])
    return None


# "25# 2": 25 lb, then a count (the lexer would read "# 2" as a #2 can, as in "3 #10")
_POUNDS = re.compile(r"(?<![\d/.-])(\d+(?:\.\d+)?)#(?=\s+\d)")
# "150/cs", "50/bdl": how many to the pack (a size, as the catalog writes it), never an
# order of 150 cases
_PER_PACK = re.compile(r"(?<![\d/.-])(\d+)\s*/\s*(?:cs|case|bdl|bundle|bx|box|pk|pack|ctn|carton"
                       r"|slv|sleeve|rl|roll)\b")


def _walk(text: str, *, query: bool) -> _Walk:
    folded = fold(text[:MAX_TEXT]).strip()
    if query:
        folded = _LEAD.sub("", folded)
    tokens = lex(_PER_PACK.sub(r"\1 ct", _POUNDS.sub(r"\1 lb ", number_words_to_digits(folded))))
    walk = _Walk(tokens, [False] * len(tokens))
    _sizes(walk, query=query)
    return walk


def _left(walk: _Walk) -> list[str]:
    left = [t for t, used in zip(walk.tokens, walk.used, strict=True) if not used]
    while left and left[0] in _EDGE_FILLER:
        left.pop(0)
    while left and left[-1] in _EDGE_FILLER:
        left.pop()
    return left


def split_sizes(text: str) -> tuple[list[str], list[Size]]:
    """Catalog side: the tokens of a product text with its sizes taken out, and the sizes."""
    walk = _walk(text, query=False)
    sizes = [s for _, s, _, _ in walk.sizes]
    word = _size_words(walk)
    return _left(walk), [*sizes, word] if word else sizes


def parse_line(text: str) -> ParsedLine:
    """Parse one order line ("2 cs 16oz hot cups") into quantity, unit, size and mention."""
    return _parse_line(text if isinstance(text, str) else "")


@lru_cache(maxsize=4096)
def _parse_line(raw: str) -> ParsedLine:
    # Cached: reading asks about the same clause several times (ParsedLine is frozen).
    walk = _walk(raw, query=True)
    _quantities(walk)
    quantity: Decimal | None = None
    unit: str | None = None
    hints: list[Size] = []
    # "coke 24 pk 3": with another number there, a big pack count is the pack's size.
    packs = [q for q in walk.quantities if q[3] == "pack" and q[2] >= 6]
    if packs and len(walk.quantities) > len(packs):
        walk.quantities = [q for q in walk.quantities if q not in packs]
        walk.sizes.extend((q[1], Size(q[2], "ct"), False, None) for q in packs)
    # a number too big to be a quantity is an item code ("21002 turkey pepperoni 4")
    sane = [q for q in walk.quantities if q[2] <= MAX_QUANTITY]
    chosen = min(sane or walk.quantities, key=lambda q: (q[0], q[1]), default=None)
    measures = [(p, s) for p, s, m, _ in walk.sizes if m]
    if chosen is None and measures:  # "10 lb ground beef": the weight is the quantity
        pos, measure = measures[0]
        quantity, unit = measure.amount, measure.unit
        hints.append(measure)
        walk.sizes = [x for x in walk.sizes if x[0] != pos]
    elif chosen is not None:
        quantity, unit = chosen[2], chosen[3]
    for pos in walk.bare:  # "16 pizza boxes 2 bundles": the 16 is not the quantity
        if chosen is None or pos != chosen[1]:
            walk.used[pos] = False
    size = walk.sizes[0][1] if walk.sizes else None
    if unit is None:  # "3 #10 cans", "2 5 lb bags": the container is the unit
        unit = next((c for _, _, _, c in walk.sizes if c), None) if quantity else None
    if unit is None:
        unit = _unit_without_number(walk)
    if unit is None:
        unit = _unit_after(walk, last=quantity is None)
    if size is None:
        size = _size_words(walk)
    if size is not None and size.unit == "#" and size.amount <= 3 \
            and all(t == "s" for t in _left(walk)):
        _keep_unit_word(walk)  # "1 bushel #1s": the grade of the item sold by the bushel
    if quantity is not None and not (0 < quantity <= MAX_QUANTITY):
        quantity = None
    return ParsedLine(
        raw=raw,
        quantity=quantity,
        unit=unit,
        size=size,
        mention=" ".join(_join_percent(_left(walk))),
        size_hints=tuple(hints),
    )


def _keep_unit_word(walk: _Walk) -> None:
    """Put the unit word back in the mention: with only a grade left, it names the item."""
    for i, tok in enumerate(walk.tokens):
        if walk.used[i] and tok in UNIT_WORDS and UNIT_WORDS[tok] != "can":
            walk.used[i] = False
            return


def _join_percent(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        if tok in _PERCENT_WORDS and out and _is_num(out[-1]):
            out[-1] += "%"
        else:
            out.append(tok)
    return out
