"""Retention on a frozen clock: rows past their table's period are deleted, younger ones
and unlisted tables are kept, and every run logs what it deleted per table."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from bizdev_assets.gdpr.retention import apply_retention, load_policy
from resources.warehouse import DuckDBWarehouse

NOW = datetime(2027, 6, 1, 12, 0)


def test_rows_past_their_period_go_and_the_deletion_is_logged(tmp_path: Path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    ages = [10, 89, 91, 400]
    warehouse.append_rows(
        "contacts_quarantine",
        pl.DataFrame(
            {"reason": ["r"] * 4, "quarantined_at": [NOW - timedelta(days=d) for d in ages]}
        ),
    )
    warehouse.append_rows(
        "raw_contact_files",
        pl.DataFrame(
            {"email": ["a", "b"], "ingested_at": [NOW - timedelta(days=d) for d in (364, 366)]}
        ),
    )
    warehouse.append_rows(
        "golden_contacts",
        pl.DataFrame({"contact_id": ["c"], "first_seen_at": [NOW - timedelta(days=4000)]}),
    )

    warehouse.append_rows(  # `at` is a reserved word in DuckDB: quoted
        "outreach_events", pl.DataFrame({"event": ["sent"], "at": [NOW - timedelta(days=800)]})
    )

    log = apply_retention(warehouse, load_policy(), NOW)

    kept = warehouse.read_table("contacts_quarantine")["quarantined_at"]
    assert sorted((NOW - t).days for t in kept) == [10, 89]
    assert warehouse.read_table("raw_contact_files")["email"].to_list() == ["a"]
    assert warehouse.row_count("golden_contacts") == 1  # not listed: kept until erased
    deleted = dict(log.select("table_name", "rows_deleted").rows())
    assert deleted["contacts_quarantine"] == 2 and deleted["raw_contact_files"] == 1
    assert deleted["outreach_events"] == 1
    assert deleted["crm_sync_changes"] == 0  # table absent: logged, nothing to do
    assert warehouse.row_count("retention_log") == log.height

    again = apply_retention(warehouse, load_policy(), NOW)  # idempotent
    assert again["rows_deleted"].sum() == 0


def test_a_malformed_period_names_the_file_and_the_table(tmp_path: Path):
    policy = tmp_path / "retention.yaml"
    policy.write_text("contacts_quarantine: {column: quarantined_at, days: ninety}\n")
    with pytest.raises(ValueError, match=r"retention.yaml: contacts_quarantine: expected"):
        load_policy(policy)
