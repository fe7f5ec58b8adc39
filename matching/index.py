"""The per-distributor catalog index: surfaces, token postings, sizes; built once per catalog.

Every item gets text surfaces (its name, aliases, misspellings, brand + name), normalised
with their sizes taken out; sizes are kept apart so near-duplicates that differ only by
size ("16 oz" vs "20 oz" cups) are told apart by structure, not string distance. A token
inverted index (with IDF weights) picks a few dozen candidates cheaply; rapidfuzz then
scores only those (`resolve.py`). Rebuild the index whenever the catalog changes.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import InvalidOperation
from functools import cache
from itertools import combinations, pairwise

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from matching.attributes import Attributes, attributes, changing_words, defaults
from matching.catalog import CatalogItem
from matching.kinds import (
    FIRST,
    LAST,
    Kinds,
    convention,
    head_phrase,
    heads,
    item_kinds,
    lexicon_nouns,
)
from matching.lexicon import english_tokens
from matching.lexicon import load as load_lexicons
from matching.normalize import fold, lex, norm_tokens, singular
from matching.packs import item_units, spell_packs
from matching.parse import split_sizes
from matching.units import CONTAINER_WORDS, SELLING_UNITS, SIZE_UNITS, Amount, Size, size_amounts

# Surface kinds and how far a perfect hit on each one can be trusted.
NAME, ALIAS, MISSPELLING, INHERITED = 1.0, 1.0, 0.97, 0.98
TRANSLATED = 0.96  # a catalog name read in English ("QUESO FRESCO" -> fresh cheese)
_CACHE_LIMIT = 20_000
_TYPO_WEIGHT = {4: 0.72, 5: 0.82, 6: 0.9}
_DIMENSIONS = re.compile(r"^\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)+$")
DIMENSION_PREFIX = 0.9  # "8x8" for 8x8x4: as sure as a one-letter typo in a long word
# Two edits in a word of up to 7 letters make another word too often ("celery" is two from
# "cutlery"): such a guess finds candidates but does not explain the customer's word.
_FAR_TYPO, _FAR_TYPO_LEN = 0.7, 7
STEM = 0.9  # "compostable" for the catalog's COMPOST, "bagged" for BAG
# A catalog's shorthand written out by the customer: "skim" for SKM, "bleached" for BLCH,
# "japanese" for JPN (the word's consonants, or all but its last); a looser fit, "dressing"
# for DRSG, is a guess.
ABBREVIATED, NEAR_ABBREVIATED, LOOSE_ABBREVIATED = 0.88, 0.86, 0.8
_VOWELS = frozenset("aeiou")
_INFLECTIONS = ("ing", "ed", "es", "s")
_SUFFIXES = ("able", "ed", "ing")
# Pack notation in a name: "12/32oz" (12 of 32 oz), "4/1GAL", "16.9oz", "9X9X3".
_PACK = re.compile(r"\d+(?:\.\d+)?(?:[/x-]\d+(?:\.\d+)?)+|\d+\.\d+")
_PACK_PART = re.compile(r"[/x-]|\d+(?:\.\d+)?")


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
    surface_size_only: np.ndarray
    surface_tokens: list[tuple[str, ...]]
    surface_idf: list[float]
    item_surfaces: list[np.ndarray]
    item_tokens: list[frozenset[str]]
    item_shelf: list[frozenset[str]]  # tokens an item has only from its category
    item_sizes: list[tuple[Size, ...]]
    item_weak_sizes: list[tuple[Size, ...]]
    item_amounts: list[frozenset[Amount]]  # the numbers a customer may say for its sizes
    item_main_amounts: list[frozenset[Amount]]  # ...those of its main size (not a count)
    item_units: list[frozenset[str]]
    item_attributes: list[Attributes]  # colour, flavour, salted... named by the item
    item_marks: list[frozenset[str]]  # classes where a variant differs from its product
    item_modifiers: list[frozenset[str]]  # words a name adds to a plain sibling's (`_modifiers`)
    item_packs: list[frozenset[str]]  # pack notation its texts write ("12/32", "16.9", "9x9")
    family: dict[str, tuple[int, ...]]  # product id -> the product and its variants
    exact: dict[str, tuple[int, ...]]
    postings: dict[str, np.ndarray]
    idf: dict[str, float]
    max_idf: float
    vocab_by_len: dict[int, list[str]]
    item_kinds: list[Kinds] = field(default_factory=list)  # the words naming what it is
    # words of its name that change what the product is ("RICE BROKEN": `changing_words`)
    item_changes: list[frozenset[str]] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)  # tokens such as "8x8x4"
    # the catalog's shorthand tokens (no vowel after the first letter: SKM, BLCH), by letter
    shorthand: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # item codes ("11002", "22003-LS"), upper-cased, to the item they name
    codes: dict[str, int] = field(default_factory=dict)
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
        if _DIMENSIONS.match(token):
            # "8x8" boxes: the catalog's 8x8x4 (its first dimensions), when that is the only
            # reading; a customer often leaves out the height
            longer = [w for w in self.dimensions if w.startswith(token + "x")]
            return tuple(Correction(w, DIMENSION_PREFIX) for w in longer[:8])
        if not token.isalpha() or len(token) < 3:
            return ()
        short = self._shorthand(token)
        stem = self._stem(token)
        if stem is not None:
            return (Correction(stem, STEM), *short)
        out: dict[str, float] = {c.token: c.weight for c in short}
        # A clipped word ("jalap", "parmes") stands for the longer catalog words; a word
        # that is a food of its own ("pear", "lime") is not a clipped "pearl" or "limeade".
        if len(token) >= 4 and token not in lexicon_nouns():
            for length in range(len(token) + 1, len(token) + 9):
                for word in self.vocab_by_len.get(length, ()):
                    if word.startswith(token):
                        out[word] = 0.85
        # Two words run together ("wholemilk"), when some item has both.
        for cut in range(3, len(token) - 2):
            left, right = token[:cut], singular(token[cut:])
            if (
                left in self.postings
                and right in self.postings
                and np.intersect1d(self.postings[left], self.postings[right]).size
            ):
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
                    if dist >= 2 and len(token) <= _FAR_TYPO_LEN:
                        weight = min(weight, _FAR_TYPO)
                    out[word] = max(out.get(word, 0.0), weight)
        best = sorted(out.items(), key=lambda kv: -kv[1])[:8]
        return tuple(Correction(w, s) for w, s in best)

    def _shorthand(self, token: str) -> tuple[Correction, ...]:
        """The catalog's shorthand tokens a written-out word may stand for: "skim" for SKM,
        "bleached" for BLCH, "unbleached" for UNBLCH, "japanese" for JPN."""
        if len(token) < 4 or _VOWELS.isdisjoint(token[1:]):
            return ()
        tokens = self.shorthand.get(token[0], ())
        if not tokens:
            return ()
        full = skeleton(token)
        whole = {full} | {skeleton(token[: -len(e)]) for e in _INFLECTIONS
                          if token.endswith(e) and len(token) - len(e) >= 3}  # fmt: skip
        out: list[Correction] = []
        for short in tokens:
            if short in whole:
                weight = ABBREVIATED
            elif full.startswith(short) and len(short) >= len(full) - 1:
                weight = NEAR_ABBREVIATED
            elif 2 * len(short) >= len(full) and (
                full.startswith(short) or (short[-1] == full[-1] and _subsequence(short, full))
            ):
                weight = LOOSE_ABBREVIATED
            else:
                continue
            out.append(Correction(short, weight))
        out.sort(key=lambda c: -c.weight)
        return tuple(out[:8])

    def _stem(self, token: str) -> str | None:
        """The catalog word a derived form comes from ("compostable" -> compost, "bagged"
        -> bag, "sliced" -> slice), when the catalog has it."""
        for suffix in _SUFFIXES:
            base = token[: -len(suffix)]
            if not token.endswith(suffix) or len(base) < 3:
                continue
            doubled = base[:-1] if base[-1] == base[-2] else None
            for word in (base, base + "e", doubled):
                if word and word in self.postings:
                    return word
        return None


def _codes(items: Sequence[CatalogItem]) -> dict[str, int]:
    """The items' codes a customer may write in place of a name. A code of digits only
    needs five of them ("11002"), and one with letters four characters and a digit
    ("DY-1001"), so no code is read out of a count or a size ("1000 cups", "A1 sauce")."""
    return {code: idx for idx, item in enumerate(items) if (code := item.sku.upper())
            and any(ch.isdigit() for ch in code)
            and len(code) >= (5 if code.isdigit() else 4)}  # fmt: skip


def skeleton(word: str) -> str:
    """A word's first letter and its consonants, doubled letters once ("bleached" ->
    blchd, "buttermilk" -> btrmlk): how ERP shorthand writes it."""
    word = word.replace("ck", "k")
    out = [word[0]]
    for prev, ch in pairwise(word):
        if ch not in _VOWELS and ch != prev:
            out.append(ch)
    return "".join(out)


def _subsequence(short: str, word: str) -> bool:
    rest = iter(word)
    return all(ch in rest for ch in short)


def _shorthand(tokens: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The catalog's tokens written as shorthand (no vowel after the first letter, three
    letters or more, no unit and no word the lexicon knows), by first letter."""
    known = lexicon_nouns()
    units = {*SELLING_UNITS, *SIZE_UNITS}
    out: dict[str, list[str]] = defaultdict(list)
    for token in tokens:
        if (len(token) >= 3 and token.isalpha() and _VOWELS.isdisjoint(token[1:])
                and token not in known and token not in units):  # fmt: skip
            out[token[0]].append(token)
    return {k: tuple(v) for k, v in out.items()}


def _core(text: str) -> tuple[str, list[Size]]:
    try:
        tokens, sizes = split_sizes(spell_packs(text))
    except (InvalidOperation, ValueError):  # an unreadable size must not sink the index
        tokens, sizes = text.split(), []
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


def _surfaces(core: str, weight: float) -> Iterable[tuple[str, float]]:
    """A surface's normalised text, and its English reading when it has Spanish words."""
    yield core, weight
    english = english_tokens(core.split())
    if english:
        yield " ".join(english), weight * TRANSLATED


@dataclass
class _Builder:
    """The lists an index is built from, filled item by item."""

    surfaces: list[str] = field(default_factory=list)
    surface_item: list[int] = field(default_factory=list)
    surface_weight: list[float] = field(default_factory=list)
    surface_sized: list[bool] = field(default_factory=list)
    size_only: list[bool] = field(default_factory=list)
    item_surfaces: list[np.ndarray] = field(default_factory=list)
    item_tokens: list[frozenset[str]] = field(default_factory=list)
    item_sizes: list[tuple[Size, ...]] = field(default_factory=list)
    item_weak: list[tuple[Size, ...]] = field(default_factory=list)
    item_attributes: list[Attributes] = field(default_factory=list)
    item_shelf: list[frozenset[str]] = field(default_factory=list)
    item_kinds: list[Kinds] = field(default_factory=list)
    side: str = "either"  # where this catalog's names put their head (`kinds.convention`)
    heads: frozenset[str] = frozenset()  # the words heading its names (`kinds.heads`)
    exact: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    cores: dict[str, tuple[str, list[Size]]] = field(default_factory=lambda: {"": ("", [])})

    def core(self, text: str) -> tuple[str, list[Size]]:
        """The normalised text without sizes, and the sizes (cached: names repeat)."""
        hit = self.cores.get(text)
        if hit is None:
            hit = self.cores[text] = _core(text)
        return hit

    def add(self, idx: int, item: CatalogItem, base: CatalogItem | None) -> None:
        """Add one item's surfaces, vocabulary and sizes."""
        seen: dict[str, int] = {}
        sizes: list[Size] = []
        tokens: set[str] = set()
        # A variant surface that is the product's name once its sizes are gone ("Whole Milk
        # Half Gallon") only says "this size"; one with words of its own ("... Salted") does not.
        base_cores = set()
        if base is not None:
            base_cores = {self.core(text)[0] for text, _, _ in _item_texts(base, None)}
        named: list[str] = []
        for text, trust, own_sizes in _item_texts(item, base):
            plain, found = self.core(text)
            if own_sizes:
                sizes.extend(s for s in found if s not in sizes)
            if plain:
                size_only = bool(found) and own_sizes and plain in base_cores
                for core, weight in _surfaces(plain, trust):
                    self.surface(idx, seen, tokens, core, weight, bool(found), size_only)
                    if trust != MISSPELLING:
                        named.append(core)
        # "24/12oz Can": the container its size reads away is still the item's word ("cola
        # cans"): an attribute ("can" is not "bib") and a word it explains, though it finds
        # no candidates (it stays out of the postings)
        packed = [singular(w) for text, _, _ in _item_texts(item, base)
                  for w in lex(fold(text)) if w in CONTAINER_WORDS]  # fmt: skip
        self.item_attributes.append(attributes([*named, " ".join(packed)]))
        for text in (*item.keywords, item.brand or ""):
            words = self.core(text)[0].split()
            tokens.update(words)
            tokens.update(english_tokens(words))
        # the category's words describe the shelf, not the item ("Cups & Lids" for a cup)
        words = self.core(item.category or "")[0].split()
        shelf = {*words, *english_tokens(words)} - tokens
        tokens.update(shelf)
        self.item_shelf.append(frozenset(shelf) if shelf else _NO_MARKS)
        self.item_kinds.append(self.kinds(item, base))
        weak = [] if item.is_variant else self.core(item.description or "")[1]
        self.item_surfaces.append(np.fromiter(seen.values(), dtype=np.int32, count=len(seen)))
        self.item_tokens.append(frozenset(tokens))
        self.item_sizes.append(tuple(sizes))
        self.item_weak.append(tuple(s for s in weak if s not in sizes))
        for token in tokens:
            self.postings[token].append(idx)
        if not tokens.issuperset(packed):
            self.item_tokens[-1] = frozenset(tokens.union(packed))

    def kinds(self, item: CatalogItem, base: CatalogItem | None) -> Kinds:
        """The words naming the item's kind (a variant is still its product's kind)."""
        names = [head_phrase(item.name)]
        if base is not None:
            names.append(head_phrase(base.name))
            # the variant's own words ("... 100CT" + "Chamomile") name it with its product's,
            # on the side this catalog's modifiers stand: "TEA ... CHAMOMILE", "Salted Butter"
            own = head_phrase(item.variant_name or "")
            if own:
                names.append((*own, *names[-1]) if self.side == LAST else (*names[-1], *own))
        # a Spanish name read in English keeps the name's order ("TORTILLA HARINA")
        names += [tuple(e) for e in (english_tokens(list(p)) for p in names) if e]
        aliases = [head_phrase(a) for a in item.aliases]
        # misspellings are the name's or an alias's words, misspelt as customers do
        names += [head_phrase(m) for m in item.misspellings]
        used = {w for phrase in (*names, *aliases) for w in phrase}
        loose: set[str] = set()
        for text in (item.category or "", *item.keywords, item.brand or ""):
            words = self.core(text)[0].split()
            loose.update(words, english_tokens(words))
        shelf = frozenset(self.core(item.category or "")[0].split())
        return item_kinds(names, aliases, loose - used, self.side, self.heads, shelf)

    def surface(
        self,
        idx: int,
        seen: dict[str, int],
        tokens: set[str],
        core: str,
        weight: float,
        sized: bool,
        size_only: bool,
    ) -> None:
        """Add one surface of an item (or raise the trust of one it already has)."""
        tokens.update(core.split())
        if core in seen:
            pos = seen[core]
            self.surface_weight[pos] = max(self.surface_weight[pos], weight)
            self.surface_sized[pos] = self.surface_sized[pos] and sized
            self.size_only[pos] = self.size_only[pos] and size_only
            return
        seen[core] = len(self.surfaces)
        self.surfaces.append(core)
        self.surface_item.append(idx)
        self.surface_weight.append(weight)
        self.surface_sized.append(sized)
        self.size_only.append(size_only)
        if weight >= INHERITED:
            self.exact[core].append(idx)


_NO_MARKS: frozenset[str] = frozenset()


def _marks(items: list[CatalogItem], attrs: list[Attributes]) -> list[frozenset[str]]:
    """For each variant, the attribute classes in which it differs from its product."""
    base = {it.product_id: i for i, it in enumerate(items) if not it.is_variant}
    out = []
    for i, item in enumerate(items):
        b = base.get(item.product_id)
        if not item.is_variant or b is None:
            out.append(_NO_MARKS)
            continue
        mine, theirs = attrs[i], attrs[b]
        out.append(frozenset(k for k in mine if theirs.get(k) != mine[k]) or _NO_MARKS)
    return out


_MAX_MODIFIERS = 2


@cache
def _unmarked_words() -> frozenset[str]:
    """Words that never make a name the marked one: a class's default value, a unit."""
    words = {w for values in defaults().values() for v in values for w in v.split()}
    units = {*SELLING_UNITS, *SIZE_UNITS}
    return frozenset(words | units | {singular(u) for u in units})


def _modifiers(items: list[CatalogItem], side: str) -> list[frozenset[str]]:
    """For each product, the words its name adds to a plainer product of the same kind
    ("Cucumber English" next to "Cucumber", "CUP HOT DW" next to "CUP HOT"): the marked
    sibling, which a customer naming only the plain words does not mean. The head word (the
    kind) is never one of them: "Apple Juice" is not a marked apple. Variants are marked by
    their attributes instead (`_marks`)."""
    phrases = [() if it.is_variant else head_phrase(it.name) for it in items]
    plain = {frozenset(p) for p in phrases if p}
    out: list[frozenset[str]] = []
    for words in phrases:
        found: frozenset[str] = _NO_MARKS
        if len(words) > 1:
            head = {words[0]} if side == FIRST else {words[-1]} if side == LAST else set()
            own = frozenset(words)
            free = [w for w in own if w not in head]
            for n in range(1, min(_MAX_MODIFIERS, len(own) - 1) + 1):
                extra = next((frozenset(c) for c in combinations(sorted(free), n)
                              if own - frozenset(c) in plain), None)  # fmt: skip
                if extra is not None:
                    # a class's default ("Milk Whole") or a unit word marks nothing
                    found = frozenset(extra - _unmarked_words()) or _NO_MARKS
                    break
        out.append(found)
    return out


def pack_tokens(text: str) -> set[str]:
    """The pack notation of a text as a customer may write it: "24/16.9oz" gives 24/16.9
    and 16.9, "9X9X3" gives 9x9x3, 9x9 and 9x3 (each run of two or more of its numbers)."""
    out: set[str] = set()
    for m in _PACK.finditer(text.lower()):
        parts = _PACK_PART.findall(m.group(0))
        numbers = parts[::2]
        out.update(n for n in numbers if "." in n)
        for i in range(len(numbers)):
            for j in range(i + 1, len(numbers)):
                # a customer's "12-20" reads 12/20 (`normalize.norm_tokens`)
                out.add("".join(parts[2 * i : 2 * j + 1]).replace("-", "/"))
    return out


def _packs(item: CatalogItem) -> frozenset[str]:
    found: set[str] = set()
    for text in (item.name, *item.aliases, item.description or ""):
        found |= pack_tokens(text)
    return frozenset(found) if found else _NO_MARKS


def _changes(items: list[CatalogItem]) -> list[frozenset[str]]:
    """For each item, the words of its name that change what it is (see `changing_words`);
    a variant with words of its own has only those ("... SLICED" / "WHOLE" is not sliced),
    one named by its size or unit has its product's."""
    words = changing_words()
    units = _unmarked_words()
    out = []
    for item in items:
        text = item.name
        if item.variant_name:
            own = [w for w in norm_tokens(lex(fold(item.variant_name)))
                   if w.isalpha() and w not in units]  # fmt: skip
            text = item.variant_name if own else text
        found = words.intersection(norm_tokens(lex(fold(text))))
        out.append(frozenset(found) if found else _NO_MARKS)
    return out


def build_index(items: Sequence[CatalogItem]) -> CatalogIndex:
    """Build the index of one distributor's items (products and variants)."""
    items = list(items)
    load_lexicons()
    bases = {it.product_id: it for it in items if not it.is_variant}
    side = convention(items)
    b = _Builder(side=side, heads=heads(items, side))
    for idx, item in enumerate(items):
        b.add(idx, item, bases.get(item.product_id) if item.is_variant else None)
    n = max(len(items), 1)
    idf = {t: math.log((n + 1) / (len(ids) + 0.5)) + 0.1 for t, ids in b.postings.items()}
    surface_tokens = [tuple(s.split()) for s in b.surfaces]
    family: dict[str, list[int]] = defaultdict(list)
    for idx, item in enumerate(items):
        family[item.product_id].append(idx)
    vocab_by_len: dict[int, list[str]] = defaultdict(list)
    for token in b.postings:
        if token.isalpha():
            vocab_by_len[len(token)].append(token)
    return CatalogIndex(
        items=items,
        codes=_codes(items),
        surfaces=b.surfaces,
        surface_item=np.asarray(b.surface_item, dtype=np.int32),
        surface_weight=np.asarray(b.surface_weight, dtype=np.float32),
        surface_sized=np.asarray(b.surface_sized, dtype=bool),
        surface_size_only=np.asarray(b.size_only, dtype=bool),
        surface_tokens=surface_tokens,
        surface_idf=[sum(idf[w] for w in words) for words in surface_tokens],
        item_surfaces=b.item_surfaces,
        item_tokens=b.item_tokens,
        item_shelf=b.item_shelf,
        item_sizes=b.item_sizes,
        item_weak_sizes=b.item_weak,
        item_amounts=[size_amounts(sizes) for sizes in b.item_sizes],
        item_main_amounts=[size_amounts(sizes, counts=False) for sizes in b.item_sizes],
        item_units=[item_units(it) for it in items],
        item_attributes=b.item_attributes,
        item_marks=_marks(items, b.item_attributes),
        item_modifiers=_modifiers(items, side),
        item_packs=[_packs(it) for it in items],
        family={k: tuple(v) for k, v in family.items()},
        exact={k: tuple(v) for k, v in b.exact.items()},
        postings={t: np.asarray(ids, dtype=np.int32) for t, ids in b.postings.items()},
        idf=idf,
        max_idf=math.log(n + 1) + 0.1,
        vocab_by_len=dict(vocab_by_len),
        item_kinds=b.item_kinds,
        item_changes=_changes(items),
        dimensions=[t for t in b.postings if _DIMENSIONS.match(t)],
        shorthand=_shorthand(b.postings),
    )
