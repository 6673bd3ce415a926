"""The production warehouse: the same asset tables in PostgreSQL (`BIZDEV_WAREHOUSE=postgresql://...`).

Frames travel both ways as CSV through COPY (psycopg 3), in chunks, never row by row.
Tables get column types from the polars schema and keys and indexes from
`resources/table_schemas.py`; they are created once and never dropped, because
analysts' views depend on them: a replace upserts by primary key and deletes the rows
that left, in one transaction. The ADR-013 tables belong to the migrations.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dagster as dg
import polars as pl
import psycopg
from psycopg import sql as pgsql

from resources.pg_frames import (
    decode_columns,
    encode_csv_chunks,
    pg_column_type,
    result_columns,
    select_list_for_copy,
)
from resources.table_schemas import MIGRATED_TABLES, schema_for
from resources.warehouse import UpsertResult, Warehouse, check_identifier

SETTING = "BIZDEV_WAREHOUSE"
_ROW_STATEMENT = re.compile(r"^\s*(\(\s*)*(select|with|values|table)\b", re.IGNORECASE)


class WarehouseConnectionError(RuntimeError):
    """PostgreSQL could not be reached, or the connection broke (the write was rolled back)."""


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        if ":" in credentials:
            netloc = f"{credentials.split(':', 1)[0]}:***@{host}"
    query = urlencode(
        [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)], safe="/*"
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


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

    url: str
    migrate_on_start: bool = False  # BIZDEV_DB_MIGRATE=1: apply the ADR-013 migrations first
    connect_timeout: int = 10

    @property
    def location(self) -> str:
        return redact_url(self.url)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if self.migrate_on_start:
            self.migrate()

    def migrate(self) -> None:
        """Bring the ADR-013 tables to the newest migration (idempotent)."""
        from resources.migrations import upgrade_database

        try:
            upgrade_database(self.url)
        except Exception as error:
            raise WarehouseConnectionError(
                f"{SETTING}={self.location}: migrating the database failed: {self._scrub(error)}"
            ) from None

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        """One connection and one transaction: committed on success, else rolled back."""
        try:
            conn = psycopg.connect(
                self.url.replace("postgresql+psycopg://", "postgresql://", 1),
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
        password = urlsplit(self.url).password
        return text.replace(password, "***") if password else text

    def table_exists(self, table: str) -> bool:
        with self.connect() as conn:
            return _exists(conn, check_identifier(table))

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        with self.connect() as conn:
            statement = sql.strip().rstrip(";")
            if params:
                statement = psycopg.ClientCursor(conn).mogrify(to_pyformat(statement), list(params))
            if _ROW_STATEMENT.match(statement):
                return _copy_out(conn, statement)
            cursor = conn.execute(statement)
            if cursor.description is None:
                return pl.DataFrame()
            names = [column.name for column in cursor.description]
            return pl.DataFrame(cursor.fetchall(), schema=names, orient="row")

    def row_count(self, table: str) -> int:
        name = check_identifier(table)
        with self.connect() as conn:
            if not _exists(conn, name):
                return 0
            return conn.execute(pgsql.SQL("select count(*) from {}").format(_id(name))).fetchone()[
                0
            ]

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        """Make the table hold exactly `frame` in one transaction, without dropping it."""
        name = check_identifier(table)
        _refuse_migrated(name, "replace_table")
        declared = schema_for(name).primary_key
        if declared and set(declared) <= set(frame.columns):
            _check_key(name, frame, declared)
        with self.connect() as conn:
            if not _exists(conn, name):
                _create_table(conn, name, frame)
                _copy_in(conn, name, frame)
                _create_indexes(conn, name, frame)
                return
            _add_missing_columns(conn, name, frame)
            key = _primary_key(conn, name)
            if not key or not set(key) <= set(frame.columns):
                conn.execute(pgsql.SQL("truncate {}").format(_id(name)))
                _copy_in(conn, name, frame)
                return
            _check_key(name, frame, key)
            _stage(conn, name, frame)
            conn.execute(
                pgsql.SQL(
                    "delete from {t} t where not exists (select 1 from _stage s where {on})"
                ).format(t=_id(name), on=_join_on(key))
            )
            _merge_from_stage(conn, name, list(frame.columns), key, null_missing=True)

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
                _refuse_migrated(name, "append_rows")
                if _exists(conn, name):
                    _add_missing_columns(conn, name, frame)
                    _copy_in(conn, name, frame)
                else:
                    _create_table(conn, name, frame)
                    _copy_in(conn, name, frame)
                    _create_indexes(conn, name, frame)
            for statement, params in sql_after:
                conn.execute(to_pyformat(statement), list(params))

    def upsert(
        self,
        table: str,
        frame: pl.DataFrame,
        key: list[str],
        preserve: tuple[str, ...] = ("created_at",),
        *,
        delete_missing: bool = False,
    ) -> UpsertResult:
        """Insert new keys, update changed rows (`updated_at` = now), keep `preserve` columns;
        with `delete_missing`, delete the rows whose key is not in `frame`. One transaction."""
        name = check_identifier(table)
        managed = {*preserve, "updated_at"}
        frame = frame.select([c for c in frame.columns if c not in managed])
        _check_key(name, frame, key)
        now = datetime.now(UTC).replace(tzinfo=None)
        with self.connect() as conn:
            if not _exists(conn, name):
                _refuse_migrated(name, "upsert")
                _create_table(conn, name, frame, key=tuple(key), stamps=tuple(sorted(managed)))
                _create_indexes(conn, name, frame)
            elif name not in MIGRATED_TABLES:
                _add_missing_columns(conn, name, frame)
            _stage(conn, name, frame)
            on = _join_on(key)
            deleted = 0
            if delete_missing:
                deleted = conn.execute(
                    pgsql.SQL(
                        "delete from {t} t where not exists (select 1 from _stage s where {on})"
                    ).format(t=_id(name), on=on)
                ).rowcount
            values = [c for c in frame.columns if c not in key]
            existing, updated = conn.execute(
                pgsql.SQL(
                    "select count(*), count(*) filter (where {changed}) "
                    "from {t} t join _stage s on {on}"
                ).format(t=_id(name), on=on, changed=_distinct(conn, name, values, "t", "s"))
            ).fetchone()
            for column in _unique_columns(conn, name, values):
                # Free a unique value before another row takes it (e.g. an email moving).
                conn.execute(
                    pgsql.SQL(
                        "update {t} t set {c} = null from _stage s "
                        "where {on} and t.{c} is distinct from s.{c}"
                    ).format(t=_id(name), c=_id(column), on=on)
                )
            stamps = [c for c in sorted(managed) if c in _columns(conn, name)]
            _merge_from_stage(conn, name, list(frame.columns), key, stamps=stamps, now=now)
        return UpsertResult(
            inserted=frame.height - existing,
            updated=updated,
            unchanged=existing - updated,
            deleted=deleted,
        )


def _id(name: str) -> pgsql.Identifier:
    return pgsql.Identifier(name)


def _ids(names: Sequence[str]) -> pgsql.Composable:
    return pgsql.SQL(", ").join(map(_id, names))


def _join_on(key: Sequence[str]) -> pgsql.Composable:
    return pgsql.SQL(" and ").join(pgsql.SQL("t.{k} = s.{k}").format(k=_id(k)) for k in key)


def _refuse_migrated(name: str, action: str) -> None:
    if name in MIGRATED_TABLES:
        raise ValueError(
            f"{name} is an ADR-013 table owned by the migrations: {action} cannot create or "
            "reshape it. Run `bizdev db upgrade` (or set BIZDEV_DB_MIGRATE=1), then upsert."
        )


def _check_key(table: str, frame: pl.DataFrame, key: Sequence[str]) -> None:
    missing = [k for k in key if k not in frame.columns]
    if missing:
        raise ValueError(f"{table}: key column(s) {missing} missing from the frame")
    nulls = frame.select(pl.any_horizontal(pl.col(k).is_null() for k in key).sum()).item()
    duplicated = frame.select(pl.struct(key).is_duplicated().sum()).item() if frame.height else 0
    if nulls or duplicated:
        raise ValueError(
            f"{table}: key ({', '.join(key)}) must be unique and not null; the frame has "
            f"{nulls} rows with a null key and {duplicated} rows sharing a key"
        )


def _exists(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("select to_regclass(%s) is not null", [_qualified(name)]).fetchone()
    return bool(row[0])


def _qualified(name: str) -> str:
    return f'"{name}"'


def _columns(conn: psycopg.Connection, name: str) -> list[str]:
    rows = conn.execute(
        "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0 "
        "and not attisdropped order by attnum",
        [_qualified(name)],
    ).fetchall()
    return [r[0] for r in rows]


def _primary_key(conn: psycopg.Connection, name: str) -> list[str]:
    rows = conn.execute(
        "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
        "and a.attnum = any(i.indkey) where i.indrelid = %s::regclass and i.indisprimary "
        "order by array_position(i.indkey::int2[], a.attnum)",
        [_qualified(name)],
    ).fetchall()
    return [r[0] for r in rows]


def _unique_columns(conn: psycopg.Connection, name: str, among: Sequence[str]) -> list[str]:
    rows = conn.execute(
        "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
        "and a.attnum = i.indkey[0] where i.indrelid = %s::regclass and i.indisunique "
        "and not i.indisprimary and i.indnatts = 1",
        [_qualified(name)],
    ).fetchall()
    return [r[0] for r in rows if r[0] in among]


def _create_table(
    conn: psycopg.Connection,
    name: str,
    frame: pl.DataFrame,
    key: tuple[str, ...] = (),
    stamps: tuple[str, ...] = (),
) -> None:
    schema = schema_for(name)
    present = set(frame.columns) | set(stamps)
    key = key or (schema.primary_key if set(schema.primary_key) <= present else ())
    columns = [
        pgsql.SQL("{} {}").format(
            _id(check_identifier(c)), pgsql.SQL(schema.column_types.get(c) or pg_column_type(c, t))
        )
        for c, t in frame.schema.items()
    ]
    columns += [pgsql.SQL("{} timestamp").format(_id(c)) for c in stamps if c not in frame.columns]
    if key:
        columns.append(pgsql.SQL("primary key ({})").format(_ids(key)))
    conn.execute(pgsql.SQL("create table {} ({})").format(_id(name), pgsql.SQL(", ").join(columns)))


def _create_indexes(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    """The table's secondary indexes (built after a first load: faster than during it)."""
    schema = schema_for(name)
    present = set(frame.columns)
    if schema.unique and set(schema.unique) <= present:
        conn.execute(
            pgsql.SQL("create unique index {} on {} ({}) nulls not distinct").format(
                _id(_index_name(name, schema.unique, "key")), _id(name), _ids(schema.unique)
            )
        )
    for index in schema.indexes:
        if set(index) <= set(frame.columns):
            conn.execute(
                pgsql.SQL("create index {} on {} ({})").format(
                    _id(_index_name(name, index, "idx")), _id(name), _ids(index)
                )
            )


def _index_name(table: str, columns: Sequence[str], suffix: str) -> str:
    return f"{table}_{'_'.join(columns)}"[: 63 - len(suffix) - 1] + f"_{suffix}"


def _add_missing_columns(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    present = set(_columns(conn, name))
    overrides = schema_for(name).column_types
    for column, dtype in frame.schema.items():
        if column not in present:
            if name in MIGRATED_TABLES:
                raise ValueError(f"{name} has no column {column!r}: add it in a migration")
            conn.execute(
                pgsql.SQL("alter table {} add column {} {}").format(
                    _id(name),
                    _id(check_identifier(column)),
                    pgsql.SQL(overrides.get(column) or pg_column_type(column, dtype)),
                )
            )


def _copy_in(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    statement = pgsql.SQL("copy {} ({}) from stdin (format csv)").format(
        _id(name), _ids(frame.columns)
    )
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for chunk in encode_csv_chunks(frame):
            copy.write(chunk)


def _stage(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    """A temp table `_stage` with the target's column types, holding `frame`."""
    conn.execute("drop table if exists _stage")
    conn.execute(
        pgsql.SQL(
            "create temp table _stage on commit drop as select {} from {} with no data"
        ).format(_ids(frame.columns), _id(name))
    )
    _copy_in(conn, "_stage", frame)
    conn.execute("analyze _stage")


def _comparable(conn: psycopg.Connection, name: str) -> dict[str, bool]:
    """column -> whether `=` works on its type (json has no equality: compare as text)."""
    rows = conn.execute(
        "select attname, format_type(atttypid, atttypmod) from pg_attribute "
        "where attrelid = %s::regclass and attnum > 0 and not attisdropped",
        [_qualified(name)],
    ).fetchall()
    return {column: type_name != "json" for column, type_name in rows}


def _distinct(
    conn: psycopg.Connection, name: str, columns: Sequence[str], left: str, right: str
) -> pgsql.Composable:
    if not columns:
        return pgsql.SQL("false")
    comparable = _comparable(conn, name)

    def side(alias: str) -> pgsql.Composable:
        return pgsql.SQL(", ").join(
            pgsql.SQL("{}.{}{}").format(
                pgsql.SQL(alias), _id(c), pgsql.SQL("" if comparable.get(c, True) else "::text")
            )
            for c in columns
        )

    return pgsql.SQL("row({}) is distinct from row({})").format(side(left), side(right))


def _merge_from_stage(
    conn: psycopg.Connection,
    name: str,
    columns: list[str],
    key: Sequence[str],
    *,
    null_missing: bool = False,
    stamps: Sequence[str] = (),
    now: datetime | None = None,
) -> None:
    """Insert the staged rows; update existing keys only where a value differs."""
    extra = [c for c in _columns(conn, name) if c not in columns] if null_missing else []
    target = [*columns, *extra, *stamps]
    source = [pgsql.SQL("s.{}").format(_id(c)) for c in columns]
    source += [pgsql.SQL("null") for _ in extra] + [pgsql.Literal(now) for _ in stamps]
    values = [c for c in [*columns, *extra] if c not in key]
    sets = [pgsql.SQL("{c} = excluded.{c}").format(c=_id(c)) for c in values]
    sets += [pgsql.SQL("{c} = excluded.{c}").format(c=_id(c)) for c in stamps if c == "updated_at"]
    action = (
        pgsql.SQL("do update set {} where {}").format(
            pgsql.SQL(", ").join(sets), _distinct(conn, name, values, "t", "excluded")
        )
        if values
        else pgsql.SQL("do nothing")
    )
    conn.execute(
        pgsql.SQL(
            "insert into {t} as t ({cols}) select {src} from _stage s on conflict ({key}) {act}"
        ).format(
            t=_id(name),
            cols=_ids(target),
            src=pgsql.SQL(", ").join(source),
            key=_ids(key),
            act=action,
        )
    )


def _copy_out(conn: psycopg.Connection, statement: str) -> pl.DataFrame:
    """Run a row-returning statement through COPY TO and read the CSV with polars."""
    with conn.cursor() as cursor:
        cursor.execute(f"select * from ({statement}) as _q limit 0")
        columns = result_columns(cursor.description)
        copy_sql = (
            f"copy (select {select_list_for_copy(columns)} from ({statement}) as _q) "
            "to stdout (format csv)"
        )
        with tempfile.NamedTemporaryFile(prefix="bizdev-pg-", suffix=".csv") as spool:
            with cursor.copy(copy_sql) as copy:
                for data in copy:
                    spool.write(data)
            spool.flush()
            return decode_columns(spool.name, columns)
