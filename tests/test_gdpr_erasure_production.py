"""The erasure proof on the production configuration: an S3 landing zone, a Postgres
warehouse, Dagster on Postgres, both CRMs (their local servers) and Temporal. The person
is in three files under two emails, in HubSpot and Salesforce (pushed there by the sync)
and in a running sequence; after erasure nothing of them is in any bucket object, any
warehouse table, Dagster's database, either CRM (recycle bin included) or Temporal."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import psycopg
import pytest

from bizdev_assets.definitions import ASSETS
from bizdev_assets.gdpr.erase import ErasureSystems, request_erasure
from bizdev_assets.gdpr.requests import request_rows
from resources.settings import Settings, build_resources
from tests.gdpr_support import (
    SUBJECT,
    found_in,
    row_hashes,
    scan_files,
    scan_folder,
    scan_tables,
    write_subject_files,
)
from tests.outreach_support import outreach_in
from tests.servers.postgres import _new_database
from tests.test_gdpr_erasure_proof import all_tables, ingest_metadata, subject_workflows

REPO = Path(__file__).resolve().parent.parent
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
pytestmark = pytest.mark.usefixtures("hubspot_bizdev_fields", "salesforce_bizdev_fields")


def bucket_files(client, bucket: str) -> list[tuple[str, bytes]]:
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return [
        (o["Key"], client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()) for o in listed
    ]


def database_text(url: str, needles: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Every table of a Postgres database, every column as text, scanned for the
    subject (and for `needles`, e.g. secrets that must never be stored)."""
    found = {}
    with psycopg.connect(url) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'public'"
            ).fetchall()
        ]
        for table in tables:
            rows = con.execute(f'select t::text from "{table}" t').fetchall()
            text = "\n".join(r[0] for r in rows)
            hits = found_in(text) + [n for n in needles if n in text]
            if hits:
                found[table] = sorted(set(hits))
    return found


def crm_state(hubspot, salesforce) -> str:
    with hubspot._lock:
        hubspot_text = json.dumps(hubspot._stores, default=str)
    with salesforce._lock:
        salesforce_text = json.dumps(salesforce._state.records, default=str)
    return hubspot_text + salesforce_text


def test_erasure_reaches_s3_postgres_dagster_both_crms_and_temporal(
    tmp_path: Path,
    monkeypatch,
    postgres_server,
    s3_server,
    s3_bucket: str,
    crm_settings: Settings,
    hubspot,
    salesforce,
):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    dagster_db = _new_database(postgres_server, "dagster")
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", dagster_db)
    production = Settings.from_env(
        {
            "BIZDEV_LANDING": f"s3://{s3_bucket}/incoming",
            "BIZDEV_WAREHOUSE": _new_database(postgres_server, "warehouse"),
            "BIZDEV_DB_MIGRATE": "1",
        }
    )
    crm = {f.name: getattr(crm_settings, f.name) for f in dataclasses.fields(Settings)}
    settings = dataclasses.replace(
        production,
        **{k: v for k, v in crm.items() if k.startswith(("hubspot", "salesforce", "crm_"))},
        allow_insecure_http=True,
        gdpr_hmac_key="test-hmac-secret",
        **outreach_in(tmp_path),
    )
    source = tmp_path / "files"
    source.mkdir()
    originals = write_subject_files(source)
    s3 = s3_server.client()
    for name, data in originals.items():
        s3.put_object(Bucket=s3_bucket, Key=f"incoming/{name}", Body=data)
    resources = build_resources(settings)
    warehouse = resources["warehouse"]

    def materialize() -> dg.ExecuteInProcessResult:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            return dg.materialize(
                ASSETS, instance=instance, resources=build_resources(settings), run_config=QUIET
            )

    assert materialize().success
    golden = warehouse.read_table("golden_contacts")
    theirs = golden.filter(pl.col("last_name") == SUBJECT["last"])
    assert theirs.height == 1 and theirs["record_count"][0] == 3
    contact_id = theirs["contact_id"][0]
    assert found_in(crm_state(hubspot, salesforce))  # pushed to both CRMs
    workflow_id = warehouse.query(
        "select workflow_id from outreach_enrollments where contact_id = ?", [contact_id]
    )["workflow_id"][0]
    before = all_tables(warehouse)

    request_id = request_erasure(
        ErasureSystems.from_resources(
            {k: v.process_config_and_initialize() for k, v in resources.items()}
        ),
        email=SUBJECT["emails"][0],
        requested_by="dpo@example.com",
    )

    statuses = request_rows(warehouse, request_id)
    assert set(statuses["status"]) == {"finished"}, statuses.select(
        "destination", "status", "reason"
    ).rows()
    assert scan_files(bucket_files(s3, s3_bucket)) == {}
    assert scan_tables(all_tables(warehouse)) == {}
    secrets = ("test-hmac-secret", hubspot.token, salesforce.credentials()["password"])
    assert database_text(dagster_db, secrets) == {}  # no contact, and no secret, logged
    assert database_text(settings.warehouse, secrets) == {}
    assert scan_folder(home) == {}
    assert found_in(crm_state(hubspot, salesforce)) == []
    left = resources["temporal"].run(lambda c: subject_workflows(c, contact_id, workflow_id))
    assert left == []
    after = warehouse.read_table("golden_contacts")
    assert row_hashes(after) == row_hashes(golden.filter(pl.col("contact_id") != contact_id))
    for table, rows in before.items():
        if table not in {"gdpr_requests", "gdpr_suppressions", "audit_log", "landing_file_log"}:
            assert row_hashes(all_tables(warehouse)[table]) <= row_hashes(rows), table

    for name, data in originals.items():
        s3.put_object(Bucket=s3_bucket, Key=f"incoming/again/{name}", Body=data)
    again = materialize()
    assert again.success
    assert ingest_metadata(again)["files_already_ingested"] >= 3
    assert scan_tables(all_tables(warehouse)) == {}
    assert found_in(crm_state(hubspot, salesforce)) == []
