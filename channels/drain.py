"""The drainer: spooled webhooks into PostgreSQL, in arrival order, once it is back.

It waits while the spool is empty; otherwise it pings the database every `poll_s` and,
when it answers, takes the oldest entries a chunk at a time through the same steps as a
live request (`channels.intake.route`, then the idempotent store), so a provider retry
that landed both in the spool and in PostgreSQL is stored once. A chunk's requests are
submitted in order, so each distributor's share is written in that order. An entry that
can never be stored (its signature fails on drain, its number is not ours, it is
malformed) is dropped with a log line, as the live route would have refused it.

Which spool file a process owns: the first of `$ORDERAGENT_HOME/spool/spool-<n>` whose
lock it can take. A crashed process's lock goes with it, so the next start takes its
file and drains what was left.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fcntl
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from aiohttp import web

from channels import get_adapter
from channels.intake import Intake, Items, route
from channels.spool import Spool, Spooled
from core.errors import Contended, OrderAgentError, Unavailable
from db.engine import Database
from mailroom.inbox import SPOOLED_AT

log = logging.getLogger(__name__)

Store = Callable[[Mapping[uuid.UUID, Items]], Awaitable[None]]
CHUNK = 2000  # bounded in bytes too (Spool.head): few, large batches catch up fastest
POLL_S = 0.25


def claim_spool_path(home: Path) -> tuple[Path, int]:
    """The first spool file under `home/spool` no live process holds, and its lock fd."""
    folder = home / "spool"
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    while True:
        fd = os.open(folder / f"spool-{n}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            n += 1
            continue
        return folder / f"spool-{n}.sqlite3", fd


class Drainer:
    """Moves spooled deliveries into PostgreSQL whenever it answers."""

    def __init__(self, spool: Spool, database: Database, intake: Intake, store: Store, *,
                 poll_s: float = POLL_S) -> None:
        self._spool, self._db, self._intake, self._store = spool, database, intake, store
        self._poll_s = poll_s
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Something was spooled: start draining (once the database answers)."""
        self._wake.set()

    async def run(self) -> None:
        """Drain forever (until cancelled)."""
        while True:
            if self._spool.depth == 0:
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                if await asyncio.wait_for(self._db.ping(), self._poll_s * 8) \
                        and await self.drain_chunk():
                    continue
            except (Unavailable, Contended, TimeoutError):
                pass
            except Exception:
                # the drain must outlive any one bad entry or bug; the entry stays
                log.exception("webhook spool drain failed; trying again")
                await asyncio.sleep(5)
            await asyncio.sleep(self._poll_s)

    async def drain_chunk(self) -> bool:
        """Store the oldest spooled deliveries; False when the database went away again."""
        entries = await self._spool.head(CHUNK)
        done: list[int] = []
        jobs: list[tuple[Spooled, asyncio.Task[None] | None]] = []
        for entry in entries:
            try:
                by_tenant = await route(self._intake, get_adapter(entry.delivery.provider),
                                        entry.delivery)
            except (Unavailable, Contended):
                break  # not now: it and everything after it wait
            except (OrderAgentError, web.HTTPException) as exc:
                log.warning("spooled %s webhook %d dropped: %s", entry.delivery.provider,
                            entry.id, type(exc).__name__)
                jobs.append((entry, None))
                continue
            # started in order: each distributor's share is queued in arrival order
            jobs.append((entry, asyncio.create_task(self._store(
                _when_taken(by_tenant, entry.delivery.arrived)))))
        await asyncio.gather(*(t for _, t in jobs if t is not None), return_exceptions=True)
        for entry, task in jobs:
            error = None if task is None else task.exception()
            if isinstance(error, Unavailable | Contended):
                break  # keep it and what came after it, in order
            if error is not None:
                log.warning("spooled %s webhook %d dropped: %s", entry.delivery.provider,
                            entry.id, type(error).__name__)
            done.append(entry.id)
        await self._spool.remove(done)
        if done:
            log.info("drained %d spooled webhook(s); %d left", len(done), self._spool.depth)
        return len(done) == len(entries)


def _when_taken(by_tenant: Mapping[uuid.UUID, Items], arrived: float
                ) -> dict[uuid.UUID, Items]:
    """Each message marked with when the webhook took it, its time as far as the customer
    and the worker's burst window are concerned."""
    return {tenant: dataclasses.replace(items, messages=[
        (owner, dataclasses.replace(msg, metadata={**msg.metadata, SPOOLED_AT: arrived}))
        for owner, msg in items.messages]) for tenant, items in by_tenant.items()}
