"""Retention: rows older than their table's period are deleted, and the deletion logged.

The periods are data (`retention.yaml`, or the file `BIZDEV_RETENTION` names): per table,
the timestamp column a row is aged by and the days it is kept. `apply_retention` takes
`now` as an argument, so the test runs it on a frozen clock; the `retention_log` asset
runs it with the wall clock and appends one row per table to `retention_log`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import yaml

from resources.warehouse import Warehouse
from resources.warehouse.base import check_identifier

DEFAULT_POLICY = Path(__file__).with_name("retention.yaml")
LOG_TABLE = "retention_log"


@dataclass(frozen=True)
class Period:
    table: str
    column: str
    days: int


def load_policy(path: Path | None = None) -> list[Period]:
    """The periods of `path` (default the shipped file); a malformed entry names itself."""
    source = path or DEFAULT_POLICY
    data = yaml.safe_load(source.read_text()) or {}
    periods = []
    for table, entry in data.items():
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("days"), int)
            or (entry["days"] <= 0 or not entry.get("column"))
        ):
            raise ValueError(
                f"{source}: {table}: expected {{column: <timestamp column>, days: <positive "
                f"whole number>}}, got {entry!r}"
            )
        periods.append(
            Period(check_identifier(table), check_identifier(entry["column"]), entry["days"])
        )
    return periods


def apply_retention(warehouse: Warehouse, periods: list[Period], now: datetime) -> pl.DataFrame:
    """Delete the rows past their period, in one transaction; one log row per table."""
    rows, statements = [], []
    for period in periods:
        cutoff = now - timedelta(days=period.days)
        deleted = 0
        if (
            warehouse.table_exists(period.table)
            and period.column in warehouse.query(f"select * from {period.table} limit 0").columns
        ):
            where = f'"{period.column}" < ?'
            deleted = warehouse.query(
                f"select count(*) as n from {period.table} where {where}", [cutoff]
            )["n"][0]
            if deleted:
                statements.append((f"delete from {period.table} where {where}", [cutoff]))
        rows.append(
            {
                "table_name": period.table,
                "rows_deleted": int(deleted),
                "cutoff": cutoff,
                "days": period.days,
                "run_at": now,
            }
        )
    log = pl.DataFrame(
        rows,
        schema={
            "table_name": pl.String,
            "rows_deleted": pl.Int64,
            "cutoff": pl.Datetime("us"),
            "days": pl.Int64,
            "run_at": pl.Datetime("us"),
        },
    )
    if statements:
        warehouse.append_many({}, sql_after=statements)
    warehouse.append_rows(LOG_TABLE, log)
    return log
