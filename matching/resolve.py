"""Resolve one order line to a catalog item, with a calibrated confidence and alternatives.

Pipeline: parse the line; normalise the mention; correct each token against the catalog
vocabulary; pick candidates through the token postings (IDF-weighted); score their
surfaces with rapidfuzz `cdist`; add structure (token coverage, size agreement, the
product-before-variant default); turn the features into a probability of being right
with a logistic model fitted on the development set (`bench/match_calibrate.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process, utils

from core.metrics import MATCH_SECONDS
from matching.catalog import CatalogItem
from matching.index import CatalogIndex, Correction
from matching.normalize import SOFT_WORDS, fold, lex, norm_tokens
from matching.parse import ParsedLine, parse_line
from matching.units import Size

if TYPE_CHECKING:
    from matching.llm import LLMCall

EXACT_MATCH, FUZZY_MATCH, AI_MATCH = "EXACT_MATCH", "FUZZY_MATCH", "AI_MATCH"
CANDIDATES = 30  # items scored with rapidfuzz after the token stage
ALTERNATIVES = 4
MARGIN_CAP = 0.1
ANY_ORDER = 0.8  # token_sort_ratio credit when the words come in another order
SIZED_SURFACE = 0.85  # a surface naming a size the customer did not ask for
_VOLUMES = ("m", "can")

# Logistic calibration: P(right) = sigmoid(w . features + b); refit with
# `bench/match_calibrate.py` on bench/data/match_dev.jsonl when the scoring changes.
FEATURES = ("score", "margin", "coverage", "text", "recall", "size_fit")
WEIGHTS = (5.700, 40.649, 6.207, 1.098, 2.438, 1.977)
BIAS = -16.531


@dataclass(frozen=True, slots=True)
class Candidate:
    """One scored candidate and the features its confidence comes from."""

    index: int
    score: float
    text: float
    coverage: float
    recall: float
    size_fit: float
    exact: bool


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


def _size_fit(index: CatalogIndex, c: int, parsed: ParsedLine) -> float:
    """+1 when the asked size is the item's, -1 when the item is another size, else 0."""
    strong, weak = index.item_sizes[c], index.item_weak_sizes[c]
    if parsed.size is not None:
        q = parsed.size
        if any(q.matches(s) for s in strong) or any(q.matches(s) for s in weak):
            return 1.0
        if any(s.dimension == q.dimension for s in strong):
            return -1.0
        if any(s.dimension in _VOLUMES for s in strong) and q.dimension in _VOLUMES:
            return -0.5  # "gallon ketchup" is not the #10 can
        return -0.4 if any(s.dimension == q.dimension for s in weak) else 0.0
    hints: tuple[Size, ...] = parsed.size_hints
    if any(h.matches(s) for h in hints for s in (*strong, *weak)):
        return 0.5
    return 0.0


def _query_tokens(parsed: ParsedLine) -> list[str]:
    return norm_tokens(lex(fold(parsed.mention)))


def _recall(index: CatalogIndex, sids: np.ndarray, present: set[str], sized: bool) -> float:
    """The best share (IDF-weighted) of one surface's words that the customer wrote."""
    if not sized:
        sids = sids[~index.surface_size_only[sids]]
    idf, words, totals = index.idf, index.surface_tokens, index.surface_idf
    best = 0.0
    for s in sids.tolist():
        if totals[s]:
            best = max(best, sum([idf[w] for w in words[s] if w in present]) / totals[s])
    return best


def _candidates(index: CatalogIndex, corrections: list[tuple[Correction, ...]]) -> np.ndarray:
    """The item ids sharing the most IDF weight with the customer's (corrected) words."""
    n = len(index)
    acc = np.zeros(n, dtype=np.float32)
    for corr in corrections:
        best = np.zeros(n, dtype=np.float32)
        for c in corr:
            ids = index.postings[c.token]
            best[ids] = np.maximum(best[ids], index.idf[c.token] * c.weight)
        acc += best
    k = min(CANDIDATES, n)
    top = np.argpartition(-acc, k - 1)[:k] if k < n else np.arange(n)
    return top[acc[top] > 0]


def _text_scores(index: CatalogIndex, query: str, sids: np.ndarray, sized: bool) -> np.ndarray:
    """Similarity (0..1) of the query to each surface, weighted by the surface's trust."""
    strings = [index.surfaces[s] for s in sids]
    # Word order counts a little ("orange juice" is not "juice oranges"), typos less.
    in_order, any_order = (
        process.cdist([query], strings, scorer=scorer, processor=utils.default_process,
                      dtype=np.uint8, workers=1)[0]
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio)
    )  # fmt: skip
    sims = np.maximum(in_order, any_order * ANY_ORDER).astype(np.float32) / 100.0
    sims *= index.surface_weight[sids]
    if not sized:  # "coffee lids" is the plain alias, not "8 oz coffee lids"
        sims[index.surface_sized[sids]] *= SIZED_SURFACE
        sims[index.surface_size_only[sids]] = 0.0
    return sims


def rank(index: CatalogIndex, parsed: ParsedLine) -> list[Candidate]:
    """Candidates for a parsed line, best first (empty when nothing in the catalog fits)."""
    tokens = _query_tokens(parsed)
    if not tokens or not len(index):
        return []
    corrections = [index.correct(t) for t in tokens]
    unknown = index.max_idf
    weights = [
        max((index.idf[c.token] for c in corr), default=unknown if t.isalpha() else unknown * 0.3)
        for t, corr in zip(tokens, corrections, strict=True)
    ]
    top = _candidates(index, corrections)
    if not len(top):
        return []
    query = " ".join(c[0].token if c else t for t, c in zip(tokens, corrections, strict=True))
    groups = [index.item_surfaces[c] for c in top]
    sims = _text_scores(index, query, np.concatenate(groups), parsed.size is not None)
    exact_ids = set(index.exact.get(" ".join(tokens), ()))
    present = set(tokens) | {c.token for corr in corrections for c in corr[:1]}
    # A bare number left in the mention ("16 pizza boxes 2 bundles") may be a size.
    loose = [
        (w, Decimal(t))
        for t, corr, w in zip(tokens, corrections, weights, strict=True)
        if not corr and t.replace(".", "", 1).isdigit()
    ]
    out: list[Candidate] = []
    start = 0
    for c, group in zip(top.tolist(), groups, strict=True):
        text = float(sims[start : start + len(group)].max()) if len(group) else 0.0
        start += len(group)
        vocab = index.item_tokens[c]
        amounts = {sz.amount for sz in index.item_sizes[c]}
        covered, total = 0.0, sum(weights)
        for tok, w, corr in zip(tokens, weights, corrections, strict=True):
            hit = max((x.weight for x in corr if x.token in vocab), default=0.0)
            covered += w * hit
            if tok in SOFT_WORDS:  # "fresh romaine": a soft word only counts when it fits
                total -= w * (1.0 - hit)
        covered += sum(w for w, amount in loose if amount in amounts)
        coverage = covered / total if total > 0 else 0.0
        recall = _recall(index, group, present, parsed.size is not None)
        fit = _size_fit(index, c, parsed)
        if any(amount in amounts for _, amount in loose):
            fit = max(fit, 0.5)
        score = 0.35 * text + 0.35 * coverage + 0.3 * recall
        score += 0.08 * fit if fit > 0 else 0.3 * fit
        out.append(Candidate(c, score, text, coverage, recall, fit, c in exact_ids))
    # Ties go to products before variants: with nothing said, the product is meant.
    out.sort(key=lambda x: (-x.score, index.items[x.index].is_variant))
    return _prefer_product(index, out, parsed)


def _prefer_product(
    index: CatalogIndex, ranked: list[Candidate], parsed: ParsedLine
) -> list[Candidate]:
    """With no size asked, a product beats its own variants that score about the same."""
    if len(ranked) < 2 or parsed.size is not None:
        return ranked
    top = ranked[0]
    item = index.items[top.index]
    if not item.is_variant:
        return ranked
    for cand in ranked[1:4]:
        other = index.items[cand.index]
        if (
            other.product_id == item.product_id
            and not other.is_variant
            and top.score - cand.score < 0.03
        ):
            return [cand, *(x for x in ranked if x is not cand)]
    return ranked


def _margin(index: CatalogIndex, ranked: list[Candidate], i: int, parsed: ParsedLine) -> float:
    """How far candidate i is ahead of the best other one (siblings excused by default)."""
    me = ranked[i]
    item = index.items[me.index]
    best_other = 0.0
    for j, cand in enumerate(ranked):
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
        if sibling_default:
            continue
        best_other = max(best_other, cand.score)
    return me.score - best_other


def confidence(features: dict[str, float]) -> float:
    """The calibrated probability that a candidate with these features is right."""
    z = BIAS + sum(w * features[name] for w, name in zip(WEIGHTS, FEATURES, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def features(
    index: CatalogIndex, ranked: list[Candidate], i: int, parsed: ParsedLine
) -> dict[str, float]:
    """The feature vector of candidate i of a ranking."""
    cand = ranked[i]
    # A lead of 0.1 is already decisive; a bigger one says nothing more about being right.
    margin = min(max(_margin(index, ranked, i, parsed), -MARGIN_CAP), MARGIN_CAP)
    return {
        "score": cand.score,
        "margin": margin,
        "coverage": cand.coverage,
        "text": cand.text,
        "recall": cand.recall,
        "size_fit": cand.size_fit,
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
