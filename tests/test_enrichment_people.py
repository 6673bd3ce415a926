"""Person enrichment: off unless asked for, and then only for contacts whose consent
allows it (`may_enrich_person`), through the same waterfall as companies."""

from __future__ import annotations

import json

import dagster as dg
import polars as pl

from bizdev_assets.enrichment.assets import person_enrichment
from bizdev_assets.enrichment.people import may_enrich_person
from bizdev_assets.enrichment.runs import enrich_people
from resources.enrichment import EnrichmentProviders
from tests.enrichment_support import NOW, providers, scenario

CONSENTED = {
    "email": "ada@acme.com",
    "gdpr_consent": True,
    "consent_source": "webform",
    "is_role_email": False,
    "is_disposable_email": False,
}


def test_only_a_consented_personal_address_may_be_looked_up():
    assert may_enrich_person(CONSENTED)
    assert not may_enrich_person({**CONSENTED, "gdpr_consent": False})
    assert not may_enrich_person({**CONSENTED, "gdpr_consent": None})
    assert not may_enrich_person({**CONSENTED, "is_role_email": True})
    assert not may_enrich_person({**CONSENTED, "is_disposable_email": True})
    assert not may_enrich_person({**CONSENTED, "email": None})


def test_consented_contacts_are_matched_at_apollo_in_bulk_and_at_pdl_only_if_apollo_missed(
    tmp_path, apollo, pdl
):
    warehouse, landing, _ = scenario(tmp_path, 40, 4, 1)
    golden = warehouse.read_table("golden_contacts")
    consented = golden.filter(pl.col("gdpr_consent"))["email"].to_list()
    for email in consented[:10]:
        apollo.seed_person(email, title="VP Sales", seniority="vp")
    for email in consented[10:15]:
        pdl.seed_person(email, likelihood=9)
    enrichment = providers(["apollo", "pdl", "offline"], apollo, pdl, people=True)

    run = enrich_people(warehouse, landing, enrichment, golden, run_id="r", now=NOW)

    asked_apollo = [
        d["email"]
        for r in apollo.logged("POST", "/api/v1/people/bulk_match")
        for d in json.loads(r.body)["details"]
    ]
    assert sorted(asked_apollo) == sorted(consented) and len(consented) == 20
    assert sorted(pdl.asked) == sorted(consented[10:])
    assert (run.frame.height, run.not_allowed) == (20, 20)
    assert set(run.frame["lawful_basis"]) == {"consent (webform)"}
    found = run.frame.filter(pl.col("email") == consented[10]).row(0, named=True)
    assert (found["title"], found["seniority"]) == (
        "Co-Founder and Chief Executive Officer",
        "c_level",
    )


def test_person_enrichment_is_off_by_default_and_asks_nobody(tmp_path, apollo):
    warehouse, landing, _ = scenario(tmp_path, 40, 4, 1)
    result = dg.materialize(
        [person_enrichment],
        resources={"warehouse": warehouse, "landing": landing, "enrichment": EnrichmentProviders()},
    )
    [event] = result.get_asset_materialization_events()
    assert event.materialization.metadata["reason"].value == "off: set BIZDEV_ENRICHMENT_PEOPLE=1"
    assert warehouse.row_count("person_enrichment") == 0 and apollo.requests == []
