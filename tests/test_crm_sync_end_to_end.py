"""CRM sync end to end, through Dagster, against the local HubSpot and Salesforce servers
(real hubspot-api-client and simple-salesforce on the wire):

generated contacts -> golden contacts -> push to both CRMs -> a field changed on each
side -> pull -> conflicts settled per policy -> push again; nothing lost, and a re-sync
with nothing changed makes zero write calls.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from bizdev_assets.demo.generator import generate_demo
from jobs.crm import CRM_PULLS, CRM_PUSHES
from resources.settings import Settings, build_resources
from resources.warehouse import PostgresWarehouse
from tests.crm_support import hubspot_writes, materialize, salesforce_writes, table

# The custom fields exist: an admin created them by hand (a fresh account has none).
pytestmark = pytest.mark.usefixtures("hubspot_bizdev_fields", "salesforce_bizdev_fields")


def test_round_trip_with_conflicts_and_an_audit_trail(crm_settings, landing, hubspot, salesforce):
    generate_demo(landing, landing.parent / "labels.csv", n_rows=300, seed=5)
    materialize(crm_settings)

    # 1. Golden contacts are in both CRMs.
    golden = table(
        crm_settings,
        "select g.contact_id, c.email, g.last_name, g.title from golden_contacts g "
        "join contacts c on cast(c.id as varchar) = g.contact_id",
    )
    in_hubspot = {r["email"]: (rid, r) for rid, r in hubspot.records("contacts").items()}
    assert set(in_hubspot) == set(golden["email"].drop_nulls())
    in_salesforce = {r["Bizdev_Id__c"]: r for r in salesforce.records("Contact")}
    with_last_name = golden.filter(pl.col("last_name").is_not_null())
    assert set(in_salesforce) == set(with_last_name["contact_id"])
    no_last_name = set(golden.filter(pl.col("last_name").is_null())["contact_id"])
    if no_last_name:  # Salesforce requires LastName: rejected with its own message
        rejected = table(crm_settings, "select * from crm_sync_rejections")
        assert set(rejected["contact_id"]) == no_last_name
        assert rejected["error"].str.contains("REQUIRED_FIELD_MISSING").all()
    runs = table(crm_settings, "select crm_type, object, direction, status from crm_sync_runs")
    assert runs.height == 6 and set(runs["status"]) == {"succeeded"}

    # 2. A re-sync with nothing changed writes nothing and feeds nothing back.
    writes = hubspot_writes(hubspot), salesforce_writes(salesforce)
    feeds_before = sorted((landing / "crm").glob("*.ndjson")) if (landing / "crm").exists() else []
    materialize(crm_settings, CRM_PULLS | CRM_PUSHES)
    assert (hubspot_writes(hubspot), salesforce_writes(salesforce)) == writes
    assert sorted((landing / "crm").glob("*.ndjson")) == feeds_before

    # 3. A field changed on each side, and in bizdev.
    both = golden.filter(pl.col("email").is_not_null() & pl.col("last_name").is_not_null()).sort(
        "contact_id"
    )
    a, b, c = (both.row(i, named=True) for i in range(3))
    # The reps' edits are stamped 2 minutes ago, before the pull cursor: a late commit
    # that the lookback overlap catches. bizdev's file is newer (1 minute ago).
    edited_at = datetime.now(UTC) - timedelta(minutes=2)
    hubspot.edit("contacts", in_hubspot[a["email"]][0], jobtitle="VP Sales", modified_at=edited_at)
    sf_b = in_salesforce[b["contact_id"]]
    salesforce.edit("Contact", sf_b["Id"], Title="Head of Operations", at=edited_at)
    drop_update(
        landing / "bizdev_update.csv",
        [
            {**person(hubspot, a["email"]), "title": "Chief Executive Officer"},
            {**person(hubspot, c["email"]), "city": "Springfield"},
        ],
    )
    materialize(crm_settings)

    hub_now = {r["email"]: r for r in hubspot.records("contacts").values()}
    sf_now = {r["Bizdev_Id__c"]: r for r in salesforce.records("Contact")}
    # a: both sides changed the title; the mapping says crm_wins for HubSpot's jobtitle,
    # while Salesforce (unchanged there) gets bizdev's new title.
    assert hub_now[a["email"]]["jobtitle"] == "VP Sales"
    assert sf_now[a["contact_id"]]["Title"] == "Chief Executive Officer"
    # b: the Salesforce rep's change came back through the pipeline and on to HubSpot.
    golden_b = table(
        crm_settings, f"select title from golden_contacts where contact_id = '{b['contact_id']}'"
    )
    assert golden_b["title"][0] == "Head of Operations"
    assert hub_now[b["email"]]["jobtitle"] == "Head of Operations"
    assert sf_now[b["contact_id"]]["Title"] == "Head of Operations"
    # c: bizdev's change reached both.
    assert hub_now[c["email"]]["city"] == "Springfield"
    assert sf_now[c["contact_id"]]["MailingCity"] == "Springfield"

    # 4. The audit tables tell the story.
    changes = table(crm_settings, "select * from crm_sync_changes")
    conflict = changes.filter(
        (pl.col("crm_type") == "hubspot")
        & (pl.col("contact_id") == a["contact_id"])
        & (pl.col("field") == "jobtitle")
        & (pl.col("direction") == "push")
    ).row(-1, named=True)
    assert conflict["decision"] == "crm_wins" and conflict["outcome"] == "kept"
    assert (conflict["old_value"], conflict["bizdev_value"]) == (
        "VP Sales",
        "Chief Executive Officer",
    )
    pulled_b = changes.filter(
        (pl.col("crm_type") == "salesforce")
        & (pl.col("direction") == "pull")
        & (pl.col("crm_id") == sf_b["Id"])
        & (pl.col("field") == "Title")
    )
    assert pulled_b["new_value"].to_list()[-1] == "Head of Operations"
    sent_b = changes.filter(
        (pl.col("crm_type") == "hubspot")
        & (pl.col("contact_id") == b["contact_id"])
        & (pl.col("field") == "jobtitle")
        & (pl.col("outcome") == "succeeded")
    )
    assert sent_b["decision"].to_list() == ["new", "changed"]
    assert sent_b["new_value"].to_list()[-1] == "Head of Operations"

    # Nothing lost: every golden contact is in HubSpot under its own id.
    now_golden = table(
        crm_settings,
        "select g.contact_id, c.email from golden_contacts g "
        "join contacts c on cast(c.id as varchar) = g.contact_id where c.email is not null",
    )
    in_hubspot = {r["email"]: r["bizdev_contact_id"] for r in hubspot.records("contacts").values()}
    assert in_hubspot == dict(zip(now_golden["email"], now_golden["contact_id"], strict=True))

    # 5. And once more with nothing changed: zero write calls.
    writes = hubspot_writes(hubspot), salesforce_writes(salesforce)
    materialize(crm_settings, CRM_PULLS | CRM_PUSHES)
    assert (hubspot_writes(hubspot), salesforce_writes(salesforce)) == writes
    push_runs = table(
        crm_settings, "select write_calls from crm_sync_runs where direction = 'push'"
    )
    assert push_runs["write_calls"].to_list()[-2:] == [0, 0]


def person(hubspot, email: str) -> dict[str, str]:
    """The contact as HubSpot holds it, as a landing-file row."""
    record = next(r for r in hubspot.records("contacts").values() if r["email"] == email)
    return {
        "first_name": record["firstname"] or "",
        "last_name": record["lastname"] or "",
        "email": email,
        "company": record["company"] or "",
        "title": record["jobtitle"] or "",
        "city": record["city"] or "",
        "record_updated_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
    }


def drop_update(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_unconfigured_crms_are_skipped_and_the_rest_runs(settings, landing):
    generate_demo(landing, landing.parent / "labels.csv", n_rows=100, seed=3)
    result = materialize(settings)
    for asset in ("crm_hubspot_push", "crm_salesforce_contacts"):
        (event,) = [
            e
            for e in result.get_asset_materialization_events()
            if e.asset_key == dg.AssetKey(asset)
        ]
        metadata = event.materialization.metadata
        assert metadata["skipped"].value is True
        assert "not configured" in metadata["reason"].value
    assert table(settings, "select count(*) as n from golden_contacts")["n"][0] > 0


def test_the_sync_runs_the_same_on_a_postgres_warehouse(
    crm_settings, landing, hubspot, salesforce, postgres_url
):
    settings = dataclasses.replace(crm_settings, warehouse=postgres_url, migrate_db=True)
    generate_demo(landing, landing.parent / "labels.csv", n_rows=150, seed=11)
    materialize(settings)
    warehouse = PostgresWarehouse(url=postgres_url)
    emails = warehouse.query("select email from contacts where email is not null")["email"]
    assert sorted(r["email"] for r in hubspot.records("contacts").values()) == sorted(emails)

    salesforce.edit("Contact", salesforce.records("Contact")[0]["Id"], Title="Buyer")
    writes = hubspot_writes(hubspot), salesforce_writes(salesforce)
    materialize(settings, CRM_PULLS | CRM_PUSHES)
    assert (hubspot_writes(hubspot), salesforce_writes(salesforce)) == writes
    (fed,) = (landing / "crm").glob("salesforce_contacts_*.ndjson")  # the edit, for the pipeline
    assert '"title": "Buyer"' in fed.read_text()
    state = warehouse.query("select crm_type, status, sync_cursor from crm_sync_state")
    assert state.height == 4 and set(state["status"]) == {"ok"}
    pulled = warehouse.query("select title from crm_salesforce_contacts where title = 'Buyer'")
    assert pulled.height == 1
    runs = warehouse.query("select status from crm_sync_runs")
    assert runs.height == 12 and set(runs["status"]) == {"succeeded"}


def test_crm_settings_from_the_environment_reach_the_crm(monkeypatch, tmp_path, landing, hubspot):
    env = {
        "BIZDEV_LANDING": str(landing),
        "BIZDEV_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "HUBSPOT_ACCESS_TOKEN": hubspot.token,
        "HUBSPOT_API_BASE": hubspot.url,
        "BIZDEV_CRM_BACKOFF_SECONDS": "0.01",
        "BIZDEV_ALLOW_INSECURE_HTTP": "1",  # the local server speaks plain HTTP
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    # The secret travels as a reference to the variable, never as its value.
    assert isinstance(settings.hubspot_access_token, dg.EnvVar)
    assert hubspot.token not in repr(build_resources(settings)["hubspot"])

    generate_demo(landing, landing.parent / "labels.csv", n_rows=100, seed=2)
    materialize(settings)
    emails = table(settings, "select email from contacts where email is not null")["email"]
    assert sorted(r["email"] for r in hubspot.records("contacts").values()) == sorted(emails)


def test_records_reps_created_are_linked_on_the_first_sync_not_duplicated(
    crm_settings, landing, hubspot, salesforce
):
    generate_demo(landing, landing.parent / "labels.csv", n_rows=150, seed=21)
    materialize(crm_settings, dg.AssetSelection.all() - CRM_PULLS - CRM_PUSHES)  # no CRM yet
    person = table(
        crm_settings,
        "select g.contact_id, c.email, g.first_name, g.last_name, g.title from golden_contacts g "
        "join contacts c on cast(c.id as varchar) = g.contact_id where c.email is not null "
        "and g.last_name is not null and g.title is not null and g.phone is not null "
        "order by g.contact_id limit 1",
    ).row(0, named=True)
    # The reps entered this person long ago (older than any bizdev source, so the golden
    # title stays bizdev's and the push meets a real conflict).
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    hub_id = hubspot.seed(
        "contacts",
        {
            "email": person["email"],
            "lastname": person["last_name"],
            "jobtitle": "Rep title",
            "phone": "+1 555 0100",
        },
        modified_at=long_ago,
    )
    sf_id = salesforce.seed(
        "Contact",
        {"Email": person["email"], "LastName": person["last_name"], "Title": "Rep title"},
        at=long_ago,
    )
    materialize(crm_settings)

    hub = [r for r in hubspot.records("contacts").values() if r["email"] == person["email"]]
    assert len(hub) == 1 and hub[0]["hs_object_id"] == hub_id
    assert hub[0]["jobtitle"] == "Rep title"  # crm_wins
    assert hub[0]["phone"] == "+1 555 0100"  # never_overwrite
    assert hub[0]["bizdev_contact_id"] == person["contact_id"]  # empty in the CRM: filled
    sf = [r for r in salesforce.records("Contact") if r["Email"] == person["email"]]
    assert len(sf) == 1 and sf[0]["Id"] == sf_id
    assert sf[0]["Bizdev_Id__c"] == person["contact_id"]  # linked for later upserts
    assert sf[0]["Title"] == "Rep title"
    kept = table(
        crm_settings,
        "select crm_type, decision from crm_sync_changes where direction = 'push' "
        f"and contact_id = '{person['contact_id']}' and outcome = 'kept'",
    )
    assert {("hubspot", "crm_wins"), ("salesforce", "crm_wins")} <= set(kept.iter_rows())
