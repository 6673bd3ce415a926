"""The provider waterfall over the local Apollo and PDL servers and a real DuckDB warehouse:
who is asked about what, how often, what it costs, and what is remembered.

The scenario of the issue: 1,000 golden contacts over 120 domains, 30 of them free-mail.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dagster_dlt import DagsterDltResource

from bizdev_assets.enrichment.assets import company_domains, company_enrichment
from bizdev_assets.enrichment.columns import COMPANY_FIELDS
from bizdev_assets.enrichment.raw_layer import enrichment_raw
from bizdev_assets.enrichment.runs import enrich_companies
from tests.enrichment_support import NOW, providers
from tests.enrichment_support import scenario as issue_scenario


@pytest.fixture
def scenario(tmp_path):
    """(warehouse, landing, the 90 company domains) of the issue's scenario."""
    return issue_scenario(tmp_path)


def run(scenario, enrichment, *, now=NOW, run_id="run-1"):
    warehouse, landing, _ = scenario
    return enrich_companies(warehouse, landing, enrichment, run_id=run_id, now=now)


def statuses(result) -> dict[str, str]:
    return dict(zip(result.frame["domain"], result.frame["status"], strict=True))


def costs(scenario) -> dict[tuple, dict]:
    rows = scenario[0].read_table("enrichment_costs")
    return {(r["provider"], r["day"].isoformat()): r for r in rows.iter_rows(named=True)}


def test_apollo_is_asked_in_bulk_and_pdl_only_about_apollos_misses(scenario, apollo, pdl):
    domains = scenario[2]
    misses = domains[:20]
    for domain in domains[20:]:
        apollo.seed_organization(domain)
    for domain in misses[:12]:
        pdl.seed_company(domain)

    result = run(scenario, providers(["apollo", "pdl", "offline"], apollo, pdl))

    assert len(apollo.requests) <= 12
    assert sorted(apollo.asked) == sorted(domains)  # free-mail domains never cost a credit
    assert sorted(pdl.asked) == sorted(misses)
    assert (apollo.credits, pdl.credits) == (70, 12)
    assert list(statuses(result).values()).count("complete") == 82
    assert json.loads(result.frame.filter(pl.col("domain") == misses[0])["providers"][0]) == {
        "apollo": "miss",
        "pdl": "hit",
    }


def test_a_rerun_is_answered_from_the_cache_without_a_call_or_a_credit(scenario, apollo, pdl):
    for domain in scenario[2][20:]:
        apollo.seed_organization(domain)
    enrichment = providers(["apollo", "pdl", "offline"], apollo, pdl)
    first = run(scenario, enrichment)
    apollo.reset_plumbing(), pdl.reset_plumbing()

    again = run(scenario, enrichment, run_id="run-2")

    assert (apollo.requests, pdl.requests) == ([], [])
    assert again.cache_hit_ratio == 1.0
    values = ["domain", *COMPANY_FIELDS, "status"]
    assert again.frame.select(values).equals(first.frame.select(values))
    apollo_today = costs(scenario)[("apollo", "2026-12-02")]
    assert (apollo_today["credits"], apollo_today["cache_hits"], apollo_today["calls"]) == (
        70,
        90,
        9,
    )


def test_each_field_keeps_the_first_valid_value_and_where_it_came_from(scenario, apollo, pdl):
    domain = scenario[2][0]
    apollo.seed_organization(domain, name="Northwind", industry=None, linkedin_url="not a url")
    pdl.seed_company(domain, name="Northwind Holdings", industry="computer software")

    row = (
        run(scenario, providers(["apollo", "pdl"], apollo, pdl))
        .frame.filter(pl.col("domain") == domain)
        .row(0, named=True)
    )

    assert (row["name"], row["industry"]) == ("Northwind", "computer software")
    assert row["linkedin_url"] == f"https://www.linkedin.com/company/{domain.split('.')[0]}"
    provenance = json.loads(row["field_provenance"])
    assert {f: p["provider"] for f, p in provenance.items()} == {
        "name": "apollo",
        "industry": "pdl",
        "employee_band": "apollo",
        "revenue_band": "apollo",
        "hq_country": "apollo",
        "hq_city": "apollo",
        "linkedin_url": "pdl",
        "technologies": "apollo",
    }


def test_a_spent_budget_flags_the_rest_and_the_next_day_finishes_them_without_rebilling(
    scenario, apollo
):
    for domain in scenario[2]:
        apollo.seed_organization(domain)
    enrichment = providers(["apollo"], apollo, credits=50)

    today = run(scenario, enrichment)
    flagged = [d for d, s in statuses(today).items() if s == "budget_exhausted"]
    billed_today = apollo.credits
    tomorrow = run(scenario, enrichment, now=NOW + timedelta(days=1), run_id="run-2")

    assert (billed_today, len(flagged)) == (50, 40)
    assert apollo.credits - billed_today == 40  # only the flagged ones, once each
    assert set(statuses(tomorrow).values()) == {"complete"}
    day_one, day_two = (
        costs(scenario)[("apollo", "2026-12-02")],
        costs(scenario)[("apollo", "2026-12-03")],
    )
    assert (day_one["credits"], day_one["budget_exhausted"]) == (50, 40)
    assert (day_two["credits"], day_two["cache_hits"], day_two["budget_exhausted"]) == (40, 50, 0)
    assert "40 left for tomorrow (daily budget 50 spent)" in today.lines["apollo"]


def test_a_provider_that_is_down_is_flagged_cached_nothing_and_asked_again_next_run(
    scenario, apollo
):
    for domain in scenario[2]:
        apollo.seed_organization(domain)
    apollo.inject("/organizations/", 503, times=100)
    enrichment = providers(["apollo", "offline"], apollo, max_retries=1)

    down = run(scenario, enrichment)
    calls_while_down = len(apollo.requests)
    apollo.reset_plumbing()
    back = run(scenario, enrichment, run_id="run-2")

    assert set(statuses(down).values()) == {"provider_error"}
    assert calls_while_down == 3 * 2  # three failed calls in a row (2 attempts each), then stop
    assert (
        "3 failed calls (90 lookups): Apollo organizations/bulk_enrich failed after 2 attempts: HTTP 503"
        in down.lines["apollo"]
    )
    assert set(statuses(back).values()) == {"complete"} and len(apollo.requests) == 9
    assert costs(scenario)[("apollo", "2026-12-02")]["errors"] == 3


def test_faults_met_once_are_retried_and_archived_with_what_went_wrong(scenario, apollo):
    for domain in scenario[2]:
        apollo.seed_organization(domain)
    # Each fault lets one request through (a retry that succeeds) before it strikes.
    for fault, after in ((429, 0), (503, 1), ("html", 1), ("malformed", 1)):
        apollo.inject("bulk_enrich", fault, after=after)

    result = run(scenario, providers(["apollo"], apollo))

    assert set(statuses(result).values()) == {"complete"} and apollo.credits == 90
    archive = [
        json.loads(line)
        for path in sorted(Path(scenario[1].root).rglob("*.ndjson"))
        for line in path.read_text().splitlines()
    ]
    assert len(archive) == 13 and sum(r["error"] is not None for r in archive) == 4
    errors = sorted(r["error"][:30] for r in archive if r["error"])
    assert errors[0].startswith("HTTP 200 with a body that is")
    assert any(e.startswith("HTTP 429") for e in errors) and any(
        e.startswith("HTTP 503") for e in errors
    )


def test_a_base_url_that_cannot_work_stops_the_provider_and_names_the_setting(scenario, pdl):
    enrichment = providers(
        ["apollo", "pdl"], pdl=pdl, apollo_api_key="k", apollo_api_base="apollo.io"
    )
    result = run(scenario, enrichment)
    assert "check APOLLO_API_BASE" in result.lines["apollo"]
    assert sorted(pdl.asked) == sorted(scenario[2])  # the next provider still answers


def test_a_refused_key_stops_the_provider_after_one_call(scenario, apollo):
    enrichment = providers(["apollo", "offline"], apollo)
    apollo.api_key = "rotated"
    result = run(scenario, enrichment)
    assert len(apollo.requests) == 1
    assert set(statuses(result).values()) == {"provider_error"}
    assert "check APOLLO_API_KEY" in result.lines["apollo"]


@pytest.mark.parametrize(
    ("cache_days", "asked_again"),
    [({}, 20), ({"apollo:company": 10}, 90)],
    ids=["misses after 14 days, hits after 90", "everything after the provider's 10 days"],
)
def test_cached_answers_expire_misses_sooner_than_hits(scenario, apollo, cache_days, asked_again):
    for domain in scenario[2][20:]:
        apollo.seed_organization(domain)
    enrichment = providers(["apollo"], apollo, cache_days=cache_days)
    run(scenario, enrichment)
    asked_before = len(apollo.asked)

    run(scenario, enrichment, now=NOW + timedelta(days=15), run_id="run-2")

    assert len(apollo.asked) - asked_before == asked_again
    assert set(apollo.asked[asked_before:]) >= set(scenario[2][:20])


def test_an_answer_for_another_companys_domain_is_cached_but_never_used(scenario, apollo):
    [asked] = scenario[2][:1]
    apollo.seed_organization("globex.com", name="Globex")
    apollo.answer_as(asked, "globex.com")
    warehouse, landing, _ = scenario
    warehouse.query(f"update company_domains set enrichable = domain = '{asked}'")

    result = run(scenario, providers(["apollo", "offline"], apollo))
    rerun = run(scenario, providers(["apollo", "offline"], apollo), run_id="run-2")

    row = result.frame.row(0, named=True)
    assert row["name"] == "Northwind 0 GmbH"  # what the contacts say, not Globex
    assert json.loads(row["providers"])["apollo"] == "mismatch"
    assert json.loads(rerun.frame["providers"][0])["apollo"] == "cache:mismatch"
    assert costs(scenario)[("apollo", "2026-12-02")]["mismatches"] == 1


def test_a_budget_spent_mid_run_leaves_the_run_green_and_warns(scenario, apollo):
    warehouse, landing, domains = scenario
    for domain in domains:
        apollo.seed_organization(domain)
    resources = {
        "warehouse": warehouse,
        "landing": landing,
        "enrichment": providers(["apollo", "offline"], apollo, credits=50),
        "dlt_raw": DagsterDltResource(),
    }

    result = dg.materialize(
        [company_domains, company_enrichment, enrichment_raw], resources=resources
    )

    assert result.success
    check = next(
        e for e in result.get_asset_check_evaluations() if e.check_name == "every_lookup_answered"
    )
    assert not check.passed and check.metadata["budget_exhausted"].value == 40
    frame = warehouse.read_table("company_enrichment")
    assert frame.filter(pl.col("status") == "budget_exhausted").height == 40
    assert frame["name"].null_count() == 0  # the offline provider still names every company
    raw_calls = warehouse.query("select count(*) as n from enrichment_raw.apollo_responses")["n"][0]
    assert raw_calls == len(apollo.requests)  # every paid exchange is in the raw layer
