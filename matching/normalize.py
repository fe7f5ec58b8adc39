"""Text normalisation shared by the catalog side and the customer side.

Both sides go through the same steps (fold, lex, expand abbreviations, singularise, drop
filler words), so "Mozz" in a message and "Mozzarella" in the catalog end up as the same
token, and "Half and Half" and "hnh" as the same string.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from matching.lexicon import abbreviations

MAX_TEXT = 300  # characters of one order line we look at; longer text is not a line

_PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u00d7": "x", "\u2044": "/", "\u00bd": " 1/2",
    "\u00bc": " 1/4", "\u00be": " 3/4",
})  # fmt: skip
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_LEX = re.compile(
    r"\d+(?:\.\d+)?x\d+(?:\.\d+)?x\d+(?:\.\d+)?(?![\d.])"  # 8x8x5 box
    r"|\d+(?:\.\d+)?x\d+(?:\.\d+)?"  # 9x9 container, 4x1 pack
    r"|\d+(?:\.\d+)?-\d+(?:\.\d+)?"  # 12-20 range
    r"|\d+/\d+"  # 1/2 fraction, 16/20 shrimp grade
    r"|(?<![^\W\d_])u\d+(?![\d.])"  # U10 scallops, U15 shrimp: "under 10 to the pound"
    r"|\d+(?:\.\d+)?|\.\d+"  # 2, 1.5, .5
    r"|[^\W\d_]+"  # words, in any script
    r"|[#%\"&]"
)


def fold(text: str) -> str:
    """Lower-case, strip accents, unify quotes, dashes and fraction characters."""
    text = text[: MAX_TEXT * 2]
    if text.isascii():  # the common case, and the cheap one
        text = text.lower()
        return _APOSTROPHE.sub("", text) if "'" in text else text
    # ½ first, so "1½" reads "1 1/2" and not "11/2"
    text = unicodedata.normalize("NFKC", text.translate(_PUNCT)).translate(_PUNCT)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _APOSTROPHE.sub("", text.translate(_PUNCT))


# Multi-word spellings of one thing, so both sides agree on a single token.
_PHRASES = [
    (re.compile(r"\b(?:x|xtra|extra)[- ]?large\b"), "xl"),
    (re.compile(r"\bcoca[- ]?cola\b"), "coke"),
    (re.compile(r"\b(?:7[- ]?up|seven up)\b"), "sevenup"),
    (re.compile(r"\bh ?& ?h\b"), "hnh"),
    (re.compile(r"\bp ?& ?d\b"), "pd"),  # shrimp, peeled and deveined
    (re.compile(r"\bt[- ]shirt\b"), "tshirt"),
    (re.compile(r"\bw/"), "with "),
    # a bag-in-box of syrup is one packaging, told apart from the canned or bottled drink
    (re.compile(r"\bbag[- ]in[- ](?:a[- ])?box\b"), "bib"),
    # "12-CUP" filter, "2-cup carrier": how many cups it is for, a count, not the noun cup
    (re.compile(r"\b(\d+)-cups?\b"), r"\1 ct"),
    # "number ones", "number 2s": the #1 / #2 grade of produce and crabs
    (re.compile(r"\b(?:number|nr) ?(?:1|one)s?\b"), "#1"),
    (re.compile(r"\b(?:number|nr) ?(?:2|two)s?\b"), "#2"),
    # "HI GLTN" flour, "hi-temp" gloves: "hi" before these words is high, not a greeting
    (re.compile(r"\bhi[- ](?=(?:gluten|gltn|glutn|protein|temp|heat)\b)"), "high "),
    # "vinyl gloves S", "apron M": a lone S or M after a word is the size, not a plural "s"
    (re.compile(r"(?<=[^\W\d_] )s(?=$|[ ,;.)])"), "small"),
    (re.compile(r"(?<=[^\W\d_] )m(?=$|[ ,;.)])"), "medium"),
]


def lex(folded: str) -> list[str]:
    """Split folded text into tokens: numbers, fractions, ranges, words and # % \" &."""
    for pattern, replacement in _PHRASES:
        folded = pattern.sub(replacement, folded)
    return _LEX.findall(folded)


# Words that carry no product meaning in an order line (English and Spanish, and the
# French, Portuguese and Italian "of").
# fmt: off
STOPWORDS = frozenset({
    "a", "about", "add", "adding", "afternoon", "again", "agrega", "agregar", "also", "am", "an",
    "and", "another", "any", "approx", "are", "around", "as", "asap", "at", "be", "been", "buenas",
    "buenos", "by", "con", "could", "dame", "de", "del", "deliver", "delivery", "dias",
    "did", "do", "does", "e", "ea", "each", "el", "envia", "enviar", "evening", "favor", "for",
    "friday", "from", "get", "gimme", "give", "good", "got", "gracias", "hello", "hey", "hi",
    "hola", "i", "in", "into", "is", "it", "its", "just", "la", "las", "le", "les", "like", "lo",
    "los", "manda", "mandame", "mandar", "mas", "may", "me", "mi", "might", "mis", "monday",
    "more", "morning", "my", "necesitamos", "necesito", "need", "needs", "next", "o", "of", "ok",
    "okay", "on", "only", "or", "order", "ordering", "otra", "otras", "otro", "otros", "our",
    "pa", "para", "per", "please", "pls", "plus", "plz", "pon", "ponme", "por", "porfa", "porfavor",
    "qty", "quantity", "que", "queremos", "quiero", "same", "saturday", "send", "sending", "shall",
    "should", "some", "su", "sunday", "sus", "tambien", "thank", "thanks", "that", "the", "these",
    "this", "those", "thursday", "thx", "tmr", "tmrw", "to", "today", "tomorrow", "too", "total",
    "tuesday", "ty", "un", "una", "unas", "unos", "us", "usual", "via", "want", "wanted", "was",
    "we", "wednesday", "week", "weekly", "were", "will", "with", "would", "x", "y", "yeah", "yep",
    "yes", "you", "your",
    "al", "en",  # Spanish "a la", "en rebanadas"
    "di", "da", "du", "des",  # Italian, Portuguese, French "of"
    "s",  # "88s oranges", "48s avocados": the count's plural, not a word
    "u",  # "can u send"
})
# fmt: on

# Words that describe any product ("fresh romaine", "good avocados"): a customer's extra
# one should not sink a match, but one the catalog has still counts ("fresh mozz").
# fmt: off
SOFT_WORDS = frozenset({
    "best", "buena", "buenas", "bueno", "buenos", "cheap", "fresca", "frescas", "fresco",
    "frescos", "fresh", "good", "new", "nice", "normal", "normales", "plain", "premium", "quality",
    "regular", "ripe", "standard", "usual",
    # a size word fits an item that names no size; one naming another size is a conflict
    "small", "medium", "large", "go",
})
# fmt: on

# What a product comes packed in ("angostura bottles", "cilantro cs"): in a catalog that
# never names it, the word says how it ships, not what it is (`query.slots`). Where the
# catalog does name it ("cake boxes", "trash bags"), it is a product's word like any other.
# Not "can" or "bib": a can of soda and a bag-in-box of syrup are different items.
# fmt: off
PACKAGING_WORDS = frozenset({
    "bag", "bottle", "box", "btl", "bucket", "carton", "case", "crate", "cs", "ctn", "jar",
    "jug", "pack", "packet", "pail", "pk", "pouch", "sack", "tin", "tub",
})
# fmt: on
# "can" is a word of the product ("cola cans", "can liner") unless it asks ("can you send").
_ASKING = frozenset({"i", "we", "you", "u", "ya"})

# fmt: off
_IRREGULAR = {
    "loaves": "loaf", "leaves": "leaf", "knives": "knife", "halves": "half", "fries": "fry",
    "potatoes": "potato", "tomatoes": "tomato", "limones": "limon", "dishes": "dish",
    "peaches": "peach", "boxes": "box", "glasses": "glass", "sandwiches": "sandwich",
    "patties": "patty", "cookies": "cookie", "pies": "pie", "ties": "tie", "ramekins": "ramekin",
}
# fmt: on
_KEEP = ("ss", "us", "is", "ys", "'s")


@lru_cache(maxsize=65_536)
def singular(word: str) -> str:
    """A crude English/Spanish singular, applied the same way on both sides."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha() or word.endswith(_KEEP):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if word.endswith("oes"):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def norm_tokens(tokens: list[str]) -> list[str]:
    """Expand abbreviations, singularise and drop filler words from lexed tokens."""
    table = abbreviations()
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token == "can" and i + 1 < len(tokens) and tokens[i + 1] in _ASKING:
            continue
        if "-" in token:  # "16-20 shrimp" is the 16/20 count
            token = token.replace("-", "/")
        expanded = table.get(token)
        if expanded is None:
            word = singular(token)
            expanded = table.get(word, (word,))
        for word in expanded:
            if word not in STOPWORDS:
                out.append(word)
    return out


def normalize(text: str) -> str:
    """The normalised form of a product text: folded, lexed, expanded, space-joined."""
    return " ".join(norm_tokens(lex(fold(text))))
