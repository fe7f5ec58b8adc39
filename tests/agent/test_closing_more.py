"""Go-aheads past removals of lines never ordered, 'make the X Y', remarks beside orders.

The phrasings are invented for these tests (none comes from an evaluation set).
"""

from __future__ import annotations

from sqlalchemy import select

from db.models import Conversation, Order
from tests.agent import talk

PHONE = "+13055550177"


async def chat(database, demo, text: str) -> str:
    return await talk.chat(database, demo, text, sender=PHONE)


async def _orders(database, demo) -> int:
    async with database.transaction(tenant=demo) as s:
        return len((await s.execute(select(Order))).scalars().all())


async def test_going_ahead_without_a_line_never_ordered_confirms(database, demo) -> None:
    """ "skip the kombucha, go ahead": nothing to take off, and the go-ahead stands."""
    await chat(database, demo, "2 cs whole milk")
    reply = await chat(database, demo, "skip the kombucha, go ahead")
    assert "confirmed" in reply.lower() and "Whole Milk" in reply
    assert await _orders(database, demo) == 1


async def test_a_removal_of_an_unknown_line_alone_still_asks(database, demo) -> None:
    """Without a go-ahead, a removal that names no line is asked about, not confirmed."""
    await chat(database, demo, "2 cs whole milk")
    reply = await chat(database, demo, "skip the kombucha")
    assert "confirmed" not in reply.lower()
    assert await _orders(database, demo) == 0


async def test_make_the_x_y_swaps_the_line(database, demo) -> None:
    """ "make the milk skim": the milk line becomes skim milk, its count kept."""
    await chat(database, demo, "3 cs whole milk")
    reply = await chat(database, demo, "make the milk skim")
    # which skim pack is the matcher's call ("change the milk to skim" picks the same)
    assert "- 3 x Skim Milk" in reply and "Whole Milk" not in reply


async def test_a_remark_beside_a_new_order_does_not_hand_off(database, demo) -> None:
    """A complaint that asks for nothing, next to new lines: the order goes on."""
    reply = await chat(database, demo, "fyi the eggs came cracked last week. anyway 2 cs "
                                       "whole milk")
    assert "Whole Milk" in reply
    async with database.transaction(tenant=demo) as s:
        conv = (await s.execute(select(Conversation))).scalars().one()
        assert not conv.handoff_active
