"""The per-distributor catalog index: surfaces, token postings, sizes; built once per catalog.

Every item gets text surfaces (its name, aliases, misspellings, brand + name), normalised
with their sizes taken out; sizes are kept apart so near-duplicates that differ only by
size ("16 oz" vs "20 oz" cups) are told apart by structure, not string distance. A token
inverted index (with IDF weights) picks a few dozen candidates cheaply; rapidfuzz then
scores only those (`resolve.py`). Rebuild the index whenever the catalog changes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from matching.catalog import CatalogItem
from matching.normalize import norm_tokens, singular
from matching.parse import split_sizes
from matching.units import Size

# Surface kinds and how far a perfect hit on each one can be trusted.
NAME, ALIAS, MISSPELLING, INHERITED = 1.0, 1.0, 0.97, 0.98
_CACHE_LIMIT = 20_000
_TYPO_WEIGHT = {4: 0.72, 5: 0.82, 6: 0.9}


@dataclass(frozen=True, slots=True)
class Correction:
    """A catalog token a customer token may stand for, and how sure that is (0..1)."""

    token: str
    weight: float


@dataclass
class CatalogIndex:
    """Everything `match_line` needs about one distributor's catalog, in memory."""

    items: list[CatalogItem]
    surfaces: list[str]
    surface_item: np.ndarray
    surface_weight: np.ndarray
    surface_sized: np.ndarray
    surface_tokens: list[tuple[str, ...]]
    item_surfaces: list[np.ndarray]
    item_tokens: list[frozenset[str]]
    item_sizes: list[tuple[Size, ...]]
    item_weak_sizes: list[tuple[Size, ...]]
    item_has_variants: np.ndarray
    exact: dict[str, tuple[int, ...]]
    postings: dict[str, np.ndarray]
    idf: dict[str, float]
    max_idf: float
    vocab_by_len: dict[int, list[str]]
    _corrections: dict[str, tuple[Correction, ...]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.items)

    def correct(self, token: str) -> tuple[Correction, ...]:
        """Catalog tokens a customer token may mean: itself, a prefix of, or a typo of."""
        hit = self._corrections.get(token)
        if hit is None:
            hit = self._correct(token)
            if len(self._corrections) >= _CACHE_LIMIT:
                self._corrections.clear()
            self._corrections[token] = hit
        return hit

    def _correct(self, token: str) -> tuple[Correction, ...]:
        if token in self.postings:
            return (Correction(token, 1.0),)
        if not token.isalpha() or len(token) < 3:
            return ()
        out: dict[str, float] = {}
        # A clipped word ("jalap", "parmes") stands for the longer catalog words.
        if len(token) >= 4:
            for length in range(len(token) + 1, len(token) + 9):
                for word in self.vocab_by_len.get(length, ()):
                    if word.startswith(token):
                        out[word] = 0.85
        # Two words run together ("wholemilk"), when some item has both.
        for cut in range(3, len(token) - 2):
            left, right = token[:cut], singular(token[cut:])
            if (left in self.postings and right in self.postings
                    and np.intersect1d(self.postings[left], self.postings[right]).size):
                return (Correction(left, 0.9), Correction(right, 0.9))
        # A typo: one edit for short words, two for long ones (transpositions count one).
        if len(token) >= 4:
            max_edits = 1 if len(token) <= 5 else 2
            for length in range(len(token) - max_edits, len(token) + max_edits + 1):
                words = self.vocab_by_len.get(length)
                if not words:
                    continue
                for word, dist, _ in process.extract(
                    token, words, scorer=OSA.distance, score_cutoff=max_edits, limit=6
                ):
                    # One edit in a short word often makes another word ("kale"/"ale").
                    weight = _TYPO_WEIGHT[min(len(token), 6)] - 0.12 * (dist - 1)
                    if word[0] != token[0]:
                        weight -= 0.15  # first letters are rarely wrong
                    out[word] = max(out.get(word, 0.0), weight)
        best = sorted(out.items(), key=lambda kv: -kv[1])[:8]
        return tuple(Correction(w, s) for w, s in best)


def _core(text: str) -> tuple[str, list[Size]]:
    tokens, sizes = split_sizes(text)
    return " ".join(norm_tokens(tokens)), sizes


def _item_texts(item: CatalogItem, base: CatalogItem | None) -> Iterable[tuple[str, float, bool]]:
    """(text, trust, whether its sizes describe this item) for every surface of an item."""
    inherited = set(base.aliases) if base is not None else set()
    yield item.name, NAME, True
    if item.brand:
        yield f"{item.brand} {item.name}", NAME, True
    for alias in item.aliases:
        own = alias not in inherited
        yield alias, ALIAS if own else INHERITED, own
    for spelling in item.misspellings:
        yield spelling, MISSPELLING, base is None


def build_index(items: Sequence[CatalogItem]) -> CatalogIndex:
    """Build the index of one distributor's items (products and variants)."""
    items = list(items)
    bases = {it.product_id: it for it in items if not it.is_variant}
    has_variants = {it.product_id for it in items if it.is_variant}
    surfaces: list[str] = []
    surface_item: list[int] = []
    surface_weight: list[float] = []
    surface_sized: list[bool] = []
    item_surfaces: list[np.ndarray] = []
    item_tokens: list[frozenset[str]] = []
    item_sizes: list[tuple[Size, ...]] = []
    item_weak: list[tuple[Size, ...]] = []
    exact: dict[str, list[int]] = defaultdict(list)
    postings: dict[str, list[int]] = defaultdict(list)
    core_cache: dict[str, tuple[str, list[Size]]] = {"": ("", [])}

    def core_of(text: str) -> tuple[str, list[Size]]:
        hit = core_cache.get(text)
        if hit is None:
            hit = core_cache[text] = _core(text)
        return hit

    for idx, item in enumerate(items):
        base = bases.get(item.product_id) if item.is_variant else None
        seen: dict[str, int] = {}
        sizes: list[Size] = []
        tokens: set[str] = set()
        for text, weight, own_sizes in _item_texts(item, base):
            core, found = core_of(text)
            if own_sizes:
                sizes.extend(s for s in found if s not in sizes)
            if not core:
                continue
            tokens.update(core.split())
            if core in seen:
                pos = seen[core]
                surface_weight[pos] = max(surface_weight[pos], weight)
                surface_sized[pos] = surface_sized[pos] and bool(found)
                continue
            seen[core] = len(surfaces)
            surfaces.append(core)
            surface_item.append(idx)
            surface_weight.append(weight)
            surface_sized.append(bool(found))
            if weight >= INHERITED:
                exact[core].append(idx)
        extra = [*item.keywords, item.category or ""]
        if item.brand:
            extra.append(item.brand)
        for text in extra:
            tokens.update(core_of(text)[0].split())
        weak = [] if item.is_variant else core_of(item.description or "")[1]
        item_surfaces.append(np.fromiter(seen.values(), dtype=np.int32, count=len(seen)))
        item_tokens.append(frozenset(tokens))
        item_sizes.append(tuple(sizes))
        item_weak.append(tuple(s for s in weak if s not in sizes))
        for token in tokens:
            postings[token].append(idx)
    n = max(len(items), 1)
    idf = {t: math.log((n + 1) / (len(ids) + 0.5)) + 0.1 for t, ids in postings.items()}
    vocab_by_len: dict[int, list[str]] = defaultdict(list)
    for token in postings:
        if token.isalpha():
            vocab_by_len[len(token)].append(token)
    return CatalogIndex(
        items=items, surfaces=surfaces,
        surface_item=np.asarray(surface_item, dtype=np.int32),
        surface_weight=np.asarray(surface_weight, dtype=np.float32),
        surface_sized=np.asarray(surface_sized, dtype=bool),
        surface_tokens=[tuple(s.split()) for s in surfaces],
        item_surfaces=item_surfaces, item_tokens=item_tokens, item_sizes=item_sizes,
        item_weak_sizes=item_weak,
        item_has_variants=np.asarray([it.product_id in has_variants for it in items], dtype=bool),
        exact={k: tuple(v) for k, v in exact.items()},
        postings={t: np.asarray(ids, dtype=np.int32) for t, ids in postings.items()},
        idf=idf, max_idf=math.log(n + 1) + 0.1, vocab_by_len=dict(vocab_by_len),
    )
