"""Fixtures shared by every test: a real PostgreSQL, fresh databases, settings, the app."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.settings import Settings
from db.embedded import start_embedded, to_async_url
from db.engine import Database, make_engine
from db.migrate import upgrade
from db.scratch import create_database, database_url, drop_database

TEST_MASTER_KEY = "test-master-key-0123456789abcdef"

ENV_VARS = ("DATABASE_URL", "ORDERAGENT_DATABASE_URL", "ORDERAGENT_HOME", "OPENAI_API_KEY",
            "OPENAI_BASE_URL", "ORDERAGENT_ENCRYPTION_KEY", "ORDERAGENT_PUBLIC_URL",
            "ORDERAGENT_LLM_MODEL", "ORDERAGENT_BURST_WINDOW_MS", "ORDERAGENT_OWNER_DATABASE_URL",
            "ORDERAGENT_ALLOW_NO_RLS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own database, keys or LLM."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    # reports are tables (rich): wide enough that an error line is never wrapped mid-text
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server: `TEST_DATABASE_URL`, or a temporary embedded one."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield to_async_url(url)
        return
    pg = start_embedded(Path(tempfile.mkdtemp(prefix="oa-test-")) / "pgdata", temporary=True)
    yield pg.url
    pg.stop()


@pytest.fixture(scope="session")
async def migrated_template(pg_server_url: str) -> AsyncIterator[str]:
    """A database migrated once, copied by every test that needs the schema."""
    name = await create_database(pg_server_url)
    engine = make_engine(database_url(pg_server_url, name), pool_size=1)
    await upgrade(engine)
    await engine.dispose()
    yield name
    await drop_database(pg_server_url, name)


@pytest.fixture
async def database(pg_server_url: str, migrated_template: str) -> AsyncIterator[Database]:
    """A fresh, migrated database of this test's own."""
    name = await create_database(pg_server_url, prefix="oa_test", template=migrated_template)
    engine = make_engine(database_url(pg_server_url, name), pool_size=5)
    db = Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    yield db
    await db.close()
    await drop_database(pg_server_url, name)


@pytest.fixture
def settings(tmp_path: Path, pg_server_url: str) -> Settings:
    """Settings for a test: its own home and master key, no LLM."""
    return Settings(home=tmp_path / "home", encryption_key=TEST_MASTER_KEY,
                    public_url="http://testserver", burst_window_ms=0)


@pytest.fixture(scope="session", autouse=True)
async def close_shared_http_client() -> AsyncIterator[None]:
    """The provider sends' shared HTTP client (`channels._http`) is closed once, at the end."""
    yield
    from channels._http import close_client_session

    await close_client_session()
