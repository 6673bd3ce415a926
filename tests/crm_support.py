"""Helpers shared by the CRM sync tests (the `crm_settings` fixture is in conftest.py)."""

from __future__ import annotations

import dagster as dg
import polars as pl

from bizdev_assets.definitions import ASSETS
from resources.settings import Settings, build_resources
from resources.warehouse_duckdb import DuckDBWarehouse

WRITE_ROUTES = ("batch/upsert", "batch/update", "batch/create", "batch/archive")


def materialize(
    settings: Settings, selection=None, *, expect_success: bool = True
) -> dg.ExecuteInProcessResult:
    result = dg.materialize(
        ASSETS,
        selection=selection,
        resources=build_resources(settings),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert result.success is expect_success
    return result


def hubspot_writes(server) -> int:
    return sum(server.count(route) for route in WRITE_ROUTES)


def salesforce_writes(server) -> int:
    return sum(server.count(method) for method in ("POST", "PATCH", "DELETE")) - server.count(
        "POST", "/services/Soap"
    )


def table(settings: Settings, sql: str) -> pl.DataFrame:
    return DuckDBWarehouse(path=settings.warehouse).query(sql)
