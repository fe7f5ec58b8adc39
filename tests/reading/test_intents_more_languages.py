"""What a message means for the session, in more of the ways customers write it.

Romanized Vietnamese, Chinese, Korean, Thai, Japanese and Tagalog answers and greetings;
cancellations that never say "cancel"; polite requests that are orders; follow-ups that
point at earlier lines; asking us to wait; handoffs to a rep. All text here is invented.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from reading import ChangeKind, Intent, extract


@pytest.mark.parametrize("text", [
    "ok dc", "vang, cam on chi", "ok chot don nha", "da dung roi, cam on em",
    "hao de, xie xie", "ok la", "ne, kamsahamnida", "ok confirm krub", "chai ka",
    "hai, arigato", "sige po, salamat", "opo tama",
    "Looks right to me. Mai",
])
def test_a_yes_in_many_languages_confirms(text: str) -> None:
    """A yes with its particles and thanks, or a yes signed with a name, confirms."""
    ext = extract(text)
    assert ext.intent is Intent.CONFIRM and ext.confirm and not ext.items, ext


@pytest.mark.parametrize("text", ["salamat po", "cam on anh", "khop khun ka"])
def test_thanks_alone_is_no_order_line_and_no_cancel(text: str) -> None:
    """Thanks in another language orders nothing and cancels nothing."""
    ext = extract(text)
    assert not ext.items and ext.intent is not Intent.CANCEL


@pytest.mark.parametrize("text", [
    "xin chao, 3 cs jasmine rice and 2 cs fish sauce",
    "annyeong haseyo, order: 3 cs jasmine rice, 2 cs fish sauce",
    "sawasdee krub, 3 cs jasmine rice, 2 cs fish sauce",
    "anh oi, 3 cs jasmine rice, 2 cs fish sauce",
])
def test_a_greeting_in_another_language_is_no_order_line(text: str) -> None:
    """Only the two products are lines: the greeting and its form of address are not."""
    assert extract(text).items == ["3 cs jasmine rice", "2 cs fish sauce"]


@pytest.mark.parametrize("text", [
    "Hola, soy Ana de La Palma. Necesito 3 cajas de aguacate",
    "hey its Minh from Golden Bowl need 3 cajas de aguacate",
])
def test_who_is_writing_is_no_order_line(text: str) -> None:
    """An introduction ("soy X de Y", "its X from Y") is the writer, not a product."""
    assert extract(text).items == ["3 cajas de aguacate"]


@pytest.mark.parametrize("text", [
    "nvm we still have plenty, dont send anything this week",
    "sorry hold off on that, we're shut for repairs 3 days",
    "Please disregard the order above - our freezer broke and we can't receive anything",
])
def test_a_cancellation_without_the_word_cancel(text: str) -> None:
    ext = extract(text)
    assert ext.intent is Intent.CANCEL and not ext.items and not ext.changes, ext


def test_a_polite_request_is_an_order_not_a_question() -> None:
    ext = extract("Could you put together 4 cases of sub rolls and 1 pail of pickles for Monday?")
    assert ext.intent is Intent.ORDER and ext.question_kind is None
    assert ext.items == ["4 cases of sub rolls", "1 pail of pickles"]


@pytest.mark.parametrize("text, kind, target", [
    ("squid no stock?", ChangeKind.REMOVE_IF_MISSING, "squid"),
    ("tofu u dont have?", ChangeKind.REMOVE_IF_MISSING, "tofu"),
    ("mint not have?", ChangeKind.REMOVE_IF_MISSING, "mint"),
    ("damn ok just the brie then", ChangeKind.KEEP_ONLY, "brie"),
    ("make the soba same as the ramen", ChangeKind.MATCH_COUNT, "soba"),
])
def test_follow_ups_that_point_at_earlier_lines(text: str, kind: ChangeKind,
                                                target: str) -> None:
    assert [(c.kind, c.target) for c in extract(text).changes] == [(kind, target)]


def test_the_same_count_as_another_line_names_both_lines() -> None:
    change = extract("make the soba the same as the ramen").changes[0]
    assert (change.target, change.said) == ("soba", "ramen")


def test_a_lacking_line_then_go_ahead_confirms_without_it() -> None:
    ext = extract("squid no stock? ok send the rest")
    assert [c.kind for c in ext.changes] == [ChangeKind.REMOVE_IF_MISSING] and ext.confirm


def test_a_lacking_line_then_skip_it_says_nothing_more() -> None:
    ext = extract("tofu u dont have? ok skip. add 2 cs bok choy")
    assert ext.items == ["2 cs bok choy"] and not ext.unparsed


def test_a_lacking_line_then_use_another_replaces_it_at_the_same_count() -> None:
    change = extract("mint not have? ok use basil, same 3 lb").changes[0]
    assert (change.kind, change.target, change.replacement, change.quantity) == (
        ChangeKind.REPLACE, "mint", "basil", Decimal(3))


def test_the_same_product_in_another_grade_with_its_own_count() -> None:
    change = extract("and same scallops but the 20/30, 1 cs").changes[0]
    assert (change.kind, change.target, change.said, change.quantity) == (
        ChangeKind.ADD_LIKE, "scallops", "20/30", Decimal(1))


def test_an_accessory_for_a_size_keeps_the_count() -> None:
    change = extract("and lids for the 12s same amount").changes[0]
    assert (change.kind, change.target, change.replacement, change.quantity) == (
        ChangeKind.ADD_FOR, "12s", "lids", None)


def test_a_new_count_after_yes_sets_it_rather_than_adding() -> None:
    ext = extract("Yes confirm, but sesame oil only 2 please.")
    assert [(c.kind, c.target, c.quantity) for c in ext.changes] == [
        (ChangeKind.SET_QUANTITY, "sesame oil", Decimal(2))] and ext.confirm and not ext.items


@pytest.mark.parametrize("text", [
    "let me check the cooler first before you send it, may add more",
    "more coming later after lunch rush",
    "hang on, checking whether we still have napkins",
])
def test_asking_us_to_wait_keeps_the_order_open(text: str) -> None:
    ext = extract(text)
    assert ext.hold and ext.intent is Intent.OTHER and not ext.items and not ext.changes


def test_asking_for_the_rep_to_visit_hands_off_without_lines() -> None:
    ext = extract("also need Sam or whoever our rep is to swing by, want to go over prices "
                  "on cups and lids")
    assert ext.intent is Intent.HANDOFF and not ext.items


def test_a_billing_complaint_hands_off_and_orders_nothing_it_names() -> None:
    ext = extract("you billed me for 4 case avocado but only 3 came. can the manager call me")
    assert ext.intent is Intent.HANDOFF and not ext.items


@pytest.mark.parametrize("text", [
    "do you carry oat milk? whats the weight and how many per box",
    "the gloves are the nitrile ones right?",
])
def test_questions_without_a_clean_question_mark_are_no_lines(text: str) -> None:
    ext = extract(text)
    assert ext.intent is Intent.QUESTION and not ext.items


@pytest.mark.parametrize("text", [
    "Bonjour, finalement 5 caisses de lait au lieu de 4. Le reste est bon, vous pouvez "
    "confirmer.",
    "Ok, sem queijo então. O resto pode mandar.",
])
def test_a_change_and_the_rest_is_fine_in_french_and_portuguese(text: str) -> None:
    ext = extract(text)
    assert ext.changes and ext.confirm and not ext.items


def test_a_bare_lid_after_cups_is_the_lid_for_those_cups() -> None:
    """ "2 cs 12 oz cold cups, 2 cs lids": the lids are read with the cups' size and kind."""
    items = extract("2 cs 12 oz cold cups, 2 cs lids").items
    assert items[1].endswith("lids 12 oz cold") and items[1].startswith("2 ")
