"""Alembic environment: runs on a connection handed in by `db.migrate`."""

from __future__ import annotations

from alembic import context

from db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate over the connection `db.migrate` put in the config's attributes."""
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata,
                      compare_type=True, transaction_per_migration=False)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run `orderagent db upgrade`")
run_migrations_online()
