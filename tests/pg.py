"""Helpers for tests that need databases of their own on the test server."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.engine import make_engine


def database_url(server_url: str, name: str) -> str:
    """The URL of database `name` on the test server."""
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def _admin(server_url: str, sql: str) -> None:
    engine = make_engine(server_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def create_database(server_url: str, template: str | None = None) -> str:
    """A new empty (or templated) database on the test server; returns its name."""
    name = f"oa_test_{uuid.uuid4().hex[:12]}"
    suffix = f" TEMPLATE {template}" if template else ""
    await _admin(server_url, f"CREATE DATABASE {name}{suffix}")
    return name


async def drop_database(server_url: str, name: str) -> None:
    """Drop a test database, closing whatever still holds it."""
    await _admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
