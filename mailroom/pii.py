"""PII in the message pipeline: card numbers masked before storage, findings recorded.

A card number typed into a chat is never stored in clear: the store step masks it
(`**** **** **** 4242`) and keeps only the masked form and its span in the message's
metadata. The worker runs the full detector on what was stored and records every
finding in `pii_detection_results`, its value sealed with the distributor's data key.
Cards keep only their masked form even there: there is no reason to hold a full PAN.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.crypto import Keyring
from db.models import PIIDetectionResult
from db.models.enums import PIIAction, PIIType
from privacy.cards import card_findings
from privacy.detect import detect
from privacy.findings import Finding
from privacy.redact import mask_card, mask_cards

# detector type -> the data model's pii_type
DB_TYPES = {
    "PHONE_NUMBER": PIIType.PHONE, "EMAIL_ADDRESS": PIIType.EMAIL,
    "CREDIT_CARD": PIIType.CREDIT_CARD, "IBAN_CODE": PIIType.IBAN, "US_SSN": PIIType.SSN,
    "IP_ADDRESS": PIIType.IP_ADDRESS, "STREET_ADDRESS": PIIType.ADDRESS, "PERSON": PIIType.NAME,
}
# a long run of digits is the only way a card number can be in a text: the full detector
# runs on the webhook path only when this cheap check says it might


@dataclass(frozen=True, slots=True)
class Masked:
    """A text ready to store, and the card numbers taken out of it."""

    text: str
    cards: list[dict]


def mask_for_storage(text: str) -> Masked:
    """Mask every card number, whatever separates its digits (the card finder alone: linear,
    no presidio, so cheap enough for the webhook path)."""
    cards = card_findings(text)
    if not cards:
        return Masked(text, [])
    masked = mask_cards(text, cards)
    spans, shift = [], 0
    for f in sorted(cards, key=lambda f: f.start):
        shown = mask_card(f.value)
        spans.append({"start": f.start + shift, "end": f.start + shift + len(shown),
                      "masked": shown, "score": round(f.score, 4), "recognizer": f.recognizer})
        shift += len(shown) - (f.end - f.start)
    return Masked(masked, spans)


async def record_findings(session: AsyncSession, keyring: Keyring, distributor_id: uuid.UUID,
                          message_id: uuid.UUID, text: str, masked_cards: list[dict]
                          ) -> list[Finding]:
    """Detect PII in a stored message and record each finding, sealed; returns the findings."""
    findings = [f for f in detect(text) if f.type != "CREDIT_CARD"]
    rows = [(f.type, f.start, f.end, f.value, f.score, f.recognizer) for f in findings]
    rows += [("CREDIT_CARD", c["start"], c["end"], c["masked"], c["score"], c["recognizer"])
             for c in masked_cards]
    for kind, start, end, value, score, recognizer in rows:
        is_card = kind == "CREDIT_CARD"
        session.add(PIIDetectionResult(
            distributor_id=distributor_id, message_id=message_id, field_name="content",
            pii_type=DB_TYPES[kind], detected_value=await keyring.encrypt(
                session, distributor_id, value),
            confidence_score=Decimal(str(round(score, 4))), detection_rule_id=recognizer,
            start_offset=start, end_offset=end,
            # cards are masked in the stored text; everything else stays for the
            # distributor and is redacted wherever text leaves us (LLM, logs, exports)
            action_taken=PIIAction.REDACTED if is_card else PIIAction.FLAGGED))
    return findings
