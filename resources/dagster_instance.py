"""Dagster's own storage (runs, event log, schedule and sensor state): Postgres or SQLite.

`dagster.yaml` names `BizdevInstance` as its `instance_class`. Dagster asks that class for
the instance's defaults, passing the instance's folder, so one file serves every
DAGSTER_HOME (and the temporary instance `dagster dev` makes when DAGSTER_HOME is unset):

- `DAGSTER_POSTGRES_URL` unset: Dagster's embedded default, SQLite files under the folder.
- `DAGSTER_POSTGRES_URL=postgresql://...`: dagster-postgres, so runs, materializations and
  sensor cursors are shared by the webserver, the daemon and the code location, and
  survive their restarts.

A `storage:` block written into dagster.yaml still wins over these defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._serdes import ConfigurableClassData
from dagster_postgres import DagsterPostgresStorage

POSTGRES_URL_VARIABLE = "DAGSTER_POSTGRES_URL"
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg2")


class DagsterPostgresUrlError(ValueError):
    """DAGSTER_POSTGRES_URL is set but Dagster cannot use it."""


class BizdevInstance(dg.DagsterInstance):
    """A `DagsterInstance` whose storage is Postgres when DAGSTER_POSTGRES_URL is set."""

    @classmethod
    def config_schema(cls) -> Mapping[str, Any]:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        defaults = dict(InstanceRef.config_defaults(base_dir))
        url = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
        if url:
            check_postgres_url(url)
            defaults.update(postgres_storage_defaults())
        return defaults


def postgres_storage_defaults() -> dict[str, ConfigurableClassData]:
    """Storage entries that read the URL from the variable when each process loads them.

    The reference to the variable, not its value, is what Dagster serializes into the
    instance reference it hands to run workers, so the password stays out of it.
    """
    storage = ConfigurableClassData(
        __name__,
        PostgresStorageFromEnv.__name__,
        yaml.dump({"postgres_url": {"env": POSTGRES_URL_VARIABLE}}),
    )
    # Dagster also records one entry per storage, for older clients; as for any custom
    # storage, they wrap the unified one.
    wrapped = yaml.dump(
        {
            "module_name": storage.module_name,
            "class_name": storage.class_name,
            "config_yaml": storage.config_yaml,
        }
    )
    legacy = "dagster._core.storage.legacy_storage"
    return {
        "storage": storage,
        "run_storage": ConfigurableClassData(legacy, "LegacyRunStorage", wrapped),
        "event_log_storage": ConfigurableClassData(legacy, "LegacyEventLogStorage", wrapped),
        "schedule_storage": ConfigurableClassData(legacy, "LegacyScheduleStorage", wrapped),
    }


class PostgresStorageFromEnv(DagsterPostgresStorage):
    """`DagsterPostgresStorage` on psycopg2, whose connection errors name DAGSTER_POSTGRES_URL.

    dagster-postgres is written for psycopg2, but SQLAlchemy 2.1 maps a bare
    `postgresql://` to psycopg 3 (its `NOTIFY` then fails), so the driver is made explicit.
    """

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> PostgresStorageFromEnv:
        url = config_value["postgres_url"]
        try:
            return cls(
                postgres_url=psycopg2_url(url),
                should_autocreate_tables=config_value.get("should_autocreate_tables", True),
                inst_data=inst_data,
            )
        except Exception as exc:
            cause = exc.__cause__ or exc
            cause = getattr(cause, "orig", None) or cause  # the driver's own message
            raise DagsterPostgresUrlError(
                f"{POSTGRES_URL_VARIABLE}={redact(url)}: Dagster could not open its storage "
                f"there ({' '.join(str(cause).split())}). Check that the server "
                f"is up and the database exists, or unset {POSTGRES_URL_VARIABLE} to keep "
                "Dagster's storage in SQLite files under DAGSTER_HOME."
            ) from exc


def check_postgres_url(url: str) -> None:
    """Fail early, naming the variable, when the value is not a PostgreSQL URL."""
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES or not parts.path.strip("/"):
        raise DagsterPostgresUrlError(
            f"{POSTGRES_URL_VARIABLE}={redact(url)} is not a PostgreSQL URL with a database: "
            "expected postgresql://USER:PASSWORD@HOST:5432/DATABASE (or a unix socket: "
            "postgresql://USER@/DATABASE?host=/run/postgresql). Fix it, or unset "
            f"{POSTGRES_URL_VARIABLE} to keep Dagster's storage in SQLite under DAGSTER_HOME."
        )


def psycopg2_url(url: str) -> str:
    """The same URL with SQLAlchemy's psycopg2 driver named in its scheme."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql+psycopg2"))


def redact(url: str) -> str:
    """The URL with its password replaced by `***`, for error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
