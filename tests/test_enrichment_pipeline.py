"""One failing system never stops the rest: every asset materialized in one run with
Apollo down, PDL refusing its key, the news feed gone and a corrupt file in the raw
archive. The contact chain is green; enrichment flags its rows and warns in its checks,
only the raw layer fails, and `bizdev run` says which provider did what, a line each
like the CRM lines, and tells the enrichment failure apart from the contacts pipeline.
Contacts and enrichment rows join on the company's id."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import dagster as dg
import polars as pl

from bizdev_assets.cli import print_summary, run_outcome
from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse
from tests.outreach_support import outreach_in


def test_failures_around_enrichment_never_stop_the_contact_chain_and_are_told_apart(
    tmp_path: Path, landing: Path, apollo, pdl, feeds, capsys
):
    generate_demo(landing, tmp_path / "labels.csv", n_rows=400, seed=3)
    corrupt = "enrichment/apollo/2026-12-01/000000000000-earlier-0001.ndjson"
    (landing / corrupt).parent.mkdir(parents=True)
    (landing / corrupt).write_text('{"provider": "apollo", "status_code": 200, "resp\n')
    apollo.inject("/api/v1/", 503, times=10_000)
    settings = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        enrichment_providers=("apollo", "pdl", "offline"),
        apollo_api_key=apollo.api_key,
        apollo_api_base=apollo.url,
        pdl_api_key="a-key-pdl-refuses",
        pdl_api_base=pdl.url,
        enrichment_backoff_seconds=0.001,
        allow_insecure_http=True,  # the local servers speak plain HTTP
        news_feeds=(feeds.url + "/gone.rss",),
        **outreach_in(tmp_path),
    )
    resources = build_resources(settings)
    warehouse = DuckDBWarehouse(path=settings.warehouse)
    warehouse.append_rows(
        "enrichment_archive_files",
        pl.DataFrame({"archive_key": [corrupt], "provider": ["apollo"], "records": [1], "bytes": [44],
                      "run_id": ["earlier"], "written_at": [datetime(2026, 12, 1)]}),
    )  # fmt: skip

    result = dg.materialize(ASSETS, resources=resources, raise_on_error=False)

    assert run_outcome(result) == (
        "[yellow]contacts pipeline success; enrichment failed[/yellow]",
        2,
    )
    assert [e.step_key for e in result.get_step_failure_events()] == ["enrichment_raw"]
    assert warehouse.row_count("contacts") > 0
    statuses = warehouse.read_table("company_enrichment")["status"].unique().to_list()
    assert statuses == ["provider_error"]
    names = warehouse.read_table("company_enrichment")["name"]
    assert names.null_count() < names.len()  # the offline provider still answered
    joined = warehouse.query(  # contacts and enrichment agree on the company's id
        "select count(distinct e.domain) as n from contacts c "
        "join company_enrichment e on e.company_id = cast(c.company_id as varchar)"
    )["n"][0]
    assert joined == warehouse.row_count("company_enrichment")
    assert warehouse.read_table("contacts_enriched").height == warehouse.row_count(
        "golden_contacts"
    )
    warnings = {
        e.check_name: e.passed
        for e in result.get_asset_check_evaluations()
        if e.severity == dg.AssetCheckSeverity.WARN
        and e.asset_key.path[-1] in ("company_enrichment", "company_signals")
    }
    assert warnings == {"every_lookup_answered": False, "feeds_fresh": False}
    assert len(apollo.requests) == 3 * 7 and len(pdl.requests) == 1

    print_summary(result, resources, tmp_path, "", 1.0)
    summary = " ".join(capsys.readouterr().out.replace("│", " ").split())  # cells unwrapped
    assert "apollo 21 calls: 0 hits" in summary and "HTTP 503" in summary
    assert "check PDL_API_KEY" in summary
    assert "signals none" in summary or "signals 0 items" in summary
    assert (
        "failed: enrichment_raw Failure: the raw layer was not loaded (extract step): "
        "ValueError: enrichment/apollo/2026-12-01/"  # the long file name is cut with an ellipsis
    ) in summary
    assert "line 1 is not JSON" in summary and "repair or remove the file" in summary
    assert "status contacts pipeline success; enrichment failed" in summary


def test_a_wrong_enrichment_setting_fails_only_the_enrichment_assets(
    tmp_path: Path, landing: Path, capsys
):
    generate_demo(landing, tmp_path / "labels.csv", n_rows=100, seed=4)
    settings = Settings.from_env(
        {
            "BIZDEV_LANDING": str(landing),
            "BIZDEV_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
            "BIZDEV_ENRICHMENT_PROVIDERS": "apolo, offline",  # a typo
        }
    )
    settings = replace(settings, **outreach_in(tmp_path))
    resources = build_resources(settings)

    result = dg.materialize(ASSETS, resources=resources, raise_on_error=False)

    assert [e.step_key for e in result.get_step_failure_events()] == ["company_enrichment"]
    assert run_outcome(result)[1] == 2  # contacts pipeline success; enrichment failed
    assert DuckDBWarehouse(path=settings.warehouse).row_count("contacts") > 0
    print_summary(result, resources, tmp_path, "", 1.0)
    summary = " ".join(capsys.readouterr().out.replace("│", " ").split())
    assert "failed: company_enrichment" in summary and "unknown provider(s) apolo" in summary
