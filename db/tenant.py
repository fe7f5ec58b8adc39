"""Tenant isolation, enforced in one place: every ORM query on a tenant-scoped table.

A session states its scope in `session.info["tenant"]`: a distributor id, or `ALL`
for the few system paths that must look across tenants (routing an inbound webhook to
its distributor, migrations, the CLI loader). A query on a tenant-scoped table in a
session with no scope is refused, so forgetting the scope fails loudly instead of
leaking another distributor's rows; a row flushed for another tenant is refused too.
"""

from __future__ import annotations

import uuid
from typing import Final

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from db.models.base import TenantScoped

ALL: Final = "*"


class TenantScopeError(RuntimeError):
    """A query or write on tenant data without, or outside, the session's tenant."""


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
