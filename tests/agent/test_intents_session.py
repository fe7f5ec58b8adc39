"""What a customer's follow-up does to the open order: a yes in their language confirms,
a cancellation in other words cancels, a line can take another's count, a sibling or an
accessory of an earlier line is added, asking us to wait keeps the order, a complaint
hands off without ordering what it names."""

from __future__ import annotations

from sqlalchemy import select

from db.models import OrderSessionItem
from db.models.enums import SessionItemStatus
from tests.agent import talk

PHONE = "+13055550177"


async def chat(database, demo, text: str) -> str:
    return await talk.chat(database, demo, text, sender=PHONE)


async def _orders(database, demo) -> list[list[tuple[str, float]]]:
    return await talk.order_lines(database, demo, by_sku=True)


async def _pending(database, demo) -> list[tuple[str | None, float]]:
    """The (sku, quantity) of each pending line of the open session."""
    async with database.transaction(tenant=demo) as s:
        rows = (await s.execute(select(OrderSessionItem).where(
            OrderSessionItem.status == SessionItemStatus.PENDING))).scalars().all()
        return sorted((r.product_code, float(r.quantity)) for r in rows)


async def test_a_vietnamese_ok_confirms(database, demo) -> None:
    await chat(database, demo, "2 cs whole milk")
    reply = await chat(database, demo, "ok dc, cam on anh")
    assert "confirmed" in reply.lower()
    assert await _orders(database, demo) == [[("DY-1001", 2.0)]]


async def test_still_having_enough_cancels(database, demo) -> None:
    await chat(database, demo, "2 cs whole milk")
    reply = await chat(database, demo, "nvm we still have plenty, dont send anything this week")
    assert "cancel" in reply.lower()
    assert await _orders(database, demo) == []


async def test_a_line_takes_the_count_of_another(database, demo) -> None:
    await chat(database, demo, "2 cs whole milk\n5 bags shredded mozzarella")
    await chat(database, demo, "make the milk the same as the mozzarella")
    reply = await chat(database, demo, "confirm")
    assert "confirmed" in reply.lower()
    assert await _orders(database, demo) == [[("CH-2003", 5.0), ("DY-1001", 5.0)]]


async def test_lids_for_the_one_size_take_its_count(database, demo) -> None:
    await chat(database, demo, "3 cs 16 oz clear cold cups\n2 cs 12 oz hot paper cups")
    reply = await chat(database, demo, "and lids for the 16s same amount")
    assert not reply.startswith("Hi!")
    lids = [(sku, q) for sku, q in await _pending(database, demo)
            if sku in ("DS-1031", "DS-1032", "DS-1033")]
    assert lids and lids[0][1] == 3.0


async def test_asking_us_to_wait_shows_the_order_not_the_help(database, demo) -> None:
    await chat(database, demo, "2 cs whole milk")
    reply = await chat(database, demo, "let me check the cooler first, might add more")
    assert not reply.startswith("Hi!") and "Whole Milk" in reply
    assert await _pending(database, demo) == [("DY-1001", 2.0)]


async def test_a_complaint_hands_off_and_its_items_are_not_ordered(database, demo) -> None:
    await chat(database, demo, "2 cs whole milk")
    await chat(database, demo, "you billed me for 4 cs heavy cream but only 3 came. can the "
                               "manager call me")
    assert await _pending(database, demo) == [("DY-1001", 2.0)]
