"""Resolve one order line to a catalog item, with a calibrated confidence and alternatives.

Pipeline: parse the line; normalise the mention; correct each token against the catalog
vocabulary; pick candidates through the token postings (IDF-weighted); score their
surfaces with rapidfuzz `cdist`; add structure (token coverage, size agreement, the
product-before-variant default); turn the features into a probability of being right
with a logistic model fitted on the development set (`bench/match_calibrate.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.metrics import MATCH_SECONDS
from matching.catalog import CatalogItem
from matching.confidence import Model, current_model
from matching.index import CatalogIndex
from matching.normalize import fold, lex, norm_tokens
from matching.parse import ParsedLine, parse_line
from matching.query import Slot, slots
from matching.scoring import WEAK_HIT, Candidate, rank

if TYPE_CHECKING:
    from matching.llm import LLMCall

__all__ = ["AI_MATCH", "EXACT_MATCH", "FEATURES", "FUZZY_MATCH", "Candidate", "MatchResult",
           "confidence", "features", "match_line", "match_parsed", "rank"]  # fmt: skip

EXACT_MATCH, FUZZY_MATCH, AI_MATCH = "EXACT_MATCH", "FUZZY_MATCH", "AI_MATCH"
ALTERNATIVES = 4
MARGIN_CAP = 0.1
RIVAL_GAP = 0.05  # another candidate this close to a candidate's score is a rival
RIVAL_WINDOW = 10  # candidates looked at for margins and rivals
ALIKE_RECALL = 0.1  # a rival too: one explaining the line as fully, its name about as much
ALIKE_TEXT = 0.15  # ...and reading about as close
LOOKALIKE_CAP = 0.5  # the most confidence a look-alike gets (see `confidence`)
CLIPPED_SHARE = 0.4  # a catalog clipping keeps at least this share of the word's letters
# The features the confidence model uses (refit `bench/match_calibrate.py` when they change).
FEATURES = ("score", "margin", "coverage", "text", "recall", "size_fit", "unit_fit",
            "translated", "conflict", "missing", "rivals", "alike", "kind", "unnamed")  # fmt: skip
UNNAMED_RECALL = 0.05  # an item's name this little written by the customer is not named
# An item named by its own code is as sure as a name written out; a code whose line's words
# name something else stays a question for the customer.
CODE_CONFIDENCE, CODE_DISPUTED = 0.97, 0.5
_CODE_TOKEN = re.compile(r"(?<![\w-])[A-Za-z0-9]+(?:[-./][A-Za-z0-9]+)*(?![\w-])")
_WORDS = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The matcher's answer for one order line."""

    item: CatalogItem | None
    confidence: float
    method: str
    score: float
    alternatives: list[tuple[CatalogItem, float]]
    parsed: ParsedLine
    needs_review: bool
    llm_call: LLMCall | None = None
    candidates: list[Candidate] = field(default_factory=list, repr=False, compare=False)

    @property
    def matched(self) -> bool:
        """Whether an item was chosen with enough confidence to use without a human."""
        return self.item is not None and not self.needs_review


def _others(
    index: CatalogIndex, ranked: list[Candidate], i: int, parsed: ParsedLine
) -> list[Candidate]:
    """The candidates competing with candidate i (its own variants excused when the line
    names no size: then the product is meant)."""
    me = ranked[i]
    item = index.items[me.index]
    out: list[Candidate] = []
    # the ranking is best first: competitors that matter are near the top
    for j, cand in enumerate(ranked[:RIVAL_WINDOW]):
        if j == i:
            continue
        other = index.items[cand.index]
        sibling_default = (
            parsed.size is None
            and not item.is_variant
            and other.is_variant
            and other.product_id == item.product_id
            and cand.score <= me.score
        )
        if not sibling_default:
            out.append(cand)
    return out


def _clips(short: str, word: str) -> bool:
    """Whether a catalog token is the customer's word written short, as trade catalogs do
    ("crmbl" crumble, "pt" part, "prep" prepared, "btrmlk" buttermilk): the same first
    letter, then its letters in the word's order."""
    if not (short.isalpha() and word.isalpha()) or short[0] != word[0]:
        return False
    if not 2 <= len(short) < len(word) or len(short) < CLIPPED_SHARE * len(word):
        return False
    rest = iter(word)
    if all(ch in rest for ch in short):
        return True
    # the customer's plural was singularised, the catalog's clipped plural was not ("pcs")
    return short.endswith("s") and len(short) > 2 and _clips(short[:-1], word)


def _unread(index: CatalogIndex, c: int, parts: list[Slot]) -> tuple[int, int]:
    """How many of the line's words candidate c does not explain, and how many of those its
    own clipped tokens do ("whole milk" for "WM", "crumbles" for "CRMBL")."""
    vocab = index.item_tokens[c]
    said = {x.token for s in parts for x in s.corrections if x.weight >= WEAK_HIT}
    spare = [t for t in vocab if t not in said]
    unread = [
        s.word for s in parts
        if not s.soft and s.word.isalpha() and s.word not in vocab
        and not any(x.weight >= WEAK_HIT and x.token in vocab for x in s.corrections)
    ]  # fmt: skip
    clipped: set[int] = set()
    for k, word in enumerate(unread):
        if any(_clips(t, word) for t in spare):
            clipped.add(k)
        elif k + 1 < len(unread) and word[0] + unread[k + 1][0] in spare:  # "wm": whole milk
            clipped.update((k, k + 1))
    return len(unread), len(clipped)


def confidence(features: dict[str, float], model: Model | None = None) -> float:
    """The calibrated probability that a candidate with these features is right; never sure
    of a look-alike: an item that leaves a word of the customer's unexplained ("diet sprite"
    is not Sprite), names another value of an asked attribute ("black gloves", the item is
    blue), is another size ("8 oz clear cups", the item is 12 oz) or another kind ("apples":
    the item is apple juice). `model`: another than the one in use (fitting one)."""
    p = (model or current_model()).probability(features)
    lookalike = (
        features["missing"] > 0
        or features["conflict"] > 0
        or features["size_fit"] <= -0.5
        or features.get("kind", 0.0) > 0
    )
    return min(p, LOOKALIKE_CAP) if lookalike else p


def line_parts(index: CatalogIndex, parsed: ParsedLine) -> list[Slot]:
    """The line's words as the matcher read them (what `features` checks candidates against)."""
    tokens = norm_tokens(lex(fold(parsed.mention)))  # as `scoring.rank` reads them
    return slots(index, tokens) if tokens else []


def features(
    index: CatalogIndex,
    ranked: list[Candidate],
    i: int,
    parsed: ParsedLine,
    parts: list[Slot] | None = None,
) -> dict[str, float]:
    """The feature vector of candidate i of a ranking (`parts`: the line's `line_parts`,
    computed here when not given)."""
    cand = ranked[i]
    # A word the item leaves unexplained makes it a look-alike, unless the catalog only
    # wrote it short: "part skim" is "PT SKM", the same words.
    missing = cand.missing
    if missing > 0:
        unread, short = _unread(index, cand.index, parts or line_parts(index, parsed))
        if short:
            missing = max(max(round(missing * 2), min(unread, 2)) - short, 0) / 2
    others = _others(index, ranked, i, parsed)
    best_other = max((o.score for o in others), default=0.0)
    # A lead of 0.1 is already decisive; a bigger one says nothing more about being right.
    margin = min(max(cand.score - best_other, -MARGIN_CAP), MARGIN_CAP)
    # Several look about as good: at most one of them is right.
    rivals = sum(1 for o in others if o.score >= cand.score - RIVAL_GAP)
    # Several explain every word as well ("buns": hamburger, hot dog, brioche): the line
    # does not say which.
    alike = sum(
        1
        for o in others
        if o.missing == 0
        and o.conflict == 0
        and o.kind <= cand.kind  # a cup sleeve is no rival to the cup
        and o.coverage >= cand.coverage - 0.01
        and o.recall >= cand.recall - ALIKE_RECALL
        and o.text >= cand.text - ALIKE_TEXT
        and (o.exact or not cand.exact)
    )
    return {
        "score": cand.score,
        "margin": margin,
        "coverage": cand.coverage,
        "text": cand.text,
        "recall": cand.recall,
        "size_fit": cand.size_fit,
        "unit_fit": cand.unit_fit,
        "translated": cand.translated,
        "conflict": cand.conflict,
        "missing": missing,
        "rivals": min(rivals, 3) / 3,
        "alike": min(alike, 3) / 3,
        "kind": cand.kind,
        # none of the item's own words was written ("skip" read as "skin"): only a guess
        # about a word links the line to it
        "unnamed": float(cand.recall < UNNAMED_RECALL),
    }


def _coded(index: CatalogIndex, parsed: ParsedLine) -> int | None:
    """The item whose code the line writes ("8 cs 11002", "22003-LS turkey breast")."""
    if not index.codes:
        return None
    found = {idx for token in _CODE_TOKEN.findall(parsed.raw)
             if (idx := index.codes.get(token.upper())) is not None}  # fmt: skip
    return found.pop() if len(found) == 1 else None


def _by_code(index: CatalogIndex, parsed: ParsedLine, ranked: list[Candidate],
             threshold: float) -> MatchResult | None:
    """A line naming an item by its code. Its words, if any, must not point elsewhere: a
    mistyped code beside a name is a question, not an order for the wrong thing."""
    idx = _coded(index, parsed)
    if idx is None:
        return None
    item = index.items[idx]
    words = _CODE_TOKEN.sub(lambda m: " " if m[0].upper() in index.codes else m[0], parsed.raw)
    said = match_parsed(index, parse_line(words), threshold=threshold) \
        if _WORDS.search(words) else None
    agrees = said is None or said.item is None or said.confidence < threshold \
        or said.item.product_id == item.product_id
    conf = CODE_CONFIDENCE if agrees else CODE_DISPUTED
    alternatives = [(index.items[c.index], 0.0) for c in ranked if c.index != idx]
    return MatchResult(item, conf, EXACT_MATCH if agrees else FUZZY_MATCH, 1.0,
                       alternatives[:ALTERNATIVES], parsed, conf < threshold, candidates=ranked)


def match_parsed(index: CatalogIndex, parsed: ParsedLine, *, threshold: float = 0.8) -> MatchResult:
    """Match an already parsed line (see `match_line`)."""
    ranked = rank(index, parsed)
    if (coded := _by_code(index, parsed, ranked, threshold)) is not None:
        return coded
    if not ranked:
        return MatchResult(None, 0.0, FUZZY_MATCH, 0.0, [], parsed, True)
    top = ranked[: ALTERNATIVES + 1]
    parts = line_parts(index, parsed) if any(c.missing > 0 for c in top) else []
    scored = [confidence(features(index, ranked, i, parsed, parts)) for i in range(len(top))]
    best = ranked[0]
    conf = scored[0]
    alternatives = [
        (index.items[c.index], round(s, 4)) for c, s in zip(ranked[1:], scored[1:], strict=False)
    ]
    method = EXACT_MATCH if best.exact and conf >= threshold else FUZZY_MATCH
    return MatchResult(
        index.items[best.index],
        round(conf, 4),
        method,
        round(best.score, 4),
        alternatives,
        parsed,
        conf < threshold,
        candidates=ranked,
    )


@MATCH_SECONDS.time()
def match_line(index: CatalogIndex, text: str, *, threshold: float = 0.8) -> MatchResult:
    """Resolve one order line ("2 cs whole milk") against a catalog index; never raises."""
    return match_parsed(
        index, parse_line(text if isinstance(text, str) else ""), threshold=threshold
    )
