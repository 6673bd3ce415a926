"""How the exporter reads the warehouse: one connection per scrape, and a catalog first.

`DuckDBWarehouse.query` opens a connection per call (a writer in another process must
get its turn), which costs 50-200 ms on a busy machine; a scrape runs about 15 queries, so
it reads through one connection instead. The catalog (which tables and columns exist)
lets each metric module skip a table that a stage has not written yet (a fresh install,
an enrichment or outreach stage never run) instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import duckdb
import polars as pl

from resources.warehouse import DuckDBWarehouse, Warehouse, check_identifier


class Reader(Protocol):
    def query(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame: ...

    def row_count(self, table: str) -> int: ...


class _ConnectionReader:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        return self.con.sql(sql, params=list(params) if params else None).pl()

    def row_count(self, table: str) -> int:
        return self.query(f"select count(*) from {check_identifier(table)}")[0, 0]


@contextmanager
def reader_for(warehouse: Warehouse) -> Iterator[Reader]:
    """The warehouse, read through one connection for the length of a scrape."""
    if isinstance(warehouse, DuckDBWarehouse):
        with warehouse.connect() as con:
            yield _ConnectionReader(con)
    else:
        yield warehouse


@dataclass(frozen=True)
class Catalog:
    columns: dict[str, frozenset[str]]  # table -> its columns

    def has(self, table: str, *columns: str) -> bool:
        present = self.columns.get(table)
        return present is not None and all(c in present for c in columns)


def read_catalog(warehouse: Reader) -> Catalog:
    rows = warehouse.query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = current_schema()"
    )
    columns: dict[str, set[str]] = {}
    for table, column in rows.iter_rows():
        columns.setdefault(table, set()).add(column)
    return Catalog({table: frozenset(cols) for table, cols in columns.items()})


def pairs(frame: pl.DataFrame) -> list[tuple[str | None, float]]:
    """A two-column frame (label, value) as pairs."""
    return [(label, value or 0) for label, value in frame.iter_rows()]
