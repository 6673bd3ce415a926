"""Postgres catalog and DDL helpers for the warehouse: identifiers, keys, tables, indexes.

Kept apart from `pg_copy.py`, which moves the data; these decide the shape
of a table the first time a frame arrives and evolve it when new columns appear.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import psycopg
from psycopg import sql as pgsql

from resources.warehouse.base import check_identifier
from resources.warehouse.pg_frames import pg_column_type
from resources.warehouse.pg_tables import schema_for
from resources.warehouse.schema import MIGRATED_TABLES


def ident(name: str) -> pgsql.Identifier:
    return pgsql.Identifier(name)


def idents(names: Sequence[str]) -> pgsql.Composable:
    return pgsql.SQL(", ").join(map(ident, names))


def join_on(key: Sequence[str]) -> pgsql.Composable:
    return pgsql.SQL(" and ").join(pgsql.SQL("t.{k} = s.{k}").format(k=ident(k)) for k in key)


def refuse_migrated(name: str, action: str) -> None:
    if name in MIGRATED_TABLES:
        raise ValueError(
            f"{name} is an ADR-013 table owned by the migrations: {action} cannot create or "
            "reshape it. Run `bizdev db upgrade` (or set BIZDEV_DB_MIGRATE=1), then upsert."
        )


def check_key(table: str, frame: pl.DataFrame, key: Sequence[str]) -> None:
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


def table_in_catalog(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("select to_regclass(%s) is not null", [qualified(name)]).fetchone()
    return bool(row[0])


def qualified(name: str) -> str:
    return f'"{name}"'


def table_columns(conn: psycopg.Connection, name: str) -> list[str]:
    rows = conn.execute(
        "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0 "
        "and not attisdropped order by attnum",
        [qualified(name)],
    ).fetchall()
    return [r[0] for r in rows]


def primary_key(conn: psycopg.Connection, name: str) -> list[str]:
    rows = conn.execute(
        "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
        "and a.attnum = any(i.indkey) where i.indrelid = %s::regclass and i.indisprimary "
        "order by array_position(i.indkey::int2[], a.attnum)",
        [qualified(name)],
    ).fetchall()
    return [r[0] for r in rows]


def unique_columns(conn: psycopg.Connection, name: str, among: Sequence[str]) -> list[str]:
    rows = conn.execute(
        "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
        "and a.attnum = i.indkey[0] where i.indrelid = %s::regclass and i.indisunique "
        "and not i.indisprimary and i.indnatts = 1",
        [qualified(name)],
    ).fetchall()
    return [r[0] for r in rows if r[0] in among]


def create_table(
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
            ident(check_identifier(c)),
            pgsql.SQL(schema.column_types.get(c) or pg_column_type(c, t)),
        )
        for c, t in frame.schema.items()
    ]
    columns += [
        pgsql.SQL("{} timestamp").format(ident(c)) for c in stamps if c not in frame.columns
    ]
    if key:
        columns.append(pgsql.SQL("primary key ({})").format(idents(key)))
    conn.execute(
        pgsql.SQL("create table {} ({})").format(ident(name), pgsql.SQL(", ").join(columns))
    )


def create_indexes(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    """The table's secondary indexes (built after a first load: faster than during it)."""
    schema = schema_for(name)
    present = set(frame.columns)
    if schema.unique and set(schema.unique) <= present:
        conn.execute(
            pgsql.SQL("create unique index {} on {} ({}) nulls not distinct").format(
                ident(index_name(name, schema.unique, "key")), ident(name), idents(schema.unique)
            )
        )
    for index in schema.indexes:
        if set(index) <= set(frame.columns):
            conn.execute(
                pgsql.SQL("create index {} on {} ({})").format(
                    ident(index_name(name, index, "idx")), ident(name), idents(index)
                )
            )


def index_name(table: str, columns: Sequence[str], suffix: str) -> str:
    return f"{table}_{'_'.join(columns)}"[: 63 - len(suffix) - 1] + f"_{suffix}"


def add_missing_columns(conn: psycopg.Connection, name: str, frame: pl.DataFrame) -> None:
    present = set(table_columns(conn, name))
    overrides = schema_for(name).column_types
    for column, dtype in frame.schema.items():
        if column not in present:
            if name in MIGRATED_TABLES:
                raise ValueError(f"{name} has no column {column!r}: add it in a migration")
            conn.execute(
                pgsql.SQL("alter table {} add column {} {}").format(
                    ident(name),
                    ident(check_identifier(column)),
                    pgsql.SQL(overrides.get(column) or pg_column_type(column, dtype)),
                )
            )
