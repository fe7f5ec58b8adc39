"""Redaction for LLMs/logs/exports, card masking, and the logging filter."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from privacy.detect import detect
from privacy.findings import Finding, PIIType
from privacy.redact import RedactingFilter, mask_card, mask_cards, redact, scrub

MESSAGE = (
    "2 cs DY-1001 for PO 4500012345. Card 4242 4242 4242 4242, call (305) 555-0143 "
    "or mike@tonysdeli.com -- Mike"
)


def test_redact_replaces_every_finding_with_its_type_and_keeps_the_order_text() -> None:
    """What goes to the LLM keeps the order but none of the PII."""
    assert redact(MESSAGE, detect(MESSAGE)) == (
        "2 cs DY-1001 for PO 4500012345. Card <CREDIT_CARD>, call <PHONE_NUMBER> "
        "or <EMAIL_ADDRESS> -- <PERSON>"
    )


def test_redact_detects_by_itself_when_given_no_findings() -> None:
    """redact(text) runs the shared detector."""
    assert redact("iban DE89 3704 0044 0532 0130 00 pls") == "iban <IBAN_CODE> pls"


def test_redact_leaves_text_without_pii_unchanged() -> None:
    """No findings, same text."""
    text = "3 cs CH-2003 at $27.50 on 11/15"
    assert redact(text, []) == text == redact(text)


def test_redact_refuses_findings_of_another_text() -> None:
    """Offsets from another version of the message would leave the PII in clear."""
    stale = detect("call (305) 555-0143")
    with pytest.raises(ValueError, match="does not match"):
        redact("hi! call (305) 555-0143", stale)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("4242 4242 4242 4242", "**** **** **** 4242"),
        ("4242-4242-4242-4242", "****-****-****-4242"),
        ("4242424242424242", "************4242"),
        ("3782 822463 10005", "**** ****** *0005"),
    ],
)
def test_mask_card_keeps_the_last_four_digits_and_the_layout(number: str, masked: str) -> None:
    """The customer can still tell which card it was; nobody can use it."""
    assert mask_card(number) == masked


def test_mask_cards_masks_only_cards_in_the_stored_message() -> None:
    """The stored message keeps phone and email for the distributor, never the card."""
    masked = mask_cards(MESSAGE, detect(MESSAGE))
    assert "4242 4242 4242 4242" not in masked
    assert "Card **** **** **** 4242, call (305) 555-0143 or mike@tonysdeli.com" in masked


def test_mask_cards_handles_several_cards() -> None:
    """Every card in the message is masked."""
    text = "visa 4111 1111 1111 1111 or amex 378282246310005"
    assert mask_cards(text) == "visa **** **** **** 1111 or amex ***********0005"


def test_mask_cards_skips_other_types() -> None:
    """A hand-made finding list with no card changes nothing."""
    text = "call 305 555 0143"
    phone = Finding(PIIType.PHONE_NUMBER, 5, 17, "305 555 0143", 0.8, "test")
    assert mask_cards(text, [phone]) == text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("charge 4242-4242-4242-4242 now", "charge <CREDIT_CARD> now"),
        ("from mike@tonysdeli.com", "from <EMAIL_ADDRESS>"),
        ("sender +52 55 1234 5678", "sender <PHONE_NUMBER>"),
        ("sender (305) 555-0143", "sender <PHONE_NUMBER>"),
        ("iban GB82 WEST 1234 5698 7654 32", "iban <IBAN_CODE>"),
        ("ssn 536-22-8741", "ssn <US_SSN>"),
        # Ids, dates and amounts are what logs are for: they stay.
        ("order 10293 on 2024-11-15 at 10:30 for $1,249.00", None),
        ("message 3f2a9c1e-1234-5678-9abc-def012345678 took 1234 ms", None),
        ("number 4242424242424241 fails Luhn", None),
    ],
)
def test_scrub_is_a_cheap_regex_wall(line: str, expected: str | None) -> None:
    """Cards (Luhn), IBANs (mod 97), SSNs, emails and phone shapes are replaced."""
    assert scrub(line) == (line if expected is None else expected)


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose handler carries the RedactingFilter, writing to a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.privacy.redacting")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, buffer
    logger.removeHandler(handler)


def test_the_filter_scrubs_pii_passed_as_log_arguments(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    """%-style arguments are merged and scrubbed before any handler formats them."""
    logger, buffer = captured
    logger.info("inbound from %s: %r", "+1 305 555 0143", "card 4242 4242 4242 4242 pls")
    out = buffer.getvalue()
    assert "555" not in out and "4242 4242" not in out
    assert "inbound from <PHONE_NUMBER>: 'card <CREDIT_CARD> pls'" in out


def test_the_filter_scrubs_tracebacks(captured: tuple[logging.Logger, io.StringIO]) -> None:
    """An exception message holding PII is scrubbed in the logged traceback."""
    logger, buffer = captured
    try:
        raise ValueError("bad email ana.torres@lacocina.com.mx")
    except ValueError:
        logger.exception("parse failed")
    out = buffer.getvalue()
    assert "ana.torres" not in out and "ValueError: bad email <EMAIL_ADDRESS>" in out


def test_the_filter_fails_closed_on_a_broken_format_string(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    """A message whose arguments do not fit is replaced, not printed raw with its args."""
    logger, buffer = captured
    logger.warning("from %s %s", "mike@tonysdeli.com")
    out = buffer.getvalue()
    assert "mike@" not in out and "unformattable" in out


def test_the_filter_never_drops_a_record(captured: tuple[logging.Logger, io.StringIO]) -> None:
    """Records without PII pass through unchanged."""
    logger, buffer = captured
    logger.info("order %s confirmed", 10293)
    assert buffer.getvalue() == "order 10293 confirmed\n"
