"""A customer's mention as slots: each word with the catalog words it may stand for.

A slot holds the customer's word, its corrections against the catalog vocabulary (itself,
a clipped or misspelt form, two words run together) and, where the lexicon reads it as
Spanish, its English senses ("pechuga" -> breast) with their own corrections. A phrase
the lexicon reads as a whole ("tomate verde" -> tomatillo) becomes as many slots as its
English reading has words, so "2 cs tomate verde" asks the catalog for one word, not two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.index import CatalogIndex, Correction
from matching.lexicon import (
    FIRST_SENSE,
    OTHER_SENSE,
    Reading,
    misspelt_spanish,
    read_spanish,
    spanish,
)
from matching.normalize import PACKAGING_WORDS, SOFT_WORDS

MISSPELT = 0.9  # trust in the reading of a Spanish word one edit from the lexicon's
# How far an Asian word's English reading is trusted where the catalog writes the word
# itself ("mandu": the catalog's MANDU is meant before its other dumplings).
SAID = 0.8


@dataclass(frozen=True, slots=True)
class Slot:
    """One unit of meaning in the mention and the catalog words that may express it."""

    word: str  # the customer's word (the first one, for a phrase)
    corrections: tuple[Correction, ...]  # best first
    own: str | None  # the customer's word itself, when the catalog uses it
    english: str | None  # the best English reading, when the lexicon gave one
    soft: bool  # "fresh", "fresca": counts when it fits, costs little when it does not

    @property
    def translated(self) -> bool:
        """Whether the lexicon supplied a reading for this slot."""
        return self.english is not None


def _plain(index: CatalogIndex, word: str) -> Slot:
    corr = index.correct(word)
    own = word if corr and corr[0].token == word else None
    # a container the catalog never names ("water bottles") says how it ships
    packed = word in PACKAGING_WORDS and word not in index.postings
    return Slot(word, corr, own, None, word in SOFT_WORDS or packed)


def _together(index: CatalogIndex, left: str, right: str) -> bool:
    """Whether no item names both words apart: then one item's glued word is meant."""
    a, b = index.postings.get(left), index.postings.get(right)
    return a is not None and b is not None and bool(np.intersect1d(a, b).size)


def join_split(index: CatalogIndex, tokens: Sequence[str]) -> list[str]:
    """Two words the catalog writes as one ("crab meat" -> CRABMEAT, "dish machine" ->
    DISHMACHINE) become that one word, unless some item has both words apart."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if i + 1 < len(tokens) and word.isalpha() and tokens[i + 1].isalpha():
            glued = word + tokens[i + 1]
            if glued in index.postings and not _together(index, word, tokens[i + 1]):
                out.append(glued)
                i += 2
                continue
        out.append(word)
        i += 1
    return out


def _sources(source: tuple[str, ...], p: int, width: int, right: bool) -> tuple[str, ...]:
    """The customer's words standing at slot p of a reading `width` slots wide: one each,
    the spare ones in the last slot (the first, when the reading lines up on the right)."""
    if not right:
        return source[p : p + 1] if p < width - 1 else source[p:]
    shift = width - len(source)
    if shift >= 0:
        return source[p - shift : p - shift + 1] if p >= shift else ()
    return source[: 1 - shift] if p == 0 else source[p - shift : p - shift + 1]


def _translated(index: CatalogIndex, reading: Reading, trust: float = 1.0) -> list[Slot]:
    width = max(len(s) for s in reading.senses)
    # Past the shortest reading ("skim" = nonfat = fat free), a slot is optional.
    # ...but only a reading the catalog can match in full counts ("cornstarch" = "corn
    # starch" does not make "starch" optional in a catalog without the word).
    own_width = 1 if len(reading.source) == 1 and reading.source[0] in index.postings else width
    whole = [len(s) for s in reading.senses if s and all(w in index.postings for w in s)]
    needed = min(own_width, *whole) if whole else own_width
    catalog_own = reading.own and all(w in index.postings for w in reading.source)
    # An Asian word's English readings line up on their last word, the head ("sen yai":
    # wide rice noodle, rice noodle), and the optional slots are the leading modifiers.
    right = reading.own
    out: list[Slot] = []
    for p in range(width):
        sources = _sources(reading.source, p, width, right)
        # A lone word stays a candidate as written ("pan" may be the P.A.N. brand); a
        # phrase's words do not ("frijol negro" is black beans, whatever "frijol" names),
        # unless the catalog writes the whole phrase ("ong choy": WATER SPINACH ONG CHOY).
        mine = sources if len(reading.source) == 1 or catalog_own else ()
        alts: dict[str, float] = {w: 1.0 for w in mine if w in index.postings}
        english: str | None = None
        optional = p < width - needed if right else p >= needed
        soft = optional or (bool(sources) and all(w in SOFT_WORDS for w in sources))
        for k, sense in enumerate(reading.senses):
            at = p - (width - len(sense)) if right else p
            if not 0 <= at < len(sense):
                continue
            weight = 1.0 if sense == reading.source else FIRST_SENSE if k == 0 else OTHER_SENSE
            if catalog_own and sense != reading.source:
                weight *= SAID  # the catalog's own "MANDU", before any other dumpling
            english = english or sense[at]
            soft = soft or (k == 0 and sense[at] in SOFT_WORDS)
            for c in index.correct(sense[at]):
                alts[c.token] = max(alts.get(c.token, 0.0), trust * weight * c.weight)
        ranked = sorted(alts.items(), key=lambda kv: -kv[1])
        own = next((w for w in mine if w in index.postings), None)
        word = sources[0] if sources else reading.source[-1]
        corrections = tuple(Correction(t, w) for t, w in ranked)
        out.append(Slot(word, corrections, own, english, soft))
    return out


def slots(index: CatalogIndex, tokens: Sequence[str]) -> list[Slot]:
    """The slots of a normalised mention, in order (words the lexicon drops are left out)."""
    out: list[Slot] = []
    for reading in read_spanish(join_split(index, tokens)):
        if not reading.senses:
            plain = _plain(index, reading.source[0])
            exact = plain.corrections and plain.corrections[0].weight >= 1.0
            key = None if exact else misspelt_spanish(plain.word)
            if key is None:
                out.append(plain)
                continue
            # a misspelt Spanish word ("cebola"): read it as the word it is near, keeping
            # the catalog's own near words as candidates too
            lex = spanish()
            near = Reading(reading.source, lex.phrases[key], key in lex.keep_own)
            misread = _translated(index, near, MISSPELT)
            first = misread[0]
            merged = sorted({*first.corrections, *plain.corrections}, key=lambda c: -c.weight)
            out.append(Slot(first.word, tuple(merged), None, first.english, first.soft))
            out.extend(misread[1:])
        elif any(reading.senses):  # a word that says nothing ("sabor") has only empty senses
            out.extend(_translated(index, reading))
    return out
