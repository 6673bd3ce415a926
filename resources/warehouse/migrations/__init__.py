"""Versioned schema of the ADR-013 tables (`contacts`, `crm_sync_state`, `enrichment_cache`).

Alembic, configured in code (no alembic.ini): `upgrade_database(url)` brings a PostgreSQL
database to the newest revision and is safe to run any number of times, also from two
processes at once (an advisory lock serializes them). Run it with `bizdev db upgrade`,
or let the warehouse run it at start-up (`BIZDEV_DB_MIGRATE=1`). A new revision goes in
`versions/` with the next number, together with the same change in `../schema.py`; never
edit one that has shipped.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent
# Any fixed number: the key of the advisory lock that serializes concurrent upgrades.
_UPGRADE_LOCK = 4_013_013


def sqlalchemy_url(url: str) -> str:
    """The psycopg 3 dialect for a `postgresql://` or `postgres://` URL."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise ValueError("expected a postgresql:// URL")
    return f"postgresql+psycopg://{rest}"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.attributes["url"] = sqlalchemy_url(url)
    return config


def head_revision() -> str:
    """The newest revision in `versions/`."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no revisions in {MIGRATIONS_DIR / 'versions'}"
    return head


def upgrade_database(url: str, revision: str = "head") -> None:
    """Apply every migration not yet applied (idempotent)."""
    engine = sa.create_engine(sqlalchemy_url(url), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("select pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK}
            )
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = sa.create_engine(sqlalchemy_url(url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
