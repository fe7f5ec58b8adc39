"""Sender loops: run `outbox.send_next` until cancelled, woken by NOTIFY or a short poll.

`start_senders(n)` is the background starter for `create_app` (`orderagent serve`);
`sender_tasks(...)` starts the same loops where there is no app (`orderagent worker`).
Any number of senders in any number of processes may run: claims use SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg
from sqlalchemy import text

from channels.sender import SenderOptions, send_next
from core.health import beat
from db.crypto import Keyring
from db.engine import UNAVAILABLE_ERRORS, Database
from db.notify import OUTBOX

log = logging.getLogger(__name__)
MIN_WAIT_S = 0.05

NEXT_DUE = text("""
SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM messages
WHERE NOT is_from_customer AND status = 'QUEUED'
""")


async def _seconds_until_due(db: Database) -> float | None:
    async with db.engine.connect() as conn:
        due = (await conn.execute(NEXT_DUE)).scalar_one_or_none()
    return None if due is None else max(float(due), 0.0)


async def run_sender(db: Database, keyring: Keyring, options: SenderOptions, *,
                     wakeup: asyncio.Event, poll_s: float = 0.5, name: str = "sender") -> None:
    """Send due messages until cancelled; survives database outages."""
    while True:
        beat(name)
        try:
            if await send_next(db, keyring, options) is not None:
                continue
            due = await _seconds_until_due(db)
            # a due message behind an in-flight or backing-off one in its thread is still
            # "due" but cannot be claimed: the floor keeps idle senders from spinning on it
            wait = poll_s if due is None else min(max(due + 0.005, MIN_WAIT_S), poll_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), wait)
            wakeup.clear()
        except asyncio.CancelledError:
            raise
        except UNAVAILABLE_ERRORS:
            log.warning("%s: database unavailable, retrying", name)
            await asyncio.sleep(poll_s * 2)
        except Exception:
            # the claim rolled back, or the record step failed: the lease decides later
            log.exception("%s: send step failed", name)
            await asyncio.sleep(poll_s * 2)


async def _listen(db: Database, wakeup: asyncio.Event) -> None:
    """LISTEN on the outbox channel until cancelled (best effort: senders poll anyway)."""

    def wake(*_: object) -> None:
        wakeup.set()

    try:
        async with db.engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            await driver.add_listener(OUTBOX, wake)
            try:
                await asyncio.Event().wait()
            finally:
                # the connection goes back to the pool: it must not keep our listener
                with contextlib.suppress(*UNAVAILABLE_ERRORS, asyncpg.PostgresError):
                    await driver.remove_listener(OUTBOX, wake)
    except UNAVAILABLE_ERRORS:
        log.warning("sender: LISTEN unavailable, polling only")


def sender_tasks(db: Database, keyring: Keyring, public_url: str,
                 count: int = 2) -> list[asyncio.Task[None]]:
    """Start `count` senders sharing one LISTEN wake-up; the caller cancels the tasks."""
    options = SenderOptions(public_url=public_url)
    wakeup = asyncio.Event()
    coros = [_listen(db, wakeup)] + [
        run_sender(db, keyring, options, wakeup=wakeup, name=f"sender-{n}")
        for n in range(count)]
    return [asyncio.create_task(coro) for coro in coros]
