"""Least privilege: the runtime role, the system role and PostgreSQL's forced tenant wall."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.distributor_file import parse_distributor_json
from db.engine import Database, WallNotInForce, make_engine, runtime_url
from db.loader import load_distributor
from db.migrate import upgrade
from db.roles import APP_ROLE, TENANT_TABLES, wall_problems
from db.scratch import create_database, database_url, drop_database
from db.tenant import ALL
from orderagent.cli import main
from tests.conftest import TEST_MASTER_KEY


def _url(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


@pytest.fixture
async def runtime(database: Database) -> AsyncIterator[Database]:
    """The same database as `database`, connected as the service's runtime role."""
    engine = make_engine(runtime_url(_url(database)), pool_size=2)
    db = Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))
    yield db
    await db.close()


async def _two(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    from db.crypto import Keyring

    ids = []
    for slug in ("north", "south"):
        data = parse_distributor_json(json.dumps({
            "distributor": {"slug": slug, "business_name": slug.title()},
            "products": [{"sku": "M-1", "name": f"{slug} milk", "unit_price": 2}]}))
        async with db.transaction(tenant=ALL) as s:
            ids.append((await load_distributor(s, data, Keyring(TEST_MASTER_KEY.encode())
                                               )).distributor_id)
    return ids[0], ids[1]


async def test_row_level_security_is_forced_on_every_tenant_table(database) -> None:
    """FORCE ROW LEVEL SECURITY: even the tables' owner is walled, on every tenant table."""
    async with database.engine.connect() as conn:
        tables = (await conn.execute(TENANT_TABLES)).all()
    assert len(tables) >= 20
    assert [t.relname for t in tables if not t.relforcerowsecurity] == []
    assert [t.relname for t in tables if not t.relrowsecurity] == []


async def test_the_runtime_role_cannot_read_another_tenants_rows_with_raw_sql(
        database, runtime) -> None:
    """Connected as the runtime role, raw SQL scoped to north never sees south's rows."""
    north, south = await _two(runtime)  # loaded by the runtime role itself
    async with runtime.engine.connect() as conn:
        assert (await conn.execute(text("SELECT session_user"))).scalar_one() == APP_ROLE
        await conn.execute(text("SET ROLE orderagent_tenant"))
        await conn.execute(text("SELECT set_config('orderagent.tenant', :t, false)"),
                           {"t": str(north)})
        names = (await conn.execute(text("SELECT name FROM products"))).scalars().all()
        assert names == ["north milk"]
        assert (await conn.execute(text(
            "SELECT count(*) FROM products WHERE distributor_id = :s"), {"s": south}
        )).scalar_one() == 0
        assert (await conn.execute(text("SELECT count(*) FROM distributors"))).scalar_one() == 1
        with pytest.raises(DBAPIError, match="row-level security"):
            await conn.execute(text(
                "INSERT INTO products (distributor_id, sku, name) VALUES (:s, 'X', 'x')"),
                {"s": south})


async def test_the_runtime_role_holds_nothing_of_its_own(database, runtime) -> None:
    """Without a wall role the login reads no table, and it may not become the owner."""
    await _two(runtime)
    async with runtime.engine.connect() as conn:
        await conn.execute(text("SET ROLE NONE"))  # the login itself
        with pytest.raises(DBAPIError, match="permission denied"):
            await conn.execute(text("SELECT count(*) FROM distributors"))
    async with runtime.engine.connect() as conn:
        with pytest.raises(DBAPIError, match="permission denied"):
            await conn.execute(text("SET ROLE postgres"))
    async with runtime.engine.connect() as conn:
        assert await wall_problems(conn) == []


async def test_the_system_role_sees_routing_columns_but_no_message_text(
        database, runtime) -> None:
    """`ALL` transactions read what claims need across tenants, never content, and write
    no tenant's catalog."""
    north, south = await _two(runtime)
    async with runtime.transaction(tenant=ALL) as s:
        ids = set((await s.execute(text("SELECT id FROM distributors"))).scalars())
        assert ids == {north, south}
        await s.execute(text("SELECT id, status FROM messages"))
    for sql in ("SELECT content FROM messages", "SELECT name FROM products",
                "SELECT phone FROM customers", "UPDATE distributors SET business_name = 'x'",
                "DELETE FROM products"):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with runtime.transaction(tenant=ALL) as s:
                await s.execute(text(sql))


async def test_the_check_refuses_a_superuser(database) -> None:
    """The test suite's superuser is exactly what the service must not run as."""
    assert not database.allow_no_rls
    with pytest.raises(WallNotInForce, match=r"superuser.*ORDERAGENT_ALLOW_NO_RLS"):
        await database.verify_wall()
    database.allow_no_rls = True
    await database.verify_wall()  # allowed: a warning, and on it goes


@pytest.fixture
async def db_url(pg_server_url: str, migrated_template: str):
    """A fresh migrated database's URL (as the superuser)."""
    name = await create_database(pg_server_url, prefix="oa_test", template=migrated_template)
    yield database_url(pg_server_url, name)
    await drop_database(pg_server_url, name)


def test_serving_as_a_superuser_is_refused_in_one_line(db_url, tmp_path, monkeypatch,
                                                      capsys) -> None:
    """`DATABASE_URL` as the superuser: exit 1 and one line; with the escape hatch, 0."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ORDERAGENT_HOME", str(tmp_path))
    assert main(["db", "upgrade"]) == 1
    [refusal] = [line for line in capsys.readouterr().err.splitlines()
                 if line.startswith("orderagent:")]
    assert "superuser" in refusal and "ORDERAGENT_ALLOW_NO_RLS=true" in refusal
    monkeypatch.setenv("ORDERAGENT_ALLOW_NO_RLS", "true")
    assert main(["db", "upgrade"]) == 0


def test_the_runtime_role_with_an_owner_url_starts(db_url, tmp_path, monkeypatch,
                                                   capsys) -> None:
    """The documented setup: migrate as the owner, run as the runtime role."""
    monkeypatch.setenv("DATABASE_URL", runtime_url(db_url))
    monkeypatch.setenv("ORDERAGENT_OWNER_DATABASE_URL", db_url)
    monkeypatch.setenv("ORDERAGENT_HOME", str(tmp_path))
    assert main(["db", "upgrade"]) == 0
    assert "database at revision 0005" in capsys.readouterr().out


async def test_a_migrator_that_cannot_make_roles_leaves_the_service_refusing(
        pg_server_url) -> None:
    """Migrating as a user without CREATEROLE warns; the wall is down, so serving is
    refused (it used to run on the ORM filter alone)."""
    owner = f"oa_owner_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_server_url, pool_size=1)
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f"CREATE ROLE {owner} LOGIN NOCREATEROLE"))
        await conn.execute(text(f'CREATE DATABASE "{owner}" OWNER {owner}'))
    url = database_url(pg_server_url, owner)
    owned = make_engine(runtime_url(url).replace(APP_ROLE, owner, 1), pool_size=1)
    try:
        await upgrade(owned)
        db = Database(engine=owned, sessions=async_sessionmaker(owned))
        with pytest.raises(WallNotInForce) as refused:
            await db.verify_wall()
        assert "owns" in str(refused.value) and "not forced" in str(refused.value)
    finally:
        await owned.dispose()
        await drop_database(pg_server_url, owner)
        async with admin.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f"DROP OWNED BY {owner}"))
            await conn.execute(text(f"DROP ROLE {owner}"))
        await admin.dispose()
