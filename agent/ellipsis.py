"""Lines that leave their product unsaid and name only what differs from an earlier line.

"5 cajas de Jarritos de tamarindo, 5 de piña", "3 de la de 14", "2 cs of the white": the
head noun is elided (nominal ellipsis: "la de", "of the", a bare "de" after a count), so
the line means an earlier line's product with this modifier. The grammar says when a line
has that shape; the catalog says which earlier line it borrows from: each candidate (the
lines before it in the message, the session's newest lines, the product last asked about)
is rewritten with the modifier, and the one the matcher is surest of wins, if it beats
the line read as it stands and the matcher would take it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from matching.resolve import MatchResult
from reading.references import unit_named
from reading.text import QTY_UNITS

Match = Callable[[str], Awaitable[MatchResult]]
MAX_MODIFIER_WORDS = 3
RECENT_LINES = 4
_NUM = r"(?:\d+(?:[.,]\d+)?|\d+/\d+)"
# "3 de la de 14", "2 cajas de la de 10", "2 cs of the white", "5 de piña": a count, an
# optional unit, then an article-led "of the"/"la de" or a bare "de" with no unit before it
_ARTICLE_LED = re.compile(
    rf"^(?P<head>{_NUM}\s*(?:(?!(?:de|of|la|el)\b)[^\W\d_]+\s+)?)"
    r"(?:of the|de la|de las|de los|del|de lo|la de|el de|los de|las de)\s+(?:de\s+)?"
    r"(?P<mod>.+)$", re.I)
_BARE_DE = re.compile(rf"^(?P<head>{_NUM})\s+de\s+(?P<mod>.+)$", re.I)


def elided(line: str) -> tuple[str, str] | None:
    """(the count as written, the modifier) when the line's product is left unsaid."""
    m = _ARTICLE_LED.match(line.strip()) or _BARE_DE.match(line.strip())
    if not m:
        return None
    modifier = m["mod"].strip(" .,")
    if not modifier or len(modifier.split()) > MAX_MODIFIER_WORDS:
        return None
    return m["head"].strip(), modifier


# "2 cs red" after asking about the green and the red curry paste: a count, maybe a
# unit, then one or two words the catalog cannot place alone
_BARE_MODIFIER = re.compile(rf"^(?P<head>{_NUM}\s*(?:{QTY_UNITS}\s+)?)(?P<mod>[^\W\d_]+"
                            r"(?:\s+[^\W\d_]+)?)$", re.I)


def _bare_modifier(line: str) -> tuple[str, str] | None:
    """(the count as written, the modifier) for a short line the matcher is unsure of: it
    may name only what differs from an earlier line, like an elided one; the catalog
    decides, as for those (the rewrite must read surely and better)."""
    m = _BARE_MODIFIER.match(line.strip())
    return (m["head"].strip(), m["mod"].strip()) if m else None


def _body(template: str) -> str:
    """An earlier line without its count and unit: "5 cajas de Jarritos de tamarindo" ->
    "Jarritos de tamarindo"."""
    m = re.match(rf"^{_NUM}\s*(?:(?:[^\W\d_]+)\s+(?:de\s+|of\s+)?)?", template)
    rest = template[m.end():] if m and m.end() else template
    return re.sub(r"^(?:de|of|the|la|el|los|las)\s+", "", rest.strip(), flags=re.I)


def rewrites(modifier: str, template: str) -> list[str]:
    """Ways the modifier may stand in an earlier line's product: in place of its last or
    first word, in place of its last number, or added to it. The matcher chooses."""
    body = _body(template)
    words = body.split()
    out = []
    if len(words) > 1:
        out.append(" ".join([*words[:-1], modifier]))  # "Jarritos de tamarindo" -> piña
        out.append(" ".join([modifier, *words[1:]]))  # "plain bagels" -> everything
    if re.fullmatch(_NUM, modifier.split()[0]):
        numbers = [i for i, w in enumerate(words) if re.fullmatch(rf"{_NUM}\w*", w)]
        if numbers:
            i = numbers[-1]
            out.append(" ".join([*words[:i], modifier, *words[i + 1:]]))
    out.append(f"{body} {modifier}")
    return list(dict.fromkeys(o for o in out if o.strip()))


async def complete(line: str, templates: list[str], match: Match, plain: MatchResult,
                   threshold: float) -> tuple[str, MatchResult]:
    """The line with its elided product filled in from the template the catalog reads best;
    the line as it stands when none reads better and surely enough."""
    shape = elided(line) or (_bare_modifier(line) if plain.confidence < threshold else None)
    if shape is None or not templates:
        return line, plain
    head, modifier = shape
    number = re.match(_NUM, modifier)
    best = (line, plain)
    for template in dict.fromkeys(templates):
        for body in rewrites(modifier, template):
            candidate = f"{head} {body}"
            result = await match(candidate)
            if result.item is None or result.confidence < threshold \
                    or result.confidence <= best[1].confidence:
                continue
            # a number said is the size that tells the products apart ("la de 10"): the
            # product chosen must carry it as a size (not in "8/10CT" or "#10")
            if number and not re.search(rf"(?<![\d./#]){re.escape(number[0])}(?![\d])",
                                        result.item.name):
                continue
            best = (candidate, result)
    return best


# below this the matcher's reading of "the earlier product, in this unit" is no evidence
FORM_FLOOR = 0.3


async def by_unit(line: str, earlier: list[tuple[str, str, str]], match: Match,
                  plain: MatchResult, threshold: float) -> tuple[str, MatchResult]:
    """ "1 cs dry yeast + 6 loose packets": a line naming only a count and a unit means an
    earlier line's product in that unit, which is another sellable form of it. `earlier`
    holds (line text, product id, sku) of the lines read before, newest first. The line
    stays as it stands unless the matcher surely reads another form of that product."""
    shape = unit_named(line)
    if shape is None or (plain.item is not None and plain.confidence >= threshold):
        return line, plain
    head, unit = shape
    for template, product_id, sku in earlier:
        body = _body(template)
        best: tuple[str, MatchResult] | None = None
        for candidate in (f"{head} {body} {unit}", f"{head} {unit} {body}"):
            result = await match(candidate)
            # another form of the same product, never the very line it points at; the
            # earlier line is the evidence, so a weaker reading is shown (to be checked)
            if result.item is not None and result.confidence >= FORM_FLOOR \
                    and result.item.product_id == product_id and result.item.sku != sku \
                    and (best is None or result.confidence > best[1].confidence):
                best = (candidate, result)
        if best is not None:
            return best
    return line, plain
