"""Message workers: claim a conversation with waiting messages, process it, repeat.

PostgreSQL is the only shared state. A worker claims the conversation whose oldest
waiting message is oldest with a transaction-scoped advisory lock that other workers
skip, so one conversation is never processed by two workers and its messages go in
order; another worker simply takes the next conversation. A conversation is claimed only
once its latest message is `burst_window` old, so three quick messages get one reply.
Workers sleep on LISTEN/NOTIFY (the webhook notifies on commit) with a short poll as a
fallback.

The claim locks no row. With an LLM configured, the worker first runs the processing
once without keeping it, only to ask the model its questions (seconds each); then it
locks the customer and conversation rows, in the order webhooks do, and runs it for
real with every answer remembered. So a webhook from the same customer never waits on a
model call, only on the short final write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import asyncpg
from sqlalchemy import func, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from agent.context import AgentContext
from agent.process import Processed, process_conversation
from agent.timeouts import sweep_timeouts
from core import health, logs
from core.errors import Contended
from db.engine import UNAVAILABLE_ERRORS, Database, contended
from db.models import Conversation
from db.notify import INBOX
from db.tenant import ALL, scope
from mailroom import trace

log = logging.getLogger(__name__)

CLAIM_LOCKS = 727_003  # the advisory lock space of conversation claims
CLAIM = text(f"""
WITH waiting AS (
    SELECT conversation_id, min(created_at) AS first_at
    FROM messages
    WHERE is_from_customer AND NOT ai_processed
    GROUP BY conversation_id
    HAVING max(created_at) <= clock_timestamp() - make_interval(secs => :window)
        OR min(created_at) <= clock_timestamp() - make_interval(secs => :max_wait)
), ready AS MATERIALIZED (
    SELECT conversation_id AS id FROM waiting ORDER BY first_at LIMIT 64
)
-- the scan goes in order and stops at the first lock it gets: only that one is held
SELECT id FROM ready WHERE pg_try_advisory_xact_lock({CLAIM_LOCKS}, hashtext(id::text))
LIMIT 1
""")
# for the final write, in the order a webhook takes them (customer, then conversation)
LOCK_ROWS = (
    text("SELECT cu.id FROM customers cu JOIN conversations c ON c.customer_id = cu.id "
         "WHERE c.id = :c FOR UPDATE OF cu"),
    text("SELECT id FROM conversations WHERE id = :c FOR UPDATE"),
)
WAITING_IDS = text("""
SELECT id FROM messages WHERE conversation_id = :c AND is_from_customer AND NOT ai_processed
""")
NEXT_DUE = text("""
SELECT extract(epoch FROM max(created_at) + make_interval(secs => :window) - clock_timestamp())
FROM messages WHERE is_from_customer AND NOT ai_processed
GROUP BY conversation_id ORDER BY 1 LIMIT 1
""")
POLL_SECONDS = 1.0
MAX_ATTEMPTS = 3
COUNT_FAILURE = text("""
UPDATE messages SET external_metadata = jsonb_set(external_metadata, '{processing_failures}',
    to_jsonb(coalesce((external_metadata->>'processing_failures')::int, 0) + 1))
WHERE conversation_id = :c AND is_from_customer AND NOT ai_processed
RETURNING (external_metadata->>'processing_failures')::int
""")
SET_ASIDE = text("""
UPDATE messages SET ai_processed = true, ai_processed_at = clock_timestamp(),
    ai_extracted_intent = 'FAILED'
WHERE conversation_id = :c AND is_from_customer AND NOT ai_processed
RETURNING id
""")
MIN_WAIT_SECONDS = 0.05
SWEEP_SECONDS = 30.0


@logs.traced
async def claim_and_process(db: Database, ctx: AgentContext, *, window_s: float,
                            max_wait_s: float | None = None) -> Processed | None:
    """Claim one ready conversation and process it in one transaction; None if none is ready."""
    max_wait = max_wait_s if max_wait_s is not None else max(window_s * 4, 10.0)
    async with db.transaction(tenant=ALL) as session:
        while True:
            conversation_id = (await session.execute(
                CLAIM, {"window": window_s, "max_wait": max_wait})).scalar_one_or_none()
            if conversation_id is None:
                return None
            # CLAIM saw the messages waiting as of its snapshot: another worker may have
            # processed them and let go of the claim since. Each statement sees what is
            # committed, so this one tells; if they are gone, claim the next.
            waiting = (await session.execute(WAITING_IDS, {"c": conversation_id})
                       ).scalars().all()
            if waiting:
                break
        # from here on the work is one tenant's: scope the session to it
        tenant = (await session.execute(text(
            "SELECT distributor_id FROM conversations WHERE id = :id"),
            {"id": conversation_id})).scalar_one()
        await scope(session, tenant)
        await trace.bind_turn(session, tenant, conversation_id, waiting)
        only = None
        if ctx.llm is not None:
            # the final write handles exactly what was asked about; later messages wait
            # for the next claim rather than a model call under the locks
            only = waiting
            ctx = replace(ctx, llm=ctx.llm.remembering())
            await _ask_ahead(session, conversation_id, ctx, only)
        for lock in LOCK_ROWS:
            await session.execute(lock, {"c": conversation_id})
        try:
            async with trace.turn(), session.begin_nested():
                return await process_conversation(session, conversation_id, ctx, only=only)
        except UNAVAILABLE_ERRORS:
            raise  # the database is gone: nothing to record, the claim is retried
        except DBAPIError as exc:
            if exc.connection_invalidated or contended(exc):
                raise  # not the message's fault: the claim is retried, no failure counted
            log.exception("conversation %s: processing failed", conversation_id)
        except Exception:
            log.exception("conversation %s: processing failed", conversation_id)
        return await _record_failure(session, conversation_id)


async def _ask_ahead(session: AsyncSession, conversation_id: uuid.UUID, ctx: AgentContext,
                     only: Sequence[uuid.UUID]) -> None:
    """Run the processing once and throw it away, for its model calls: made now, before
    any row is locked, they keep no webhook waiting; `ctx.llm` remembers the answers."""
    savepoint = await session.begin_nested()
    try:
        await process_conversation(session, conversation_id, ctx, only=only)
    except Exception as exc:  # the real run meets it again, and records it
        log.debug("conversation %s: asking ahead failed (%s)", conversation_id,
                  type(exc).__name__)
    finally:
        await savepoint.rollback()
        session.expire_all()  # the real run reads every row afresh, once locked


async def _record_failure(session: AsyncSession, conversation_id: uuid.UUID) -> Processed:
    """Count a failed attempt on the waiting messages; after a few, staff take over.

    Without this, a message that always fails would be claimed first forever (it is the
    oldest waiting) and starve every other conversation.
    """
    attempts = max((await session.execute(COUNT_FAILURE, {"c": conversation_id})
                    ).scalars().all(), default=0)
    if attempts < MAX_ATTEMPTS:
        return Processed(conversation_id, 0, None, None)
    count = len((await session.execute(SET_ASIDE, {"c": conversation_id})).all())
    await session.execute(update(Conversation).where(Conversation.id == conversation_id).values(
        handoff_active=True, handoff_at=func.now(),
        handoff_reason=f"the agent failed {attempts} times on a message: a person must answer"))
    log.error("conversation %s: %d message(s) set aside after %d failed attempts; handed to "
              "staff", conversation_id, count, attempts)
    return Processed(conversation_id, count, None, None)


async def _seconds_until_due(db: Database, window_s: float) -> float | None:
    async with db.engine.connect() as conn:
        due = (await conn.execute(NEXT_DUE, {"window": window_s})).scalar_one_or_none()
    return None if due is None else max(float(due), 0.0)


class Wakeup:
    """LISTEN on the inbox channel over one raw asyncpg connection; wakes waiting workers."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self._conn: asyncpg.Connection | None = None

    async def start(self, db: Database) -> None:
        """Open the listening connection (best effort: polling still works without it)."""
        try:
            raw = await db.engine.raw_connection()
            self._raw = raw
            self._conn = raw.driver_connection
            await self._conn.add_listener(INBOX, self._wake)
        except (*UNAVAILABLE_ERRORS, asyncpg.PostgresError):
            log.warning("worker: LISTEN unavailable, polling every %.1fs", POLL_SECONDS)

    def _wake(self, *_: object) -> None:
        self.event.set()

    async def wait(self, seconds: float) -> None:
        """Sleep until notified or `seconds` pass."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.event.wait(), seconds)
        self.event.clear()

    async def close(self) -> None:
        """Stop listening."""
        if self._conn is not None:
            # the same callback that was added: the connection goes back to the pool
            with contextlib.suppress(*UNAVAILABLE_ERRORS, asyncpg.PostgresError):
                await self._conn.remove_listener(INBOX, self._wake)
            self._raw.close()
            self._conn = None


async def run_worker(db: Database, ctx: AgentContext, *, window_s: float, wakeup: Wakeup,
                     on_processed: Callable[[Processed], Awaitable[None]] | None = None,
                     name: str = "worker") -> None:
    """Process conversations until cancelled; survives database outages."""
    last_sweep = 0.0
    loop = asyncio.get_running_loop()
    while True:
        health.beat(name)
        try:
            done = await claim_and_process(db, ctx, window_s=window_s)
            if done is not None:
                if on_processed is not None:
                    await on_processed(done)
                continue
            if loop.time() - last_sweep > SWEEP_SECONDS:
                last_sweep = loop.time()
                await sweep_timeouts(db, datetime.now(UTC))
            due = await _seconds_until_due(db, window_s)
            # a due conversation that another worker holds (or that just failed) is still
            # "due": without a floor, idle workers would spin on it
            await wakeup.wait(POLL_SECONDS if due is None
                              else min(max(due + 0.005, MIN_WAIT_SECONDS), POLL_SECONDS))
        except asyncio.CancelledError:
            raise
        except Contended:
            log.info("%s: a claim met contention; claiming again", name)
        except UNAVAILABLE_ERRORS:
            log.warning("%s: database unavailable, retrying", name)
            await asyncio.sleep(POLL_SECONDS)
        except Exception:
            # the transaction rolled back: the messages stay unprocessed and are retried
            log.exception("%s: processing failed; will retry", name)
            await asyncio.sleep(POLL_SECONDS)
