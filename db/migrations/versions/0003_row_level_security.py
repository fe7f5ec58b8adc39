"""Row-level security: PostgreSQL's own wall between tenants.

A tenant-scoped transaction runs as the role `orderagent_tenant` with the setting
`orderagent.tenant` (see db/tenant.py), and every table holding a distributor's rows lets
that role see and write only the rows of that distributor. The application's own user,
which owns the tables, is not subject to the policies: system paths (routing a webhook
to its distributor, claiming work, migrations) run as it.

Creating a role needs CREATEROLE. Where the migrating user lacks it, the migration
says so and goes on; the service then logs that the wall is not active.

Revision ID: 0003
Revises: 0002
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.models import Base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "orderagent_tenant"
TENANT = "nullif(current_setting('orderagent.tenant', true), '')::uuid"


def _tenant_tables() -> list[str]:
    # the models as they are today: tables that later migrations create set their own policy
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    return sorted(t.name for t in Base.metadata.tables.values()
                  if "distributor_id" in t.c and t.name in existing)


def upgrade() -> None:
    op.execute(f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
                CREATE ROLE {ROLE} NOLOGIN;
            END IF;
            EXECUTE format('GRANT {ROLE} TO %I', current_user);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'cannot create role {ROLE}: row-level security stays off';
        END
        $$""")
    op.execute(f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
                EXECUTE 'GRANT USAGE ON SCHEMA public TO {ROLE}';
                EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public
                         TO {ROLE}';
            END IF;
        END
        $$""")
    for table in [*_tenant_tables(), "distributors"]:
        column = "id" if table == "distributors" else "distributor_id"
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_wall ON {table} USING ({column} = {TENANT}) "
                   f"WITH CHECK ({column} = {TENANT})")


def downgrade() -> None:
    for table in [*_tenant_tables(), "distributors"]:
        op.execute(f"DROP POLICY IF EXISTS tenant_wall ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
