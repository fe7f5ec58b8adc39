"""Throw-away databases on a PostgreSQL server: for replay and for the test suite.

A scratch database is created beside the configured one (never touching it) and
dropped afterwards, closing whatever still holds it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.engine import make_engine


def database_url(server_url: str, name: str) -> str:
    """The URL of database `name` on the server of `server_url`."""
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def _admin(server_url: str, sql: str) -> None:
    engine = make_engine(server_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def create_database(server_url: str, *, prefix: str = "oa_scratch",
                          template: str | None = None) -> str:
    """A new empty (or templated) database on the server; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    suffix = f' TEMPLATE "{template}"' if template else ""
    await _admin(server_url, f'CREATE DATABASE "{name}"{suffix}')
    return name


async def drop_database(server_url: str, name: str) -> None:
    """Drop a scratch database, closing whatever still holds it."""
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
