"""Admin resends: failed outbound messages and failed webhook deliveries, without SQL.

`retry_failed_messages` puts FAILED outbound messages back in the outbox only when a
resend cannot reach the customer twice: never one whose send was *ambiguous* (the
provider may have taken it: a timeout after the request left, a 504, a sender that
stopped mid-send), and never one refused because the customer opted out. A message that
failed before any request left, or with an answer saying the provider did not take it
(429/5xx after the retries, a 4xx fixed since), is safe.

`redeliver_webhooks` queues a fresh delivery of each event whose delivery to an active
endpoint failed for good, unless that event is already delivered or on its way there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from db.engine import Database
from db.notify import OUTBOX

# a send is ambiguous when the sender said so in its error, or its last attempt's record
UNSAFE = """(m.last_error LIKE 'ambiguous%' OR m.last_error LIKE 'opted out%'
             OR coalesce((m.external_metadata->'last_failure'->>'ambiguous')::boolean, false))"""
FAILED_MESSAGES = text(f"""
SELECT m.id, d.slug, NOT {UNSAFE} AS safe, m.last_error FROM messages m
JOIN distributors d ON d.id = m.distributor_id
WHERE NOT m.is_from_customer AND m.status = 'FAILED' AND m.updated_at >= :since
  AND (CAST(:slug AS text) IS NULL OR d.slug = :slug)
ORDER BY m.created_at
""")
REQUEUE = text("""
UPDATE messages SET status = 'QUEUED', send_attempts = 0, next_attempt_at = now(),
    external_metadata = external_metadata || jsonb_build_object(
        'retried', jsonb_build_object('at', now(), 'previous_error', last_error)),
    last_error = NULL
WHERE id = ANY(:ids) AND status = 'FAILED'
""")
FAILED_DELIVERIES = text("""
SELECT DISTINCT ON (w.webhook_endpoint_id, w.event_id) w.id, w.distributor_id,
       w.webhook_endpoint_id, w.event_type, w.event_id, w.event_data
FROM webhook_deliveries w JOIN webhook_endpoints e ON e.id = w.webhook_endpoint_id
WHERE w.status = 'FAILED' AND w.created_at >= :since AND e.active
  AND (CAST(:endpoint AS uuid) IS NULL OR w.webhook_endpoint_id = :endpoint)
  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o
                  WHERE o.webhook_endpoint_id = w.webhook_endpoint_id
                    AND o.event_id = w.event_id
                    AND o.status IN ('SUCCESS', 'PENDING', 'RETRYING'))
ORDER BY w.webhook_endpoint_id, w.event_id, w.created_at DESC
""")
REDELIVER = text("""
INSERT INTO webhook_deliveries (distributor_id, webhook_endpoint_id, event_type, event_id,
    event_data, status, attempt_number, scheduled_at)
SELECT distributor_id, webhook_endpoint_id, event_type, event_id, event_data, 'PENDING', 1,
       now()
FROM webhook_deliveries WHERE id = ANY(:ids)
""")


@dataclass(frozen=True, slots=True)
class Redone:
    """What a resend did: ids queued again, and ids left alone with the reason."""

    queued: list[uuid.UUID]
    skipped: list[tuple[uuid.UUID, str]]


async def retry_failed_messages(db: Database, since: datetime, *, distributor: str | None = None,
                                dry_run: bool = False) -> Redone:
    """Queue again the FAILED outbound messages since `since` that are safe to resend."""
    async with db.engine.begin() as conn:
        rows = (await conn.execute(FAILED_MESSAGES, {"since": since, "slug": distributor})).all()
        safe = [r.id for r in rows if r.safe]
        if safe and not dry_run:
            await conn.execute(REQUEUE, {"ids": safe})
            await conn.execute(text("SELECT pg_notify(:c, '')"), {"c": OUTBOX})
    skipped = [(r.id, (r.last_error or "")[:80]) for r in rows if not r.safe]
    return Redone(safe, skipped)


async def redeliver_webhooks(db: Database, since: datetime, *, endpoint: uuid.UUID | None = None,
                             dry_run: bool = False) -> Redone:
    """Queue a new delivery of each event that failed for good at an active endpoint."""
    async with db.engine.begin() as conn:
        rows = (await conn.execute(FAILED_DELIVERIES,
                                   {"since": since, "endpoint": endpoint})).all()
        ids = [r.id for r in rows]
        if ids and not dry_run:
            await conn.execute(REDELIVER, {"ids": ids})
    return Redone([r.event_id for r in rows], [])


def since_days_ago(days: float) -> datetime:
    """The start of the window `--since` defaults to."""
    from datetime import timedelta

    return datetime.now(UTC) - timedelta(days=days)
