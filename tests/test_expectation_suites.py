"""The Great Expectations suites of the published tables, run as asset checks after a
pipeline run: they pass on what the pipeline publishes and catch a broken table."""

from __future__ import annotations

import dagster as dg
import polars as pl

from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from bizdev_assets.observability.expectation_checks import GX_CHECKS
from bizdev_assets.observability.expectations import validate
from bizdev_assets.observability.exporter import render_metrics
from jobs.contacts import CONTACT_CHAIN
from resources.settings import build_resources
from resources.warehouse import DuckDBWarehouse


def test_published_tables_meet_their_suites_and_the_pass_rate_is_exported(
    settings, landing, tmp_path
):
    generate_demo(landing, tmp_path / "labels.csv", n_rows=300, seed=9)
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [*ASSETS, *GX_CHECKS],
            selection=CONTACT_CHAIN | dg.AssetSelection.checks(*GX_CHECKS),
            instance=instance,
            resources=build_resources(settings),
        )
        assert result.success
        suites = {
            e.asset_key.to_user_string(): e
            for e in result.get_asset_check_evaluations()
            if e.check_name == "gx_suite"
        }
        text = render_metrics(
            DuckDBWarehouse(path=settings.warehouse),
            instance,
            checks=[key for check in GX_CHECKS for key in check.check_keys],
        ).decode()
    assert set(suites) == {
        "contacts",
        "golden_contacts",
        "company_enrichment",
        "crm_hubspot_contacts",
        "crm_salesforce_contacts",
    }
    assert all(e.passed for e in suites.values()), {k: e.description for k, e in suites.items()}
    assert suites["contacts"].metadata["expectations"].value == 8
    assert 'bizdev_expectation_pass_ratio{asset="contacts"} 1.0' in text
    assert suites["crm_hubspot_contacts"].description == "crm_hubspot_contacts not written yet"


def test_a_duplicate_email_and_an_orphan_contact_break_the_contacts_suite():
    frame = pl.DataFrame(
        {
            "id": ["a", "b", "c"],
            "email": ["x@example.com", "x@example.com", "y@example.com"],
            "country": ["DE", "de", None],
            "quality_score": [0.5, 0.9, 1.0],
            "updated_at": [None, None, None],
        },
        schema_overrides={"updated_at": pl.Datetime("us")},
    )
    outcome = validate("contacts", frame, golden_ids=["a", "b"])
    assert not outcome.success
    failed = "\n".join(outcome.failed)
    assert "expect_column_values_to_be_unique(email): 2 unexpected" in failed
    assert "expect_column_values_to_be_in_set(id): 1 unexpected" in failed
    assert "expect_column_values_to_match_regex(country): 1 unexpected" in failed
    assert "expect_column_values_to_not_be_null(updated_at)" in failed
    assert 0 < outcome.pass_rate < 1
