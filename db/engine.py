"""The async engine and session factory, on `DATABASE_URL` or the embedded server."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from core.errors import Contended, Unavailable
from core.settings import Settings
from db.embedded import EmbeddedPostgres, start_embedded, to_async_url
from db.notify import Notifier
from db.tenant import TENANT_ROLE, rls_available, scope

log = logging.getLogger(__name__)

# errors that mean "the database is not answering" rather than "the query is wrong"
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError, ConnectionError, OSError, TimeoutError,
    PoolTimeout,  # every pooled connection busy for pool_timeout: the same, to a caller
    Unavailable,  # what `Database.transaction` makes of all the above
)
# SQLSTATEs of contention: deadlock_detected, serialization_failure, lock_not_available
_CONTENTION = frozenset({"40P01", "40001", "55P03"})


def contended(exc: BaseException) -> bool:
    """Whether a database error is contention, which running the transaction again cures."""
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "pgcode", None) in _CONTENTION


@dataclass
class Database:
    """An engine, its session factory and, on the embedded default, the server we hold."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    embedded: EmbeddedPostgres | None = None
    # whether PostgreSQL's row-level security wall can be used (found on first use)
    rls: bool | None = None
    notifiers: dict[str, Notifier] = field(default_factory=dict)

    async def close(self) -> None:
        """Dispose the pool, then release the embedded server."""
        await self.engine.dispose()
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None

    def notify(self, channel: str) -> None:
        """Wake `channel`'s listeners soon (coalesced; see db/notify.py)."""
        if channel not in self.notifiers:
            self.notifiers[channel] = Notifier(self.engine, channel)
        self.notifiers[channel].poke()

    async def _detect_rls(self) -> None:
        async with self.engine.connect() as conn:
            self.rls = await rls_available(conn)
        if not self.rls:
            log.warning("row-level security is not active: the database user cannot take "
                        "the role %s (run `orderagent db upgrade` as a user that may create "
                        "roles); tenant isolation rests on the ORM filter alone", TENANT_ROLE)

    async def ping(self) -> bool:
        """True when the database answers a trivial query within a second."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except (*UNAVAILABLE_ERRORS, DBAPIError):
            return False

    @asynccontextmanager
    async def transaction(self, *, tenant: uuid.UUID | str,
                          lock_timeout: str | None = None) -> AsyncIterator[AsyncSession]:
        """One session in one transaction, scoped to `tenant` (a distributor id, or `ALL`),
        its row-lock waits bounded by `lock_timeout` if given (then `Contended`).

        Database outages become `Unavailable` (503), so providers retry.
        """
        try:
            if self.rls is None:
                await self._detect_rls()
            async with self.sessions() as session:
                async with session.begin():
                    session.info["rls"] = self.rls
                    await scope(session, tenant, lock_timeout=lock_timeout)
                    yield session
                for channel in session.info.pop("notify", ()):  # committed: wake listeners
                    self.notify(channel)
        except DBAPIError as exc:
            if exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError)):
                raise Unavailable("database unavailable") from exc
            if contended(exc):
                raise Contended("database busy; try again") from exc
            raise
        except (ConnectionError, OSError, TimeoutError, PoolTimeout) as exc:
            raise Unavailable("database unavailable") from exc


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An asyncpg engine with a short connect timeout, so an outage fails fast (503)."""
    # no pool_pre_ping: with asyncpg it costs three round trips per checkout; a connection
    # that died with the server fails its request once (503, the provider retries) and the
    # pool replaces it
    # hide_parameters: a failed statement's error (and so a logged traceback) must not
    # carry its parameters, which are customers' messages, numbers and addresses
    return create_async_engine(
        to_async_url(url), pool_size=pool_size, max_overflow=pool_size,
        pool_timeout=5, connect_args={"timeout": 5, "command_timeout": 60},
        hide_parameters=True,
    )


def open_database(settings: Settings, *, pool_size: int = 10) -> Database:
    """Connect to `DATABASE_URL`, or start the embedded server in `$ORDERAGENT_HOME/pgdata`."""
    embedded = None
    url = settings.database_url
    if not url:
        embedded = start_embedded(settings.home / "pgdata")
        url = embedded.url
    engine = make_engine(url, pool_size=pool_size)
    return Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False),
                    embedded=embedded)
