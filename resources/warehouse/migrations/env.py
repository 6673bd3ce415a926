"""Alembic environment: runs on the connection `upgrade_database` hands over (or a URL)."""

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config


def run_migrations(connection) -> None:
    context.configure(connection=connection, transaction_per_migration=False)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = create_engine(config.attributes["url"], poolclass=pool.NullPool)
    with engine.begin() as own_connection:
        run_migrations(own_connection)
    engine.dispose()
