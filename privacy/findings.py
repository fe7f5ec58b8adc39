"""What the detector reports: the PII types and the frozen `Finding`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class PIIType(StrEnum):
    """The PII types we detect; the values are the corpus and placeholder names."""

    PHONE_NUMBER = "PHONE_NUMBER"
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    CREDIT_CARD = "CREDIT_CARD"
    IBAN_CODE = "IBAN_CODE"
    US_SSN = "US_SSN"
    IP_ADDRESS = "IP_ADDRESS"
    STREET_ADDRESS = "STREET_ADDRESS"
    PERSON = "PERSON"


PII_TYPES: tuple[str, ...] = tuple(t.value for t in PIIType)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of PII found in a text: `text[start:end] == value`."""

    type: PIIType
    start: int
    end: int
    # repr=False: a Finding that ends up in a log line or a traceback must not carry the PII.
    value: str = field(repr=False)
    score: float
    recognizer: str

    def overlaps(self, start: int, end: int) -> bool:
        """True when this finding shares at least one character with [start, end)."""
        return self.start < end and start < self.end
