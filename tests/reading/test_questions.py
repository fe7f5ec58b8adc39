"""Questions and complaints around order lines: what is asked or complained about is not ordered."""

from __future__ import annotations

from reading import HandoffReason, Intent, QuestionKind, extract


def test_a_follow_up_question_is_not_an_order_line() -> None:
    """ "how much is the brisket? and the tri tip?" asks twice and orders nothing."""
    ext = extract("how much is the brisket this week? and the tri tip?")
    assert ext.intent is Intent.QUESTION and ext.question_kind is QuestionKind.PRICE
    assert ext.items == []


def test_a_list_sent_for_pricing_is_not_an_order() -> None:
    """ "send me pricing for: ..." asks for prices; the list is not ordered yet."""
    ext = extract("Could you send us prices for these before we order: 4 bags rye flour, "
                  "2 cs butter")
    assert ext.intent is Intent.QUESTION and ext.question_kind is QuestionKind.PRICE
    assert ext.items == []


def test_a_list_to_quote_and_hold_is_an_order_in_waiting() -> None:
    """ "quote and hold the following" keeps the lines: they are reserved."""
    ext = extract("Please quote and hold the following:\n- 3 cs mangos\n- 2 cs papaya")
    assert ext.items == ["3 cs mangos", "2 cs papaya"]


def test_lines_named_in_a_complaint_are_not_ordered() -> None:
    """ "3 cases of cream arrived spoiled, I need a credit" hands off and orders nothing."""
    ext = extract("the 3 cases of cream arrived spoiled, I need a credit for them")
    assert ext.intent is Intent.HANDOFF and ext.handoff_reason is HandoffReason.COMPLAINT
    assert ext.items == []


def test_an_order_next_to_a_request_for_a_person_is_kept() -> None:
    """ "can someone call me about terms? also 4 cs chips": the person, and the line."""
    ext = extract("can someone call me about our credit terms? also 4 cs chips please")
    assert ext.handoff and ext.items == ["4 cs chips"]
