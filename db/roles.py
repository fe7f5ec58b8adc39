"""The database roles, and the check that the tenant wall is in force before we serve.

    owner              whoever runs the migrations; owns the tables (FORCE'd under RLS too)
    orderagent_app     the service's login: no superuser, no BYPASSRLS, owns nothing,
                       NOINHERIT, so it holds no privilege of its own; it may only take
    ├── orderagent_tenant   one distributor's rows (`orderagent.tenant` set), every table
    └── orderagent_system   the system paths (routing, claims, sweeps, auth): a few tables,
                            and of messages and conversations only the columns they need

The app's connections start as `orderagent_system` (a startup setting), so a raw
connection outside `Database.transaction` is a system path too; every transaction sets
its role again (db/tenant.py). Migration 0005 makes the roles and grants; `wall_problems`
is what `Database.verify_wall` runs at start, and the service refuses to run while it
finds anything, unless ORDERAGENT_ALLOW_NO_RLS=true.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

APP_ROLE: Final = "orderagent_app"
TENANT_ROLE: Final = "orderagent_tenant"
SYSTEM_ROLE: Final = "orderagent_system"

# what the system paths read and write, table by table (column lists where the table
# holds customers' words: a system path never needs a message's content)
SYSTEM_GRANTS: Final[dict[str, tuple[str, ...]]] = {
    "distributors": ("SELECT",),  # routing by API key, the loader's slug lookup, purge
    "external_integrations": ("SELECT",),  # routing a webhook to its distributor
    "encryption_keys": ("SELECT",),  # opening an integration's or endpoint's secret
    "webhook_endpoints": ("SELECT",),  # the delivery claim
    "webhook_deliveries": ("SELECT", "UPDATE (attempted_at, scheduled_at)"),  # its lease
    "messages": (  # the worker's and the sender's claims, and their next-due queries
        "SELECT (id, distributor_id, conversation_id, is_from_customer, ai_processed, "
        "status, next_attempt_at, thread_position, created_at)",
        # the sender's claim locks its row (FOR UPDATE needs an UPDATE grant)
        "UPDATE (next_attempt_at)"),
    "conversations": ("SELECT (id, distributor_id, handoff_active)",),
    "conversation_order_sessions": (  # the timeout sweep
        "SELECT (id, distributor_id, conversation_id, status, last_activity_at, "
        "auto_close_timeout_minutes, reminder_sent_at)",),
    "data_access_audit": ("INSERT",),  # refused API requests, audited before a tenant
    "alembic_version": ("SELECT",),  # `orderagent db upgrade` reports the revision
    "api_keys": ("SELECT (id, distributor_id, key_hash, revoked_at)",),  # API key routing
    # the staff console's sign-in, sessions and invitations happen before a tenant is known
    # (a member is found by email or by a token's hash)
    "user_profiles": ("SELECT", "INSERT", "UPDATE"),
    "user_sessions": ("SELECT", "INSERT", "UPDATE"),
    "user_invitations": ("SELECT", "UPDATE"),
}

TENANT_TABLES = text("""
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
  AND (c.relname = 'distributors' OR EXISTS (
      SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'distributor_id'
        AND NOT a.attisdropped))
ORDER BY 1
""")
_ME = text("""
SELECT r.rolsuper, r.rolbypassrls,
  (SELECT count(*) FROM pg_class c
   WHERE c.relnamespace = current_schema()::regnamespace
     AND pg_has_role(session_user, c.relowner, 'MEMBER')) AS owned
FROM pg_roles r WHERE r.rolname = session_user
""")
_ROLES = text("""
SELECT r.rolname, r.rolsuper OR r.rolbypassrls AS bypass,
       pg_has_role(session_user, r.oid, 'MEMBER') AS member
FROM pg_roles r WHERE r.rolname IN (:tenant, :system)
""")


async def roles_available(conn: AsyncConnection) -> tuple[bool, bool]:
    """Whether the session user may take both wall roles (migration 0005 made them), and
    whether it is a superuser."""
    rows = (await conn.execute(_ROLES, {"tenant": TENANT_ROLE, "system": SYSTEM_ROLE})).all()
    superuser = bool((await conn.execute(text(
        "SELECT rolsuper FROM pg_roles WHERE rolname = session_user"))).scalar_one())
    return len(rows) == 2 and all(r.member for r in rows), superuser


async def wall_problems(conn: AsyncConnection) -> list[str]:
    """Why PostgreSQL's tenant wall is not in force for this connection ([] when it is)."""
    problems = []
    me = (await conn.execute(_ME)).one()
    if me.rolsuper:
        problems.append("the database user is a superuser")
    elif me.rolbypassrls:
        problems.append("the database user has BYPASSRLS")
    if me.owned and not me.rolsuper:
        problems.append(f"the database user owns (or may become the owner of) {me.owned} "
                        "relation(s)")
    roles = {r.rolname: r for r in (await conn.execute(
        _ROLES, {"tenant": TENANT_ROLE, "system": SYSTEM_ROLE})).all()}
    for name in (TENANT_ROLE, SYSTEM_ROLE):
        role = roles.get(name)
        if role is None:
            problems.append(f"role {name} does not exist")
        elif not role.member:
            problems.append(f"the database user may not take role {name}")
        elif role.bypass:
            problems.append(f"role {name} bypasses row-level security")
    tables = (await conn.execute(TENANT_TABLES)).all()
    if not tables:
        problems.append("no tenant table found (not migrated?)")
    open_ = [t.relname for t in tables if not (t.relrowsecurity and t.relforcerowsecurity)]
    if open_:
        problems.append(f"row-level security is not forced on {', '.join(open_[:5])}"
                        + (f" and {len(open_) - 5} more" if len(open_) > 5 else ""))
    return problems
