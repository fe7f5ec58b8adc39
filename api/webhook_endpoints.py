"""Outbound webhook subscriptions: list, create (the signing secret shown once), delete."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from api.base import Ctx, Op, Route
from api.deliveries import (
    ATTEMPT_HEADER,
    EVENT_HEADER,
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
)
from api.models import (
    DeliveryList,
    DeliveryOut,
    DeliveryQuery,
    EndpointCreated,
    EndpointIn,
    EndpointList,
    EndpointOut,
)
from core.errors import BadInput
from db.models import WebhookDelivery, WebhookEndpoint
from db.models.enums import WebhookAuthType


def endpoint_out(e: WebhookEndpoint) -> dict:
    """An endpoint as the API shows it (never its secret)."""
    return {"id": e.id, "name": e.name, "url": e.url, "events": list(e.events or []),
            "auth_type": e.auth_type, "active": e.active, "retry_attempts": e.retry_attempts,
            "retry_delay_seconds": e.retry_delay_seconds, "timeout_seconds": e.timeout_seconds,
            "total_deliveries": e.total_deliveries,
            "successful_deliveries": e.successful_deliveries,
            "failed_deliveries": e.failed_deliveries, "last_triggered_at": e.last_triggered_at,
            "created_at": e.created_at}


async def list_endpoints(ctx: Ctx) -> EndpointList:
    """Every webhook endpoint of the distributor, with its delivery counters."""
    rows = list((await ctx.db.execute(select(WebhookEndpoint).order_by(
        WebhookEndpoint.created_at, WebhookEndpoint.id))).scalars())
    await ctx.audit("webhook_endpoints", Op.SELECT, [e.id for e in rows])
    return EndpointList(items=[EndpointOut(**endpoint_out(e)) for e in rows])


async def create_endpoint(ctx: Ctx) -> EndpointCreated:
    """Subscribe a URL to events; an HMAC secret is generated when none is given."""
    body: EndpointIn = ctx.body
    secret = body.auth_value
    if body.auth_type == WebhookAuthType.HMAC_SHA256 and secret is None:
        secret = secrets.token_urlsafe(32)
    if body.auth_type in (WebhookAuthType.BEARER_TOKEN, WebhookAuthType.API_KEY) \
            and secret is None:
        raise BadInput(f"body: auth_value: required for {body.auth_type}")
    if body.auth_type == WebhookAuthType.NONE:
        secret = None
    row = WebhookEndpoint(
        distributor_id=ctx.tenant, name=body.name, url=body.url,
        events=sorted({str(e) for e in body.events}), auth_type=body.auth_type,
        auth_value=None if secret is None
        else await ctx.keyring.encrypt(ctx.db, ctx.tenant, secret),
        retry_attempts=body.retry_attempts, retry_delay_seconds=body.retry_delay_seconds,
        timeout_seconds=body.timeout_seconds, active=body.active)
    ctx.db.add(row)
    await ctx.db.flush()
    await ctx.db.refresh(row)
    await ctx.audit("webhook_endpoints", Op.INSERT, [row.id])
    # the clear secret is answered once, to the caller who set it up
    shown = secret if body.auth_type == WebhookAuthType.HMAC_SHA256 else None
    return EndpointCreated(**endpoint_out(row), secret=shown)


async def delete_endpoint(ctx: Ctx) -> None:
    """Remove an endpoint; its pending deliveries go with it."""
    row = await ctx.get(WebhookEndpoint, lock=True)
    await ctx.db.delete(row)
    await ctx.audit("webhook_endpoints", Op.DELETE, [row.id])


async def list_deliveries(ctx: Ctx) -> DeliveryList:
    """An endpoint's latest delivery attempts, newest first."""
    endpoint = await ctx.get(WebhookEndpoint)
    rows = (await ctx.db.execute(select(WebhookDelivery).where(
        WebhookDelivery.webhook_endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.attempt_number.desc())
        .limit(ctx.query.limit))).scalars()
    items = [DeliveryOut(
        id=d.id, event_id=d.event_id, event_type=d.event_type, status=d.status,
        attempt_number=d.attempt_number, scheduled_at=d.scheduled_at,
        attempted_at=d.attempted_at, completed_at=d.completed_at,
        response_status_code=d.response_status_code, error_message=d.error_message)
        for d in rows]
    await ctx.audit("webhook_endpoints", Op.SELECT, [endpoint.id])
    return DeliveryList(items=items)


SIGNING = (
    f"Each POST carries `{EVENT_ID_HEADER}` (the same on every retry: dedupe on it), "
    f"`{EVENT_HEADER}`, `{ATTEMPT_HEADER}`, `{TIMESTAMP_HEADER}` (unix seconds) and, for "
    f"HMAC_SHA256 endpoints, `{SIGNATURE_HEADER}: sha256=<hex>` where hex is "
    "HMAC-SHA256(secret, `{timestamp}.{raw body}`). Reject timestamps more than 5 minutes "
    "old and compare in constant time. Non-2xx answers are retried `retry_attempts` times, "
    "after `retry_delay_seconds` doubled each time."
)
ROUTES = [
    Route("GET", "/api/webhook-endpoints", list_endpoints, "List webhook endpoints",
          "webhooks", EndpointList, errors=(401,)),
    Route("POST", "/api/webhook-endpoints", create_endpoint, "Create a webhook endpoint",
          "webhooks", EndpointCreated, status=201, body=EndpointIn, errors=(400, 401),
          description=SIGNING),
    Route("DELETE", "/api/webhook-endpoints/{id}", delete_endpoint, "Delete a webhook endpoint",
          "webhooks", None, status=204, errors=(401, 404)),
    Route("GET", "/api/webhook-endpoints/{id}/deliveries", list_deliveries,
          "An endpoint's delivery attempts", "webhooks", DeliveryList, query=DeliveryQuery,
          errors=(400, 401, 404)),
]
