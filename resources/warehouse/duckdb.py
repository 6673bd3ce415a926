"""The embedded default warehouse: tables in one DuckDB file that analysts open directly.

DuckDB allows one writer process at a time, so every call opens a short-lived connection
and the code location runs steps in one process. Another process's connection (the
API's short read-only reads, an analyst's query, a sensor tick) holds the file's lock
for a moment: a connection refused for that lock is tried again for up to
`lock_wait_seconds` instead of failing the step at once.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from pydantic import PrivateAttr
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql.base import PGDialect, PGTypeCompiler
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import now

from resources.warehouse.base import UpsertResult, Warehouse, check_identifier, writes_by_table
from resources.warehouse.schema import (
    ADR_TABLES,
    MIGRATED_TABLES,
    PIPELINE_TABLE_UPGRADES,
    unique_columns,
)


class _DuckDBTypes(PGTypeCompiler):
    def visit_JSONB(self, type_: JSONB, **kw: Any) -> str:
        return "JSON"  # DuckDB has no JSONB


class _DuckDBDialect(PGDialect):
    """DuckDB reads PostgreSQL's DDL, but for JSONB and now() (here below)."""

    name = "duckdb"
    type_compiler_cls = _DuckDBTypes


@compiles(now, "duckdb")
def _local_now(element: now, compiler: SQLCompiler, **kw: Any) -> str:
    # DuckDB's now() is a timestamptz; the local time fills a `timestamp` as PostgreSQL's does.
    return "current_localtimestamp()"


# Tables and constraints only: the lookup indexes of the declaration serve PostgreSQL's
# row-wise lookups; DuckDB scans columns and would pay for an index on every write.
ADR_TABLES_DDL = tuple(
    str(CreateTable(table, if_not_exists=True).compile(dialect=_DuckDBDialect()))
    for table in ADR_TABLES.sorted_tables
)
# Upgrade statements for pipeline tables, oldest first (revision names sort in order).
UPGRADES = tuple(
    statement
    for revision in sorted(PIPELINE_TABLE_UPGRADES)
    for statement in PIPELINE_TABLE_UPGRADES[revision]
)


class DuckDBWarehouse(Warehouse):
    """Tables in one DuckDB file (`BIZDEV_WAREHOUSE`, default `./data/warehouse.duckdb`)."""

    path: str
    # How long a connection waits for another process's hold on the file (a reader's
    # shared lock, a writer's exclusive one) before the lock error is raised.
    lock_wait_seconds: float = 10.0

    _upgraded: bool = PrivateAttr(default=False)
    _session: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    @property
    def location(self) -> str:
        return str(Path(self.path).resolve())

    @contextmanager
    def session(self) -> Iterator[None]:
        """Every call inside shares one connection: opening the file costs tens of
        milliseconds once it holds a million rows, and an asset makes a dozen calls.
        Other processes wait for the file until the session ends, as they do for a
        write; DuckDB's cache of the file is freed when it ends."""
        if self._session is not None:
            yield
            return
        with self._open() as con:
            self._session = con
            try:
                yield
            finally:
                self._session = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The session's connection, else a new one closed after use."""
        if self._session is not None:
            yield self._session
            return
        with self._open() as con:
            yield con

    @contextmanager
    def _open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = connect_waiting(self.path, self.lock_wait_seconds)
        try:
            if not self._upgraded:
                self._upgrade(con)
            yield con
        finally:
            con.close()

    def _upgrade(self, con: duckdb.DuckDBPyConnection) -> None:
        """Bring pipeline tables written by an older version up to date, once per instance
        (at its first connection, so no asset has to remember it)."""
        for statement in UPGRADES:
            con.execute(statement)
        self._upgraded = True

    def create_adr_tables(self) -> None:
        """The ADR-013 tables (as the PostgreSQL migrations leave them), if missing."""
        with self.connect() as con:
            for ddl in ADR_TABLES_DDL:
                con.execute(ddl)

    def table_exists(self, table: str) -> bool:
        with self.connect() as con:
            rows = con.execute(
                "select 1 from information_schema.tables where table_name = ?",
                [check_identifier(table)],
            ).fetchall()
        return bool(rows)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        with self.connect() as con:
            return con.sql(sql, params=list(params) if params else None).pl()

    def read_table(self, table: str) -> pl.DataFrame:
        return self.query(f"select * from {check_identifier(table)}")

    def row_count(self, table: str) -> int:
        if not self.table_exists(table):
            return 0
        with self.connect() as con:
            return con.execute(f"select count(*) from {check_identifier(table)}").fetchall()[0][0]

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        """Swap the table's contents atomically (readers never see it half-written)."""
        self.write_many(replace={table: frame})

    def append_rows(self, table: str, frame: pl.DataFrame) -> None:
        """Append, creating the table from the frame's schema the first time."""
        with self.connect() as con:
            self._append(con, table, frame)

    def append_many(
        self,
        frames: dict[str, pl.DataFrame],
        *,
        sql_after: Sequence[tuple[str, Sequence[Any]]] = (),
    ) -> None:
        """Append to several tables (and run bookkeeping statements) in one transaction."""
        with self.connect() as con:
            con.execute("begin")
            try:
                for table, frame in frames.items():
                    self._append(con, table, frame)
                for sql, params in sql_after:
                    con.execute(sql, list(params))
            except Exception:
                con.execute("rollback")
                raise
            con.execute("commit")

    def write_many(
        self,
        *,
        replace: Mapping[str, pl.DataFrame] | None = None,
        append: Mapping[str, pl.DataFrame] | None = None,
        replace_rows: Mapping[str, tuple[pl.DataFrame, str]] | None = None,
    ) -> None:
        """Replace some tables, rewrite rows of others and append to others in one
        transaction (all or nothing)."""
        replace, append, rows = writes_by_table(replace, append, replace_rows)
        with self.connect() as con:
            con.execute("begin")
            try:
                for table, frame in replace.items():
                    self._replace(con, table, frame)
                for table, (frame, key) in rows.items():
                    if _exists(con, table):
                        _delete_keys(con, table, key, frame[key].cast(pl.String).to_list())
                    self._append(con, table, frame)
                for table, frame in append.items():
                    self._append(con, table, frame)
            except Exception:
                con.execute("rollback")
                raise
            con.execute("commit")

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
        """Frames made one after another written in one transaction; see Warehouse.

        DuckDB keeps what a transaction has appended in memory until it commits, so a
        whole-table write goes to a side table, committed part by part, which one
        transaction then puts in the table's place (a failure drops it; so does the next
        write, should a crash have left it)."""
        name = check_identifier(table)
        if key is None:
            return self._write_aside(name, parts)
        column, written = check_identifier(key), 0
        with self.connect() as con:
            con.execute("begin")
            try:
                exists = _exists(con, name)
                if exists and remove:
                    _delete_keys(con, name, column, remove)
                for frame in parts:
                    if exists:
                        _delete_keys(con, name, column, frame[column].cast(pl.String).to_list())
                    self._append(con, name, frame)
                    exists, written = True, written + frame.height
            except Exception:
                con.execute("rollback")
                raise
            con.execute("commit")
        return written

    def _write_aside(self, name: str, parts: Iterable[pl.DataFrame]) -> int:
        aside, written = check_identifier(f"{name}__parts"), 0
        with self.connect() as con:
            con.execute(f"drop table if exists {aside}")
            try:
                for n, frame in enumerate(parts):  # each part its own transaction
                    (self._replace if n == 0 else self._append)(con, aside, frame)
                    written += frame.height
                if not _exists(con, aside):
                    raise ValueError(f"write_parts: no part to replace {name} with")
                con.execute("begin")
                try:
                    con.execute(f"drop table if exists {name}")
                    con.execute(f"alter table {aside} rename to {name}")
                except Exception:
                    con.execute("rollback")
                    raise
                con.execute("commit")
            except Exception:
                con.execute(f"drop table if exists {aside}")
                raise
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
        if name in MIGRATED_TABLES:
            self.create_adr_tables()
        now = datetime.now(UTC).replace(tzinfo=None)
        managed = {*preserve, "updated_at"}
        columns = [check_identifier(c) for c in frame.columns if c not in managed]
        values = [c for c in columns if c not in key]
        on_key = " and ".join(f't."{k}" = s."{k}"' for k in key)
        with self.connect() as con:
            con.register("incoming", frame.select(columns))
            con.execute("begin")
            try:
                if not _exists(con, name):
                    stamps = ", ".join(f"?::timestamp as {c}" for c in sorted(managed))
                    con.execute(
                        f"create table {name} as select *, {stamps} from incoming limit 0",
                        [now] * len(managed),
                    )
                    con.execute(f"alter table {name} add primary key ({_quoted(key)})")
                elif name not in MIGRATED_TABLES:
                    _add_missing_columns(con, name, managed)
                table_columns = set(_columns(con, name))
                changed = " or ".join(f't."{c}" is distinct from s."{c}"' for c in values)
                deleted = _delete_keys(con, name, key[0], delete) if delete else 0
                if delete_missing:
                    deleted += con.execute(
                        f"delete from {name} t where not exists "
                        f"(select 1 from incoming s where {on_key})"
                    ).fetchall()[0][0]
                updated = con.execute(
                    f"select count(*) from {name} t join incoming s on {on_key} "
                    f"where {changed or 'false'}"
                ).fetchall()[0][0]
                existing = con.execute(
                    f"select count(*) from {name} t join incoming s on {on_key}"
                ).fetchall()[0][0]
                for column in unique_columns(name):
                    con.execute(
                        f'update {name} t set "{column}" = null from incoming s '
                        f'where {on_key} and t."{column}" is distinct from s."{column}"'
                    )
                stamp_columns = [c for c in sorted(managed) if c in table_columns]
                insert_columns = _quoted([*columns, *stamp_columns])
                sets = [f'"{c}" = excluded."{c}"' for c in values]
                if "updated_at" in table_columns:
                    sets.append('"updated_at" = excluded."updated_at"')
                where = " or ".join(f'{name}."{c}" is distinct from excluded."{c}"' for c in values)
                action = (
                    f"do update set {', '.join(sets)} where {where}" if values else "do nothing"
                )
                con.execute(
                    f"insert into {name} ({insert_columns}) "
                    f"select {_quoted(columns)}{', ?::timestamp' * len(stamp_columns)} "
                    f"from incoming on conflict ({_quoted(key)}) {action}",
                    [now] * len(stamp_columns),
                )
            except Exception:
                con.execute("rollback")
                raise
            con.execute("commit")
            con.unregister("incoming")
        return UpsertResult(
            inserted=frame.height - existing,
            updated=updated,
            unchanged=existing - updated,
            deleted=deleted,
        )

    @staticmethod
    def _replace(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
        con.register("incoming", frame)
        con.execute(f"create or replace table {check_identifier(table)} as select * from incoming")
        con.unregister("incoming")

    @staticmethod
    def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
        name = check_identifier(table)
        con.register("incoming", frame)
        if _exists(con, name):
            _add_missing_columns(con, name)
            columns = ", ".join(f'"{c}"' for c in frame.columns)
            con.execute(f"insert into {name} ({columns}) select {columns} from incoming")
        else:
            con.execute(f"create table {name} as select * from incoming")
        con.unregister("incoming")


def connect_waiting(
    path: str, wait_seconds: float, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, tried again while another process holds the file's lock (10 ms,
    doubling to 200 ms, for up to `wait_seconds`); any other error at once."""
    deadline = time.monotonic() + wait_seconds
    pause = 0.01
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "select 1 from information_schema.tables where table_name = ?", [name]
        ).fetchall()
    )


def _delete_keys(
    con: duckdb.DuckDBPyConnection, name: str, column: str, keys: Sequence[str]
) -> int:
    """Delete the rows whose `column` (compared as text) is one of `keys`; how many."""
    con.register("_gone", pl.DataFrame({"key": list(keys)}, schema={"key": pl.String}))
    deleted = con.execute(
        f'delete from {name} where cast("{column}" as varchar) in (select key from _gone)'
    ).fetchall()[0][0]
    con.unregister("_gone")
    return deleted


def _add_missing_columns(
    con: duckdb.DuckDBPyConnection, name: str, managed: Collection[str] = ()
) -> None:
    """Columns the registered `incoming` frame adds to the table (a table written by an
    older version), added with the types DuckDB gives the frame's columns. Only a pure
    addition: when the table also has columns the frame lacks (besides the `managed`
    stamps), its shape differs otherwise (a renamed column, say) and is left as it is, so
    the write fails naming the column."""
    have = _columns(con, name)
    incoming = con.execute("describe select * from incoming").fetchall()
    names = {row[0] for row in incoming}
    if set(have) - names - set(managed):
        return
    for column, column_type, *_ in incoming:
        if column not in have:
            con.execute(f'alter table {name} add column "{column}" {column_type}')


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_name = ? "
        "order by ordinal_position",
        [name],
    ).fetchall()
    return [r[0] for r in rows]


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)
