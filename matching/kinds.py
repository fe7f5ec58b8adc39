"""Product kinds: which of an item's words name WHAT it is, not what it is like.

"Apple Juice" is juice, "Sweet Potato Fries" are fries, "Hot Cup Lid" is a lid: a customer
asking for apples, sweet potatoes or hot cups shares words with those items but asks for
another kind. A customer's word names the item's kind when, in some surface of the item
(its name, an alias, a misspelling), it is the head of the noun phrase, or every word on
the head's side of it was asked too ("crushed tomatoes" is the head of "Crushed
Tomatoes"; "tomatoes crushed" asks for it as well).

Where the head stands depends on how the catalog writes names: English phrases put it
last ("Whole Milk"), ERP names first ("MILK WHOLE GAL"). The side is read from the catalog
itself (see `convention`): a name whose first word is its category's word ("FLOUR ..." on
the "Flour & Grains" shelf) votes for head-first, one ending with it ("... Juice" on the
"Juice" shelf) for head-last. Aliases are written by people: head-last.

Head-last, a word before the head still names the item when it is neither a general kind
of product (the lexicon's English words), a describing word (an attribute value, a
participle) nor the head of another name of the catalog: "hass" names Hass Avocados.
Head-first names start with a class ("PEPPER JALAPENO", "BEEF BRISKET"), so a later word
names the item too, unless it is an adjective ("Sleeve Hot Cup": hot), a kind the catalog
sells on its own (cups, there), or a food after a class made from it ("SAUCE OYSTER":
oysters alone only suggest it). When the catalog does not tell its side, any word of the
item's own counts. The category, keywords and brand name a kind only for words the item's
surfaces do not use as a modifier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from matching.attributes import classes
from matching.catalog import CatalogItem
from matching.lexicon import spanish
from matching.normalize import SOFT_WORDS, fold, lex, norm_tokens

# Words that start a phrase after the head ("lids for hot cups", "jugo de manzana",
# "box w/ window", "lid fits 12-20 oz"): the head is before them.
_AFTER_HEAD = frozenset(
    {"for", "with", "w", "fits", "fit", "de", "del", "para", "con", "in", "without", "sin", "from"}
)
FIRST, LAST, EITHER = "first", "last", "either"
# Kinds of product made from what the next word names ("SAUCE OYSTER", "JUICE APPLE",
# "OIL SESAME"): a customer naming only that word may want the thing itself.
MADE_FROM = frozenset({
    "sauce", "syrup", "juice", "oil", "flour", "powder", "paste", "soda", "water", "milk",
    "vinegar", "extract", "concentrate", "chip", "soup", "seasoning", "dressing", "jam",
    "jelly", "puree", "drink", "tea", "candy", "cracker", "noodle", "starch", "cake", "pie",
    "filling", "broth", "stock", "base", "spread", "sweetener", "flavoring", "essence",
})  # fmt: skip
UNSURE = 0.8  # how surely such a word alone names the made thing (below STRONG: a guess)
_VOTES = 3  # names needed before a catalog's side is believed...
_LEAD = 2.0  # ...and by how much one side must lead the other


def head_phrase(text: str) -> tuple[str, ...]:
    """The normalised words of a text's main noun phrase: up to its first size, number or
    word that starts a modifier ("Shredded Mozzarella 5 lb Bag" -> shredded mozzarella)."""
    words: list[str] = []
    for token in lex(fold(text)):
        if token[:1].isdigit() or token[:1] in "#%.&/" or token in _AFTER_HEAD:
            if words:
                break
            continue
        words.append(token)
    return tuple(norm_tokens(words))


def convention(items: Iterable[CatalogItem]) -> str:
    """The side of a name its head stands on in this catalog: FIRST, LAST or EITHER."""
    first = last = 0
    for item in items:
        if item.is_variant or not item.category:
            continue
        shelf = set(norm_tokens(lex(fold(item.category))))
        words = head_phrase(item.name)
        if len(words) < 2:
            continue
        at_first, at_last = words[0] in shelf, words[-1] in shelf
        first += at_first and not at_last
        last += at_last and not at_first
    if first >= _VOTES and first >= _LEAD * last:
        return FIRST
    if last >= _VOTES and last >= _LEAD * first:
        return LAST
    return EITHER


@dataclass(frozen=True, slots=True)
class Kinds:
    """For each word that can name the item's kind, the sets of words that must be asked
    with it (one set per place it stands); an empty set: the word alone names the kind."""

    needs: dict[str, tuple[tuple[frozenset[str], float], ...]]  # (words needed, trust)

    def named_by(self, words: dict[str, float], asked: frozenset[str]) -> float:
        """How surely one of the customer's words (each with how surely it was read) names
        this item's kind, the other words of the line being `asked`; 0 when none does."""
        best = 0.0
        for word, sure in words.items():
            for need, trust in self.needs.get(word, ()):
                if sure * trust > best and need <= asked:
                    best = sure * trust
        return best


@cache
def common_nouns() -> frozenset[str]:
    """Words that do not name an item when they stand before its head: kinds of product in
    general (apple, coffee, cup: the English side of the lexicon) and describing words
    (an attribute's value, "fresh", a participle such as "iced" or "sliced"). A word
    outside them ("hass", "cotija", a brand) names the item well enough: it only
    describes this kind."""
    nouns = set(lexicon_nouns())
    nouns.update(w for _, values in classes() for v in values for w in v.split())
    return frozenset(nouns | SOFT_WORDS)


@cache
def lexicon_nouns() -> frozenset[str]:
    """The English side of the lexicon: words naming a kind of product in general (of the
    Spanish, English and Romance lexicons: an Asian word's readings include the names
    English borrowed, "mirin", "udon", which name one product, not a kind)."""
    lex = spanish()
    return frozenset(w for key, senses in lex.phrases.items() if key not in lex.keep_own
                     for s in senses for w in s)  # fmt: skip


# Attribute classes whose values are adjectives (what an item is like), unlike flavours or
# varieties, which are nouns that can name an item ("SYRUP VANILLA", "PEPPER SERRANO").
_ADJECTIVE_CLASSES = frozenset({"color", "state", "temperature", "size", "heat", "salt", "bone",
                                "skin", "fold", "ply", "grind"})  # fmt: skip


@cache
def adjectives() -> frozenset[str]:
    """Words that say what an item is like, never what it is: "hot", "white", "dried"..."""
    words = {w for name, values in classes() if name in _ADJECTIVE_CLASSES
             for v in values for w in v.split()}  # fmt: skip
    return frozenset(words | SOFT_WORDS)


@cache
def attribute_words() -> frozenset[str]:
    """The words of every attribute value (packaging, colour, flavour...)."""
    return frozenset(w for _, values in classes() for v in values for w in v.split())


def _participle(word: str) -> bool:
    """Whether a word says what was done to an item ("sliced", "peeled"), never what it is."""
    return len(word) > 4 and word.endswith("ed")


def _describes(word: str) -> bool:
    return word in common_nouns() or _participle(word)


def heads(items: Iterable[CatalogItem], side: str) -> frozenset[str]:
    """The words that head some product's name: kinds this catalog sells as such."""
    if side == EITHER:
        return frozenset()
    at = 0 if side == FIRST else -1
    return frozenset(p[at] for it in items if not it.is_variant and (p := head_phrase(it.name)))


def _needs(
    words: Sequence[str], side: str, kinds: frozenset[str]
) -> Iterable[tuple[str, frozenset[str], float]]:
    """Each word of a phrase, the words between it and the head's end, and how surely the
    word then names the item."""
    for i, word in enumerate(words):
        if side == LAST and (_describes(word) or word in kinds):
            yield word, frozenset(words[i + 1 :]) - {word}, 1.0
        elif side == FIRST and word in kinds:
            # "Sleeve Hot Cup": cups are a kind of their own here, the item is a sleeve
            yield word, frozenset(words[:i]) - {word}, 1.0
        elif side == FIRST and i > 0 and (word in adjectives() or _participle(word)):
            # "Sleeve Hot Cup": "hot" says what the sleeve is like, not what it is; "TOMATO
            # WHL PEELED" is a tomato ("pizza peel" does not name it)
            yield word, frozenset(words[:1]), 1.0
        elif side == FIRST and 0 < i < len(words) - 1 and words[-1] in kinds \
                and word not in attribute_words():
            # "LID PORTION CUP" (a lid for another kind the catalog sells): "portion" is
            # said of the cup the lid is for, not of the lid ("SYRUP BIB COKE": "bib" is
            # the syrup's packaging, an attribute, and still names it)
            yield word, frozenset(words[:1]), 1.0
        elif side == FIRST and i > 0 and words[0] in MADE_FROM and word in lexicon_nouns():
            # "SAUCE OYSTER" is a sauce: "oysters" alone may mean the shellfish
            yield word, frozenset(words[:1]), 1.0
            yield word, frozenset(), UNSURE
        else:
            # head-first names start with the class ("PEPPER JALAPENO", "BEEF BRISKET"): a
            # later word names the item as well as the first
            yield word, frozenset(), 1.0


def item_kinds(
    name_phrases: Sequence[tuple[str, ...]],
    alias_phrases: Sequence[tuple[str, ...]],
    loose_words: Iterable[str],
    side: str,
    kinds: frozenset[str] = frozenset(),
    shelf: frozenset[str] = frozenset(),  # kept for callers; the shelf is in loose_words
) -> Kinds:
    """The kinds of one item from its names' and aliases' head phrases and its category and
    keyword words (`loose_words`, a kind only where no surface uses them as a modifier);
    `kinds` are the words heading other names of the catalog (`heads`), `shelf` the words of
    the item's category."""
    needs: dict[str, dict[frozenset[str], float]] = {}
    for phrases, phrase_side in ((name_phrases, side), (alias_phrases, LAST)):
        for words in phrases:
            for word, need, trust in _needs(words, phrase_side, kinds):
                mine = needs.setdefault(word, {})
                mine[need] = max(mine.get(need, 0.0), trust)
    for word in loose_words:
        needs.setdefault(word, {frozenset(): 1.0})
    # the fewest words needed first: checks stop early
    return Kinds({w: tuple(sorted(n.items(), key=lambda x: (len(x[0]), -x[1])))
                  for w, n in needs.items()})  # fmt: skip
