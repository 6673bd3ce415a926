"""The Prometheus exporter, scraped over HTTP after a real pipeline run, agrees with the
warehouse; it survives missing tables and a broken source; its labels stay bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg
import httpx
import polars as pl
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bizdev_assets.definitions import ASSETS, build_definitions
from bizdev_assets.demo.generator import generate_demo
from bizdev_assets.observability.commands import exporter_options
from bizdev_assets.observability.exporter import render_metrics, serve_metrics
from bizdev_assets.observability.families import LABEL_LIMIT, bounded
from bizdev_assets.observability.metrics_systems import api_usage_ratio
from jobs.contacts import CONTACT_CHAIN
from jobs.crm import CRM_PULLS, CRM_PUSHES
from resources.settings import build_resources
from resources.warehouse import DuckDBWarehouse


def samples(text: str) -> dict[str, list]:
    """Metric family name -> its samples, as the Prometheus text parser reads them."""
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def value(families: dict, sample_name: str, **labels: str) -> float:
    found = [
        s.value
        for family in families.values()
        for s in family
        if s.name == sample_name and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    assert found, f"no sample {sample_name} {labels}"
    return sum(found)


def by_label(families: dict, sample_name: str, label: str) -> dict[str, float]:
    return {
        s.labels[label]: s.value
        for family in families.values()
        for s in family
        if s.name == sample_name
    }


@pytest.mark.usefixtures("hubspot_bizdev_fields", "salesforce_bizdev_fields")
def test_a_scrape_after_a_pipeline_run_matches_the_warehouse(crm_settings, landing, tmp_path):
    generate_demo(landing, tmp_path / "labels.csv", n_rows=600, seed=11)
    defs = build_definitions(crm_settings)
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            ASSETS,
            selection=CONTACT_CHAIN | CRM_PULLS | CRM_PUSHES,
            instance=instance,
            resources=build_resources(crm_settings),
        )
        assert result.success
        warehouse = DuckDBWarehouse(path=crm_settings.warehouse)
        server, _ = serve_metrics(0, "127.0.0.1", warehouse, instance, **exporter_options(defs))
        try:
            response = httpx.get(f"http://127.0.0.1:{server.server_port}/metrics", timeout=30)
        finally:
            server.shutdown()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    got = samples(response.text)
    q = lambda sql: warehouse.query(sql)  # noqa: E731

    assert by_label(got, "bizdev_exporter_source_up", "source") == {"warehouse": 1, "dagster": 1}
    per_type = dict(q("select source_type, sum(rows_read) from landing_file_log group by 1").rows())
    assert by_label(got, "bizdev_rows_read_total", "source_type") == per_type
    assert sum(per_type.values()) == warehouse.row_count("raw_contact_files")
    normalized = dict(q("select source_type, count(*) from contacts_normalized group by 1").rows())
    assert by_label(got, "bizdev_rows_normalized_total", "source_type") == normalized
    assert value(got, "bizdev_rows_quarantined_total") == warehouse.row_count("contacts_quarantine")
    files = warehouse.row_count("landing_file_log")
    assert value(got, "bizdev_landing_files_total", status="loaded") == files
    assert value(got, "bizdev_ingestion_latency_seconds_count") == files
    assert value(got, "bizdev_ingestion_latency_seconds_bucket", le="+Inf") == files
    golden = warehouse.row_count("golden_contacts")
    assert value(got, "bizdev_golden_contacts") == golden
    assert value(got, "bizdev_duplicate_ratio") == pytest.approx(
        1 - golden / warehouse.row_count("contacts_normalized")
    )
    consent = q("select gdpr_consent, count(*) from contacts group by 1").rows()
    assert by_label(got, "bizdev_contacts", "gdpr_consent") == {
        str(k).lower(): v for k, v in consent
    }

    runs = q("select crm_type, direction, status, count(*) from crm_sync_runs group by all").rows()
    assert len(runs) == 4  # both CRMs, pull and push, all succeeded
    for crm, direction, status, n in runs:
        assert (
            value(got, "bizdev_crm_sync_runs_total", crm=crm, direction=direction, status=status)
            == n
        )
        assert 0 <= value(got, "bizdev_crm_sync_lag_seconds", crm=crm, direction=direction) < 600
    sent = q("select sum(records_sent) from crm_sync_runs where crm_type = 'hubspot'")[0, 0]
    assert value(got, "bizdev_crm_sync_records_total", crm="hubspot", outcome="sent") == sent
    assert 0 <= value(got, "bizdev_crm_api_usage_ratio", crm="salesforce") < 1

    assert (
        value(got, "bizdev_dagster_runs_total", job="__ephemeral_asset_job__", status="success")
        == 1
    )
    assert value(got, "bizdev_dagster_runs_total", job="contacts_refresh", status="failure") == 0
    assert value(got, "bizdev_dagster_last_run_failed", job="__ephemeral_asset_job__") == 0
    assert value(got, "bizdev_dagster_last_run_duration_seconds", job="__ephemeral_asset_job__") > 0
    stamps = by_label(got, "bizdev_asset_last_materialization_timestamp_seconds", "asset")
    assert {"contacts", "golden_contacts", "crm_hubspot_push"} <= set(stamps)
    checks = {
        (s.labels["asset"], s.labels["check"]): s.value for s in got["bizdev_asset_check_passed"]
    }
    assert checks and all(checks.values()), checks  # the chain's contracts held


def test_an_empty_warehouse_still_scrapes_with_nothing_to_count(tmp_path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "empty.duckdb"))
    with dg.instance_for_test() as instance:
        got = samples(render_metrics(warehouse, instance).decode())
    assert by_label(got, "bizdev_exporter_source_up", "source") == {"warehouse": 1, "dagster": 1}
    assert "bizdev_rows_read" not in got and "bizdev_crm_sync_runs" not in got
    assert value(got, "bizdev_dagster_runs_total", job="contacts_refresh", status="success") == 0


def test_a_broken_warehouse_is_reported_and_dagster_metrics_still_come(tmp_path):
    broken = tmp_path / "not_a_database.duckdb"
    broken.write_text("this is not a DuckDB file")
    with dg.instance_for_test() as instance:
        got = samples(render_metrics(DuckDBWarehouse(path=str(broken)), instance).decode())
    assert by_label(got, "bizdev_exporter_source_up", "source") == {"warehouse": 0, "dagster": 1}
    assert "bizdev_dagster_runs" in got


def test_odd_label_values_fold_into_other_so_cardinality_stays_bounded(tmp_path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    now = datetime(2026, 12, 1, tzinfo=UTC).replace(tzinfo=None)
    log = pl.DataFrame(
        {
            "file_hash": [f"h{i}" for i in range(100)],
            "source_type": [f"type{i}" for i in range(100)],
            "status": ["loaded"] * 100,
            "rows_read": list(range(100)),
            "landed_at": [now] * 100,
            "ingested_at": [now] * 100,
            "normalized_at": [now] * 100,
        }
    )
    warehouse.append_rows("landing_file_log", log)
    got = samples(render_metrics(warehouse, None).decode())
    rows = by_label(got, "bizdev_rows_read_total", "source_type")
    assert len(rows) == LABEL_LIMIT + 1 and "other" in rows
    assert sum(rows.values()) == sum(range(100))
    assert by_label(got, "bizdev_exporter_source_up", "source") == {"warehouse": 1, "dagster": 0}


def test_bounded_keeps_the_largest_values_and_sums_the_rest():
    folded = bounded([("a", 5), ("b", 1), ("c", 3), (None, 2)], limit=2)
    assert folded == {"a": 5, "c": 3, "other": 3}


@pytest.mark.parametrize(
    ("stored", "ratio"),
    [
        ("api-usage=300/15000", 0.02),
        ("X-HubSpot-RateLimit-Max=100; X-HubSpot-RateLimit-Remaining=75", 0.25),
        (
            "X-HubSpot-RateLimit-Max=100; X-HubSpot-RateLimit-Remaining=99; "
            "X-HubSpot-RateLimit-Daily=250000; X-HubSpot-RateLimit-Daily-Remaining=200000",
            0.2,
        ),
        ("", None),
        ("nonsense", None),
    ],
)
def test_api_usage_is_read_from_the_headers_each_crm_sends(stored, ratio):
    assert api_usage_ratio(stored) == (pytest.approx(ratio) if ratio is not None else None)


def test_files_logged_before_landed_at_existed_count_from_when_they_were_read(tmp_path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    read = datetime(2026, 12, 1, 12, 0)
    log = pl.DataFrame(
        {
            "file_hash": ["old", "new"],
            "source_type": ["csv", "csv"],
            "status": ["loaded", "loaded"],
            "rows_read": [10, 10],
            "landed_at": [None, read - timedelta(minutes=10)],
            "ingested_at": [read, read],
            "normalized_at": [read + timedelta(seconds=20), read + timedelta(seconds=20)],
        },
        schema_overrides={"landed_at": pl.Datetime("us")},
    )
    warehouse.append_rows("landing_file_log", log)
    got = samples(render_metrics(warehouse, None).decode())
    assert value(got, "bizdev_ingestion_latency_seconds_count") == 2
    assert value(got, "bizdev_ingestion_latency_seconds_sum") == 20 + 620
    assert value(got, "bizdev_ingestion_latency_seconds_bucket", le="30") == 1


def test_gdpr_requests_open_per_destination_and_the_oldest_age(tmp_path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    now = datetime(2026, 12, 1, 12, 0)
    days = [0, 0, 40, 40, 1]
    requests = pl.DataFrame(
        {
            "request_id": ["r1", "r1", "r2", "r2", "r3"],
            "destination": ["hubspot", "warehouse", "hubspot", "salesforce", "hubspot"],
            "status": ["finished", "finished", "failed", "pending", "running"],
            "requested_at": [now - timedelta(days=d) for d in days],
        }
    )
    warehouse.append_rows("gdpr_requests", requests)
    got = samples(render_metrics(warehouse, None, clock=lambda: now.replace(tzinfo=UTC)).decode())
    assert by_label(got, "bizdev_gdpr_requests", "status") == {
        "finished": 2, "failed": 1, "pending": 1, "running": 1,
    }  # fmt: skip
    assert by_label(got, "bizdev_gdpr_requests_open", "destination") == {
        "hubspot": 2, "salesforce": 1,
    }  # fmt: skip
    ages = by_label(got, "bizdev_gdpr_oldest_open_request_age_seconds", "destination")
    assert ages == {"hubspot": 40 * 86400, "salesforce": 40 * 86400}
