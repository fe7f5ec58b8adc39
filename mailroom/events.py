"""Events for the distributor's systems, queued in the transaction of the change they report.

One PENDING `webhook_deliveries` row per subscribed endpoint, so an event exists if and
only if its change committed; `api.deliveries` POSTs them, signed, and retries.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Order, WebhookDelivery, WebhookEndpoint
from db.models.enums import DeliveryStatus


class EventType(StrEnum):
    """Events an endpoint can subscribe to."""

    MESSAGE_CREATED = "message.created"
    ORDER_CREATED = "order.created"
    ORDER_CONFIRMED = "order.confirmed"
    ORDER_REVIEW_REQUIRED = "order.review_required"
    ORDER_UPDATED = "order.updated"



async def enqueue_event(session: AsyncSession, distributor_id: uuid.UUID,
                        event_type: EventType, data: dict[str, Any]) -> uuid.UUID | None:
    """Queue `event_type` for every active endpoint subscribed to it; returns the event id."""
    endpoints = (await session.execute(select(WebhookEndpoint.id).where(
        WebhookEndpoint.distributor_id == distributor_id, WebhookEndpoint.active,
        WebhookEndpoint.events.contains([str(event_type)])))).scalars().all()
    if not endpoints:
        return None
    event_id = uuid.uuid4()
    now = datetime.now(UTC)
    payload = {"id": str(event_id), "type": str(event_type), "created_at": now.isoformat(),
               "data": data}
    for endpoint_id in endpoints:
        session.add(WebhookDelivery(
            distributor_id=distributor_id, webhook_endpoint_id=endpoint_id,
            event_type=str(event_type), event_id=event_id, event_data=payload,
            status=DeliveryStatus.PENDING, attempt_number=1, scheduled_at=now))
    return event_id


def order_data(order: Order) -> dict[str, Any]:
    """The payload of order events: ids and state; details come from GET /api/orders/{id}."""
    return {"order_id": str(order.id), "status": str(order.status),
            "requires_review": bool(order.requires_review),
            "total_amount": str(order.total_amount), "customer_id": str(order.customer_id),
            "conversation_id": str(order.conversation_id) if order.conversation_id else None,
            "channel": str(order.channel) if order.channel else None}


async def emit_order_events(session: AsyncSession, order: Order) -> None:
    """order.created, then order.confirmed or order.review_required for a new order."""
    data = order_data(order)
    await enqueue_event(session, order.distributor_id, EventType.ORDER_CREATED, data)
    follow = EventType.ORDER_REVIEW_REQUIRED if order.requires_review \
        else EventType.ORDER_CONFIRMED
    await enqueue_event(session, order.distributor_id, follow, data)
