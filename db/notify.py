"""Waking other processes after a commit: LISTEN/NOTIFY, coalesced, never inside a write.

A NOTIFY inside the writing transaction holds PostgreSQL's notify lock through the
commit, so concurrent commits queue behind each other. Instead a transaction asks for a
wake-up (`notify_after_commit`) and `Database.transaction` sends it once the commit has
succeeded; pokes within a few milliseconds share one NOTIFY. Listeners also poll, so a
lost wake-up only costs them their poll interval.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

log = logging.getLogger(__name__)

INBOX = "orderagent_inbox"  # stored customer messages: wakes the workers
OUTBOX = "orderagent_outbox"  # queued replies: wakes the senders


def notify_after_commit(session: AsyncSession, channel: str) -> None:
    """Wake `channel`'s listeners once this session's transaction has committed."""
    session.info.setdefault("notify", set()).add(channel)


class Notifier:
    """One channel's NOTIFYs from this process: at most one per INTERVAL_S."""

    INTERVAL_S = 0.02

    def __init__(self, engine: AsyncEngine, channel: str) -> None:
        self._engine, self._channel = engine, channel
        self._pending: asyncio.Task[None] | None = None
        self._again = False

    def poke(self) -> None:
        """Ask for a wake-up: the next NOTIFY goes out within about INTERVAL_S."""
        if self._pending is None or self._pending.done():
            self._pending = asyncio.create_task(self._run())
        else:
            self._again = True  # one more NOTIFY after the current one, never none

    async def _run(self) -> None:
        while True:
            self._again = False
            await self._notify()
            await asyncio.sleep(self.INTERVAL_S)
            if not self._again:
                return

    async def _notify(self) -> None:
        try:
            async with self._engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("SELECT pg_notify(:c, '')"), {"c": self._channel})
        except (DBAPIError, OSError, ConnectionError, TimeoutError):
            log.warning("could not notify %s; listeners will poll", self._channel)
