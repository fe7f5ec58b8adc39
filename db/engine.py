"""The async engine and session factory, on `DATABASE_URL` or the embedded server."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import asyncpg
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

# errors that mean "the database is not answering" rather than "the query is wrong";
# `unavailable()` below is the one place that also reads SQLSTATEs
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError, ConnectionError, OSError, TimeoutError,
    PoolTimeout,  # every pooled connection busy for pool_timeout: the same, to a caller
    Unavailable,  # what `Database.transaction` makes of all the above
    # asyncpg's own, when it is used without SQLAlchemy (LISTEN connections) or raised
    # while connecting: server starting or stopping (57P01-03), no slot (53300)
    asyncpg.exceptions.ConnectionDoesNotExistError, asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError, asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError, asyncpg.exceptions.PostgresConnectionError,
)
# SQLSTATEs that mean "not now": class 08 (connection exception), 57P01 admin_shutdown,
# 57P02 crash_shutdown, 57P03 cannot_connect_now ("the database system is shutting down"
# or "is starting up"), 53300 too_many_connections. SQLAlchemy wraps some of these in a
# plain DBAPIError, so the type alone does not tell.
_UNAVAILABLE_STATES = ("08", "57P", "53300")
# SQLSTATEs of contention: deadlock_detected, serialization_failure, lock_not_available
_CONTENTION = frozenset({"40P01", "40001", "55P03"})


def _sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    return str(getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None) or "")


def unavailable(exc: BaseException) -> bool:
    """Whether an error means the database cannot answer now (→ `Unavailable`, 503)."""
    if isinstance(exc, DBAPIError):
        return (exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))
                or _sqlstate(exc).startswith(_UNAVAILABLE_STATES))
    return isinstance(exc, UNAVAILABLE_ERRORS) or _sqlstate(exc).startswith(_UNAVAILABLE_STATES)


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
        except Exception as exc:
            if unavailable(exc) or isinstance(exc, DBAPIError):
                return False
            raise

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
        except Unavailable:
            raise
        except Exception as exc:
            if unavailable(exc):
                raise Unavailable("database unavailable") from exc
            if contended(exc):
                raise Contended("database busy; try again") from exc
            raise


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
