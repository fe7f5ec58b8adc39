"""The async engine and session factory, on `DATABASE_URL` or the embedded server."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from core.errors import Contended, OrderAgentError, Unavailable
from core.settings import Settings
from db.embedded import EmbeddedPostgres, start_embedded, to_async_url
from db.migrate import upgrade
from db.notify import Notifier
from db.roles import APP_ROLE, SYSTEM_ROLE, roles_available, wall_problems
from db.tenant import scope

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


class WallNotInForce(OrderAgentError):
    """PostgreSQL's tenant wall is not in force, and ORDERAGENT_ALLOW_NO_RLS is not set."""


@dataclass
class Database:
    """An engine, its session factory and, on the embedded default, the server we hold."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    embedded: EmbeddedPostgres | None = None
    # whether PostgreSQL's row-level security wall can be used (found on first use)
    rls: bool | None = None
    # whether `ALL` transactions take the narrow system role: yes, except on a superuser's
    # connection (the test suite's, a scratch server's), where they stay the superuser
    system_role: bool = False
    # who migrates: the tables' owner (None: the runtime engine's own user)
    owner_url: str | None = None
    # run on even when `verify_wall` finds the wall down (ORDERAGENT_ALLOW_NO_RLS)
    allow_no_rls: bool = False
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
            self.rls, superuser = await roles_available(conn)
        self.system_role = self.rls and not superuser

    async def migrate(self) -> None:
        """Migrate to head as the owner, then check the wall (`verify_wall`)."""
        if self.owner_url is None:
            await upgrade(self.engine)
        else:
            owner = make_engine(self.owner_url, pool_size=1)
            try:
                await upgrade(owner)
            finally:
                await owner.dispose()
        await self.verify_wall()

    async def verify_wall(self) -> None:
        """Refuse to run (`WallNotInForce`, one line) unless PostgreSQL's tenant wall is
        in force for our connections, or ORDERAGENT_ALLOW_NO_RLS says to run without it."""
        async with self.engine.connect() as conn:
            problems = await wall_problems(conn)
        await self._detect_rls()
        if not problems:
            return
        line = "row-level security is not in force: " + "; ".join(problems)
        if not self.allow_no_rls:
            raise WallNotInForce(line + " (connect as the runtime role, see README "
                                        "'Database roles', or set ORDERAGENT_ALLOW_NO_RLS=true)")
        log.warning("%s; running anyway (ORDERAGENT_ALLOW_NO_RLS=true)", line)

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
                    session.info["system_role"] = self.system_role
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
    """An asyncpg engine with a short connect timeout, so an outage fails fast (503); as
    the runtime role, its connections start as the system role (see db/roles.py)."""
    # no pool_pre_ping: with asyncpg it costs three round trips per checkout; a connection
    # that died with the server fails its request once (503, the provider retries) and the
    # pool replaces it
    # hide_parameters: a failed statement's error (and so a logged traceback) must not
    # carry its parameters, which are customers' messages, numbers and addresses
    url = to_async_url(url)
    connect_args: dict[str, object] = {"timeout": 5, "command_timeout": 60}
    if make_url(url).username == APP_ROLE:
        # the login holds no privilege of its own (NOINHERIT): a raw connection outside
        # `Database.transaction` (a next-due poll) is a system path
        connect_args["server_settings"] = {"role": SYSTEM_ROLE}
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=pool_size,
        pool_timeout=5, connect_args=connect_args, hide_parameters=True,
    )


def runtime_url(owner_url: str) -> str:
    """The URL of the runtime role on the owner's server and database (embedded: trust)."""
    return make_url(to_async_url(owner_url)).set(username=APP_ROLE, password=None
                                                 ).render_as_string(hide_password=False)


def open_database(settings: Settings, *, pool_size: int = 10) -> Database:
    """Connect to `DATABASE_URL` (migrating as `ORDERAGENT_OWNER_DATABASE_URL`), or start
    the embedded server in `$ORDERAGENT_HOME/pgdata`: its superuser migrates, and the
    service connects as the runtime role that migration made."""
    embedded = None
    url, owner = settings.database_url, settings.owner_database_url
    if not url:
        embedded = start_embedded(settings.home / "pgdata")
        url, owner = runtime_url(embedded.url), embedded.url
    engine = make_engine(url, pool_size=pool_size)
    return Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False),
                    embedded=embedded, owner_url=owner, allow_no_rls=settings.allow_no_rls)
