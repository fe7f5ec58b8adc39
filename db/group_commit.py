"""Group commit: concurrent writes for one tenant share one transaction and one commit.

A webhook is answered only once what it carried is committed. Under load most of that
cost was the transaction itself, not the rows: BEGIN, the tenant scope, COMMIT and its
WAL flush, and SQLAlchemy's per-transaction work. So requests for the same distributor
that arrive while its previous commit is in flight are written together in the next
transaction, the way PostgreSQL groups WAL flushes. Nobody waits for a timer: an idle
tenant's write starts at once, and batches grow only while the database is busy.

Each job stays all or nothing. When a shared transaction fails for any reason but an
outage, every job in it is written again in a transaction of its own, so one bad request
costs the others a retry, never their data, and gets its own error. An outage fails
them all with `Unavailable` (503: providers that retry will).

The tenant's loop never waits long for a row lock: its transactions give up after
LOCK_TIMEOUT. Rows are locked elsewhere for a while (a worker's final write, a staff
reply, the timeout sweep), and one customer's busy conversation must not hold up every
other customer's webhook. The jobs of a transaction that gave up are written alone,
side by side and off the loop, and those wait for their locks as long as it takes: a
webhook answered late is still stored, one answered with an error is lost to Twilio,
which does not retry it (channels.md §1.6). For the same reason a job the database
refused over a deadlock is run again, up to ATTEMPTS times.

Jobs with the same `order_key` (a customer) never overtake one another: a failed
batch's jobs of one key are written together, patiently, after whatever of that key is
still being written so (they wait for the same row locks anyway), and a later batch's
job of that key joins the same line instead of being written beside it. Other keys
stay side by side.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Contended, Unavailable
from db.engine import Database

log = logging.getLogger(__name__)

J = TypeVar("J")
# writes one batch of jobs inside an open transaction scoped to the tenant
Write = Callable[[AsyncSession, uuid.UUID, Sequence[J]], Awaitable[None]]
LOCK_TIMEOUT = "100ms"
ATTEMPTS = 3  # per job written alone, when the database gives up over a deadlock


class GroupCommit(Generic[J]):
    """Per-tenant batches of jobs: at most one transaction in flight per tenant."""

    def __init__(self, database: Database, write: Write[J], *, max_batch: int = 200,
                 max_alone: int = 8, order_key: Callable[[J], Hashable] | None = None) -> None:
        self._database, self._write, self._max_batch = database, write, max_batch
        self._order_key = order_key
        # per (tenant, order key): the latest job written alone, which the next one waits for
        self._lines: dict[tuple[uuid.UUID, Hashable], asyncio.Task[None]] = {}
        self._alone_slots = asyncio.Semaphore(max_alone)
        self._waiting: dict[uuid.UUID, list[tuple[J, asyncio.Future[None]]]] = {}
        self._flushing: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._alone: set[asyncio.Task[None]] = set()  # jobs of a failed batch, rewritten

    async def submit(self, tenant: uuid.UUID, job: J) -> None:
        """Write `job` for `tenant`; return once it is committed, or raise its error."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(tenant, []).append((job, done))
        if tenant not in self._flushing:
            self._flushing[tenant] = asyncio.create_task(self._flush(tenant))
        await done

    async def close(self) -> None:
        """Let the transactions in flight finish (at shutdown)."""
        await asyncio.gather(*self._flushing.values(), return_exceptions=True)
        await asyncio.gather(*self._alone, return_exceptions=True)

    async def _flush(self, tenant: uuid.UUID) -> None:
        try:
            while waiting := self._waiting.get(tenant):
                batch = waiting[:self._max_batch]
                del waiting[:self._max_batch]
                # a job whose key has one being written alone goes after it, not beside it
                queued = [item for item in batch if self._line_of(tenant, item) in self._lines]
                self._in_lines(tenant, queued)
                if len(queued) < len(batch):
                    await self._commit(tenant, [i for i in batch if i not in queued])
        except BaseException:
            # cancelled at shutdown: nobody may wait forever; the provider will retry
            _settle(self._waiting.get(tenant, ()), Unavailable("shutting down"))
            raise
        finally:
            self._waiting.pop(tenant, None)
            self._flushing.pop(tenant, None)

    async def _commit(self, tenant: uuid.UUID, batch: list[tuple[J, asyncio.Future[None]]],
                      *, patient: bool = False, attempt: int = 1) -> None:
        """Write `batch` in one transaction. The tenant's loop is never patient: it gives
        up on a row lock after LOCK_TIMEOUT and hands the jobs to `_each_alone`, whose
        transactions wait for their locks as long as it takes."""
        try:
            async with self._database.transaction(
                    tenant=tenant, lock_timeout=None if patient else LOCK_TIMEOUT) as session:
                await self._write(session, tenant, [job for job, _ in batch])
        except Contended as exc:
            if not patient:
                self._each_alone(tenant, batch, exc)
            elif attempt < ATTEMPTS:  # a deadlock: running it again cures it
                await self._commit(tenant, batch, patient=True, attempt=attempt + 1)
            else:
                _settle(batch, exc)
        except Unavailable as exc:
            _settle(batch, exc)  # an outage: 503, the provider retries
        except Exception as exc:
            if len(batch) > 1 and patient:  # one customer's line: each on its own, in order
                for item in batch:
                    await self._commit(tenant, [item], patient=True)
            elif len(batch) > 1:
                self._each_alone(tenant, batch, exc)
            else:
                _settle(batch, exc)
        except BaseException:
            _settle(batch, Unavailable("shutting down"))  # the provider will retry
            raise
        else:
            _settle(batch, None)

    def _each_alone(self, tenant: uuid.UUID, batch: list[tuple[J, asyncio.Future[None]]],
                    exc: Exception) -> None:
        log.info("a batch of %d writes failed (%s); writing each on its own",
                 len(batch), type(exc).__name__)
        self._in_lines(tenant, batch)

    def _in_lines(self, tenant: uuid.UUID, batch: list[tuple[J, asyncio.Future[None]]]) -> None:
        """Write `batch` patiently, one transaction per order key, side by side: one
        that waits for a lock holds up no other key."""
        lines: dict[tuple[uuid.UUID, Hashable], list[tuple[J, asyncio.Future[None]]]] = {}
        for item in batch:
            lines.setdefault(self._line_of(tenant, item), []).append(item)
        for line, items in lines.items():
            self._alone_after(tenant, line, items)

    def _line_of(self, tenant: uuid.UUID,
                 item: tuple[J, asyncio.Future[None]]) -> tuple[uuid.UUID, Hashable]:
        key = self._order_key(item[0]) if self._order_key is not None else None
        return tenant, key if key is not None else id(item)

    def _alone_after(self, tenant: uuid.UUID, line: tuple[uuid.UUID, Hashable],
                     items: list[tuple[J, asyncio.Future[None]]]) -> None:
        """Write `items` patiently, after what of their line is being written before."""
        task = asyncio.create_task(self._write_alone(tenant, items, self._lines.get(line)))
        self._lines[line] = task
        self._alone.add(task)
        task.add_done_callback(self._alone.discard)
        task.add_done_callback(
            lambda t: self._lines.pop(line) if self._lines.get(line) is t else None)

    async def _write_alone(self, tenant: uuid.UUID, items: list[tuple[J, asyncio.Future[None]]],
                           after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await asyncio.wait([after])  # done, however it ended: the order is what counts
        # bounded: each may hold a pooled connection while it waits for a lock
        async with self._alone_slots:
            await self._commit(tenant, items, patient=True)


def _settle(batch: Sequence[tuple[object, asyncio.Future[None]]],
            error: BaseException | None) -> None:
    for _, done in batch:
        if done.done():  # its request went away (the client disconnected)
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)
