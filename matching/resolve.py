"""Resolve one order line to a catalog item, with a calibrated confidence and alternatives.

Pipeline: parse the line; normalise the mention; correct each token against the catalog
vocabulary; pick candidates through the token postings (IDF-weighted); score their
surfaces with rapidfuzz `cdist`; add structure (token coverage, size agreement, the
product-before-variant default); turn the features into a probability of being right
with a logistic model fitted on the development set (`bench/match_calibrate.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.metrics import MATCH_SECONDS
from matching.catalog import CatalogItem
from matching.confidence import current_model
from matching.index import CatalogIndex
from matching.parse import ParsedLine, parse_line
from matching.scoring import Candidate, rank

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
# The features the confidence model uses (refit `bench/match_calibrate.py` when they change).
FEATURES = ("score", "margin", "coverage", "text", "recall", "size_fit", "unit_fit",
            "translated", "conflict", "missing", "rivals", "alike", "kind")  # fmt: skip


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


def confidence(features: dict[str, float]) -> float:
    """The calibrated probability that a candidate with these features is right; never sure
    of a look-alike: an item that leaves a word of the customer's unexplained ("diet sprite"
    is not Sprite), names another value of an asked attribute ("black gloves", the item is
    blue), is another size ("8 oz clear cups", the item is 12 oz) or another kind ("apples":
    the item is apple juice)."""
    p = current_model().probability(features)
    lookalike = (
        features["missing"] > 0
        or features["conflict"] > 0
        or features["size_fit"] <= -0.5
        or features.get("kind", 0.0) > 0
    )
    return min(p, LOOKALIKE_CAP) if lookalike else p


def features(
    index: CatalogIndex, ranked: list[Candidate], i: int, parsed: ParsedLine
) -> dict[str, float]:
    """The feature vector of candidate i of a ranking."""
    cand = ranked[i]
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
        "missing": cand.missing,
        "rivals": min(rivals, 3) / 3,
        "alike": min(alike, 3) / 3,
        "kind": cand.kind,
    }


def match_parsed(index: CatalogIndex, parsed: ParsedLine, *, threshold: float = 0.8) -> MatchResult:
    """Match an already parsed line (see `match_line`)."""
    ranked = rank(index, parsed)
    if not ranked:
        return MatchResult(None, 0.0, FUZZY_MATCH, 0.0, [], parsed, True)
    scored = [
        confidence(features(index, ranked, i, parsed))
        for i in range(min(len(ranked), ALTERNATIVES + 1))
    ]
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
