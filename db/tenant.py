"""Tenant isolation, enforced in one place: every ORM query on a tenant-scoped table.

A session states its scope in `session.info["tenant"]`: a distributor id, or `ALL`
for the few system paths that must look across tenants (routing an inbound webhook to
its distributor, migrations, the CLI loader). A query on a tenant-scoped table in a
session with no scope is refused, so forgetting the scope fails loudly instead of
leaking another distributor's rows; a row flushed for another tenant is refused too.

A second wall sits in PostgreSQL itself: row-level security policies on every tenant
table, forced on the owner too (migrations 0003, 0005). A tenant-scoped transaction runs
as the role `orderagent_tenant` with `orderagent.tenant` set, so even a raw SQL statement
that forgets its `distributor_id` sees and writes only that distributor's rows; an `ALL`
transaction runs as `orderagent_system`, which may read only what the system paths need
(db/roles.py).
"""

from __future__ import annotations

import uuid
from typing import Final

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from db.models.base import TenantScoped
from db.roles import SYSTEM_ROLE, TENANT_ROLE

ALL: Final = "*"
_SET_TENANT = "set_config('role', :role, true), set_config('orderagent.tenant', :tenant, true)"
_SET_LOCK_TIMEOUT = "set_config('lock_timeout', :lock_timeout, true)"
_SET = {  # (row-level security, lock timeout) -> the one statement that sets them
    (True, False): text(f"SELECT {_SET_TENANT}"),
    (False, True): text(f"SELECT {_SET_LOCK_TIMEOUT}"),
    (True, True): text(f"SELECT {_SET_TENANT}, {_SET_LOCK_TIMEOUT}"),
}


class TenantScopeError(RuntimeError):
    """A query or write on tenant data without, or outside, the session's tenant."""


async def scope(session: AsyncSession, tenant: uuid.UUID | str, *,
                lock_timeout: str | None = None) -> None:
    """Scope an open transaction to `tenant`: the ORM filter, and (when the database has
    the roles) PostgreSQL's row-level security for the rest of the transaction: the
    tenant's role and setting, or for `ALL` the narrow system role. A `lock_timeout`
    ("100ms") bounds its row-lock waits, set in the same round trip."""
    session.info["tenant"] = tenant
    system = tenant == ALL
    rls = bool(session.info.get("system_role" if system else "rls"))
    if rls or lock_timeout:
        await session.execute(_SET[rls, bool(lock_timeout)], {
            "role": SYSTEM_ROLE if system else TENANT_ROLE,
            "tenant": "" if system else str(tenant), "lock_timeout": lock_timeout})


def _scope(session: Session) -> uuid.UUID | str | None:
    return session.info.get("tenant")


@event.listens_for(Session, "do_orm_execute")
def _filter_by_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    scope = _scope(state.session)
    if scope == ALL:
        return
    mappers = state.all_mappers
    if not any(issubclass(m.class_, TenantScoped) for m in mappers):
        return
    if scope is None:
        names = ", ".join(sorted(m.class_.__name__ for m in mappers))
        raise TenantScopeError(f"query on {names} in a session with no tenant scope")
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.distributor_id == scope,
                             include_aliases=True)
    )


@event.listens_for(Session, "before_flush")
def _check_writes(session: Session, _ctx: object, _instances: object) -> None:
    scope = _scope(session)
    if scope == ALL:
        return
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, TenantScoped) and obj.distributor_id != scope:
            raise TenantScopeError(
                f"{type(obj).__name__} for another tenant in a session scoped to {scope}"
            )
