"""The raw layer: provider responses archived as NDJSON in the landing zone, loaded by dlt
(dagster-dlt) into `enrichment_raw` with nested JSON as child tables, each file once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dagster as dg
import polars as pl
from dagster_dlt import DagsterDltResource

from bizdev_assets.enrichment.raw_layer import enrichment_raw
from bizdev_assets.enrichment.runs import enrich_companies
from resources.landing import LocalLanding
from resources.settings import landing_for
from tests.enrichment_support import NOW, providers, scenario


def load_raw(warehouse, landing) -> dg.ExecuteInProcessResult:
    resources = {"warehouse": warehouse, "landing": landing, "dlt_raw": DagsterDltResource()}
    return dg.materialize([enrichment_raw], resources=resources)


def count(warehouse, table: str) -> int:
    return warehouse.query(f"select count(*) as n from enrichment_raw.{table}")["n"][0]


def test_responses_are_loaded_once_with_child_tables_and_new_fields_as_new_columns(
    tmp_path, apollo
):
    warehouse, landing, domains = scenario(tmp_path, 200, 20, 4)
    for domain in domains[:15]:
        apollo.seed_organization(domain)
    enrichment = providers(["apollo"], apollo)
    enrich_companies(warehouse, landing, enrichment, run_id="run-1", now=NOW)

    first = load_raw(warehouse, landing)
    loaded = (
        count(warehouse, "apollo_responses"),
        count(warehouse, "apollo_responses__response__organizations"),
    )
    techs = count(warehouse, "apollo_responses__response__organizations__technology_names")

    apollo.seed_organization(domains[0], funding_stage="Series B")
    later = NOW + timedelta(days=100)  # every cached answer has expired
    enrich_companies(warehouse, landing, enrichment, run_id="run-2", now=later)
    warehouse.append_rows(
        "enrichment_archive_files",
        pl.DataFrame(
            {"archive_key": ["enrichment/apollo/2026-12-31/235959-gone-0001.ndjson"], "provider": ["apollo"],
             "records": [1], "bytes": [10], "run_id": ["gone"], "written_at": [later.replace(tzinfo=None)]}
        ),
    )  # fmt: skip
    second = load_raw(warehouse, landing)

    assert first.success and second.success
    assert loaded == (2, 15) and techs == 45  # two bulk calls, 15 organizations found
    assert count(warehouse, "apollo_responses") == 2 + 2 + 1  # nothing loaded twice
    columns = warehouse.query(
        "select column_name from information_schema.columns "
        "where table_name = 'apollo_responses__response__organizations'"
    )["column_name"].to_list()
    assert "funding_stage" in columns
    missing = warehouse.query(
        "select error from enrichment_raw.apollo_responses where error is not null"
    )["error"].to_list()
    assert missing == [
        "archive file enrichment/apollo/2026-12-31/235959-gone-0001.ndjson is missing"
    ]


def test_archives_are_never_read_as_contact_files(tmp_path, apollo):
    warehouse, landing, domains = scenario(tmp_path, 40, 4, 1)
    apollo.seed_organization(domains[0])
    enrich_companies(warehouse, landing, providers(["apollo"], apollo), run_id="r", now=NOW)
    archived = list(Path(landing.root).rglob("*.ndjson"))
    assert archived and all("enrichment/apollo/2026-12-02/" in str(p) for p in archived)
    assert LocalLanding(root=landing.root).list_files() == []


def test_in_a_bucket_archives_land_under_enrichment_and_the_raw_layer_reads_them_back(
    tmp_path, apollo, aws_env, s3_bucket
):
    warehouse, _, domains = scenario(tmp_path, 40, 4, 1)
    landing = landing_for(f"s3://{s3_bucket}/inbox")  # production: MinIO / S3
    apollo.seed_organization(domains[0])
    enrich_companies(warehouse, landing, providers(["apollo"], apollo), run_id="r", now=NOW)

    listed = aws_env.client().list_objects_v2(Bucket=s3_bucket).get("Contents", [])
    keys = [item["Key"] for item in listed]
    assert keys and all(k.startswith("inbox/enrichment/apollo/2026-12-02/") for k in keys)
    assert landing.list_files() == []  # never read as contact files
    assert load_raw(warehouse, landing).success
    assert count(warehouse, "apollo_responses") == len(apollo.requests)
