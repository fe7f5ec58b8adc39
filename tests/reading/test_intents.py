"""Closing intents read from phrasings, not keywords: confirm, confirm + change, cancel, handoff.

The phrasings here were written before the rules (and a second list, in
test_intents_heldback.py, was kept back and only run once the rules were done), so they
test the language the rules describe rather than the sentences the rules were written from.
"""

from __future__ import annotations

import pytest

from reading import ChangeKind, Intent, extract

CONFIRMS = [
    "yes go ahead and place it",
    "sounds good, ship it",
    "ok go ahead",
    "dale, mándalo",
    "les confirmo el pedido",
    "va, así déjalo",
    "perfect, that works",
    "all good, please process",
    "looks right to me, proceed",
    "yes please send everything",
    "approved, thanks",
    "sí, adelante con el pedido",
    "Confirmed.\n\nDana Whitfield\nPurchasing",
    "Todo bien, pueden enviarlo",
    "ok send what you have",
    "Sim, pode mandar",
    "Oui, c'est parfait, merci",
    "Va bene, grazie",
]

CANCELS = [
    "never mind, we're all set",
    "hold off on everything for now",
    "please disregard that order",
    "we'll pass this time, thanks",
    "we don't need it anymore",
    "ya no, gracias",
    "olvídalo, ya lo conseguí",
    "my boss already placed it with someone else",
    "scrap the order",
    "the party got cancelled so we won't need any of it",
    "we found a cheaper supplier, sorry",
    "mejor ya no me mandes nada",
]

HANDOFFS = [
    "can someone call me",
    "quiero hablar con alguien",
    "I need a human please",
    "have a rep reach out to me",
    "llámenme por favor",
]

# Not closing anything: a cancel or confirm reading here loses an order.
NEITHER = [
    "hold on let me check inventory, I'll text back",
    "let me ask my husband and I'll get back to you",
    "ok 2 cs limes",
    "what time does the truck come",
    "espérame, ahorita te digo",
]


@pytest.mark.parametrize("text", CONFIRMS)
def test_confirmations_are_read_as_confirm(text: str) -> None:
    """Each confirmation phrasing confirms and orders nothing."""
    ext = extract(text)
    assert ext.intent is Intent.CONFIRM and ext.confirm, (text, ext)
    assert not ext.items and not ext.changes


@pytest.mark.parametrize("text", CANCELS)
def test_cancellations_without_the_word_cancel(text: str) -> None:
    """Each cancellation phrasing cancels, with or without the word."""
    ext = extract(text)
    assert ext.intent is Intent.CANCEL, (text, ext)
    assert not ext.items and not ext.confirm


@pytest.mark.parametrize("text", HANDOFFS)
def test_handoff_requests(text: str) -> None:
    """Asking for a person hands off."""
    ext = extract(text)
    assert ext.intent is Intent.HANDOFF and ext.handoff, (text, ext)


@pytest.mark.parametrize("text", NEITHER)
def test_waiting_is_neither_confirm_nor_cancel(text: str) -> None:
    """Pausing, asking or ordering never closes the order."""
    ext = extract(text)
    assert ext.intent not in (Intent.CONFIRM, Intent.CANCEL) and not ext.confirm, (text, ext)


@pytest.mark.parametrize(("text", "kind", "target"), [
    ("make the eggs 3 and go ahead", ChangeKind.SET_QUANTITY, "eggs"),
    ("without the onions, otherwise confirm", ChangeKind.REMOVE, "onions"),
    ("drop the cilantro, rest is good", ChangeKind.REMOVE, "cilantro"),
    ("sin la crema, lo demás está bien", ChangeKind.REMOVE, "crema"),
    ("ok proceed without the mangoes", ChangeKind.REMOVE, "mangoes"),
    ("change the butter to salted, everything else is fine", ChangeKind.REPLACE, "butter"),
])
def test_confirmation_carrying_a_change(text: str, kind: ChangeKind, target: str) -> None:
    """A change and a yes in one message: the change, then the confirmation."""
    ext = extract(text)
    assert ext.confirm, (text, ext)
    assert [(c.kind, c.target) for c in ext.changes] == [(kind, target)], ext.changes
    assert not ext.items


def test_confirmation_with_an_added_line() -> None:
    """ "confirm, and add 2 bags rice": the line is added, then the order confirmed."""
    ext = extract("confirmo, pero agrégale 2 bolsas de arroz")
    assert ext.confirm and ext.items == ["2 bolsas de arroz"]


@pytest.mark.parametrize("text", ["confirmado, gracias 🙏", "ok 👍 thx", "ugh fine, send it"])
def test_emoji_and_interjections_around_a_yes(text: str) -> None:
    """Regression: a 🙏 or an "ugh" next to a yes must not turn it into an order line."""
    ext = extract(text)
    assert ext.intent is Intent.CONFIRM and ext.confirm and not ext.items, (text, ext)
