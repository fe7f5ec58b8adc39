"""The order a confirmed session becomes: one line per live item, and its totals."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from agent.catalog import Catalog
from db.models import Order, OrderProduct, OrderSessionItem
from db.models.enums import MatchingMethod, OrderStatus
from mailroom.events import emit_order_events

if TYPE_CHECKING:
    from agent.turn import Turn


def line_total(item: OrderSessionItem) -> Decimal | None:
    """quantity x unit price, or None when the price is unknown."""
    if item.unit_price is None:
        return None
    return (Decimal(item.quantity) * Decimal(item.unit_price)).quantize(Decimal("0.01"))


async def create_order(turn: Turn, source_text: str) -> Order:
    """One order with a line per live item; flagged for review when any line is unsure."""
    items = turn.live_items
    unsure = [i for i in items if i.product_id is None
              or Decimal(i.ai_confidence or 0) < turn.threshold]
    totals = [line_total(i) for i in items]
    confidences = [Decimal(i.ai_confidence or 0) for i in items]
    conv = turn.conversation
    order = Order(
        id=uuid.uuid4(), distributor_id=conv.distributor_id, customer_id=conv.customer_id,
        conversation_id=conv.id, channel=conv.channel,
        status=OrderStatus.REVIEW if unsure else OrderStatus.CONFIRMED,
        received_date=turn.now.date(), received_time=turn.now.timetz(),
        total_amount=sum((t for t in totals if t is not None), Decimal(0)),
        ai_generated=True, ai_confidence=min(confidences) if confidences else None,
        ai_source_message_id=turn.message_id, order_session_id=turn.session.id,
        is_consolidated=True, requires_review=bool(unsure),
        whatsapp_message=source_text if conv.channel == "WHATSAPP" else None)
    turn.db.add(order)
    for n, (item, total) in enumerate(zip(items, totals, strict=True)):
        meta = item.item_metadata or {}
        method = meta.get("method") or MatchingMethod.FUZZY_MATCH
        turn.db.add(OrderProduct(
            distributor_id=conv.distributor_id, order_id=order.id, product_name=item.product_name,
            product_unit=_unit(turn.catalog, item), quantity=item.quantity,
            unit_price=item.unit_price, line_price=total, ai_extracted=True,
            ai_confidence=item.ai_confidence, ai_original_text=meta.get("text"),
            suggested_product_id=item.product_id, matched_product_id=item.product_id,
            matched_variant_id=item.variant_id, sku=item.product_code, line_order=n,
            matching_confidence=item.ai_confidence,
            matching_method=MatchingMethod(method) if item.product_id else None,
            matching_score=Decimal(str(meta.get("score", 0))).quantize(Decimal("0.0001")),
            alternative_matches=meta.get("alternatives", [])))
    customer = turn.customer
    customer.total_orders += 1
    customer.total_spent = Decimal(customer.total_spent) + order.total_amount
    customer.last_ordered_date = date.today()
    customer.status = "ORDERING"
    await emit_order_events(turn.db, order)  # webhook events commit with the order
    return order


def _unit(catalog: Catalog, item: OrderSessionItem) -> str | None:
    cat = catalog.by_sku.get(item.product_code or "")
    return cat.unit if cat else (item.item_metadata or {}).get("unit")
