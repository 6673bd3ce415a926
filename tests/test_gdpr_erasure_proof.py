"""The erasure proof on the embedded default: a person in three files under two emails,
enrolled in a running sequence, is erased; then every landing file, every warehouse
table, Dagster's storage, the outbox and Temporal hold nothing of them, nobody else
changed, and neither re-dropping the files nor a new file brings them back."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from temporalio.service import RPCError, RPCStatusCode

from bizdev_assets.definitions import ASSETS
from bizdev_assets.gdpr.erase import ErasureSystems, request_erasure
from bizdev_assets.gdpr.requests import request_rows
from bizdev_assets.gdpr.warehouse_erasure import sql_name, text_columns, unclassified_tables
from bizdev_assets.outreach.records import WORKFLOW_TYPE, contact_id_prefix
from resources.settings import build_resources
from resources.warehouse import Warehouse
from tests.gdpr_support import (
    HEADER,
    OTHERS,
    SUBJECT,
    row_hashes,
    scan_files,
    scan_folder,
    scan_tables,
    subject_row,
    write_subject_files,
)

# Tables an erasure itself writes to (its request, the suppression list, the audit log,
# the rewritten files' log rows): excluded from "every other row is unchanged".
ERASURE_WRITES = {"gdpr_requests", "gdpr_suppressions", "audit_log", "landing_file_log"}


@pytest.fixture
def gdpr_settings(settings, tmp_path: Path):
    return dataclasses.replace(
        settings, gdpr_hmac_key="test-hmac-secret", gdpr_key_file=str(tmp_path / "hmac.key")
    )


def all_tables(warehouse: Warehouse) -> dict[str, pl.DataFrame]:
    """Every table, the enrichment raw layer's included."""
    return {t: warehouse.query(f"select * from {sql_name(t)}") for t in text_columns(warehouse)}


def landing_files(landing: Path) -> list[tuple[str, bytes]]:
    return [(str(p), p.read_bytes()) for p in landing.rglob("*") if p.is_file()]


async def subject_workflows(client, contact_id: str, workflow_id: str) -> list[str]:
    """Workflows Temporal still lists for the contact, and whether the known one's
    history can still be read."""
    query = (
        f"WorkflowType = '{WORKFLOW_TYPE}' AND WorkflowId STARTS_WITH "
        f"'{contact_id_prefix(contact_id)}'"
    )
    found = [e.id async for e in client.list_workflows(query)]
    try:
        await client.get_workflow_handle(workflow_id).fetch_history()
        found.append(f"history of {workflow_id}")
    except RPCError as exc:
        assert exc.status == RPCStatusCode.NOT_FOUND
    return found


def materialize(instance, resources) -> dg.ExecuteInProcessResult:
    return dg.materialize(ASSETS, instance=instance, resources=resources)


def ingest_metadata(result: dg.ExecuteInProcessResult) -> dict:
    for event in result.get_asset_materialization_events():
        if event.asset_key == dg.AssetKey("raw_contact_files"):
            return {k: v.value for k, v in event.materialization.metadata.items()}
    return {}


def test_an_erased_person_is_found_nowhere_and_does_not_come_back(
    gdpr_settings, landing: Path, tmp_path: Path
):
    originals = write_subject_files(landing)
    resources = build_resources(gdpr_settings)
    warehouse: Warehouse = resources["warehouse"]
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        assert materialize(instance, resources).success
        golden = warehouse.read_table("golden_contacts")
        theirs = golden.filter(pl.col("last_name") == SUBJECT["last"])
        assert theirs.height == 1 and theirs["record_count"][0] == 3  # one person, two emails
        contact_id = theirs["contact_id"][0]
        enrolled = warehouse.read_table("outreach_enrollments").filter(
            pl.col("contact_id") == contact_id
        )
        assert enrolled.height == 1  # a sequence is running for them
        workflow_id = enrolled["workflow_id"][0]
        before = all_tables(warehouse)
        assert scan_tables(before)  # the scan does see them before
        assert unclassified_tables(warehouse) == []  # every table written is classified

        request_id = request_erasure(
            ErasureSystems.from_resources(resources),
            email=SUBJECT["emails"][1],  # the private email: one file only
            requested_by="dpo@example.com",
        )

        statuses = request_rows(warehouse, request_id)
        assert set(statuses["status"]) == {"finished"}, statuses.to_dicts()
        after = all_tables(warehouse)
        assert scan_files(landing_files(landing)) == {}
        assert scan_tables(after) == {}
        assert scan_folder(home) == {}  # Dagster's run and event storage
        assert scan_folder(Path(gdpr_settings.outbox)) == {}
        left = resources["temporal"].run(lambda c: subject_workflows(c, contact_id, workflow_id))
        assert left == []

        for table, rows in before.items():
            if table in ERASURE_WRITES:
                continue
            kept, now = row_hashes(rows), row_hashes(after.get(table, rows.clear()))
            assert now <= kept, f"{table}: rows of other people changed"
        golden_after = after["golden_contacts"]
        assert golden_after.height == golden.height - 1
        assert row_hashes(golden_after) == row_hashes(
            golden.filter(pl.col("contact_id") != contact_id)
        )

        # The same files dropped again are known by their content: nothing is read.
        redrop = landing / "redrop"
        redrop.mkdir()
        for name, data in originals.items():
            (redrop / name).write_bytes(data)
        again = materialize(instance, resources)
        assert again.success
        assert ingest_metadata(again)["files_already_ingested"] >= 3
        # A new export holding them under both emails: their rows are suppressed, counted.
        late = [subject_row(e, SUBJECT["phone"]) for e in SUBJECT["emails"]]
        late.append(
            ["Ines", "Moreau", "ines.moreau@bordeauxvin.fr", "+33 5 56 12 34 56", "Bordeaux Vins"]
            + ["VP Sales", "FR", "yes", "Web"]
        )
        header = ",".join(HEADER) + "\n"
        (landing / "late_export.csv").write_text(header + "".join(",".join(r) + "\n" for r in late))
        later = materialize(instance, resources)
        assert later.success
        assert ingest_metadata(later)["rows_suppressed"] == 2
        final = all_tables(warehouse)
        assert scan_tables(final) == {}
        assert scan_files(landing_files(landing)) == {} or set(
            scan_files(landing_files(landing))
        ) <= {str(redrop / n) for n in originals} | {str(landing / "late_export.csv")}
        assert "ines.moreau@bordeauxvin.fr" in set(final["contacts_normalized"]["email"])
        assert len(OTHERS) + 1 == final["golden_contacts"].height
