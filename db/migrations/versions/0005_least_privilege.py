"""Least privilege: a runtime login that owns nothing, a narrow system role, FORCE'd RLS.

Roles are cluster-wide, grants per database: the roles are made if missing (several
databases on one server, e.g. the test suite's, share them) and granted here. See
db/roles.py for who is who.

Where the migrating user may not create or grant the roles, this says so and leaves
row-level security unforced (forcing it without the roles would lock the owner out of
its own rows); the service then refuses to start unless ORDERAGENT_ALLOW_NO_RLS=true.
README ("Database roles") says what a DBA creates instead.

Revision ID: 0005
Revises: 0004
"""
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from db.roles import APP_ROLE, SYSTEM_GRANTS, SYSTEM_ROLE, TENANT_ROLE, TENANT_TABLES

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT = "nullif(current_setting('orderagent.tenant', true), '')::uuid"
# several databases migrating at once race to create the same roles: the loser's error
# means "it exists now", which is what it wanted
_RACES = "duplicate_object OR unique_violation"


def _create_role(name: str, options: str) -> str:
    return f"""
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
                BEGIN
                    CREATE ROLE {name} {options};
                EXCEPTION WHEN {_RACES} THEN NULL;
                END;
            END IF;"""


def _grant_role(role: str, to: str) -> str:
    return f"""
            IF NOT pg_has_role({to}, '{role}', 'MEMBER') THEN
                BEGIN
                    EXECUTE format('GRANT {role} TO %I', {to});
                EXCEPTION WHEN {_RACES} THEN NULL;
                END;
            END IF;"""


ROLES = f"""
        DO $$
        BEGIN
            {_create_role(TENANT_ROLE, "NOLOGIN NOSUPERUSER NOBYPASSRLS")}
            {_create_role(SYSTEM_ROLE, "NOLOGIN NOSUPERUSER NOBYPASSRLS")}
            -- NOINHERIT: the login holds nothing itself; it only takes the two roles
            {_create_role(APP_ROLE, "LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB "
                                    "NOCREATEROLE")}
            {_grant_role(TENANT_ROLE, f"'{APP_ROLE}'")}
            {_grant_role(SYSTEM_ROLE, f"'{APP_ROLE}'")}
            -- the migrating user may take them too (a service still connecting as the
            -- owner, under ORDERAGENT_ALLOW_NO_RLS, then still runs behind the wall)
            {_grant_role(TENANT_ROLE, "current_user")}
            {_grant_role(SYSTEM_ROLE, "current_user")}
            PERFORM set_config('orderagent.roles_ready', 'on', true);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'cannot create or grant the roles {TENANT_ROLE}, {SYSTEM_ROLE}, '
                '{APP_ROLE}: row-level security is not forced, and the service will refuse '
                'to start unless ORDERAGENT_ALLOW_NO_RLS=true (see README, Database roles)';
        END
        $$"""


def _roles_ready() -> bool:
    bind = op.get_bind()
    bind.execute(text(ROLES))
    # set inside the block's subtransaction: rolled back with it when the block failed
    return bool(bind.execute(text(
        "SELECT current_setting('orderagent.roles_ready', true) = 'on'")).scalar_one())


def _tenant_tables() -> list[str]:
    # from the catalog, not the models: whatever tables exist at this revision
    return [row.relname for row in op.get_bind().execute(TENANT_TABLES)]


def _existing(table: str) -> bool:
    return bool(op.get_bind().execute(text("SELECT to_regclass(:t) IS NOT NULL"),
                                      {"t": table}).scalar_one())


def upgrade() -> None:
    if not _roles_ready():
        return
    op.execute(f"GRANT USAGE ON SCHEMA public TO {TENANT_ROLE}, {SYSTEM_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
               f"TO {TENANT_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {TENANT_ROLE}")
    op.execute(f"REVOKE ALL ON alembic_version FROM {TENANT_ROLE}")
    # tables later migrations create are a tenant's to use too (the start check still
    # refuses them until their row-level security is forced)
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, "
               f"DELETE ON TABLES TO {TENANT_ROLE}")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    for table, privileges in SYSTEM_GRANTS.items():
        if _existing(table):
            for privilege in privileges:
                op.execute(f"GRANT {privilege} ON {table} TO {SYSTEM_ROLE}")
    for table in _tenant_tables():
        column = "id" if table == "distributors" else "distributor_id"
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        # the owner too: a migration or a connection as the owner is walled like the rest
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"DROP POLICY IF EXISTS tenant_wall ON {table}")
        op.execute(f"CREATE POLICY tenant_wall ON {table} USING ({column} = {TENANT}) "
                   f"WITH CHECK ({column} = {TENANT})")
        # every row, but only through the few grants above (SYSTEM_GRANTS)
        op.execute(f"CREATE POLICY system_paths ON {table} TO {SYSTEM_ROLE} "
                   "USING (true) WITH CHECK (true)")


def downgrade() -> None:
    for table in _tenant_tables():
        op.execute(f"DROP POLICY IF EXISTS system_paths ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    for table in SYSTEM_GRANTS:
        if _existing(table):
            op.execute(f"REVOKE ALL ON {table} FROM {SYSTEM_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, "
               f"DELETE ON TABLES FROM {TENANT_ROLE}")
