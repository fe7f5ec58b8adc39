"""The database: models of every table, migrations, engine, encryption, tenant scoping, loader.

Where new code goes: a table or column in `models/` plus a migration; a query every layer
shares here; anything about conversations or providers above, in `mailroom/` or higher.
"""
