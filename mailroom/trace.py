"""The ids and timing of a worker's turn, for its log lines and `orderagent_turn_seconds`."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core import logs
from core.metrics import TURN_SECONDS

log = logging.getLogger(__name__)

LATEST = text("""
SELECT id, external_metadata->>'request_id' AS request_id FROM messages
WHERE id = ANY(:ids) ORDER BY created_at DESC LIMIT 1
""")


async def bind_turn(session: AsyncSession, distributor_id: uuid.UUID,
                    conversation_id: uuid.UUID, message_ids: Sequence[uuid.UUID]) -> None:
    """Bind the turn's ids: its distributor, conversation, the latest waiting message and
    the webhook request that brought that message."""
    row = (await session.execute(LATEST, {"ids": list(message_ids)})).one_or_none()
    logs.bind(distributor_id=distributor_id, conversation_id=conversation_id,
              message_id=row.id if row else None, request_id=row.request_id if row else None)
    log.info("turn started: %d message(s) waiting", len(message_ids))


@asynccontextmanager
async def turn() -> AsyncIterator[None]:
    """Time the turn's processing: the histogram, and one log line when it is done (async,
    to share the worker's `async with` line with its savepoint)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        TURN_SECONDS.observe(elapsed)
        log.info("turn done in %.0f ms", elapsed * 1000,
                 extra={"latency_ms": round(elapsed * 1000, 1)})
