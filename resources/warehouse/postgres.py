"""The production warehouse: the same asset tables in PostgreSQL (`BIZDEV_WAREHOUSE=postgresql://...`).

Frames travel both ways as CSV through COPY (psycopg 3), in chunks, never row by row.
Tables get column types from the polars schema and keys and indexes from
`pg_tables.py`; they are created once and never dropped, because
analysts' views depend on them: a replace upserts by primary key and deletes the rows
that left, in one transaction. The ADR-013 tables belong to the migrations
(`migrations/`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import dagster as dg
import polars as pl
import psycopg
from psycopg import sql as pgsql

from resources.warehouse.base import UpsertResult, Warehouse, check_identifier, writes_by_table
from resources.warehouse.migrations import current_revision, head_revision, upgrade_database
from resources.warehouse.pg_copy import (
    append_frame,
    copy_out,
    delete_keys,
    distinct,
    merge_from_stage,
    replace_frame,
    stage,
)
from resources.warehouse.pg_schema import (
    add_missing_columns,
    check_key,
    create_indexes,
    create_table,
    ident,
    join_on,
    refuse_migrated,
    table_columns,
    table_in_catalog,
    unique_columns,
)
from resources.warehouse.pg_tables import schema_for
from resources.warehouse.pg_url import SETTING, redact_url, url_value, with_sslmode
from resources.warehouse.schema import MIGRATED_TABLES

_ROW_STATEMENT = re.compile(r"^\s*(\(\s*)*(select|with|values|table)\b", re.IGNORECASE)


class WarehouseConnectionError(RuntimeError):
    """PostgreSQL could not be reached, or the connection broke (the write was rolled back)."""


class SchemaOutOfDate(RuntimeError):
    """The database's ADR-013 schema is not at this version's migration head."""


def to_pyformat(sql: str) -> str:
    """`?` placeholders (DuckDB style) -> `%s`, and `%` -> `%%`, outside quoted text."""
    out, quote = [], None
    for char in sql:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


class PostgresWarehouse(Warehouse):
    """Tables in a PostgreSQL database (`BIZDEV_WAREHOUSE=postgresql://user:pass@host/db`)."""

    url: str  # a dg.EnvVar when read from BIZDEV_WAREHOUSE: the UI shows its name only
    migrate_on_start: bool = False  # BIZDEV_DB_MIGRATE=1: apply the ADR-013 migrations first
    connect_timeout: int = 10
    sslmode: str | None = None  # BIZDEV_WAREHOUSE_SSLMODE; None: the URL's own (libpq: prefer)

    @property
    def dsn(self) -> str:
        """The URL to connect with (secret: never log it; `location` is for display)."""
        return with_sslmode(url_value(self.url).strip(), self.sslmode)

    @property
    def location(self) -> str:
        return redact_url(self.dsn)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if self.migrate_on_start:
            self.migrate()
        else:
            self.prepare_schema()

    def prepare_schema(self) -> str:
        """An empty database gets the ADR-013 schema (the migrations' head) on first use, as
        Dagster creates its own storage; a schema behind the head is left alone and refused
        with the command that upgrades it. Returns "created" or "current"."""
        try:
            current = current_revision(self.dsn)
        except Exception as error:
            raise WarehouseConnectionError(
                f"{SETTING}={self.location}: cannot read the schema version: "
                f"{self._scrub(error)}. Check host, port, database, user and password in "
                f"{SETTING}."
            ) from None
        head = head_revision()
        if current == head:
            return "current"
        if current is None:
            with self.connect() as conn:
                present = sorted(t for t in MIGRATED_TABLES if table_in_catalog(conn, t))
            if not present:
                self.migrate()
                return "created"
            raise SchemaOutOfDate(
                f"{SETTING}={self.location}: tables {', '.join(present)} exist but no "
                "migration was ever recorded (alembic_version): they were made outside "
                "bizdev's migrations. Drop them, or `alembic stamp` the revision they match."
            )
        raise SchemaOutOfDate(
            f"{SETTING}={self.location}: the warehouse schema is at migration {current}; "
            f"this version of bizdev needs {head}. Run `bizdev db upgrade` (or set "
            "BIZDEV_DB_MIGRATE=1 to migrate at start-up), then run again."
        )

    def migrate(self) -> None:
        """Bring the ADR-013 tables to the newest migration (idempotent)."""
        try:
            upgrade_database(self.dsn)
        except Exception as error:
            raise WarehouseConnectionError(
                f"{SETTING}={self.location}: migrating the database failed: {self._scrub(error)}"
            ) from None

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        """One connection and one transaction: committed on success, else rolled back."""
        try:
            conn = psycopg.connect(
                self.dsn.replace("postgresql+psycopg://", "postgresql://", 1),
                connect_timeout=self.connect_timeout,
                application_name="bizdev-warehouse",
            )
        except psycopg.Error as error:
            raise WarehouseConnectionError(
                f"{SETTING}={self.location}: cannot connect to PostgreSQL: "
                f"{self._scrub(error)}. Check host, port, database, user and password in "
                f"{SETTING}."
            ) from None
        try:
            with conn:
                conn.execute("set timezone to 'UTC'")
                conn.execute("set datestyle to 'ISO, YMD'")
                conn.commit()
                yield conn
        except psycopg.OperationalError as error:
            if not conn.broken:
                raise
            raise WarehouseConnectionError(
                f"{SETTING}={self.location}: lost the connection to PostgreSQL "
                f"({self._scrub(error)}); the transaction was rolled back and nothing of it "
                "was written. Re-run once the database is reachable."
            ) from None

    def _scrub(self, error: BaseException) -> str:
        text = str(error).strip()
        password = urlsplit(url_value(self.url)).password
        return text.replace(password, "***") if password else text

    def table_exists(self, table: str) -> bool:
        with self.connect() as conn:
            return table_in_catalog(conn, check_identifier(table))

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        with self.connect() as conn:
            statement = sql.strip().rstrip(";")
            if params:
                statement = psycopg.ClientCursor(conn).mogrify(to_pyformat(statement), list(params))
            if _ROW_STATEMENT.match(statement):
                return copy_out(conn, statement)
            cursor = conn.execute(statement)
            if cursor.description is None:
                return pl.DataFrame()
            names = [column.name for column in cursor.description]
            return pl.DataFrame(cursor.fetchall(), schema=names, orient="row")

    def row_count(self, table: str) -> int:
        name = check_identifier(table)
        with self.connect() as conn:
            if not table_in_catalog(conn, name):
                return 0
            return conn.execute(
                pgsql.SQL("select count(*) from {}").format(ident(name))
            ).fetchone()[0]

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        """Make the table hold exactly `frame` in one transaction, without dropping it."""
        self.write_many(replace={table: frame})

    def append_rows(self, table: str, frame: pl.DataFrame) -> None:
        """Append, creating the table from the frame's schema the first time."""
        self.append_many({table: frame})

    def append_many(
        self,
        frames: dict[str, pl.DataFrame],
        *,
        sql_after: Sequence[tuple[str, Sequence[Any]]] = (),
    ) -> None:
        """Append to several tables (and run bookkeeping statements) in one transaction."""
        with self.connect() as conn:
            for table, frame in frames.items():
                name = check_identifier(table)
                refuse_migrated(name, "append_rows")
                append_frame(conn, name, frame)
            for statement, params in sql_after:
                conn.execute(to_pyformat(statement), list(params))

    def write_many(
        self,
        *,
        replace: Mapping[str, pl.DataFrame] | None = None,
        append: Mapping[str, pl.DataFrame] | None = None,
        replace_rows: Mapping[str, tuple[pl.DataFrame, str]] | None = None,
    ) -> None:
        """Replace some tables, rewrite rows of others and append to others in one
        transaction (all or nothing). No table is dropped, so views on them keep working."""
        replace, append, rows = writes_by_table(replace, append, replace_rows)
        # Refused before connecting: a frame that can never be written costs no round trip.
        for name, frame in replace.items():
            refuse_migrated(name, "replace_table")
            declared = schema_for(name).primary_key
            if declared and set(declared) <= set(frame.columns):
                check_key(name, frame, declared)
        for name in [*append, *rows]:
            refuse_migrated(name, "append_rows")
        with self.connect() as conn:
            for name, frame in replace.items():
                replace_frame(conn, name, frame)
            for name, (frame, key) in rows.items():
                if table_in_catalog(conn, name):
                    delete_keys(conn, name, key, frame[key].cast(pl.String).to_list())
                append_frame(conn, name, frame)
            for name, frame in append.items():
                append_frame(conn, name, frame)

    def replace_rows(
        self, table: str, frame: pl.DataFrame, key: str, remove: Sequence[str] = ()
    ) -> None:
        """Delete the rows whose `key` is in `frame` or in `remove`, then append `frame`;
        one transaction."""
        self.write_parts(table, [frame], key, remove)

    def write_parts(
        self,
        table: str,
        parts: Iterable[pl.DataFrame],
        key: str | None = None,
        remove: Sequence[str] = (),
    ) -> int:
        """Frames made one after another written in one transaction; see Warehouse. The
        table is kept (views on it keep working): a whole-table write deletes its rows
        first."""
        name = check_identifier(table)
        refuse_migrated(name, "write_parts")
        column = check_identifier(key) if key is not None else None
        written = 0
        with self.connect() as conn:
            exists = table_in_catalog(conn, name)
            if column is not None and exists and remove:
                delete_keys(conn, name, column, list(remove))
            for n, frame in enumerate(parts):
                if exists and column is None and n == 0:
                    add_missing_columns(conn, name, frame)
                    conn.execute(pgsql.SQL("delete from {}").format(ident(name)))
                elif exists and column is not None:
                    delete_keys(conn, name, column, frame[column].cast(pl.String).to_list())
                append_frame(conn, name, frame)
                exists, written = True, written + frame.height
            if column is None and not exists:
                raise ValueError(f"write_parts: no part to replace {name} with")
        return written

    def upsert(
        self,
        table: str,
        frame: pl.DataFrame,
        key: list[str],
        preserve: tuple[str, ...] = ("created_at",),
        *,
        delete_missing: bool = False,
        delete: Sequence[str] = (),
    ) -> UpsertResult:
        """Insert new keys, update changed rows (`updated_at` = now), keep `preserve` columns;
        with `delete_missing`, delete the rows whose key is not in `frame`; first delete the
        rows whose (one-column) key is in `delete`. One transaction."""
        name = check_identifier(table)
        managed = {*preserve, "updated_at"}
        frame = frame.select([c for c in frame.columns if c not in managed])
        check_key(name, frame, key)
        now = datetime.now(UTC).replace(tzinfo=None)
        with self.connect() as conn:
            if not table_in_catalog(conn, name):
                refuse_migrated(name, "upsert")
                create_table(conn, name, frame, key=tuple(key), stamps=tuple(sorted(managed)))
                create_indexes(conn, name, frame)
            elif name not in MIGRATED_TABLES:
                add_missing_columns(conn, name, frame)
            deleted = delete_keys(conn, name, key[0], delete) if delete else 0
            stage(conn, name, frame)
            on = join_on(key)
            if delete_missing:
                deleted += conn.execute(
                    pgsql.SQL(
                        "delete from {t} t where not exists (select 1 from _stage s where {on})"
                    ).format(t=ident(name), on=on)
                ).rowcount
            values = [c for c in frame.columns if c not in key]
            existing, updated = conn.execute(
                pgsql.SQL(
                    "select count(*), count(*) filter (where {changed}) "
                    "from {t} t join _stage s on {on}"
                ).format(t=ident(name), on=on, changed=distinct(conn, name, values, "t", "s"))
            ).fetchone()
            for column in unique_columns(conn, name, values):
                # Free a unique value before another row takes it (e.g. an email moving).
                conn.execute(
                    pgsql.SQL(
                        "update {t} t set {c} = null from _stage s "
                        "where {on} and t.{c} is distinct from s.{c}"
                    ).format(t=ident(name), c=ident(column), on=on)
                )
            stamps = [c for c in sorted(managed) if c in table_columns(conn, name)]
            merge_from_stage(conn, name, list(frame.columns), key, stamps=stamps, now=now)
        return UpsertResult(
            inserted=frame.height - existing,
            updated=updated,
            unchanged=existing - updated,
            deleted=deleted,
        )
