"""The building blocks of the rules: number words, units, sizes, articles."""

from __future__ import annotations

import re
from decimal import Decimal

# --- Numbers and the building blocks of the rules -----------------------------------------

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11,
    "doce": 12, "quince": 15, "veinte": 20, "treinta": 30, "half": Decimal("0.5"),
}
_NUM = r"(?:\d+(?:\.\d+)?|\d+/\d+|" + "|".join(w for w in _WORD_NUMBERS if len(w) > 2) + ")"
_UNIT = (r"(?:cs|cse|cases?|bags?|boxes|box|bx|each|ea|lbs?|pounds?|kg|kilos?|gallons?|gal"
         r"|dozen|dz|packs?|pk|bundles?|bottles?|cans?|jugs?|trays?|cajas?|bolsas?|paquetes?"
         r"|libras?|docenas?|unidad(?:es)?|botellas?|latas?)")
_SIZE_UNIT = re.compile(r"oz|ounces?|lbs?|gal|gallons?|qt|l|liters?|ml|kg|g|in|inch|ct", re.I)
_SIZED = re.compile(rf"\d+(?:[.,/]\d+)?(?:{_SIZE_UNIT.pattern})", re.I)
_SIZE_ONLY = re.compile(rf"\d+(?:[.,/]\d+)?\s*(?:{_SIZE_UNIT.pattern})", re.I)
_ART = (r"(?:(?:the|my|our|those|these|that|el|la|los|las|lo|mi|mis|o|os|as|a|il|le|les|gli"
        r"|du|des)\s+(?:de\s+)?|l')?")
_IT = {"it", "that", "them", "this", "those", "lo", "la", "eso", "esa", "ese", "one", ""}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _number(text: str) -> Decimal | None:
    """A quantity written as digits, a fraction or a small number word."""
    text = text.lower().strip()
    if text in _WORD_NUMBERS:
        return Decimal(_WORD_NUMBERS[text])
    if m := re.fullmatch(r"(\d+)/(\d+)", text):
        return Decimal(m[1]) / Decimal(m[2]) if int(m[2]) else None
    return Decimal(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(
        pattern.replace("{NUM}", _NUM).replace("{UNIT}", _UNIT).replace("{ART}", _ART), re.I
    )
