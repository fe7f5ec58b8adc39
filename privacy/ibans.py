"""IBANs in a text: any case, grouped or not, broken over lines; length and mod-97 checked.

No presidio import: the log filter uses this too. Presidio's IBAN pattern wants upper
case, and once the text is upper-cased a word after the IBAN ("... 7011 8 THANKS") is
glued onto it and the match fails. Here a candidate is the country code, the check
digits and the alphanumeric chunks after them; it is cut at exactly the country's IBAN
length, so whatever follows cannot spoil it, and kept only if mod 97 gives 1.
"""

from __future__ import annotations

import re

from privacy.checks import iban_ok

# IBAN length by country (SWIFT IBAN registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

_START = re.compile(r"(?<![^\W_])([A-Za-z]{2})(\d{2})")
# Between chunks: nothing, one or two spaces, or a dash or line break (spaces around it).
_CHUNK = re.compile(r"(?:[ \u00a0]*[\n\-][ \u00a0]*|[ \u00a0]{0,2})([A-Za-z0-9]+)")


def iban_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every valid IBAN in `text`, in text order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (start := _START.search(text, pos)) is not None:
        end = _iban_end(text, start)
        if end is None:
            pos = start.start() + 1
        else:
            spans.append((start.start(), end))
            pos = end
    return spans


def _iban_end(text: str, start: re.Match[str]) -> int | None:
    """End of the IBAN that begins at `start`, or None if there is none."""
    length = IBAN_LENGTHS.get(start.group(1).upper())
    if length is None:
        return None
    chars, pos, end = 4, start.end(), start.end()
    while chars < length:
        chunk = _CHUNK.match(text, pos)
        if chunk is None or chunk.end() == pos:
            return None
        chars += len(chunk.group(1))
        pos = end = chunk.end()
    if chars != length or (end < len(text) and text[end].isalnum()):
        return None
    return end if iban_ok(re.sub(r"[^A-Za-z0-9]", "", text[start.start() : end])) else None
