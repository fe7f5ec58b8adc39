"""Overlap resolution: the same choice as the all-pairs rule, without its quadratic cost."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import RecognizerResult

from privacy.detect import _PRIORITY, _resolve_overlaps, detect
from privacy.findings import PIIType

TYPES = [t.value for t in PIIType]


def all_pairs(
    results: list[tuple[RecognizerResult, float]],
) -> list[tuple[RecognizerResult, float]]:
    """The former resolution, kept as the reference: each candidate against every kept one."""
    ranked = sorted(
        results,
        key=lambda rs: (-rs[1], -(rs[0].end - rs[0].start), _PRIORITY[PIIType(rs[0].entity_type)]),
    )
    kept: list[tuple[RecognizerResult, float]] = []
    for result, score in ranked:
        if all(result.end <= k.start or k.end <= result.start for k, _ in kept):
            kept.append((result, score))
    return sorted(kept, key=lambda rs: rs[0].start)


finding = st.builds(
    lambda kind, start, length, score: (RecognizerResult(kind, start, start + length, score),
                                        score),
    st.sampled_from(TYPES),
    st.integers(0, 60),
    st.integers(1, 20),
    # Few distinct scores, so ties on score (and on length) are common.
    st.sampled_from([0.4, 0.6, 0.75, 0.9, 1.0]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(finding, max_size=40))
def test_resolution_matches_the_all_pairs_reference(
    results: list[tuple[RecognizerResult, float]],
) -> None:
    """Random, heavily overlapping findings: the same findings kept, in the same order."""
    expected = all_pairs(results)
    got = _resolve_overlaps(results)
    assert [id(r) for r, _ in got] == [id(r) for r, _ in expected]


def test_ten_thousand_findings_resolve_to_the_best_non_overlapping_set() -> None:
    """Each card beats the phone inside it and the weak span across two cards."""
    rng = random.Random(15)
    results, cards = [], []
    for k in range(10_000):
        start = k * 30
        card = RecognizerResult("CREDIT_CARD", start, start + 19, 1.0)
        cards.append(card)
        results += [
            (card, 1.0),
            (RecognizerResult("PHONE_NUMBER", start + 5, start + 17, 0.9), 0.9),
            (RecognizerResult("STREET_ADDRESS", start + 10, start + 45, 0.7), 0.7),
        ]
    rng.shuffle(results)
    kept = _resolve_overlaps(results)
    assert [r for r, _ in kept] == cards


def test_a_long_text_of_card_like_numbers_gives_every_card() -> None:
    """10,000 numbers in one message: every Luhn-valid one is found, no other."""
    valid, invalid = "4111 1111 1111 1111", "4111 1111 1111 1112"
    text = " ".join(f"#{k}: {valid if k % 2 else invalid}," for k in range(10_000))
    findings = detect(text)
    assert [f.type for f in findings] == [PIIType.CREDIT_CARD] * 5_000
    assert {f.value for f in findings} == {valid}
