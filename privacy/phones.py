"""Phone numbers: `phonenumbers` over candidate digit runs, with the regions we serve.

Presidio's `PhoneRecognizer` scans the whole text once per region and reports a PO
number like 4500012345 as a valid Canadian or German number. Here candidates are found
once, parsed per region only where that region's national shape fits, and scored by the
words before them ("call", "cel" vs "PO", "order #").
"""

from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.context import PHONE_WORDS, nearest_cue, words_after, words_before

# National formats are tried in this order; international ones (+CC, 00CC) are accepted
# for every country. NANP covers US, CA, PR and the Caribbean.
REGIONS: tuple[str, ...] = ("US", "MX", "ES", "CO", "BR", "GB", "FR", "DE", "IT", "IN", "AU")
# Where most customers are: an unformatted 10-digit run from here is likelier a phone.
HOME: tuple[str, ...] = ("US", "MX")

_GROUP = r"(?:\(\s?\d{1,5}\s?\)|\d+)"
# One separator between groups; none needed next to a parenthesis: "(305)555-0143". A line
# break counts as one: a narrow screen or a mail client wraps "+44 20\n7946 0958".
# A dash with spaces on both sides is no separator: it sets list items apart ("3 41 518
# 27 - 12 cans", "15.11.2024 - 6 cartons").
_JOIN = r"(?:[.\-][ \u00a0]?|[ \u00a0][.\-](?![ \u00a0])|[ \u00a0]{1,2}|[ \u00a0]?\n[ \u00a0]?)"
_SEP = rf"(?:{_JOIN}|(?<=\))|(?=\())"
# "+34", "0034", "(+34)": the country code, written the international way.
_INTERNATIONAL = r"(?:\(\+\d{1,3}\)[ \u00a0]?|(?:\+|00)[ .\-]?)"
_IS_INTERNATIONAL = re.compile(r"\(?\+|00")
_CANDIDATE = re.compile(
    r"(?<![\w@#$€£¥.,+\-])"  # not inside a word, an email, a price or a ref
    r"(?<!\d[ .\-])"  # nor in the middle of a longer run of digit groups
    rf"{_INTERNATIONAL}?{_GROUP}(?:{_SEP}{_GROUP}){{0,9}}"
    rf"(?![\w@]|[.,]\d|-\d|{_JOIN}\d)"
)
_LOCAL = re.compile(r"\d{3}[-.]\d{4}")  # 555-0143: a phone only when the words say so
_GROUPS = re.compile(_GROUP)

# Shapes that are never phone numbers, whatever phonenumbers says.
_NOT_PHONE = re.compile(
    r"\d{4}[-.]\d{1,2}[-.]\d{1,2}"  # 2024-11-15
    r"|\d{1,2}[-.]\d{1,2}[-.]\d{2,4}"  # 11-15-2024, 15.11.24
    r"|\d{5}-\d{3,4}"  # ZIP+4, a Brazilian CEP
    r"|\d{1,3}(?:\.\d{3})+"  # 1.249.000 (a price in pesos)
    r"|(?:[01]\d|2[0-3])[0-5]\d ?- ?(?:[01]\d|2[0-3])[0-5]\d"  # 0800-1000 (a time window)
)

_SCORE_INTERNATIONAL = 0.9
_SCORE_GROUPED = {"home": 0.75, "abroad": 0.6}
_SCORE_RUN = {"home": 0.5, "abroad": 0.35}
_SCORE_LOCAL = 0.6
_CONTEXT_BOOST = 0.2
_MAX = 0.95


def _shape_fits(region: str, digits: str) -> bool:
    """Cheap check that a national-format digit string can belong to `region`."""
    n, first = len(digits), digits[0]
    if region == "US":
        return n == 10 or (n == 11 and first == "1")
    if region == "MX":
        return n == 10
    if region == "ES":
        return n == 9 and first in "6789"
    if region == "CO":
        return n == 10 and (first == "3" or digits.startswith("60"))
    if region == "BR":
        return n in (10, 11) or (first == "0" and n in (11, 12))
    if region in ("GB", "FR", "DE"):
        # These are written with the trunk 0 at home; without it, any 10-digit
        # reference number would parse as German.
        return first == "0" and n >= 7
    if region == "IT":
        return first in "03" and 6 <= n <= 11
    if region == "IN":
        return (n == 10 and first in "6789") or (n == 11 and first == "0")
    if region == "AU":
        return n == 10 and first == "0"
    return False


def parse_phone(raw: str, regions: tuple[str, ...] = REGIONS) -> tuple[str, bool] | None:
    """(region, international) when `raw` is a valid number, else None."""
    raw = raw.replace("\n", " ")  # a number wrapped over two lines
    digits = re.sub(r"\D", "", raw)
    if not 7 <= len(digits) <= 15 or _NOT_PHONE.fullmatch(raw.strip()):
        return None
    stripped = raw.lstrip()
    plus = stripped.startswith(("+", "(+"))
    if plus or (stripped.startswith("00") and len(digits) > 10):
        number = "+" + (digits if plus else digits[2:])
        try:
            parsed = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.region_code_for_number(parsed) or "ZZ", True
        if digits.startswith("521") and len(digits) == 13:
            # Mexican mobiles are still written with the "1" dropped in 2019: +52 1 33 ...
            return parse_phone("+52" + digits[3:], regions)
        return None
    for region in regions:
        if not _shape_fits(region, digits):
            continue
        try:
            parsed = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return region, False
    return None


class PhoneNumberRecognizer(EntityRecognizer):
    """Presidio recogniser for phone numbers in the regions served (see `REGIONS`)."""

    def __init__(
        self, regions: tuple[str, ...] = REGIONS, home: tuple[str, ...] = HOME
    ) -> None:
        self.regions = regions
        self.home = home
        super().__init__(
            supported_entities=["PHONE_NUMBER"], name="PhoneNumberRecognizer", context=[]
        )

    def load(self) -> None:
        """Nothing to load: phonenumbers' metadata ships with the package."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Phone numbers in `text`, scored by format, region and context."""
        results = []
        for match in _CANDIDATE.finditer(text):
            found = self._first(text, match.start(), match.end())
            if found is None and "\n" in match.group():
                # Not one wrapped number: maybe a number at the end of one line and a
                # phone at the start of the next ("PO 4500012345\n305 555 0143").
                results += filter(None, (self._first(text, s, e) for s, e in _lines(match)))
            elif found is not None:
                results.append(found)
        return results

    def _first(self, text: str, start: int, end: int) -> RecognizerResult | None:
        """The first of the candidate's spans (see `_spans`) that scores, as a result."""
        for span_start, span_end in _spans(text, start, end):
            score = self._score(text, span_start, span_end)
            if score:
                return RecognizerResult("PHONE_NUMBER", span_start, span_end, score,
                                        recognition_metadata=self._metadata())
        return None

    def _score(self, text: str, start: int, end: int) -> float:
        """The confidence that text[start:end] is a phone number; 0 when it is not."""
        raw = text[start:end]
        if sum(c.isdigit() for c in raw) < 7:
            return 0.0  # a quantity or a price: most candidates, so skip the context work
        cue = nearest_cue(words_before(text, start), PHONE_WORDS)
        if cue == "neg":
            return 0.0
        found = parse_phone(raw, self.regions)
        if found is None:
            return _SCORE_LOCAL if cue == "pos" and _LOCAL.fullmatch(raw) else 0.0
        region, international = found
        if international:
            score = _SCORE_INTERNATIONAL
        else:
            where = "home" if region in self.home else "abroad"
            grouped = re.search(r"[\s.\-()]", raw.strip()) is not None
            score = (_SCORE_GROUPED if grouped else _SCORE_RUN)[where]
        if cue == "pos" or nearest_cue(words_after(text, end), PHONE_WORDS) == "pos":
            score += _CONTEXT_BOOST
        return min(score, _MAX)

    def _metadata(self) -> dict[str, str]:
        return {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }


def _spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The candidate, then without a short first or last group ("2 305 555 0143")."""
    spans = [(start, end)]
    groups = list(_GROUPS.finditer(text, start, end))
    # Only a short group is dropped (a quantity, a stray digit): dropping a 4-digit group
    # of a card or reference number would find "phones" inside it. The first group of
    # "+51 987 ..." is a country code, never a stray.
    if len(groups) >= 3 and len(groups[-1].group().strip("() ")) <= 2:
        spans.append((start, groups[-2].end()))
    international = _IS_INTERNATIONAL.match(text, start) is not None
    if len(groups) >= 3 and len(groups[0].group().strip("() ")) <= 2 and not international:
        spans.append((groups[1].start(), end))
    return spans


def _lines(match: re.Match[str]) -> list[tuple[int, int]]:
    """The spans of a candidate's pieces on each line, without the spaces around them."""
    return [
        (match.start() + line.start(), match.start() + line.end())
        for line in re.finditer(r"[^\s](?:[^\n]*[^\s])?", match.group())
    ]
