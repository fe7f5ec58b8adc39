"""How database trouble reaches callers: outages and a full pool are 503, never 500."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from core.errors import Contended, Unavailable
from db.embedded import EmbeddedPostgres, start_embedded, start_server, stop_server
from db.engine import Database, make_engine
from db.tenant import ALL


async def test_a_pool_with_no_free_connection_is_unavailable(database) -> None:
    """Every pooled connection busy past pool_timeout: Unavailable (503, retry), not a
    500 that Twilio would never retry."""
    engine = create_async_engine(database.engine.url, pool_size=1, max_overflow=0,
                                 pool_timeout=0.2)
    tight = Database(engine=engine, sessions=async_sessionmaker(engine), rls=False)
    try:
        async with tight.transaction(tenant=ALL) as busy:
            await busy.execute(text("SELECT 1"))
            with pytest.raises(Unavailable):
                async with tight.transaction(tenant=ALL) as second:
                    await second.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


async def test_a_lock_wait_given_up_is_contention(database) -> None:
    """A transaction's lock_timeout (like a deadlock) ends in Contended: the caller may
    simply run it again."""
    async with database.transaction(tenant=ALL) as holder:
        await holder.execute(text("SELECT pg_advisory_xact_lock(1)"))
        with pytest.raises(Contended):
            async with database.transaction(tenant=ALL, lock_timeout="10ms") as other:
                await other.execute(text("SELECT pg_advisory_xact_lock(1)"))


@pytest.fixture(scope="module")
def own_server() -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL server of this module's own, which its tests may stop and start."""
    pg = start_embedded(Path(tempfile.mkdtemp(prefix="oa-engine-")) / "pgdata", temporary=True)
    yield pg
    with contextlib.suppress(Exception):
        start_server(pg)  # the library stops (and deletes) a running one
    pg.stop()


def _db(url: str) -> Database:
    engine = make_engine(url, pool_size=2)
    return Database(engine=engine, sessions=async_sessionmaker(engine), rls=False)


async def test_a_server_shutting_down_mid_request_is_unavailable(own_server) -> None:
    """A fast shutdown while a query runs (57P01, admin_shutdown) is Unavailable (503),
    and so is connecting while the server is stopped."""
    db = _db(own_server.url)
    try:
        async def long_query() -> None:
            async with db.transaction(tenant=ALL) as session:
                await session.execute(text("SELECT pg_sleep(30)"))

        running = asyncio.create_task(long_query())
        await asyncio.sleep(0.5)
        await asyncio.to_thread(stop_server, own_server)
        with pytest.raises(Unavailable):
            await running
        with pytest.raises(Unavailable):
            async with db.transaction(tenant=ALL) as session:
                await session.execute(text("SELECT 1"))
        assert not await db.ping()
    finally:
        await asyncio.to_thread(start_server, own_server)
        await db.engine.dispose()


async def test_connecting_while_the_server_shuts_down_is_unavailable(own_server) -> None:
    """A smart shutdown waits for open sessions and meanwhile refuses new ones with 57P03
    ("the database system is shutting down"): Unavailable, not a 500."""
    holder, db = _db(own_server.url), _db(own_server.url)
    try:
        async with holder.engine.connect() as held:
            await held.execute(text("SELECT 1"))
            await asyncio.to_thread(stop_server, own_server, mode="smart", wait=False)
            await asyncio.sleep(0.5)
            with pytest.raises(Unavailable) as caught:
                async with db.transaction(tenant=ALL) as session:
                    await session.execute(text("SELECT 1"))
            assert "57P03" in repr(caught.value.__cause__) or "shutting down" in str(
                caught.value.__cause__)
        await holder.engine.dispose()  # the last session gone, the server stops
        for _ in range(100):
            if not (own_server.pgdata / "postmaster.pid").exists():
                break
            await asyncio.sleep(0.1)
    finally:
        await asyncio.to_thread(start_server, own_server)
        await holder.engine.dispose()
        await db.engine.dispose()
