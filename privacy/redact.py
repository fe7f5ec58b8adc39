"""Redaction: PII out of text bound for an LLM, the logs or an export; card masking.

`redact` uses the detector's findings and presidio-anonymizer; `RedactingFilter` is a
cheap regex-only second wall for log records, where running the detector is too costly.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from privacy.cards import card_spans
from privacy.findings import Finding, PIIType
from privacy.ibans import iban_spans

if TYPE_CHECKING:
    from presidio_anonymizer import AnonymizerEngine


@cache
def _anonymizer() -> AnonymizerEngine:
    """Presidio's anonymizer, built on first use (importing it costs about a second)."""
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()


def _checked(text: str, findings: Sequence[Finding] | None) -> Sequence[Finding]:
    """The findings for `text` (detected now if None); refuse findings of another text."""
    if findings is None:
        from privacy.detect import detect

        return detect(text)
    for f in findings:
        if text[f.start : f.end] != f.value:
            # Offsets from another version of the text would redact the wrong characters
            # and leave the PII in place.
            raise ValueError(f"finding {f.type} at {f.start}:{f.end} does not match the text")
    return findings


def redact(text: str, findings: Sequence[Finding] | None = None) -> str:
    """`text` with each finding replaced by its type placeholder, e.g. `<PHONE_NUMBER>`."""
    findings = _checked(text, findings)
    if not findings:
        return text
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    results = [RecognizerResult(f.type.value, f.start, f.end, f.score) for f in findings]
    return _anonymizer().anonymize(
        text=text, analyzer_results=results, operators={"DEFAULT": OperatorConfig("replace")}
    ).text


def mask_card(number: str) -> str:
    """A card number with every digit but the last four starred, separators kept."""
    keep_from = len(number)
    seen = 0
    for i in range(len(number) - 1, -1, -1):
        if number[i].isdigit():
            seen += 1
            if seen == 4:
                keep_from = i
                break
    return "".join("*" if c.isdigit() else c for c in number[:keep_from]) + number[keep_from:]


def mask_cards(text: str, findings: Sequence[Finding] | None = None) -> str:
    """`text` with card numbers masked (`**** **** **** 4242`), everything else as it was."""
    findings = _checked(text, findings)
    out, last = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.type is PIIType.CREDIT_CARD and f.start >= last:
            out += [text[last : f.start], mask_card(f.value)]
            last = f.end
    out.append(text[last:])
    return "".join(out)


# --- the cheap wall for logs ------------------------------------------------------------

_SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w.])(?:\+|00)\d[\d ().-]{5,18}\d(?!\d)"  # international
    r"|(?<![\w.$#/-])\(?\d{2,4}\)?(?:[ .-]?\d{2,4}){2,4}(?![\w/-])"  # grouped national
)
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")


def _phone_like(match: re.Match[str]) -> str:
    """Placeholder for a phone-shaped number with 8 to 15 digits that is not a date."""
    raw = match.group()
    digits = sum(c.isdigit() for c in raw)
    if not 8 <= digits <= 15 or _DATE.fullmatch(raw):
        return raw
    return "<PHONE_NUMBER>"


def _replace(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    """`text` with each of the (sorted, disjoint) spans replaced by `placeholder`."""
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], placeholder]
        last = end
    out.append(text[last:])
    return "".join(out)


def scrub(text: str) -> str:
    """Regex-level redaction of cards, IBANs, SSNs, emails and phone-like numbers."""
    text = _replace(text, card_spans(text), "<CREDIT_CARD>")
    text = _replace(text, iban_spans(text), "<IBAN_CODE>")
    text = _SSN.sub("<US_SSN>", text)
    text = _EMAIL.sub("<EMAIL_ADDRESS>", text)
    return _PHONE.sub(_phone_like, text)


class RedactingFilter(logging.Filter):
    """Scrubs PII from log records; install it on handlers so it sees every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message (and traceback) with PII replaced; never drop it."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # The format string and its arguments do not fit; logging would print the raw
            # arguments to stderr, so fail closed.
            message = "<unformattable log message>"
        scrubbed = scrub(message)
        if scrubbed != message or record.args:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True
