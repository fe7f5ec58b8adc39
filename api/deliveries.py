"""Outbound webhooks: events a distributor's systems subscribe to, POSTed signed and retried.

An event is enqueued in the same transaction as the change it reports
(`mailroom.events.enqueue_event`): one PENDING `webhook_deliveries` row per subscribed
endpoint, so an event exists if and only if its change committed. A deliverer loop claims
due attempts with FOR UPDATE SKIP LOCKED, leases them (pushes `scheduled_at` past the
request timeout) and commits before POSTing, so no transaction is held open across the
network; a process killed mid-POST leaves the lease to expire and the attempt is made
again (receivers dedupe by event id). Every attempt is its own row; a failed one
schedules the next with exponential backoff.

Each POST carries (HMAC_SHA256 endpoints, the default):
    X-OrderAgent-Event-Id    the event id, the same on every retry (dedupe on it)
    X-OrderAgent-Event       the event type, e.g. `order.created`
    X-OrderAgent-Attempt     1 for the first attempt, 2 for the first retry, ...
    X-OrderAgent-Timestamp   unix seconds when this attempt was signed
    X-OrderAgent-Signature   `sha256=` + hex HMAC-SHA256(secret, f"{timestamp}.{body}")
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy import select

from api.netguard import PrivateAddress, PublicOnlyResolver, check_url
from channels._sanitize import clean_text
from core.health import beat
from db.crypto import DecryptionError, Keyring
from db.engine import UNAVAILABLE_ERRORS, Database
from db.models import WebhookDelivery, WebhookEndpoint
from db.models.enums import DeliveryStatus, WebhookAuthType
from db.tenant import ALL

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-OrderAgent-Signature"
TIMESTAMP_HEADER = "X-OrderAgent-Timestamp"
EVENT_ID_HEADER = "X-OrderAgent-Event-Id"
EVENT_HEADER = "X-OrderAgent-Event"
ATTEMPT_HEADER = "X-OrderAgent-Attempt"
USER_AGENT = "orderagent-webhooks/1"
MAX_BACKOFF_S = 6 * 3600
LEASE_MARGIN_S = 30  # a claimed attempt is due again this long after its timeout
BATCH = 20
POLL_SECONDS = 1.0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value: `sha256=` + hex HMAC-SHA256 of `{timestamp}.{body}`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *,
           tolerance_s: int = 300, now: float | None = None) -> bool:
    """Check a delivery as a receiver should: fresh timestamp, constant-time comparison."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs((now if now is not None else time.time()) - ts) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)


def body_bytes(event_data: dict[str, Any]) -> bytes:
    """The exact bytes POSTed: stable across retries, so a receiver's dedupe sees one event."""
    return json.dumps(event_data, separators=(",", ":"), sort_keys=True).encode()


@dataclass(frozen=True, slots=True)
class Claimed:
    """One attempt taken off the queue, with what is needed to send it."""

    delivery_id: uuid.UUID
    distributor_id: uuid.UUID
    url: str
    headers: dict[str, str]
    secret: str | None
    body: bytes
    timeout_s: int
    active: bool


@dataclass(frozen=True, slots=True)
class Result:
    """What one POST came back with."""

    status: int | None
    body: str | None
    headers: dict[str, str]
    error: str | None

    @property
    def ok(self) -> bool:
        """2xx is delivered; anything else (or no answer) is retried."""
        return self.status is not None and 200 <= self.status < 300


async def _claim(db: Database, keyring: Keyring, limit: int) -> list[Claimed]:
    out: list[Claimed] = []
    async with db.transaction(tenant=ALL) as session:
        rows = (await session.execute(
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.webhook_endpoint_id)
            .where(WebhookDelivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.RETRYING]),
                   WebhookDelivery.scheduled_at <= datetime.now(UTC))
            .order_by(WebhookDelivery.scheduled_at).limit(limit)
            .with_for_update(of=WebhookDelivery, skip_locked=True))).all()
        now = datetime.now(UTC)
        for delivery, endpoint in rows:
            delivery.attempted_at = now
            delivery.scheduled_at = now + timedelta(seconds=endpoint.timeout_seconds
                                                    + LEASE_MARGIN_S)
            headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                       EVENT_ID_HEADER: str(delivery.event_id), EVENT_HEADER: delivery.event_type,
                       ATTEMPT_HEADER: str(delivery.attempt_number)}
            secret = None
            if endpoint.auth_value:
                try:
                    value = await keyring.decrypt(session, endpoint.distributor_id,
                                                  endpoint.auth_value)
                except DecryptionError:
                    log.error("webhook endpoint %s: secret does not decrypt", endpoint.id)
                    value = None
                if endpoint.auth_type == WebhookAuthType.HMAC_SHA256:
                    secret = value
                elif endpoint.auth_type == WebhookAuthType.BEARER_TOKEN and value:
                    headers["Authorization"] = f"Bearer {value}"
                elif endpoint.auth_type == WebhookAuthType.API_KEY and value:
                    headers["X-API-Key"] = value
            out.append(Claimed(delivery.id, delivery.distributor_id, endpoint.url, headers,
                               secret, body_bytes(delivery.event_data), endpoint.timeout_seconds,
                               endpoint.active))
    return out


async def _post(http: aiohttp.ClientSession, item: Claimed, *, allow_private: bool) -> Result:
    if not item.active:
        return Result(None, None, {}, "endpoint inactive")
    if not allow_private:
        try:
            check_url(item.url)
        except PrivateAddress as exc:
            return Result(None, None, {}, str(exc))
    headers = dict(item.headers)
    if item.secret:
        ts = int(time.time())
        headers[TIMESTAMP_HEADER] = str(ts)
        headers[SIGNATURE_HEADER] = sign(item.secret, ts, item.body)
    try:
        async with http.post(item.url, data=item.body, headers=headers, allow_redirects=False,
                             timeout=aiohttp.ClientTimeout(total=item.timeout_s)) as resp:
            # PostgreSQL refuses NUL and lone surrogates: a receiver's odd answer must
            # still be recorded, or the attempt would never count
            text = clean_text((await resp.content.read(2000)).decode("utf-8", "replace"))
            kept = {k: clean_text(v) for k, v in resp.headers.items()
                    if k.lower() in ("content-type", "retry-after", "x-request-id")}
            return Result(resp.status, text, kept, None if resp.status < 300 else
                          f"HTTP {resp.status}")
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return Result(None, None, {}, f"{type(exc).__name__}: {exc}"[:500])


async def _record(db: Database, item: Claimed, result: Result) -> None:
    async with db.transaction(tenant=item.distributor_id) as session:
        delivery = (await session.execute(select(WebhookDelivery).where(
            WebhookDelivery.id == item.delivery_id).with_for_update())).scalar_one_or_none()
        if delivery is None:  # the endpoint was deleted meanwhile (cascade)
            return
        endpoint = (await session.execute(select(WebhookEndpoint).where(
            WebhookEndpoint.id == delivery.webhook_endpoint_id).with_for_update())).scalar_one()
        now = datetime.now(UTC)
        delivery.completed_at = now
        delivery.response_status_code = result.status
        delivery.response_body = result.body
        delivery.response_headers = result.headers
        delivery.error_message = result.error
        endpoint.last_triggered_at = now
        endpoint.total_deliveries += 1
        if result.ok:
            delivery.status = DeliveryStatus.SUCCESS
            endpoint.successful_deliveries += 1
            return
        delivery.status = DeliveryStatus.FAILED
        endpoint.failed_deliveries += 1
        if not endpoint.active or delivery.attempt_number > endpoint.retry_attempts:
            log.warning("webhook delivery %s: gave up after attempt %d", delivery.id,
                        delivery.attempt_number)
            return
        delay = min(endpoint.retry_delay_seconds * 2 ** (delivery.attempt_number - 1),
                    MAX_BACKOFF_S)
        delivery.retry_after = now + timedelta(seconds=delay)
        session.add(WebhookDelivery(
            distributor_id=delivery.distributor_id, webhook_endpoint_id=endpoint.id,
            event_type=delivery.event_type, event_id=delivery.event_id,
            event_data=delivery.event_data, status=DeliveryStatus.RETRYING,
            attempt_number=delivery.attempt_number + 1, scheduled_at=delivery.retry_after))


async def deliver_due(db: Database, keyring: Keyring, http: aiohttp.ClientSession, *,
                      limit: int = BATCH, allow_private: bool = False) -> int:
    """Send every due attempt (up to `limit`) and record each outcome; returns how many."""
    claimed = await _claim(db, keyring, limit)
    results = await asyncio.gather(*(_post(http, item, allow_private=allow_private)
                                     for item in claimed))
    for item, result in zip(claimed, results, strict=True):
        try:
            await _record(db, item, result)
        except UNAVAILABLE_ERRORS:
            log.warning("webhook delivery %s: database unavailable; due again after its "
                        "lease", item.delivery_id)
        except Exception:
            # the others are still recorded; this one is recorded bare, so its attempt
            # counts and retries end (receivers deduplicate on the event id)
            log.exception("webhook delivery %s: recording the outcome failed", item.delivery_id)
            try:
                await _record(db, item, Result(result.status, None, {},
                                               "the receiver's answer could not be stored"))
            except Exception:
                log.exception("webhook delivery %s: due again after its lease",
                              item.delivery_id)
    return len(claimed)


async def run_deliverer(db: Database, keyring: Keyring, *, poll_s: float = POLL_SECONDS,
                        allow_private: bool = False, name: str = "webhooks") -> None:
    """Deliver webhooks until cancelled; survives database outages.

    Only public addresses are reached unless `allow_private` (ORDERAGENT_WEBHOOKS_ALLOW_
    PRIVATE, for a self-hosted distributor whose ERP is on its own network).
    """
    connector = aiohttp.TCPConnector(resolver=None if allow_private else PublicOnlyResolver())
    async with aiohttp.ClientSession(connector=connector) as http:
        while True:
            beat(name)
            try:
                if await deliver_due(db, keyring, http, allow_private=allow_private) >= BATCH:
                    continue
                await asyncio.sleep(poll_s)
            except asyncio.CancelledError:
                raise
            except UNAVAILABLE_ERRORS:
                log.warning("%s: database unavailable, retrying", name)
                await asyncio.sleep(poll_s)
            except Exception:
                # the claim or record transaction rolled back; the lease makes it due again
                log.exception("%s: delivery pass failed; will retry", name)
                await asyncio.sleep(poll_s)
