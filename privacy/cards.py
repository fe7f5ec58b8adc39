"""Card numbers in a text: every brand-shaped, Luhn-valid number in every run of digits.

No presidio import: the log filter uses this at startup. A run is digit groups joined by
one space, dash or dot (mixed allowed), so several cards typed back to back are one run:
"4111 1111 1111 1111 5555 5555 5555 4444". The cards in a run are the non-overlapping set
of candidates that masks the most digits (dynamic programming over digit positions), so
a short Luhn-lucky window can never hide a longer card that overlaps it.
"""

from __future__ import annotations

import re

from privacy.checks import card_brand_ok, luhn_ok
from privacy.findings import Finding, PIIType

_RUN = re.compile(r"\d+(?:[ .\-]\d+)*")
_GROUP = re.compile(r"\d+")
MIN_DIGITS, MAX_DIGITS = 13, 19


def card_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every card number in `text`, in text order, none overlapping."""
    spans: list[tuple[int, int]] = []
    for run in _RUN.finditer(text):
        if len(run.group()) >= MIN_DIGITS:
            spans += _cards_in_run(text, run.start(), run.end())
    return spans


def card_findings(text: str) -> list[Finding]:
    """The card numbers of `text` as the detector reports them, without the other types.

    What `detect()` gives for cards, at a fraction of its cost (no presidio, no other
    recogniser): for masking cards before a message is stored. Where a card-shaped run
    lies inside an IBAN, the detector reports the IBAN and this the card: it masks more.
    """
    return [
        Finding(PIIType.CREDIT_CARD, start, end, text[start:end], 1.0, "CreditCardRecognizer")
        for start, end in card_spans(text)
    ]


def _cards_in_run(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The cards in text[start:end], a run of digit groups, as text spans."""
    offsets: list[int] = []  # text offset of each digit of the run
    cuts: set[int] = {0}  # digit positions where a card may start or end
    for group in _GROUP.finditer(text, start, end):
        first = len(offsets)
        offsets += range(group.start(), group.end())
        if group.end() - group.start() > MAX_DIGITS:
            # Too long for one card: cards were pasted without separators, so they may
            # begin anywhere inside. In a grouped run a card keeps to whole groups, which
            # spares tracking numbers like "9400 1000 0000 ..." their Luhn-lucky windows.
            cuts.update(range(first, len(offsets)))
        cuts.add(len(offsets))
    if len(offsets) < MIN_DIGITS:
        return []
    digits = "".join(text[i] for i in offsets)
    return [(offsets[i], offsets[j - 1] + 1) for i, j in best_cover(digits, cuts)]


def best_cover(digits: str, cuts: set[int]) -> list[tuple[int, int]]:
    """Non-overlapping card windows [i, j) of `digits` (i, j in `cuts`) masking most digits.

    best[i] is the most card digits coverable in digits[i:]; ties go to the cover whose
    first card starts earliest, then to the longer card.
    """
    n = len(digits)
    best = [0] * (n + 1)
    choice: list[int | None] = [None] * (n + 1)  # end of the card starting at i, if taken
    for i in range(n - 1, -1, -1):
        best[i] = best[i + 1]
        if i not in cuts:
            continue
        for j in range(min(n, i + MAX_DIGITS), i + MIN_DIGITS - 1, -1):
            value = j - i + best[j]
            better = value > best[i] or (value == best[i] and choice[i] is None)
            if better and j in cuts and _is_card(digits[i:j]):
                best[i], choice[i] = value, j
    cover, i = [], 0
    while i < n:
        j = choice[i]
        if j is None:
            i += 1
        else:
            cover.append((i, j))
            i = j
    return cover


def _is_card(digits: str) -> bool:
    """True for a brand-shaped, Luhn-valid digit string."""
    return card_brand_ok(digits) and luhn_ok(digits)
