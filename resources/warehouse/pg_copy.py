"""Frames into and out of PostgreSQL tables through COPY, in one transaction's connection.

Appends copy straight in; replaces and upserts copy into a temp table `_stage` and merge
from it by key, writing only rows whose values differ, so unchanged rows cost no write
and views on the tables keep working. Queries come back through COPY TO as CSV.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import datetime

import polars as pl
import psycopg
from psycopg import sql as pgsql

from resources.warehouse.pg_frames import (
    decode_columns,
    encode_csv_chunks,
    result_columns,
    select_list_for_copy,
)
from resources.warehouse.pg_schema import (
    add_missing_columns,
    check_key,
    create_indexes,
    create_table,
    ident,
    idents,
    join_on,
    primary_key,
    qualified,
    table_columns,
    table_in_catalog,
)


def replace_frame(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    """Upsert by primary key and delete the rows that left (a table without a key, or a
    frame without its key columns, is truncated and reloaded)."""
    if not table_in_catalog(conn, name):
        create_table(conn, name, frame)
        copy_in(conn, name, frame)
        create_indexes(conn, name, frame)
        return
    add_missing_columns(conn, name, frame)
    key = primary_key(conn, name)
    if not key or not set(key) <= set(frame.columns):
        conn.execute(pgsql.SQL("truncate {}").format(ident(name)))
        copy_in(conn, name, frame)
        return
    check_key(name, frame, key)
    stage(conn, name, frame)
    conn.execute(
        pgsql.SQL("delete from {t} t where not exists (select 1 from _stage s where {on})").format(
            t=ident(name), on=join_on(key)
        )
    )
    merge_from_stage(conn, name, list(frame.columns), key, null_missing=True)


def append_frame(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    if table_in_catalog(conn, name):
        add_missing_columns(conn, name, frame)
        copy_in(conn, name, frame)
    else:
        create_table(conn, name, frame)
        copy_in(conn, name, frame)
        create_indexes(conn, name, frame)


def delete_keys(conn: psycopg.Connection, name: str, column: str, keys: Sequence[str]) -> int:
    """Delete the rows whose `column` is one of `keys` (text, cast to the column's type
    so its index serves the lookup); how many."""
    conn.execute("drop table if exists _gone")
    conn.execute(
        pgsql.SQL(
            "create temp table _gone on commit drop as select {c} from {t} with no data"
        ).format(c=ident(column), t=ident(name))
    )
    copy_in(conn, "_gone", pl.DataFrame({column: list(keys)}, schema={column: pl.String}))
    return conn.execute(
        pgsql.SQL("delete from {t} t using _gone g where t.{c} = g.{c}").format(
            t=ident(name), c=ident(column)
        )
    ).rowcount


def copy_in(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    statement = pgsql.SQL("copy {} ({}) from stdin (format csv)").format(
        ident(name), idents(frame.columns)
    )
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for chunk in encode_csv_chunks(frame):
            copy.write(chunk)


def stage(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    """A temp table `_stage` with the target's column types, holding `frame`."""
    conn.execute("drop table if exists _stage")
    conn.execute(
        pgsql.SQL(
            "create temp table _stage on commit drop as select {} from {} with no data"
        ).format(idents(frame.columns), ident(name))
    )
    copy_in(conn, "_stage", frame)
    conn.execute("analyze _stage")


def _comparable(conn: psycopg.Connection, name: str) -> dict[str, bool]:
    """column -> whether `=` works on its type (json has no equality: compare as text)."""
    rows = conn.execute(
        "select attname, format_type(atttypid, atttypmod) from pg_attribute "
        "where attrelid = %s::regclass and attnum > 0 and not attisdropped",
        [qualified(name)],
    ).fetchall()
    return {column: type_name != "json" for column, type_name in rows}


def distinct(
    conn: psycopg.Connection, name: str, columns: Sequence[str], left: str, right: str
) -> pgsql.Composable:
    if not columns:
        return pgsql.SQL("false")
    comparable = _comparable(conn, name)

    def side(alias: str) -> pgsql.Composable:
        return pgsql.SQL(", ").join(
            pgsql.SQL("{}.{}{}").format(
                pgsql.SQL(alias), ident(c), pgsql.SQL("" if comparable.get(c, True) else "::text")
            )
            for c in columns
        )

    return pgsql.SQL("row({}) is distinct from row({})").format(side(left), side(right))


def merge_from_stage(
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
    extra = [c for c in table_columns(conn, name) if c not in columns] if null_missing else []
    target = [*columns, *extra, *stamps]
    source = [pgsql.SQL("s.{}").format(ident(c)) for c in columns]
    source += [pgsql.SQL("null") for _ in extra] + [pgsql.Literal(now) for _ in stamps]
    values = [c for c in [*columns, *extra] if c not in key]
    sets = [pgsql.SQL("{c} = excluded.{c}").format(c=ident(c)) for c in values]
    sets += [
        pgsql.SQL("{c} = excluded.{c}").format(c=ident(c)) for c in stamps if c == "updated_at"
    ]
    action = (
        pgsql.SQL("do update set {} where {}").format(
            pgsql.SQL(", ").join(sets), distinct(conn, name, values, "t", "excluded")
        )
        if values
        else pgsql.SQL("do nothing")
    )
    conn.execute(
        pgsql.SQL(
            "insert into {t} as t ({cols}) select {src} from _stage s on conflict ({key}) {act}"
        ).format(
            t=ident(name),
            cols=idents(target),
            src=pgsql.SQL(", ").join(source),
            key=idents(key),
            act=action,
        )
    )


def copy_out(conn: psycopg.Connection, statement: str) -> pl.DataFrame:
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
