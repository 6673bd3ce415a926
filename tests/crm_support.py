"""Helpers shared by the CRM tests (the `crm_settings` fixture is in conftest.py)."""

from __future__ import annotations

import uuid

import dagster as dg
import polars as pl

from bizdev_assets.definitions import ASSETS
from resources.crm.hubspot import HubSpotCrm
from resources.crm.salesforce import SalesforceCrm
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse

WRITE_ROUTES = ("batch/upsert", "batch/update", "batch/create", "batch/archive")


def hubspot_crm(server, **options) -> HubSpotCrm:
    """A HubSpot client of the local server, with short backoffs."""
    options = {
        "backoff_seconds": 0.01,
        "max_backoff_seconds": 0.05,
        "allow_insecure_http": True,  # the local server speaks plain HTTP
        **options,
    }
    return HubSpotCrm(server.token, server.url, **options)


def salesforce_crm(server, **overrides) -> SalesforceCrm:
    """A Salesforce client that logs in to the local server through a full-URL domain,
    trusting its CA, with short backoffs."""
    settings = {
        **server.credentials(),  # username, password, security_token, domain=https://127.0.0.1:port
        "ca_bundle": server.ca_path,
        "backoff_seconds": 0.01,
        "max_backoff_seconds": 0.05,
        "timeout_seconds": 5.0,
        **overrides,
    }
    return SalesforceCrm(**settings)


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


def golden_frames(n: int) -> dict[str, pl.DataFrame]:
    """Synthetic golden_contacts, contacts and contact_quality_scores of n people."""
    i = pl.int_range(0, n, eager=True)
    ids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench:{k}")) for k in range(n)]
    golden = pl.DataFrame(
        {
            "contact_id": ids,
            "cluster_id": ids,
            "email": (
                "person" + i.cast(pl.String) + "@company" + (i % 5000).cast(pl.String) + ".com"
            ),
            "first_name": "First" + i.cast(pl.String),
            "last_name": "Last" + i.cast(pl.String),
            "phone": "+4930" + (1_000_000 + i).cast(pl.String),
            "mobile": "+49170" + (1_000_000 + i).cast(pl.String),
            "company": "Company " + (i % 5000).cast(pl.String),
            "title": pl.Series(["Engineer", "Manager", "Director", "VP Sales"])[i % 4],
            "department": pl.Series(["Engineering", "Sales", "Finance"])[i % 3],
            "city": pl.Series(["Berlin", "Munich", "Hamburg", "London", "Paris"])[i % 5],
            "country": pl.Series(["DE", "DE", "DE", "GB", "FR"])[i % 5],
            "website": "https://company" + (i % 5000).cast(pl.String) + ".com",
            "lead_source": pl.Series(["Web", "Trade Show", "Cold Call"])[i % 3],
            "last_updated_at": pl.Series([None] * n, dtype=pl.Datetime("us")),
        }
    )
    contacts = golden.select(
        pl.col("contact_id").alias("id"),
        "email",
        pl.lit(None, pl.Datetime("us")).alias("updated_at"),
    )
    scores = golden.select("contact_id", ((i % 100) / 100).alias("quality_score"))
    return {"golden_contacts": golden, "contacts": contacts, "contact_quality_scores": scores}


def first_run_env(monkeypatch, tmp_path, landing, hubspot=None, salesforce=None, **extra) -> None:
    """The environment an operator sets for `bizdev run` / `bizdev crm setup` against the
    local servers: a DuckDB warehouse (unless `extra` names another), both CRMs given."""
    env = {
        "BIZDEV_LANDING": str(landing),
        "BIZDEV_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "BIZDEV_CRM_BACKOFF_SECONDS": "0.01",
        "COLUMNS": "250",  # rich wraps the summary at the terminal's width
    }
    if hubspot is not None:
        env |= {
            "HUBSPOT_ACCESS_TOKEN": hubspot.token,
            "HUBSPOT_API_BASE": hubspot.url,
            "BIZDEV_ALLOW_INSECURE_HTTP": "1",  # the local server speaks plain HTTP
        }
    if salesforce is not None:
        env |= salesforce.env()
    for name in ("HUBSPOT_ACCESS_TOKEN", "SALESFORCE_USERNAME", "SALESFORCE_INSTANCE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**env, **extra}.items():
        monkeypatch.setenv(name, value)
