"""Let the catalog decide between readings of a run-on line.

`LineScore` is supplied by the caller (the agent passes the matcher's confidence for one
line); without one, the shape rules of `reading.text.split_run_on` stand alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import pairwise

from matching.parse import parse_line
from reading.lexicon import fold
from reading.text import _is_qty, _is_word, is_size_letter, unglue

# How well one candidate order line names one catalog product, 0..1.
LineScore = Callable[[str], float]
# The name of the catalog product a candidate line reads as (None: none).
LineName = Callable[[str], str | None]

# A segment must earn its place: two lines beat one only when both read better.
_SEGMENT_COST = 0.3
_MAX_CUTS = 7  # candidate cut points considered; run-ons longer than that keep the shape split
_MAX_TOKENS = 40
# Words after a number that make it the count in a pack ("160 slice"), not an order's.
_PACK_COUNTS = frozenset({"slice", "slices", "sli", "slc", "ct", "count", "ply"})


def _cuts(toks: list[str]) -> list[int]:
    """Token positions where a new line may start: a count after a product word."""
    cuts = []
    seen_word = False
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if i and seen_word and _is_qty(tok, words=True) \
                and toks[i - 1].lower() not in {"x", "of", "de", "by", "#", "-"} \
                and nxt.lower() not in _PACK_COUNTS:
            # "swiss 120 slice", "avocados 48 ct": a pack count, not a new line
            cuts.append(i)
        seen_word = seen_word or _is_word(tok) or is_size_letter(toks, i)
    return cuts


def best_split(clause: str, line_score: LineScore) -> list[str] | None:
    """The split of a quantity-led run-on whose lines the catalog reads best, or None."""
    toks = unglue(clause).split()
    if len(toks) > _MAX_TOKENS or not toks or not _is_qty(toks[0], words=True):
        return None
    cuts = _cuts(toks)
    if not cuts or len(cuts) > _MAX_CUTS:
        return None
    bounds = [0, *cuts, len(toks)]

    @cache
    def score(a: int, b: int) -> float:
        seg = toks[bounds[a] : bounds[b]]
        if not any(_is_word(t) or is_size_letter(seg, n) for n, t in enumerate(seg)):
            return float("-inf")  # "2 cs" alone names nothing
        return line_score(" ".join(seg)) - _SEGMENT_COST

    # best[j]: the best total for the tokens before bounds[j], with the cut list behind it
    best: list[tuple[float, list[int]]] = [(0.0, [])]
    for j in range(1, len(bounds)):
        best.append(max(((best[i][0] + score(i, j), [*best[i][1], i]) for i in range(j)),
                        key=lambda x: x[0]))
    total, starts = best[-1]
    if total == float("-inf"):
        return None
    edges = [bounds[i] for i in starts] + [len(toks)]
    return [" ".join(toks[a:b]) for a, b in pairwise(edges)]


_JOINED = r"\s*(?:,\s*)?(?:and|y|&|n|plus|\+)\s+"


def _words_of(text: str) -> set[str]:
    return {fold(w) for w in re.findall(r"[^\W\d_]{3,}", text)}


def rejoin(clauses: list[str], sentence: str, line_score: LineScore,
           line_name: LineName | None = None) -> list[str]:
    """Undo an "a and b" split when the catalog reads "a and b" as one product better, or
    when "b" (no count of its own) only repeats words of the product "a" already names and
    "a and b" reads as that same product ("sal y pimienta")."""
    out: list[str] = []
    for clause in clauses:
        if out and not re.match(r"\d", clause):
            m = re.search(re.escape(out[-1]) + f"({_JOINED})" + re.escape(clause), sentence,
                          re.I)
            if m:
                whole = m[0]
                if line_score(whole) > max(line_score(out[-1]), line_score(clause)) + 0.05 \
                        or _one_name(out[-1], clause, whole, line_name):
                    out[-1] = whole
                    continue
        out.append(clause)
    return out


def _one_name(left: str, right: str, whole: str, line_name: LineName | None) -> bool:
    """ "b" adds no word to the name of the product "a" reads as, and "a and b" reads as it."""
    if line_name is None or parse_line(right).quantity is not None:
        return False
    name = line_name(left)
    words = _words_of(right)
    return bool(name and words) and words <= _words_of(name) and line_name(whole) == name


_CARRY_GAIN = 0.15
_CARRY_FLOOR = 0.5  # and the borrowed reading must be one the catalog is fairly sure of
_LABEL_SLACK = 0.05


def carry_label(lines: list[str], line_score: LineScore) -> list[str]:
    """ "torani vanilla x6, hazelnut x4": a bare flavour takes the brand of the line before;
    "oat milk 3cs, almond 1": a bare kind takes the product word.

    A short line (one or two words after its count) is tried with the first or the last
    word of the previous line's product; the catalog keeps it only when it reads clearly better
    than the line alone, and no worse than the label alone: "1 cs <brand-B>" after "2 cs
    <brand-A> mix" must not become brand A's product because brand A's first word names it
    on its own while the words "<brand-B>" stay unexplained.
    """
    out: list[str] = []
    for line in lines:
        parsed = parse_line(line)
        words = parsed.mention.split()
        if out and parsed.quantity is not None and 1 <= len(words) <= 2:
            before = parse_line(out[-1]).mention.split()
            # the brand leads ("torani vanilla"), the kind of product ends ("oat milk")
            best, best_score = line, line_score(line) + _CARRY_GAIN
            for label in dict.fromkeys(before[:1] + before[-1:]):
                if label in words:
                    continue
                candidate = f"{line} {label}"
                score = line_score(candidate)
                if score >= _CARRY_FLOOR and score > best_score \
                        and score >= line_score(label) - _LABEL_SLACK:
                    best, best_score = candidate, score
            line = best
        out.append(line)
    return out
