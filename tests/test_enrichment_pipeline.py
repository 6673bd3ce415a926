"""One failing system never stops the rest: every asset materialized in one run with
Apollo down, PDL refusing its key and the news feed gone. The contact chain and the run
are green; enrichment flags its rows, warns in its checks, and `bizdev run` says which
provider did what, a line each, like the CRM lines. Contacts and enrichment rows join on
the company's id."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from bizdev_assets.cli import print_summary
from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse


def test_providers_down_flag_their_rows_and_the_rest_of_the_run_is_green(
    tmp_path: Path, landing: Path, apollo, pdl, feeds, capsys
):
    generate_demo(landing, tmp_path / "labels.csv", n_rows=400, seed=3)
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
        news_feeds=(feeds.url + "/gone.rss",),
    )
    resources = build_resources(settings)

    result = dg.materialize(ASSETS, resources=resources, raise_on_error=False)

    assert result.success
    warehouse = DuckDBWarehouse(path=settings.warehouse)
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
    summary = " ".join(capsys.readouterr().out.split())
    assert "apollo │ 21 calls: 0 hits" in summary and "HTTP 503" in summary
    assert "check PDL_API_KEY" in summary
    assert "signals │ none" in summary or "signals │ 0 items" in summary
    assert "status │ success" in summary
