"""PII in customer messages: detection and redaction (pure: no database).

Where new code goes: a PII type is a recognizer (`patterns.py`, `phones.py`, `cards.py`,
`ibans.py`) and a tag in `findings.py`; no database, no HTTP.

    privacy.detect    PIIDetector, get_detector(), detect(text) -> list[Finding]
    privacy.redact    redact(), mask_cards(), scrub(), RedactingFilter (logging)
    privacy.cards     card_findings(text): the cards alone, without presidio (storage path)
    privacy.ibans     iban_spans(text): IBANs in any case, spacing or line wrap

Importing this package is cheap: presidio and spaCy load when a detector is first built.
"""

from privacy.findings import Finding, PIIType

__all__ = ["Finding", "PIIType"]
