"""The analysts' warehouse: a DuckDB file on the embedded default.

Assets read and write whole polars frames through this resource rather than an IO
manager, because the ingest and normalize stages append (they process only new files)
while later stages replace. DuckDB allows one writer process at a time, so every call
opens a short-lived connection and the code location runs steps in one process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _check_identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain table or column name: {name!r}")
    return name


class DuckDBWarehouse(dg.ConfigurableResource):
    """Tables in one DuckDB file (`BIZDEV_WAREHOUSE`, default `./data/warehouse.duckdb`)."""

    path: str

    @property
    def location(self) -> str:
        return str(Path(self.path).resolve())

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path)
        try:
            yield con
        finally:
            con.close()

    def table_exists(self, table: str) -> bool:
        with self.connect() as con:
            rows = con.execute(
                "select 1 from information_schema.tables where table_name = ?",
                [_check_identifier(table)],
            ).fetchall()
        return bool(rows)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        with self.connect() as con:
            return con.sql(sql, params=list(params) if params else None).pl()

    def read_table(self, table: str) -> pl.DataFrame:
        return self.query(f"select * from {_check_identifier(table)}")

    def row_count(self, table: str) -> int:
        if not self.table_exists(table):
            return 0
        with self.connect() as con:
            return con.execute(f"select count(*) from {_check_identifier(table)}").fetchall()[0][0]

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        """Swap the table's contents atomically (readers never see it half-written)."""
        with self.connect() as con:
            con.register("incoming", frame)
            con.execute("begin")
            con.execute(
                f"create or replace table {_check_identifier(table)} as select * from incoming"
            )
            con.execute("commit")

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

    @staticmethod
    def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
        name = _check_identifier(table)
        con.register("incoming", frame)
        exists = con.execute(
            "select 1 from information_schema.tables where table_name = ?", [name]
        ).fetchall()
        if exists:
            columns = ", ".join(f'"{c}"' for c in frame.columns)
            con.execute(f"insert into {name} ({columns}) select {columns} from incoming")
        else:
            con.execute(f"create table {name} as select * from incoming")
        con.unregister("incoming")
