"""Small SQL builders shared by the GDPR modules (both warehouses: `?` placeholders)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import polars as pl

from resources.warehouse import Warehouse
from resources.warehouse.base import check_identifier


def in_list(column: str, values: Collection[Any]) -> tuple[str, list[Any]]:
    """`column in (?, ?...)` and its parameters; `false` for no values."""
    if not values:
        return "false", []
    values = sorted(values, key=str)
    return f"{column} in ({', '.join('?' * len(values))})", list(values)


def columns_of(warehouse: Warehouse, table: str) -> list[str]:
    if not warehouse.table_exists(table):
        return []
    return warehouse.query(f"select * from {check_identifier(table)} limit 0").columns


def select_where(
    warehouse: Warehouse, table: str, columns: list[str], where: list[tuple[str, Collection]]
) -> pl.DataFrame:
    """Rows of `table` (only `columns` that exist) where any `(column, values)` matches;
    columns the table lacks are left out of both. Empty when the table is missing."""
    have = columns_of(warehouse, table)
    if not have:
        return pl.DataFrame()
    conditions, params = [], []
    for column, values in where:
        if column in have and values:
            sql, p = in_list(f'cast("{column}" as text)', values)
            conditions.append(sql)
            params += p
    if not conditions:
        return pl.DataFrame()
    wanted = ", ".join(f'"{c}"' for c in columns if c in have) or "*"
    return warehouse.query(
        f"select {wanted} from {check_identifier(table)} where {' or '.join(conditions)}", params
    )
