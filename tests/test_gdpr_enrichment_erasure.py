"""Erasure reaches what person enrichment kept: the cache row (keyed by a hash of the
email), `person_enrichment`, the providers' raw responses in the landing zone's archive
files and in the dlt raw layer (child tables included). Other people's stay."""

from __future__ import annotations

import dagster as dg
import polars as pl
from dagster_dlt import DagsterDltResource

from bizdev_assets.enrichment.raw_layer import enrichment_raw
from bizdev_assets.enrichment.runs import enrich_people
from bizdev_assets.gdpr.landing_erasure import erase_from_landing
from bizdev_assets.gdpr.subject import resolve_subject
from bizdev_assets.gdpr.warehouse_erasure import erase_from_warehouse, sql_name, text_columns
from tests.enrichment_support import NOW, providers, scenario
from tests.gdpr_support import flat


def holding(warehouse, landing_root, email: str) -> list[str]:
    places = [
        t
        for t in text_columns(warehouse)
        if email in flat(warehouse.query(f"select * from {sql_name(t)}")).write_csv().lower()
    ]
    places += [
        str(p) for p in landing_root.rglob("*") if p.is_file() and email in p.read_text().lower()
    ]
    return places


def test_a_persons_enrichment_is_erased_from_cache_archives_and_raw_layer(tmp_path, apollo, pdl):
    warehouse, landing, _ = scenario(tmp_path, 40, 4, 1)
    golden = warehouse.read_table("golden_contacts")
    consented = golden.filter(pl.col("gdpr_consent"))["email"].to_list()
    for email in consented[:3]:
        apollo.seed_person(email, title="VP Sales", seniority="vp")
    for email in consented[3:6]:
        pdl.seed_person(email, likelihood=9)
    run = enrich_people(
        warehouse,
        landing,
        providers(["apollo", "pdl", "offline"], apollo, pdl, people=True),
        golden,
        run_id="r",
        now=NOW,
    )
    warehouse.replace_table("person_enrichment", run.frame)  # what the asset writes
    resources = {"warehouse": warehouse, "landing": landing, "dlt_raw": DagsterDltResource()}
    assert dg.materialize([enrichment_raw], resources=resources).success
    root = tmp_path / "landing"
    erased, kept = consented[3], consented[4]  # both matched at PDL
    assert holding(warehouse, root, erased) and holding(warehouse, root, kept)

    subject = resolve_subject(warehouse, email=erased)
    erase_from_landing(landing, warehouse, subject, "req-1")
    outcome = erase_from_warehouse(warehouse, subject)

    assert holding(warehouse, root, erased) == []
    assert outcome.remaining == {}
    assert "enrichment_cache" in outcome.deleted
    assert any(t.startswith("enrichment_raw.") for t in outcome.deleted)
    assert holding(warehouse, root, kept)  # the other person's enrichment stays
