"""Never confirm what was not read; confirmations name what ships; quantities in the
selling unit; questions the catalog cannot answer do not stop the order."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Conversation
from tests.agent import talk

PHONE = "+13055550199"


async def chat(database, demo, text: str) -> str:
    return await talk.chat(database, demo, text, sender=PHONE)


async def _order_lines(database, demo) -> list[list[tuple[str, float]]]:
    return await talk.order_lines(database, demo)


async def test_nothing_read_is_asked_about_and_never_offered_for_confirmation(database, demo
                                                                             ) -> None:
    """Lines that match nothing: each is asked about, no YES is offered, a yes orders nothing."""
    reply = await chat(database, demo, "3 cs wagyu tomahawk\n2 cs kombucha")
    assert "“3 cs wagyu tomahawk”" in reply and "“2 cs kombucha”" in reply
    assert "YES" not in reply and "Total" not in reply
    reply = await chat(database, demo, "yes")
    assert "confirmed" not in reply.lower()
    assert "“2 cs kombucha”" in reply  # asked again
    assert await _order_lines(database, demo) == []


async def test_an_unread_line_offers_up_to_three_closest_products(database, demo) -> None:
    """A weak guess is not taken, but it and the runners-up are offered by name."""
    reply = await chat(database, demo, "2 cs whole milk\n3 cs smoked mozzarela pearls")
    assert "- 2 x Whole Milk 1 Gallon" in reply
    asked = next(line for line in reply.splitlines() if "pearls" in line)
    assert "did you mean" in asked and asked.count(",") + asked.count(" or ") <= 2
    assert "Mozzarella" in asked


async def test_the_confirmation_names_what_ships(database, demo) -> None:
    """'Order confirmed' lists each line with its quantity and the total, not a count."""
    await chat(database, demo, "2 cs whole milk and 3 bags shredded mozzarella")
    reply = await chat(database, demo, "yes")
    assert "- 2 x Whole Milk 1 Gallon - $55.00" in reply
    assert "Shredded Mozzarella" in reply and "Total: $" in reply
    assert "item(s)" not in reply
    assert len(await _order_lines(database, demo)) == 1


async def test_dozens_of_eggs_sold_by_the_case_become_cases(database, demo) -> None:
    """45 dozen eggs, sold by the 15-dozen case, is 3 cases; no question asked."""
    reply = await chat(database, demo, "45 dozen eggs")
    assert "- 3 x Large Grade A White Eggs 15 Dozen" in reply
    assert "how many" not in reply
    await chat(database, demo, "yes")
    assert await _order_lines(database, demo) == [[("DY-1301", 3.0)]]


async def test_a_count_the_pack_does_not_divide_is_a_question(database, demo) -> None:
    """4 dozen eggs from 15-dozen cases is no whole case: the line says so and asks."""
    reply = await chat(database, demo, "4 dozen eggs")
    line = next(ln for ln in reply.splitlines() if "Eggs" in ln)
    assert "you asked for 4 dozen" in line and "15 dozen" in line and "how many" in line


async def test_a_question_staff_must_answer_does_not_stop_the_order(database, demo) -> None:
    """'when do you deliver?' is passed on, and the order that follows is still taken."""
    reply = await chat(database, demo, "when do you deliver to brooklyn?")
    assert "passed your question on to our team" in reply
    reply = await chat(database, demo, "2 cs whole milk")
    assert "- 2 x Whole Milk 1 Gallon" in reply
    async with database.transaction(tenant=demo) as s:
        conv = (await s.execute(select(Conversation))).scalar_one()
    assert not conv.handoff_active
