"""Tenant isolation: the ORM filter and write check in db/tenant.py, and sealed secrets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.crypto import DecryptionError, Keyring
from db.models import Distributor, Product
from db.tenant import ALL, TenantScopeError


async def _two_tenants(database) -> tuple:
    async with database.transaction(tenant=ALL) as s:
        a = Distributor(slug="a", business_name="A")
        b = Distributor(slug="b", business_name="B")
        s.add_all([a, b])
        await s.flush()
        s.add_all([Product(distributor_id=a.id, sku="X-1", name="A milk"),
                   Product(distributor_id=b.id, sku="X-1", name="B milk")])
    return a.id, b.id


async def test_a_scoped_session_sees_only_its_tenant(database) -> None:
    """Queries without any where clause still return only the scoped distributor's rows."""
    a, b = await _two_tenants(database)
    async with database.transaction(tenant=a) as s:
        names = (await s.execute(select(Product.name))).scalars().all()
    assert names == ["A milk"]
    async with database.transaction(tenant=b) as s:
        other = (await s.execute(select(Product).where(Product.name == "A milk"))).first()
    assert other is None


async def test_a_session_without_scope_cannot_query_tenant_data(database) -> None:
    """Forgetting the scope fails loudly instead of reading every tenant's rows."""
    await _two_tenants(database)
    async with database.sessions() as s:
        with pytest.raises(TenantScopeError):
            await s.execute(select(Product))


async def test_writing_another_tenants_row_is_refused(database) -> None:
    """A session scoped to A cannot insert a row for B."""
    a, b = await _two_tenants(database)
    with pytest.raises(TenantScopeError):
        async with database.transaction(tenant=a) as s:
            s.add(Product(distributor_id=b, sku="Y-1", name="sneaky"))


async def test_sealed_values_do_not_open_for_another_tenant(database) -> None:
    """A token copied into another distributor's row does not decrypt there."""
    a, b = await _two_tenants(database)
    keyring = Keyring(b"master-one-0123456789")
    async with database.transaction(tenant=ALL) as s:
        token = await keyring.encrypt(s, a, "4111 1111 1111 1111")
        assert "4111" not in token
        assert await keyring.decrypt(s, a, token) == "4111 1111 1111 1111"
        await keyring.encrypt(s, b, "x")
        with pytest.raises(DecryptionError):
            await keyring.decrypt(s, b, token)


async def test_a_different_master_key_cannot_unwrap_data_keys(database) -> None:
    """Data keys are wrapped: with the wrong master key, nothing decrypts."""
    a, _ = await _two_tenants(database)
    async with database.transaction(tenant=ALL) as s:
        token = await Keyring(b"master-one-0123456789").encrypt(s, a, "secret")
    async with database.transaction(tenant=ALL) as s:
        with pytest.raises(DecryptionError, match="wrapped by master key"):
            await Keyring(b"master-two-0123456789").decrypt(s, a, token)


async def test_postgresql_itself_refuses_other_tenants_rows(database) -> None:
    """The second wall: raw SQL with no distributor filter still sees one tenant only."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    a, b = await _two_tenants(database)
    async with database.transaction(tenant=a) as s:
        assert database.rls, "row-level security should be active on the test server"
        names = (await s.execute(text("SELECT name FROM products"))).scalars().all()
        assert names == ["A milk"]
        seen = (await s.execute(text("SELECT count(*) FROM distributors"))).scalar_one()
        assert seen == 1
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.transaction(tenant=a) as s:
            await s.execute(text(
                "INSERT INTO products (distributor_id, sku, name) VALUES (:b, 'Z-1', 'z')"),
                {"b": b})
    async with database.transaction(tenant=ALL) as s:  # system paths see everything
        total = (await s.execute(text("SELECT count(*) FROM products"))).scalar_one()
    assert total == 2


async def test_a_data_key_from_a_rolled_back_transaction_is_never_used(database) -> None:
    """If the transaction that made a distributor's first key rolls back, nothing sealed
    later depends on that lost key: a fresh process can still open it."""
    a, _ = await _two_tenants(database)
    keyring = Keyring(b"master-one-0123456789")
    with pytest.raises(RuntimeError):
        async with database.transaction(tenant=ALL) as s:
            await keyring.encrypt(s, a, "first")
            raise RuntimeError("rolled back")
    async with database.transaction(tenant=ALL) as s:
        token = await keyring.encrypt(s, a, "second")
    async with database.transaction(tenant=ALL) as s:
        assert await Keyring(b"master-one-0123456789").decrypt(s, a, token) == "second"
