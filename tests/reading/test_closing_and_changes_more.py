"""Cancel, confirm, handoff and change phrasings around the rules of branch `intent`.

Every sentence here was invented for these tests (none is taken from an evaluation set),
and most use words the rules do not list verbatim: they check that the rules describe the
language (clause structure, particles, lexicons) rather than remember sentences.
"""

from __future__ import annotations

import pytest

from reading import ChangeKind, Intent, extract
from reading.types import HandoffReason, QuestionKind

# A cancel phrase opening a clause that goes on with a reason, a name or a new sentence.
CANCEL_LEADS = [
    "nvm, picked some up at the cash and carry",
    "never mind we found a case at our other location",
    "Priya here - kill the order, the freezer is down",
    "oh sorry, never mind, the catering job was postponed",
    "scratch this order please, we're closed for a family emergency",
    "hold off for now, the walk-in is being repaired",
    "nm we're going to make it in-house this week",
    "dont need em anymore, thanks",
    "we have to cancel the whole order",
    "the tournament got snowed out, don't send anything",
]


@pytest.mark.parametrize("text", CANCEL_LEADS)
def test_a_cancel_phrase_may_lead_a_clause_with_its_reason(text: str) -> None:
    ext = extract(text)
    assert ext.intent is Intent.CANCEL, (text, ext)
    assert ext.items == [] and ext.changes == []


@pytest.mark.parametrize("text", ["hold off", "hang on", "hold on a sec", "hold it up"])
def test_particles_are_never_removal_targets(text: str) -> None:
    assert all(c.target not in {"off", "on", "up", "it up"} for c in extract(text).changes)


@pytest.mark.parametrize("text,target", [
    ("never mind the scallions", "scallions"),
    ("forget the basil, 2 cs cilantro", "basil"),
    ("nvm the oat milk", "oat milk"),
])
def test_a_cancel_word_before_a_product_removes_that_line(text: str, target: str) -> None:
    ext = extract(text)
    assert ext.intent is not Intent.CANCEL
    assert [(c.kind, c.target) for c in ext.changes] == [(ChangeKind.REMOVE, target)]


@pytest.mark.parametrize("text", [
    "haha ok no sardines. confirm the remaining items",
    "no kale? alright, the rest looks good",
    "skip the figs, ship the others",
    "Approved, proceed with purchase order #77120",
    "ok go ahead with PO 5531, thanks",
])
def test_a_go_ahead_next_to_a_change_or_a_reference_confirms(text: str) -> None:
    ext = extract(text)
    assert ext.confirm, (text, ext)
    assert ext.items == [], (text, ext.items)


def test_an_agreeing_word_after_a_change_is_no_order_line() -> None:
    ext = extract("no turnips? fine. ok, rest is good")
    assert ext.items == [] and ext.unparsed == []
    assert [c.kind for c in ext.changes] == [ChangeKind.REMOVE] and ext.confirm


@pytest.mark.parametrize("text", ["y", "Y", "y."])
def test_a_lone_y_answers_yes(text: str) -> None:
    ext = extract(text)
    assert ext.intent is Intent.CONFIRM and ext.confirm


def test_y_inside_a_line_is_still_and() -> None:
    ext = extract("y 3 cajas de aguacate")
    assert not ext.confirm and ext.items


HANDOFFS = [
    "please transfer me to a supervisor",
    "connect me with the owner please",
    "could my account rep swing by on thursday",
    "can a salesperson visit us next week?",
    "who is our sales rep these days?",
    "I'd like to talk about our contract pricing",
    "we want to open a new account for the second store",
]


@pytest.mark.parametrize("text", HANDOFFS)
def test_being_put_through_or_visited_is_a_handoff(text: str) -> None:
    ext = extract(text)
    assert ext.intent is Intent.HANDOFF and ext.handoff_reason is HandoffReason.REQUESTED_HUMAN
    assert ext.items == []


@pytest.mark.parametrize("text", [
    "they shorted us 4 cases of tomatoes on monday",
    "the cod tasted funny, we need a refund",
    "our delivery was late again",
    "the herbs came slimy",
    "I'd like a credit for the 2 cases of broken eggs",
])
def test_complaints_are_complaints_and_order_nothing(text: str) -> None:
    ext = extract(text)
    assert ext.handoff_reason is HandoffReason.COMPLAINT, (text, ext)
    assert ext.items == []


def test_a_complaint_keeps_the_lines_of_its_other_sentences() -> None:
    ext = extract("The shrimp smelled bad, please credit us. Also need 3 cs romaine")
    assert ext.intent is Intent.HANDOFF and ext.items == ["3 cs romaine"]


def test_a_remark_that_asks_nothing_beside_an_order_does_not_stop_it() -> None:
    ext = extract("btw the cilantro was wilted last time. anyway 2 cs cilantro 1 cs parsley")
    assert not ext.handoff and ext.intent is Intent.ORDER
    assert ext.items == ["2 cs cilantro", "1 cs parsley"]
    assert ext.question_kind is QuestionKind.OTHER  # passed on to staff


def test_credit_terms_are_no_refund() -> None:
    assert extract("2 cs milk, and we'd like credit terms").handoff_reason \
        is not HandoffReason.COMPLAINT


def test_a_polite_change_request_is_a_change_not_a_question() -> None:
    ext = extract("Hey - could you swap the white napkins for brown ones? Rest is fine.")
    assert [c.kind for c in ext.changes] == [ChangeKind.REPLACE]
    assert ext.changes[0].target == "white napkins" and ext.confirm


def test_a_second_question_joined_by_and_is_a_question() -> None:
    ext = extract("do you stock rice paper? and pricing on 32oz deli tubs?")
    assert ext.items == [] and ext.intent is Intent.QUESTION


@pytest.mark.parametrize("text,target,said", [
    ("make the aprons medium", "aprons", "medium"),
    ("actually make the salsa mild", "salsa", "mild"),
    ("make the tea the green one", "tea", "green"),
    ("change the bagels everything", "bagels", "everything"),
])
def test_make_the_x_y_replaces(text: str, target: str, said: str) -> None:
    [change] = extract(text).changes
    assert change.kind is ChangeKind.REPLACE and change.target == target
    assert change.said == said


@pytest.mark.parametrize("text", ["make the milk 3", "make the delivery early",
                                  "make sure the lids fit"])
def test_make_the_x_y_is_not_every_make(text: str) -> None:
    assert all(c.kind is not ChangeKind.REPLACE for c in extract(text).changes)


def test_a_purpose_is_no_part_of_the_line() -> None:
    assert extract("and salsa verde to go with them, 2 cs").items == ["2 cs salsa verde"]


def test_a_bare_size_after_a_line_is_its_size() -> None:
    assert extract("3 cs aprons, medium").items == ["3 cs aprons medium"]
    assert extract("6 cs deli tubs, 32 oz").items == ["6 cs deli tubs 32 oz"]


def test_request_words_are_no_part_of_a_label() -> None:
    ext = extract("we need syrups: 2 mint, 3 peach")
    assert ext.items == ["2 mint syrups", "3 peach syrups"]


def test_a_label_over_a_run_on() -> None:
    assert extract("Monin syrups: 2 mint 3 peach").items == ["2 mint Monin syrups",
                                                             "3 peach Monin syrups"]


@pytest.mark.parametrize("text", [
    "we need to cancel everything - the kitchen flooded",
    "dobbiamo annullare tutto: chiusura per ferie",
    "cancel the order; our chef quit",
])
def test_a_cancel_before_a_separator_cancels_whatever_the_reason(text: str) -> None:
    assert extract(text).intent is Intent.CANCEL


def test_forget_a_product_before_a_separator_is_no_cancel() -> None:
    assert extract("forget the figs: we have plenty").intent is not Intent.CANCEL


@pytest.mark.parametrize("text", [
    "Bonjour, un représentant pourrait-il me rappeler demain ?",
    "Queremos abrir una cuenta para el nuevo local",
    "Gostaríamos de abrir uma conta, um vendedor pode me ligar?",
])
def test_rep_and_account_requests_in_other_languages(text: str) -> None:
    assert extract(text).handoff_reason is HandoffReason.REQUESTED_HUMAN


def test_a_product_named_before_its_count_may_hold_a_word_of_talk() -> None:
    """A list cell "<brand with a common word> mix: 2 cs" is a line; talk before a count is not."""
    ext = extract("- Happy Hour margarita mix: 2 cs\n- Night Call tonic: 1 case")
    assert ext.items == ["2 cs Happy Hour margarita mix", "1 case Night Call tonic"]
    assert extract("our chef wants 20 cs spring water").items == ["20 cs spring water"]


def test_a_header_with_for_is_no_accessory() -> None:
    ext = extract("Please process the following for the Terrace Bar:\n- 2 cs limes")
    assert ext.changes == [] and ext.items == ["2 cs limes"]


def test_nvm_on_a_product_is_no_cancel() -> None:
    assert extract("nvm on the lemons").intent is not Intent.CANCEL
