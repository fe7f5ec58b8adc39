"""How database trouble reaches callers: outages and a full pool are 503, never 500."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from core.errors import Contended, Unavailable
from db.engine import Database
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
