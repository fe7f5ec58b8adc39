"""Talking to the demo distributor's agent as a customer, for the agent's tests."""

from __future__ import annotations

from sqlalchemy import select

from agent.context import AgentContext
from db.crypto import Keyring
from db.models import Order, OrderProduct
from evaluation.local import say
from tests.conftest import TEST_MASTER_KEY


async def chat(database, demo, text: str, *, sender: str) -> str:
    """Send one customer message through the whole pipeline and return the agent's reply."""
    ctx = AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()))
    exchange = await say(database, ctx, demo, sender=sender, text=text)
    return exchange.replies[0] if exchange.replies else ""


async def order_lines(database, demo, *, by_sku: bool = False
                      ) -> list[list[tuple[str, float]]]:
    """Each order's (sku, quantity) lines, in line order or sorted by sku."""
    async with database.transaction(tenant=demo) as s:
        out = []
        for order in (await s.execute(select(Order))).scalars().all():
            rows = (await s.execute(select(OrderProduct).where(
                OrderProduct.order_id == order.id).order_by(OrderProduct.line_order))).scalars()
            lines = [(r.sku, float(r.quantity)) for r in rows]
            out.append(sorted(lines) if by_sku else lines)
        return out
