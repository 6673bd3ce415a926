"""Every warehouse table is classified for erasure: a table with text columns that
`bizdev_assets/gdpr/registry.py` does not list is found, scanned anyway, and makes the
erasure `partial_success` until someone classifies it."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from bizdev_assets.gdpr.identifiers import Subject
from bizdev_assets.gdpr.registry import PII_TABLES, rule_for
from bizdev_assets.gdpr.warehouse_erasure import erase_from_warehouse, unclassified_tables
from resources.warehouse import DuckDBWarehouse
from resources.warehouse.schema import ADR_TABLES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "tables.md"


def test_every_documented_and_migrated_table_is_classified():
    documented = set(re.findall(r"^\| `([a-z_]+)`", DOCS.read_text(), re.MULTILINE))
    documented |= {
        name
        for line in DOCS.read_text().splitlines()
        if line.startswith("| `crm_hubspot_contacts`")
        for name in re.findall(r"`([a-z_]+)`", line.split("|")[1])
    }
    views = {"contacts_enriched"}
    missing = sorted((documented | set(ADR_TABLES.tables)) - set(PII_TABLES) - views)
    assert missing == []


def test_a_new_table_with_text_is_reported_scanned_and_erased_from(tmp_path: Path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.append_rows(
        "partner_notes",
        pl.DataFrame({"note": ["met ada@example.com at the fair", "met grace@example.com"]}),
    )
    warehouse.append_rows("counts_only", pl.DataFrame({"n": [1, 2]}))
    assert rule_for("partner_notes") is None
    assert unclassified_tables(warehouse) == ["partner_notes"]

    outcome = erase_from_warehouse(warehouse, Subject(emails={"ada@example.com"}))

    assert outcome.unclassified == ["partner_notes"]
    assert outcome.deleted == {"partner_notes": 1}
    assert warehouse.read_table("partner_notes")["note"].to_list() == ["met grace@example.com"]


def test_a_shared_phone_or_email_is_not_the_subjects_alone(tmp_path: Path):
    from bizdev_assets.gdpr.subject import resolve_subject

    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.append_rows(
        "contacts_normalized",
        pl.DataFrame(
            {
                "record_id": ["r1", "r2"],
                "email": ["ada@acme.com", "grace@acme.com"],
                "phone": ["+442079460000", "+442079460000"],  # the switchboard
                "mobile": ["+447700900123", None],
                "first_name": ["Ada", "Grace"],
                "last_name": ["Lovelace", "Hopper"],
            }
        ),
    )
    subject = resolve_subject(warehouse, email="ADA@acme.com")
    assert subject.emails == {"ada@acme.com"}
    assert subject.phones == {"+447700900123"}
