"""Card numbers: every card in a run of digits, whatever the separators, Luhn-checked."""

from __future__ import annotations

import pytest

from privacy.cards import card_findings
from privacy.detect import detect
from privacy.redact import mask_cards, scrub

VISA, MC, AMEX = "4111111111111111", "5555555555554444", "378282246310005"


def cards(text: str) -> list[str]:
    """The card values the detector finds, in text order."""
    return [f.value for f in detect(text) if f.type == "CREDIT_CARD"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4111 1111 1111 1111 5555 5555 5555 4444",
         ["4111 1111 1111 1111", "5555 5555 5555 4444"]),
        (f"cards {VISA}{MC}", [VISA, MC]),
        (f"{VISA} {MC} {AMEX}", [VISA, MC, AMEX]),
        ("4111-1111-1111-1111-5555-5555-5555-4444",
         ["4111-1111-1111-1111", "5555-5555-5555-4444"]),
        ("4111.1111.1111.1111 5555-5555.5555 4444",
         ["4111.1111.1111.1111", "5555-5555.5555 4444"]),
        (f"use {VISA}{MC}{AMEX} for the three stores", [VISA, MC, AMEX]),
    ],
)
def test_several_cards_in_one_run_are_all_found(text: str, expected: list[str]) -> None:
    """Cards typed back to back, spaced, dashed, dotted or glued, are each found."""
    assert cards(text) == expected


def test_every_card_of_a_run_is_masked() -> None:
    """The stored message keeps no card in clear, not even the second one of a run."""
    masked = mask_cards("4111 1111 1111 1111 5555 5555 5555 4444 thx")
    assert masked == "**** **** **** 1111 **** **** **** 4444 thx"


def test_the_cover_that_masks_most_digits_wins() -> None:
    """A Luhn-lucky 19-digit window must not swallow the start of the next card."""
    # The first 19 digits also pass as a 19-digit Visa; taking it would leave 13 digits
    # of the Mastercard in clear.
    text = "41111111111111115403062027868381"
    assert cards(text) == ["4111111111111111", "5403062027868381"]


@pytest.mark.parametrize(
    "text",
    [
        f"order # {VISA}",
        f"order #{VISA} please cancel",
        f"PO {MC}",
        f"tracking {AMEX}",
        "pedido 4111 1111 1111 1111",
    ],
)
def test_a_card_after_a_reference_word_is_still_a_card(text: str) -> None:
    """No reference exception: a Luhn-valid, brand-shaped number is always masked."""
    assert len(cards(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "USPS 9400 1000 0000 0000 0000 00 hasn't moved",
        "order 4111111111111112 sorry wrong paste",
        "PO 4500012345 / 4500012346 / 4500012347",
        "1.249.000 pesos, 2.500.000 the next",
    ],
)
def test_numbers_that_fail_luhn_or_brand_are_not_cards(text: str) -> None:
    """Tracking, PO and price digits that are no card stay as they are."""
    assert cards(text) == []


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (f"paid with {VISA}{MC}", "paid with <CREDIT_CARD><CREDIT_CARD>"),
        ("4111.1111.1111.1111 ok", "<CREDIT_CARD> ok"),
        ("4111 1111 1111 1111 5555 5555 5555 4444", "<CREDIT_CARD> <CREDIT_CARD>"),
    ],
)
def test_the_log_filter_scrubs_every_card_of_a_run(text: str, scrubbed: str) -> None:
    """The cheap regex wall for logs finds the same cards as the detector."""
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1111 5555 5555 5555 4444",
        f"order # {VISA}, call +1 305 555 0143, amex {AMEX}",
        "no card here, PO 4500012345",
    ],
)
def test_the_cards_only_finder_agrees_with_the_detector(text: str) -> None:
    """card_findings() gives exactly the detector's card findings, for the storage path."""
    assert card_findings(text) == [f for f in detect(text) if f.type == "CREDIT_CARD"]
