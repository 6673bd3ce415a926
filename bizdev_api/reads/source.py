"""Reading the warehouse from the API without getting in the pipeline's way.

DuckDB: every query opens a short-lived **read-only** connection and closes it. A
read-only connection still holds a shared lock on the file, which keeps the pipeline's
writer out while it is open, so reads are bounded (`timeout_seconds`, after which the
query is interrupted) and the pipeline's connections wait out such a hold
(`DuckDBWarehouse.lock_wait_seconds`). While a pipeline step holds the file, a read
waits up to `LOCK_WAIT_SECONDS` and then answers 503 with `Retry-After`: the API never
takes a write lock to read. A file not created yet reads as an empty warehouse.

PostgreSQL: the pipeline's `PostgresWarehouse` (MVCC: readers and writers do not block
each other), with a `statement_timeout` of `timeout_seconds` on each connection.

Tables other issues own (`company_enrichment`, `company_signals`, `outreach_*`,
`lead_routing`) may not exist yet: `has(table)` says so, and callers treat them as empty.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import polars as pl

from bizdev_api.errors import ApiError
from resources.settings import Settings, resolved
from resources.warehouse import PostgresWarehouse, is_postgres_url
from resources.warehouse.duckdb import connect_waiting

LOCK_WAIT_SECONDS = 2.0
TABLES_CACHE_SECONDS = 5.0


class WarehouseUnavailable(ApiError):
    def __init__(self, detail: str, retry_after: int = 5) -> None:
        super().__init__(503, detail, headers={"Retry-After": str(retry_after)})


class WarehouseReader:
    def __init__(self, settings: Settings, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        value = resolved(settings.warehouse)
        self.postgres: PostgresWarehouse | None = None
        self.duckdb_path: str | None = None
        if is_postgres_url(value):
            millis = int(timeout_seconds * 1000)
            separator = "&" if "?" in value else "?"
            url = value.strip()
            if "options=" not in url:
                url += f"{separator}options={quote(f'-c statement_timeout={millis}')}"
            self.postgres = PostgresWarehouse(url=url, sslmode=settings.warehouse_sslmode)
        else:
            self.duckdb_path = value
        self._tables: tuple[float, frozenset[str]] | None = None

    @property
    def kind(self) -> str:
        return "postgres" if self.postgres is not None else "duckdb"

    def query(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        if self.postgres is not None:
            try:
                return self.postgres.query(sql, params)
            except Exception as error:
                raise _unavailable(error) from None
        return self._duckdb(sql, params)

    def tables(self) -> frozenset[str]:
        now = time.monotonic()
        if self._tables is None or now - self._tables[0] > TABLES_CACHE_SECONDS:
            where = "table_schema = current_schema()" if self.postgres is not None else "true"
            if self.duckdb_path is not None and not Path(self.duckdb_path).exists():
                names: frozenset[str] = frozenset()
            else:
                found = self.query(
                    f"select table_name from information_schema.tables where {where}"
                )
                names = frozenset(found["table_name"].to_list()) if found.height else frozenset()
            self._tables = (now, names)
        return self._tables[1]

    def has(self, table: str) -> bool:
        return table in self.tables()

    def table_exists(self, table: str) -> bool:
        """`has`, under the `Warehouse` name: pure readers of the pipeline (the outreach
        consent gate) can read through this reader."""
        return self.has(table)

    def ping(self) -> str:
        """'ok', or raises WarehouseUnavailable naming what is wrong."""
        if self.duckdb_path is not None and not Path(self.duckdb_path).exists():
            return "ok (no warehouse file yet: nothing has been ingested)"
        self.query("select 1 as ok")
        return "ok"

    def _duckdb(self, sql: str, params: list[Any] | None) -> pl.DataFrame:
        assert self.duckdb_path is not None
        try:
            con = connect_waiting(self.duckdb_path, LOCK_WAIT_SECONDS, read_only=True)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise WarehouseUnavailable(
                    "the warehouse is being written by a pipeline run (DuckDB admits one "
                    "writer, and no reader while it writes); try again in a few seconds"
                ) from None
            raise _unavailable(error) from None
        timer = threading.Timer(self.timeout_seconds, con.interrupt)
        timer.start()
        try:
            return con.sql(sql, params=list(params) if params else None).pl()
        except duckdb.InterruptException:
            raise ApiError(
                504,
                f"the query ran past {self.timeout_seconds:g} s and was stopped; narrow it "
                "(a filter, a smaller page)",
            ) from None
        finally:
            timer.cancel()
            con.close()


def _unavailable(error: Exception) -> ApiError:
    text = str(error).splitlines()[0][:300] if str(error) else type(error).__name__
    if "statement timeout" in text:
        return ApiError(504, f"the query ran past the time limit and was stopped ({text})")
    return WarehouseUnavailable(f"the warehouse cannot be read right now ({text})", 10)
