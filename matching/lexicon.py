"""The matcher's word lists, kept as data: abbreviations, English synonyms, and Spanish (and
French, Portuguese, Italian, romanized Asian) -> English lexicons.

`data/abbreviations.tsv` expands ERP and kitchen shorthand ("BNLS" -> boneless) the same
way on both sides. `data/es_en.tsv` reads Spanish food and packaging words in English
("pechuga de pollo" -> chicken breast): a customer's line is read in both languages and the
catalog indexes both forms, so a Spanish line finds an English ERP name and the other way
round. `en_synonyms.tsv` and `en_slang.tsv` (trade slang and dictation slips: "flower" for
flour) are read in customers' lines. `fr_en.tsv`, `pt_en.tsv` and `it_en.tsv` are read the
same way into the same lexicon, without ever replacing a Spanish or English reading. The
romanized Asian lexicons (`vi_en.tsv`, `zh_en.tsv`, `ko_en.tsv`, `ja_en.tsv`, `th_en.tsv`,
`tl_en.tsv`: "banh pho" -> rice noodle, "kkaennip" -> perilla leaf) are read after them the
same way, in customers' lines only; their words as written stay a reading too, where the
catalog writes them ("ONG CHOY", "GOCHUJANG"). The files are read once, on first use
(never at import).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Lexicons of the other Romance languages customers write in, read after es_en.tsv.
ROMANCE = ("fr_en.tsv", "pt_en.tsv", "it_en.tsv")
# Romanized Vietnamese, Chinese (Mandarin and Cantonese), Korean, Japanese, Thai and Tagalog
# food words, read after them: English catalogs name these foods in English, or by the
# very words a customer writes ("NOODLE UDON", "PERILLA LEAF KKAENNIP").
ASIAN = ("vi_en.tsv", "zh_en.tsv", "ko_en.tsv", "ja_en.tsv", "th_en.tsv", "tl_en.tsv")
# How much a translated word is trusted next to the customer's own (first sense, others).
FIRST_SENSE, OTHER_SENSE = 0.95, 0.85
_MAX_PHRASE = 4


def _rows(name: str) -> list[list[str]]:
    text = resources.files("matching").joinpath("data", name).read_text(encoding="utf-8")
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


@cache
def abbreviations() -> dict[str, tuple[str, ...]]:
    """Shorthand -> the words it stands for (folded, lower case)."""
    return {row[0].strip(): tuple(row[1].split()) for row in _rows("abbreviations.tsv")}


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Spanish phrases (as normalised token tuples) -> English senses (token tuples)."""

    phrases: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]
    catalog_phrases: frozenset[tuple[str, ...]]  # phrases also read in catalog names
    forms: dict[str, str]  # a plural or variant spelling -> the form the phrases use
    # phrases whose words, as written, are still what a catalog may call the thing ("ong
    # choy" is also WATER SPINACH ONG CHOY): unlike "frijol negro", whose words are Spanish
    keep_own: frozenset[tuple[str, ...]] = frozenset()


@cache
def spanish() -> Lexicon:
    """The Spanish -> English lexicon, normalised like every other text (see `normalize`)."""
    from matching.normalize import normalize, singular  # normalize imports this module

    phrases: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    query_only: set[tuple[str, ...]] = set()
    forms: dict[str, str] = {}
    keep_own: set[tuple[str, ...]] = set()

    def add(
        rows: list[list[str]],
        *,
        keep: frozenset[tuple[str, ...]] = frozenset(),
        q: bool = False,
        own: bool = False,
    ) -> None:
        for row in rows:
            # "-": a word that says nothing about the product ("sabor"): read as no words
            senses = [tuple(normalize(s).split()) for s in row[1].split("|")]
            flags = row[2].strip() if len(row) > 2 else ""
            for form in row[0].split("|"):
                key = tuple(normalize(form).split())
                if key and key not in keep:
                    _add_form(form, key, senses, q or "q" in flags, plurals=not own)
                    if own:
                        keep_own.add(key)

    def _add_form(
        form: str, key: tuple[str, ...], senses: list[tuple[str, ...]], q: bool, plurals: bool
    ) -> None:
        # Romance plurals in -s/-es ("limones"); Asian words have none, and short syllables
        # would be misread as some other word's plural ("kee" as "ke")
        for word in form.split() if plurals else ():
            base = singular(word)
            for plural in (word + "s", word + "es"):
                forms.setdefault(singular(plural), base)
        merged = phrases.setdefault(key, [])
        merged.extend(s for s in senses if s not in merged)
        if q:
            query_only.add(key)

    add(_rows("es_en.tsv"))
    # English synonyms ("skim" also asks for "nonfat"): read in customers' lines only
    for row in _rows("en_synonyms.tsv"):
        group = [tuple(normalize(m).split()) for m in row[0].split("|")]
        for member in group:
            if not member:
                continue
            merged = phrases.setdefault(member, [])
            # the words as written stay the first reading: "baking soda" is still asked for
            merged.extend(o for o in (member, *group) if o and o not in merged)
            query_only.add(member)
    # ...and the trade's slang and dictation slips ("gabagool", "flower" for flour), read
    # as the word meant
    add(_rows("en_slang.tsv"), q=True)
    # French, Portuguese, Italian: a form Spanish or English already reads keeps its reading
    # ("salsa", "pepino", "te" stay Spanish); the others are read in customers' lines only,
    # since English catalogs use French words of their own ("au jus", "creme brulee")
    spoken = frozenset(phrases)
    for name in ROMANCE:
        add(_rows(name), keep=spoken, q=True)
    # the Asian lexicons likewise, after every Romance one; a catalog may write their words
    spoken = frozenset(phrases)
    for name in ASIAN:
        add(_rows(name), keep=spoken, q=True, own=True)
    forms = {k: v for k, v in forms.items() if k != v and (k,) not in phrases}
    return Lexicon(
        phrases={k: tuple(v) for k, v in phrases.items()},
        catalog_phrases=frozenset(k for k in phrases if k not in query_only),
        forms=forms,
        keep_own=frozenset(keep_own),
    )


@cache
def _single_words() -> dict[int, list[str]]:
    """The lexicon's one-word Spanish keys by length (for misspelt words); not the Asian
    words, whose romanizations are many and short ("gamja" is one letter from "gamba")."""
    out: dict[int, list[str]] = {}
    lex = spanish()
    for key in lex.phrases:
        if len(key) == 1 and key[0].isalpha() and key not in lex.keep_own:
            out.setdefault(len(key[0]), []).append(key[0])
    return out


def misspelt_spanish(word: str) -> tuple[str, ...] | None:
    """The lexicon key a misspelt Spanish word stands for ("cebola" -> cebolla), if one is
    a single edit away (two for long words) and no other is as close."""
    if len(word) < 5 or not word.isalpha():
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    edits = 1 if len(word) < 8 else 2
    found: list[tuple[int, str]] = []
    for length in range(len(word) - edits, len(word) + edits + 1):
        for key, dist, _ in process.extract(
            word, _single_words().get(length, []), scorer=OSA.distance, score_cutoff=edits, limit=3
        ):
            found.append((int(dist), key))
    found.sort()
    if not found or (len(found) > 1 and found[1][0] == found[0][0] and found[1][1] != found[0][1]):
        return None
    return (found[0][1],)


def load() -> None:
    """Read every word list now (index builds call this, so no customer line waits for it)."""
    abbreviations()
    _single_words()


@dataclass(frozen=True, slots=True)
class Reading:
    """One stretch of a text: its own words, and what they mean in English (if Spanish)."""

    source: tuple[str, ...]
    senses: tuple[tuple[str, ...], ...] = ()
    own: bool = False  # the words as written may be the catalog's too (`Lexicon.keep_own`)

    @property
    def translated(self) -> bool:
        """Whether the lexicon read this stretch."""
        return bool(self.senses)


def read_spanish(tokens: Sequence[str], *, catalog: bool = False) -> list[Reading]:
    """Split normalised tokens into stretches, each with its English senses where known.

    Longest phrase first ("tomate verde" is tomatillo, not a green tomato). A word the
    lexicon marks as also English ("pan") is read as Spanish only in a customer's line.
    """
    lex = spanish()
    allowed = lex.catalog_phrases if catalog else None
    words = [lex.forms.get(t, t) for t in tokens]
    out: list[Reading] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
            key = tuple(words[i : i + n])
            senses = lex.phrases.get(key)
            if senses is not None and (allowed is None or key in allowed):
                out.append(Reading(tuple(tokens[i : i + n]), senses, key in lex.keep_own))
                i += n
                break
        else:
            out.append(Reading((tokens[i],)))
            i += 1
    return out


def english_tokens(tokens: Sequence[str]) -> list[str]:
    """A catalog text's tokens in English (first sense), each word once; [] if nothing read."""
    readings = read_spanish(tokens, catalog=True)
    if not any(r.senses for r in readings):
        return []
    out: list[str] = []
    for r in readings:
        for word in r.senses[0] if r.senses else r.source:
            if word not in out:
                out.append(word)
    return out
