"""PII in customer messages: detection, redaction and evaluation (pure: no database).

    privacy.detect    PIIDetector, get_detector(), detect(text) -> list[Finding]
    privacy.redact    redact(), mask_cards(), scrub(), RedactingFilter (logging)
    privacy.cards     card_findings(text): the cards alone, without presidio (storage path)
    privacy.ibans     iban_spans(text): IBANs in any case, spacing or line wrap
    privacy.evaluate  run_eval_pii(): `orderagent eval-pii CORPUS.jsonl [--report OUT.json]`

Importing this package is cheap: presidio and spaCy load when a detector is first built.
"""

from privacy.findings import Finding, PIIType

__all__ = ["Finding", "PIIType"]
