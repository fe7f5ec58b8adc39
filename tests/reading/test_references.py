"""Lines that point at earlier lines: accessories, look-alikes, "X not Y" swaps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reading import ChangeKind, Intent, extract
from reading.changes import complete_replacement
from reading.references import accessory_line, like_line


def _changes(text: str) -> list[tuple]:
    return [(c.kind, c.target, c.quantity, c.replacement, c.said) for c in extract(text).changes]


def test_accessory_for_lines_of_the_same_message_becomes_a_line() -> None:
    """ "4 cs 20oz cold cups and the lids for them": the lid line carries the cups' size."""
    ext = extract("4 cs 20oz cold cups and the lids for them")
    assert ext.intent is Intent.ORDER and not ext.changes
    assert ext.items == ["4 cs 20oz cold cups", "4 cs lids 20oz cold"]


def test_accessory_in_spanish_drops_the_head_noun() -> None:
    """ "tapas para esos" after "vasos de 16 oz" asks for lids of 16 oz."""
    ext = extract("3 cajas de vasos de 16 oz y 3 cajas de tapas para esos")
    assert ext.items[1] == "3 cajas tapas 16 oz"


def test_a_for_that_names_no_line_of_the_message_is_a_plain_line() -> None:
    """ "2 cs forks, 2 cs napkins for the dining room": napkins are a line of their own."""
    ext = extract("2 cs forks, 2 cs napkins for the dining room")
    assert ext.items == ["2 cs forks", "2 cs napkins"] and not ext.changes


@pytest.mark.parametrize(("text", "quantity", "accessory"), [
    ("and 2 cs lids for those", Decimal(2), "lids"),
    ("the matching lids, 5 cs", Decimal(5), "lids"),
    ("dome lids for them too", None, "dome lids"),
    ("tapas para esos mismos", None, "tapas"),
])
def test_accessory_for_an_earlier_message_is_a_change(text: str, quantity, accessory: str) -> None:
    """Without the earlier line in the message, an ADD_FOR change points at the session."""
    assert _changes(text) == [(ChangeKind.ADD_FOR, None, quantity, accessory, None)]


def test_a_purpose_is_not_an_accessory() -> None:
    """ "2 cs napkins for the party" is an order line, not a reference."""
    assert extract("2 cs napkins for the party").items == ["2 cs napkins for the party"]


@pytest.mark.parametrize(("text", "said", "quantity"), [
    ("1 cs 12oz", "12oz", Decimal(1)),
    ("the same but in 32oz", "32oz", None),
    ("same thing but decaf", "decaf", None),
])
def test_look_alike_of_an_earlier_line(text: str, said: str, quantity) -> None:
    """A size alone, or "the same but X", is an ADD_LIKE change on the line added last."""
    assert _changes(text) == [(ChangeKind.ADD_LIKE, None, quantity, None, said)]


def test_look_alike_within_a_message_becomes_a_line() -> None:
    """ "3 cs 12oz clear cups, 2 cs 16oz" reads two cup lines."""
    assert extract("3 cs 12oz clear cups, 2 cs 16oz").items == \
        ["3 cs 12oz clear cups", "2 case 16oz clear cups"]


@pytest.mark.parametrize(("text", "target", "said", "quantity"), [
    ("sorry 4 hazelnut not caramel", "caramel", "hazelnut", Decimal(4)),
    ("actually white not black", "black", "white", None),
    ("make the peach ones mango", "peach", "mango", None),
    ("swap the rye for sourdough", "rye", "sourdough", None),
])
def test_swaps_name_the_old_and_the_new(text: str, target: str, said: str, quantity) -> None:
    """ "X not Y" and "make the Y ones X" replace Y by X, with the count when given."""
    [(kind, got_target, got_quantity, _, got_said)] = _changes(text)
    assert (kind, got_target, got_said, got_quantity) == (ChangeKind.REPLACE, target, said,
                                                          quantity)


def test_instead_of_with_the_same_count() -> None:
    """ "en vez del X mejor Y, las mismas 3 cajas" replaces X by 3 of Y."""
    [(kind, target, quantity, _, said)] = _changes(
        "en vez del pan blanco mejor integral, las mismas 3 cajas")
    assert (kind, target, quantity, said) == (ChangeKind.REPLACE, "pan blanco", Decimal(3),
                                              "integral")


def test_helpers_build_the_new_line_from_the_ordered_one() -> None:
    """The agent's helpers: the accessory fits the target, the look-alike swaps the words."""
    assert accessory_line("lids", "2 cs 16oz hot cups") == "2 cs lids 16oz hot"
    assert accessory_line("tapas", "3 cajas de vasos de 16 oz") == "3 cajas tapas 16 oz"
    assert accessory_line("lids", "2 cs 16oz hot cups", Decimal(3), "case") == \
        "3 case lids 16oz hot"
    assert like_line("24oz", "2 cs 16oz clear cups", Decimal(1), "case") == \
        "1 case 24oz clear cups"
    assert complete_replacement("caramel", "2 cs vanilla syrup 750ml", target="vanilla") == \
        "2 cs caramel syrup 750ml"
