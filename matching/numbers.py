"""Number words to digits: "two", "veinticuatro", "a dozen", "media caja", "2 and a half".

`text2num` (`alpha2digit`, English then Spanish) turns number words into digits; the
phrases it does not know ("a dozen", "a couple", "media docena", "half a case", "2 and a
half") are rewritten here. Runs on folded (lower-case, accent-free) text.
"""

from __future__ import annotations

import re

from text_to_num import alpha2digit

from matching.units import SELLING_UNITS

_MORE_UNITS = ("saco", "sacos", "bulto", "bultos")

# fmt: off
_ES_NUMBER_WORDS = frozenset({
    "un", "uno", "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
    "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete", "dieciocho", "diecinueve",
    "veinte", "veintiuno", "veintidos", "veintitres", "veinticuatro", "veinticinco", "treinta",
    "cuarenta", "cincuenta", "sesenta", "cien",
})
# fmt: on
# fmt: off
_EN_NUMBER_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
})
# fmt: on
_UNIT_ALT = "|".join(sorted(map(re.escape, (*SELLING_UNITS, *_MORE_UNITS)), key=len,
                            reverse=True))
_REWRITES = [
    (re.compile(r"\b(?:half a|half|1/2|media|medio)\s+(?:dozen|docena)\b"), "0.5 dozen"),
    (re.compile(r"\b(?:a|an|una|un)\s+(?:dozen|docena)\b"), "1 dozen"),
    (re.compile(r"\b(?:a couple of|a couple|couple of|un par de|un par)\b"), "2"),
    (re.compile(r"\b(\d+)\s+(?:and a half|and half|& a half|y media|y medio)\b"), r"\1.5"),
    # "2 half gallons" counts half-gallon jugs; written "2 x 1/2" so it is not read as 2 1/2
    (re.compile(r"(?<![\d/.x-])(\d+)\s+(?:half|media|medio)[ -](?=gal|gallon|galon|pint)"),
     r"\1 x 1/2 "),
    (re.compile(r"\b(?:half|media|medio)[ -](?=gal|gallon|galon|pint)"), "1/2 "),
    (re.compile(rf"\b(?:half an?|half|media|medio)\s+(?={_UNIT_ALT}\b)"), "0.5 "),
    (re.compile(rf"^(?:an?|una?)\s+(?={_UNIT_ALT}\b)"), "1 "),
    (re.compile(r"^(?:an?|una?)\s+(?!few|lot|little|bit|couple)(?=[a-z])"), "1 "),
]
_REWRITE_TRIGGER = re.compile(r"\b(?:half|media|medio|dozen|docena|couple|par|an?|una?)\b")


def number_words_to_digits(text: str) -> str:
    """Rewrite number words and phrases ("two", "a dozen", "dos", "media caja") as digits."""
    words = set(re.findall(r"[a-z]+", text))
    if words & _EN_NUMBER_WORDS:
        text = alpha2digit(text, "en", threshold=0)
    if words & _ES_NUMBER_WORDS:
        text = alpha2digit(text, "es", threshold=0)
    if _REWRITE_TRIGGER.search(text):
        for pattern, replacement in _REWRITES:
            text = pattern.sub(replacement, text)
    return text
