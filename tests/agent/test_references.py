"""Lines that point at earlier lines, and confirmations that carry a change, resolved
against the session through the whole pipeline (reading, matching, the agent)."""

from __future__ import annotations

from tests.agent import talk

PHONE = "+13055550177"


async def chat(database, demo, text: str) -> str:
    return await talk.chat(database, demo, text, sender=PHONE)


async def _orders(database, demo) -> list[list[tuple[str, float]]]:
    return await talk.order_lines(database, demo, by_sku=True)


async def test_the_matching_lids_fit_the_cups_ordered_before(database, demo) -> None:
    """'the matching lids' after 8 oz hot cups is the 8 oz lid, as many as the cups."""
    await chat(database, demo, "2 cs 8 oz hot cups")
    reply = await chat(database, demo, "and the matching lids")
    assert "- 2 x Hot Cup Lid Sip Through fits 8 oz" in reply
    assert "- 2 x Hot Paper Cup 8 oz White" in reply  # the cups themselves unchanged


async def test_lids_for_those_take_the_size_that_fits(database, demo) -> None:
    """'2 cs lids for those' after 16 oz hot cups is the 12-20 oz lid, never more cups."""
    await chat(database, demo, "3 cs 16 oz hot cups")
    reply = await chat(database, demo, "2 cs lids for those")
    assert "- 2 x Hot Cup Lid Sip Through fits 12-20 oz" in reply
    assert "- 3 x Hot Paper Cup 16 oz White" in reply


async def test_a_change_inside_the_confirmation_is_applied_then_confirmed(database, demo
                                                                          ) -> None:
    """'make the milk 3 and go ahead' after the summary: the order has 3 milk."""
    await chat(database, demo, "2 cs whole milk and 3 bags shredded mozzarella")
    reply = await chat(database, demo, "make the milk 3 and go ahead")
    assert "confirmed" in reply.lower() and "- 3 x Whole Milk 1 Gallon" in reply
    [lines] = await _orders(database, demo)
    assert ("DY-1001", 3.0) in lines and len(lines) == 2


async def test_a_removal_inside_the_confirmation_is_applied_then_confirmed(database, demo
                                                                           ) -> None:
    """'ok without the mozzarella, go ahead': one order, milk only."""
    await chat(database, demo, "2 cs whole milk and 3 bags shredded mozzarella")
    await chat(database, demo, "ok without the mozzarella, go ahead")
    assert await _orders(database, demo) == [[("DY-1001", 2.0)]]


async def test_a_confirmation_adding_a_line_not_read_asks_first(database, demo) -> None:
    """'add 2 cs kombucha and confirm': the new line could not be read, so no order yet."""
    await chat(database, demo, "2 cs whole milk")
    reply = await chat(database, demo, "add 2 cs kombucha and confirm")
    assert "“2 cs kombucha”" in reply and "confirmed" not in reply.lower()
    assert await _orders(database, demo) == []


async def test_a_confirmation_before_any_summary_shows_the_summary(database, demo) -> None:
    """A first message that orders and says 'confirm' gets the summary, not an order."""
    reply = await chat(database, demo, "2 cs whole milk, please confirm")
    assert "YES" in reply and await _orders(database, demo) == []


async def test_lids_for_them_go_with_the_cups_not_the_sleeves(database, demo) -> None:
    """'the lids for them' after cups and sleeves: 2 lids, for the 2 cases of cups."""
    await chat(database, demo, "2 cs 12 oz hot cups, 1 cs hot cup sleeves")
    reply = await chat(database, demo, "and the lids for them")
    assert "- 2 x Hot Cup Lid Sip Through fits 12-20 oz" in reply
    assert reply.count("Lid Sip Through") == 1


async def test_a_line_that_names_only_what_differs_borrows_the_product(database, demo
                                                                        ) -> None:
    """'3 of the everything' after plain bagels is everything bagels, by the dozen."""
    reply = await chat(database, demo, "2 dozen plain bagels, 3 of the everything")
    assert "- 2 x Plain Bagels" in reply
    line = next(ln for ln in reply.splitlines() if "Everything Bagels" in ln)
    # read as "3 everything bagels", the catalog is sure of it: nothing to check
    assert line.startswith("- 3 x Everything Bagels") and "check" not in line
