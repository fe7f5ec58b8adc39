"""Plausibility: a quantity far beyond any normal order line is asked about, never taken."""

from __future__ import annotations

from sqlalchemy import select

from agent.context import AgentContext
from db.crypto import Keyring
from db.models import Order, OrderProduct
from evaluation.local import say
from tests.conftest import TEST_MASTER_KEY


def _ctx() -> AgentContext:
    return AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()))


async def test_a_huge_quantity_is_asked_about_and_the_order_goes_to_staff(database,
                                                                          demo) -> None:
    """'6000 cs whole milk': the summary asks whether that is right; confirming it anyway
    makes an order flagged for review, never a silent 6000-case order."""
    ctx = _ctx()
    first = await say(database, ctx, demo, sender="+13055550177", text="6000 cs whole milk")
    assert "far more than one order usually takes" in first.replies[0]
    await say(database, ctx, demo, sender="+13055550177", text="yes")
    async with database.transaction(tenant=demo) as s:
        order = (await s.execute(select(Order))).scalar_one()
        assert order.requires_review


async def test_a_pasted_document_repeating_a_line_does_not_add_up_silently(database,
                                                                            demo) -> None:
    """The same line pasted hundreds of times adds up past the cap: asked about too."""
    ctx = _ctx()
    reply = await say(database, ctx, demo, sender="+13055550178",
                      text="\n".join(["2 cs whole milk"] * 300))
    assert "far more than one order usually takes" in reply.replies[0]


async def test_an_ordinary_quantity_is_taken_as_said(database, demo) -> None:
    """40 cases is a big order, not an implausible one: no question, no review flag."""
    ctx = _ctx()
    first = await say(database, ctx, demo, sender="+13055550179", text="40 cs whole milk")
    assert "far more" not in first.replies[0]
    await say(database, ctx, demo, sender="+13055550179", text="yes")
    async with database.transaction(tenant=demo) as s:
        order = (await s.execute(select(Order))).scalar_one()
        line = (await s.execute(select(OrderProduct))).scalar_one()
        assert not order.requires_review and line.quantity == 40
