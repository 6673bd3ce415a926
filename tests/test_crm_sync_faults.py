"""CRM faults: rate limits and server errors in the middle of a run, rejected rows, a
failed pull. The run stops cleanly, the next run finishes the job, nothing is lost or
doubled, and a cursor never moves past data that was not stored."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from typer.testing import CliRunner

from bizdev_assets.cli import app
from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.demo.generator import generate_demo
from jobs.crm import CRM_PULLS, CRM_PUSHES
from resources.warehouse import DuckDBWarehouse
from tests.crm_support import materialize, table

# The custom fields exist: an admin created them by hand (a fresh account has none).
pytestmark = pytest.mark.usefixtures("hubspot_bizdev_fields", "salesforce_bizdev_fields")

ATTEMPTS = 7  # the resource's default max_retries (6) + the first try


def test_429s_then_a_500_mid_run_then_the_next_run_finishes(
    crm_settings, landing, hubspot, salesforce
):

    generate_demo(landing, landing.parent / "labels.csv", n_rows=300, seed=5)
    # HubSpot: the first batch is rate-limited twice and goes through; the second batch
    # meets a 500 that outlasts every retry. Salesforce: the same with its own limit error.
    hubspot.inject("batch/upsert", 429, times=2)
    hubspot.inject("batch/upsert", 500, times=ATTEMPTS, after=1)
    salesforce.inject("composite/sobjects", 403, times=2)
    salesforce.inject("composite/sobjects", 500, times=ATTEMPTS, after=1)

    result = materialize(crm_settings, expect_success=False)
    failed = {e.step_key for e in result.get_step_failure_events()}
    assert failed == {"crm_hubspot_push", "crm_salesforce_push"}
    runs = table(crm_settings, "select * from crm_sync_runs where direction = 'push'")
    assert set(runs["status"]) == {"failed"}
    assert runs["error"].str.contains("500").all()
    assert set(runs["rate_limited"]) == {2}
    assert len(hubspot.records("contacts")) == 100  # the first batch only
    assert len(salesforce.records("Contact")) == 200

    emails = table(crm_settings, "select email from contacts where email is not null")["email"]
    ids = table(crm_settings, "select contact_id from golden_contacts")["contact_id"]
    materialize(crm_settings, CRM_PULLS | CRM_PUSHES)
    in_hubspot = [r["email"] for r in hubspot.records("contacts").values()]
    assert sorted(in_hubspot) == sorted(emails)  # each exactly once
    in_salesforce = [r["Bizdev_Id__c"] for r in salesforce.records("Contact")]
    assert sorted(in_salesforce) == sorted(ids)
    last = table(
        crm_settings,
        "select crm_type, records_sent, status from crm_sync_runs "
        "where direction = 'push' order by finished_at desc limit 2",
    )
    sent = dict(zip(last["crm_type"], last["records_sent"], strict=True))
    assert sent == {"hubspot": len(emails) - 100, "salesforce": len(ids) - 200}
    assert set(last["status"]) == {"succeeded"}


def test_a_refused_row_is_resent_only_when_it_changed_or_an_operator_asks(
    crm_settings, landing, hubspot, monkeypatch
):
    generate_demo(landing, landing.parent / "labels.csv", n_rows=100, seed=8)
    materialize(crm_settings, dg.AssetSelection.all() - CRM_PULLS - CRM_PUSHES)  # no CRM yet
    city = table(
        crm_settings,
        "select g.city, count(*) as n from golden_contacts g join contacts c "
        "on cast(c.id as varchar) = g.contact_id where c.email is not null "
        "and g.city is not null group by 1 having count(*) > 1 order by n, city limit 1",
    )
    rejected_city, expected = city["city"][0], city["n"][0]
    hubspot.reject("contacts", "city", rejected_city, "Property values were not valid: city")

    materialize(crm_settings, CRM_PULLS | CRM_PUSHES)
    open_rows = table(crm_settings, "select * from crm_sync_rejections where crm_type='hubspot'")
    assert open_rows.height == expected
    assert open_rows["error"].str.contains("Property values were not valid").all()
    assert open_rows["permanent"].all() and open_rows["attempts"].to_list() == [1] * expected

    # Unchanged, the CRM would refuse them again: no call at all.
    before = hubspot.count("batch/upsert")
    materialize(crm_settings, CRM_PUSHES)
    assert hubspot.count("batch/upsert") == before
    assert table(crm_settings, "select attempts from crm_sync_rejections")["attempts"].max() == 1

    # One of them changed in bizdev: only that one is sent again (and refused again).
    changed = sorted(open_rows["contact_id"])[0]
    warehouse = DuckDBWarehouse(path=crm_settings.warehouse)
    warehouse.query(
        f"update golden_contacts set title = 'Buyer' where contact_id = '{changed}' returning 1"
    )
    materialize(crm_settings, CRM_PUSHES)
    assert hubspot.count("batch/upsert") == before + 1
    attempts = table(crm_settings, "select contact_id, attempts from crm_sync_rejections")
    assert dict(attempts.iter_rows()) == {c: 1 + (c == changed) for c in open_rows["contact_id"]}

    # The CRM admin fixed the validation rule, the operator asks for a retry: one batch.
    hubspot.clear_rejections()
    monkeypatch.setenv("BIZDEV_WAREHOUSE", crm_settings.warehouse)
    released = CliRunner().invoke(app, ["crm", "retry-rejected", "--crm", "hubspot"])
    assert released.exit_code == 0, released.output
    assert f"{expected} rejected contacts will be sent again" in released.output
    materialize(crm_settings, CRM_PUSHES)
    assert hubspot.count("batch/upsert") == before + 2
    fixed = table(crm_settings, "select resolved_at from crm_sync_rejections")
    assert fixed["resolved_at"].is_not_null().all()
    cities = [r.get("city") for r in hubspot.records("contacts").values()]
    assert cities.count(rejected_city) == expected
    materialize(crm_settings, CRM_PUSHES)
    assert hubspot.count("batch/upsert") == before + 2  # nothing left to send


def test_a_failed_pull_keeps_its_cursor_and_the_next_pull_catches_up(crm_settings, hubspot):
    hubspot.seed_many(
        "contacts", [{"email": f"rep{i}@example.com", "lastname": f"Rep{i}"} for i in range(250)]
    )
    materialize(crm_settings, CRM_PULLS)
    state = table(
        crm_settings,
        "select sync_cursor, status, error_count from crm_sync_state where crm_type='hubspot'",
    )
    cursor = {json.loads(c)["object"]: c for c in state["sync_cursor"]}["contacts"]
    assert json.loads(cursor)["records_pulled"] == 250

    for i in range(5):
        hubspot.edit("contacts", list(hubspot.records("contacts"))[i], jobtitle="Buyer")
    hubspot.inject("/search", 500, times=ATTEMPTS, after=1)  # page 1 fine, page 2 fails
    materialize(crm_settings, CRM_PULLS, expect_success=False)
    after_failure = table(
        crm_settings,
        "select sync_cursor, status, error_count from crm_sync_state "
        "where crm_type='hubspot' and sync_cursor like '%\"contacts\"%'",
    )
    assert after_failure["sync_cursor"][0] == cursor  # not advanced
    assert (after_failure["status"][0], after_failure["error_count"][0]) == ("error", 1)

    materialize(crm_settings, CRM_PULLS)
    pulled = table(crm_settings, "select jobtitle from crm_hubspot_contacts")
    assert pulled.height == 250  # upserted by id: overlap and retries add no rows
    assert pulled.filter(pl.col("jobtitle") == "Buyer").height == 5
    state = table(
        crm_settings,
        "select status, error_count from crm_sync_state "
        "where crm_type='hubspot' and sync_cursor like '%\"contacts\"%'",
    )
    assert (state["status"][0], state["error_count"][0]) == ("ok", 0)


def test_a_mapping_entry_the_crm_lacks_is_left_out_with_its_fix_and_the_rest_syncs(
    crm_settings, landing, hubspot, tmp_path
):
    bad = tmp_path / "hubspot.yaml"
    text = (Path(CrmMapping.shipped("hubspot").origin)).read_text()
    bad.write_text(text.replace("crm: jobtitle", "crm: jobtitel"))
    settings = dataclasses.replace(crm_settings, hubspot_mapping=str(bad))
    generate_demo(landing, landing.parent / "labels.csv", n_rows=60, seed=4)
    materialize(settings, dg.AssetSelection.all() - dg.AssetSelection.groups("crm") | CRM_PULLS)
    materialize(settings, CRM_PUSHES)

    runs = table(settings, "select direction, status, warnings from crm_sync_runs "
                 "where crm_type = 'hubspot' and object = 'contacts'")  # fmt: skip
    assert set(runs["status"]) == {"succeeded"} and runs.height == 2
    for warning in runs["warnings"]:
        assert "has no property 'jobtitel' (did you mean 'jobtitle'?)" in warning
        assert f"correct fields[title -> jobtitel] in {bad}" in warning
    emails = table(settings, "select email from contacts where email is not null")["email"]
    in_hubspot = hubspot.records("contacts").values()
    assert sorted(r["email"] for r in in_hubspot) == sorted(emails)
    assert not any(r.get("jobtitle") for r in in_hubspot)
    assert any(r.get("firstname") for r in in_hubspot)
