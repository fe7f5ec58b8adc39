"""Scoring the candidates of one order line: the features every candidate gets, best first.

Pipeline: normalise the mention and read it as slots (`query.py`: corrections, Spanish,
synonyms); pick candidates through the token postings (IDF-weighted); score their surfaces
with rapidfuzz `cdist`; add structure (token coverage, recall of the item's name, size and
unit agreement, attribute conflicts, whether a word of the line names the item's KIND
(`kinds.py`: "apples" is not Apple Juice), the plain-kind default, the product-before-variant
default). `resolve.py` turns a ranking into a decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process, utils

from matching.attributes import (
    Attributes,
    attributes,
    changing_words,
    conflicts,
    defaults,
    marked,
)
from matching.index import CatalogIndex, Correction
from matching.normalize import SOFT_WORDS, fold, lex, norm_tokens
from matching.parse import ParsedLine
from matching.query import Slot, slots
from matching.units import Amount, Size, loose_number
from matching.variants import family_fit, word_picks

CANDIDATES = 30  # items scored with rapidfuzz after the token stage
CANDIDATE_SHARE = 0.4  # ...of those, the ones with at least this share of the best's weight
ANY_ORDER = 0.8  # token_sort_ratio credit when the words come in another order
SIZED_SURFACE = 0.85  # a surface naming a size the customer did not ask for
SHELF = 0.7  # a word only the item's category has ("lids" for a cup in "Cups & Lids")
KIND = 0.1  # what an item of another kind loses ("lids 12oz": the 12 oz cup is not a lid)
CONTEXT = 0.5  # how far a purpose word the item lacks ("for cups") leaves the coverage
WEAK_HIT = 0.75  # a guess this unsure ("stir" for "stix") does not explain a customer's word
STRONG = 0.84  # a reading this sure is the customer's word (a clipped form, a translation)
CHANGED = 0.12  # what an item loses whose name changes the product unasked ("RICE BROKEN")
_VOLUMES = ("m", "can")
# What the line's item is for ("lids for 8oz cups"): words after it count when the item
# has them, but one it lacks is not a word it fails to explain. (Not Spanish "para": "masa
# para tamal" names the kind of masa.)
_PURPOSE = frozenset({"for"})
# Pack notation ("6/1", "12/32", "24/16.9"), not a fraction or cut ("1/2", "3/8").
_PACK_WORD = re.compile(r"\d+/\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One scored candidate and the features its confidence comes from."""

    index: int
    score: float
    text: float
    coverage: float
    recall: float
    size_fit: float
    unit_fit: float
    translated: float
    conflict: float
    missing: float
    exact: bool
    kind: float = 0.0  # 1: none of the customer's words names what the item is


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


def _context(parsed: ParsedLine) -> frozenset[str]:
    """The words naming what the item is for ("lids for 8oz cups": cup), when the line
    names the item itself before them."""
    words = lex(fold(parsed.mention))
    cut = next((i for i, w in enumerate(words) if w in _PURPOSE), None)
    if not cut:
        return frozenset()
    own = set(norm_tokens(words[:cut]))
    return frozenset(w for w in norm_tokens(words[cut + 1 :]) if w not in own) if own \
        else frozenset()


def _is_pack(word: str) -> bool:
    if not _PACK_WORD.fullmatch(word):
        return False
    num, _, den = word.partition("/")
    return not (0 < int(num) < float(den) <= 16)  # "1/2", "3/8" are fractions


def _pack_clash(word: str, packs: frozenset[str]) -> bool:
    """The customer's pack ("6/1") is not the item's, which writes one ("4/1GAL")."""
    return (
        word not in packs
        and _is_pack(word)
        and any(p.count("/") == 1 and "x" not in p for p in packs)
    )


def _recall(index: CatalogIndex, sids: np.ndarray, present: frozenset[str], sized: bool) -> float:
    """The best share (IDF-weighted) of one surface's words that the customer wrote."""
    if not sized:
        sids = sids[~index.surface_size_only[sids]]
    idf, words, totals = index.idf, index.surface_tokens, index.surface_idf
    best = 0.0
    for s in sids.tolist():
        total = totals[s]
        if total:
            hit = sum([idf[w] for w in words[s] if w in present]) / total
            if hit > best:
                best = hit
    return best


def _candidates(index: CatalogIndex, corrections: list[tuple[Correction, ...]]) -> np.ndarray:
    """The item ids sharing the most IDF weight with the customer's (corrected) words; those
    far behind the best (under CANDIDATE_SHARE of its weight) are not worth scoring."""
    n = len(index)
    acc = np.zeros(n, dtype=np.float32)
    best = np.zeros(n, dtype=np.float32)  # one slot's best weight per item, reset after use
    for corr in corrections:
        if len(corr) == 1:
            acc[index.postings[corr[0].token]] += index.idf[corr[0].token] * corr[0].weight
            continue
        touched = []
        for c in corr:
            ids = index.postings[c.token]
            best[ids] = np.maximum(best[ids], index.idf[c.token] * c.weight)
            touched.append(ids)
        if touched:
            ids = np.unique(np.concatenate(touched))
            acc[ids] += best[ids]
            best[ids] = 0.0
    hit = np.flatnonzero(acc)
    if len(hit) > CANDIDATES:
        hit = hit[np.argpartition(-acc[hit], CANDIDATES - 1)[:CANDIDATES]]
    return hit[acc[hit] >= acc[hit].max() * CANDIDATE_SHARE] if len(hit) else hit


def _text_scores(index: CatalogIndex, queries: list[str], sids: np.ndarray) -> np.ndarray:
    """Similarity (0..1) of the query (best of its readings) to each surface, weighted by the
    surface's trust."""
    strings = [index.surfaces[s] for s in sids]
    # Word order counts a little ("orange juice" is not "juice oranges"), typos less.
    in_order, any_order = (
        process.cdist(queries, strings, scorer=scorer, processor=utils.default_process,
                      dtype=np.uint8, workers=1).max(axis=0)
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio)
    )  # fmt: skip
    sims = np.maximum(in_order, any_order * ANY_ORDER).astype(np.float32) / 100.0
    return sims * index.surface_weight[sids]


def _unsized(index: CatalogIndex, sims: np.ndarray, sids: np.ndarray) -> np.ndarray:
    """The similarities as they count with no size asked: a surface naming a size counts
    less ("coffee lids" is the plain alias, not "8 oz coffee lids"), a variant's size-only
    surface not at all."""
    out = np.where(index.surface_sized[sids], sims * SIZED_SURFACE, sims)
    out[index.surface_size_only[sids]] = 0.0
    return out


def _readings(parts: list[Slot], unit: str | None) -> list[str]:
    """The query as written (catalog words kept), as read in English, and with its unit
    ("12 bunches parsley" reads "parsley bunch" too, the name of the bunch variant)."""
    own = " ".join(s.own or (s.corrections[0].token if s.corrections else s.word) for s in parts)
    english = " ".join(
        s.english or (s.corrections[0].token if s.corrections else s.word) for s in parts
    )
    out = [own] if english == own else [own, english]
    if unit is not None:
        out.append(f"{english} {unit}")
    return out


def rank(index: CatalogIndex, parsed: ParsedLine) -> list[Candidate]:
    """Candidates for a parsed line, best first (empty when nothing in the catalog fits)."""
    tokens = _query_tokens(parsed)
    if not tokens or not len(index):
        return []
    parts = slots(index, tokens)
    if not parts:
        return []
    corrections = [s.corrections for s in parts]
    unknown = index.max_idf
    weights = [
        max((index.idf[c.token] for c in s.corrections),
            default=unknown if s.word.isalpha() else unknown * 0.3)
        for s in parts
    ]  # fmt: skip
    top = _candidates(index, corrections)
    if not len(top):
        return []
    groups = [index.item_surfaces[c] for c in top]
    # A bare number left in the mention ("16 pizza boxes 2 bundles") may be a size.
    loose = [
        (w, amount)
        for s, w in zip(parts, weights, strict=True)
        if not s.corrections and (amount := loose_number(s.word)) is not None
    ]
    sized = parsed.size is not None or bool(loose)
    readings = _readings(parts, parsed.unit)
    sids = np.concatenate(groups)
    sims = _text_scores(index, readings, sids)
    total = sum(weights)
    done = sum(w for s, w in zip(parts, weights, strict=True) if s.translated)
    # every reading of every word ("skim" is also "nonfat") may name an attribute
    asked = attributes(
        [" ".join(tokens), *readings[1:2], *(c.token for s in parts for c in s.corrections)]
    )
    query = _Query(
        parsed=parsed,
        parts=parts,
        weights=weights,
        loose=loose,
        sized=sized,
        exact=frozenset(index.exact.get(" ".join(tokens), ())),
        context=_context(parsed),
        present=frozenset(
            {*tokens, *(c.token for s in parts for c in s.corrections if c.weight >= STRONG)}
            | ({parsed.unit} if parsed.unit else set())
        ),
        read=_read(parts, tokens),
        asked=asked,
        plain=_plain_asked(asked, tokens),
        changes=not changing_words().isdisjoint(tokens),
        translated=done / total if total > 0 else 0.0,
        sims=sims.tolist(),
        unsized=_unsized(index, sims, sids).tolist(),
    )
    out: list[Candidate] = []
    start = 0
    for c, group in zip(top.tolist(), groups, strict=True):
        out.append(_score(index, query, c, group, start))
        start += len(group)
    # Ties go to products before variants: with nothing said, the product is meant.
    out.sort(key=lambda x: (-x.score, index.items[x.index].is_variant))
    return _prefer_product(index, _prefer_kind(out), parsed)


def _plain_asked(asked: Attributes, tokens: list[str]) -> dict[str, frozenset[str]]:
    """The words of the plain values the line asks of the kind it names, by class ("regular
    sodium", "long grain rice"): an item naming no value of that class is that plain one,
    and explains them. ("whole mushrooms" asks no milk: the class is the kind.)"""
    plain = defaults()
    return {name: frozenset(w for v in values for w in v.split())
            for name, values in asked.items()
            if name in plain and values <= plain[name] and name in tokens}  # fmt: skip


def _prefer_kind(ranked: list[Candidate]) -> list[Candidate]:
    """An item the line names the kind of beats one of another kind that scores about the
    same on its words ("portion cups": the portion cup, not the lid for portion cups)."""
    if len(ranked) < 2 or ranked[0].kind < 1.0:
        return ranked
    top = ranked[0]
    for cand in ranked[1:4]:
        if (
            cand.kind == 0.0
            and top.score - cand.score < KIND
            and cand.coverage >= top.coverage
            and top.recall - cand.recall < KIND  # the line names about as much of its name
            and cand.size_fit >= top.size_fit
            and cand.conflict <= top.conflict
        ):
            return [cand, *(x for x in ranked if x is not cand)]
    return ranked


def _kind(sure: float) -> float:
    """0 when a word surely read names the item's kind, 0.5 when only a guessed word does
    ("suger" for sugar), 1 when none does."""
    return 0.0 if sure >= STRONG else 0.5 if sure >= WEAK_HIT else 1.0


def _read(parts: list[Slot], tokens: list[str]) -> dict[str, float]:
    """Every catalog word the line may mean, with how surely it was read; a soft word
    ("fresh", "go") names no kind ("to-go containers" for "go ahead")."""
    out = dict.fromkeys((t for t in tokens if t not in SOFT_WORDS), 1.0)
    for s in parts:
        if s.word in SOFT_WORDS:
            continue
        for c in s.corrections:
            if c.weight > out.get(c.token, 0.0):
                out[c.token] = c.weight
    return out


@dataclass(frozen=True, slots=True)
class _Query:
    """What scoring needs to know about the line, computed once per line."""

    parsed: ParsedLine
    parts: list[Slot]
    weights: list[float]
    loose: list[tuple[float, Amount]]
    sized: bool
    exact: frozenset[int]
    context: frozenset[str]  # words naming what the item is for (see `_context`)
    present: frozenset[str]
    read: dict[str, float]  # each catalog word the line may mean, and how surely
    asked: Attributes
    plain: dict[str, frozenset[str]]  # class -> words of its plain value the line asks
    changes: bool  # whether the line names a word that changes a product ("diced")
    translated: float  # the share of the line's weight that the lexicon had to read
    sims: list[float]  # text similarity to each candidate surface, in candidate order
    unsized: list[float]  # the same, as it counts when no size is asked


def _score(index: CatalogIndex, q: _Query, c: int, group: np.ndarray, start: int) -> Candidate:
    """One candidate's features and score (its surfaces start at `start` in q.sims)."""
    vocab, shelf = index.item_tokens[c], index.item_shelf[c]
    amounts, packs = index.item_amounts[c], index.item_packs[c]
    covered, total, missing, clash = 0.0, sum(q.weights), 0, False
    family = family_fit(index, c, q.parsed, q.asked)
    mine = index.item_attributes[c]
    unnamed = {w for name, words in q.plain.items() if name not in mine for w in words}
    for s, w in zip(q.parts, q.weights, strict=True):
        hit = max(
            (x.weight * (SHELF if x.token in shelf else 1.0) for x in s.corrections
             if x.token in vocab),
            default=0.0,
        )  # fmt: skip
        if hit < WEAK_HIT and s.word in packs:  # "bleach 6/1": the item's own pack
            hit = 1.0
        clash = clash or (hit < WEAK_HIT and _pack_clash(s.word, packs))
        covered += w * hit
        if s.soft or s.word in unnamed:  # "fresh romaine", "regular sodium" turkey: a word
            total -= w * (1.0 - hit)  # that only counts when it fits
        elif hit < WEAK_HIT and family > 0 and word_picks(index, c, s.word):
            total -= w * (1.0 - hit)  # "single pouches": the variant's unit explains it
        elif s.word in q.context:  # "lids for cups": half a word when the item lacks it
            total -= CONTEXT * w * (1.0 - hit)
        elif hit < WEAK_HIT and not (s.word[:1].isdigit() and loose_number(s.word) in amounts):
            missing += 1
    covered += sum(w for w, amount in q.loose if amount in amounts)
    coverage = covered / total if total > 0 else 0.0
    # a variant the line picks by its unit or share is named, even without its size
    sized = q.sized or family > 0
    end = start + len(group)
    text = max((q.sims if sized else q.unsized)[start:end], default=0.0)
    recall = _recall(index, group, q.present, sized)
    fit = _size_fit(index, c, q.parsed)
    if any(amount in index.item_main_amounts[c] for _, amount in q.loose):
        fit = max(fit, 0.75)  # "tortillas de 12": the 12 inch one...
    elif any(amount in amounts for _, amount in q.loose):
        fit = max(fit, 0.5)  # ...more than the one packed 12 to a pack
    conflict = max(float(conflicts(q.asked, index.item_attributes[c])), float(clash))
    # unasked, the plain kind is meant: "sugar" is granulated, "lids" the product not the black
    # ...and "cucumbers" the plain Cucumber, not the Cucumber English beside it
    # (a modifier read from a misspelt word was said)
    mods = index.item_modifiers[c] if index.item_modifiers else frozenset()
    unsaid = bool(mods) and mods.isdisjoint(q.present) and mods.isdisjoint(q.read)
    plain = max(marked(q.asked, index.item_attributes[c], vocab), float(unsaid),
                float(any(k not in q.asked for k in index.item_marks[c])))  # fmt: skip
    # "jasmine rice" is not RICE BROKEN JASMINE: a word changing what the item is, unsaid
    # by a line that names no such word (one naming another, "bacon crumbles" for BACON
    # DICED, already misses a word)
    changes = index.item_changes[c] if index.item_changes and not q.changes else frozenset()
    changed = float(bool(changes) and changes.isdisjoint(q.present) and changes.isdisjoint(q.read))
    score = 0.35 * text + 0.35 * coverage + 0.3 * recall
    score += 0.08 * fit if fit > 0 else 0.3 * fit
    # "apples" is not Apple Juice: a word of the line must name what the item is
    kind = _kind(index.item_kinds[c].named_by(q.read, q.present)) if index.item_kinds else 0.0
    score += 0.15 * family - 0.2 * conflict - 0.08 * plain - 0.05 * min(missing, 2)
    score -= CHANGED * changed
    score -= KIND * kind
    return Candidate(c, score, text, coverage, recall, fit, family, q.translated, conflict,
                     min(missing, 2) / 2, c in q.exact, kind)  # fmt: skip


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
            # unless the line's size or unit fits the variant better
            and cand.size_fit >= top.size_fit
            and cand.unit_fit >= top.unit_fit
        ):
            return [cand, *(x for x in ranked if x is not cand)]
    return ranked
