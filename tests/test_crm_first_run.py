"""A new user's first runs (issue 11), against fresh HubSpot and Salesforce accounts (no
custom fields) spoken to by the real client libraries, through the `bizdev` command:
setup then sync; sync without setup; a CRM down for a whole run; an empty Postgres."""

from __future__ import annotations

import polars as pl
from typer.testing import CliRunner

from bizdev_assets.cli import app
from bizdev_assets.demo.generator import generate_demo
from resources.warehouse import DuckDBWarehouse, PostgresWarehouse
from resources.warehouse.migrations import current_revision, head_revision
from tests.crm_support import first_run_env

SCHEMA_WRITES = ("/crm/v3/properties", "/tooling/sobjects/CustomField")


def bizdev(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def golden(tmp_path) -> pl.DataFrame:
    return DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb")).query(
        "select g.contact_id, c.email, g.last_name from golden_contacts g "
        "join contacts c on cast(c.id as varchar) = g.contact_id"
    )


def schema_writes(hubspot, salesforce) -> int:
    return sum(hubspot.count(path) for path in SCHEMA_WRITES[:1]) + salesforce.count(
        "POST", SCHEMA_WRITES[1]
    )


def test_crm_setup_on_fresh_accounts_then_a_run_syncs_every_golden_contact(
    monkeypatch, tmp_path, landing, hubspot, salesforce
):
    first_run_env(monkeypatch, tmp_path, landing, hubspot, salesforce)
    generate_demo(landing, tmp_path / "labels.csv", n_rows=300, seed=11)
    # Sign-ups give a first name at most: Salesforce requires a LastName.
    (landing / "signups.csv").write_text(
        "first_name,email\nNoor,noor.h@signup.example\n,anon77@signup.example\n"
    )

    plan = bizdev("crm", "setup", "--dry-run")
    assert plan.exit_code == 0 and "would create" in plan.output
    assert schema_writes(hubspot, salesforce) == 0

    setup = bizdev("crm", "setup")
    assert setup.exit_code == 0, setup.output
    created = hubspot.index("contacts")
    assert created["bizdev_contact_id"]["groupName"] == "bizdev"
    assert created["bizdev_contact_id"]["hasUniqueValue"]
    assert created["bizdev_quality_score"]["type"] == "number"
    fields = {row["FullName"]: row["Metadata"] for row in salesforce.custom_fields()}
    assert fields["Contact.Bizdev_Id__c"] | {"label": "x"} == {
        "label": "x",
        "type": "Text",
        "length": 36,
        "externalId": True,
        "unique": True,
    }
    assert fields["Contact.Bizdev_Quality_Score__c"]["type"] == "Number"

    run = bizdev("run")
    assert run.exit_code == 0, run.output
    people = golden(tmp_path)
    in_hubspot = {r["email"]: r for r in hubspot.records("contacts").values()}
    assert set(in_hubspot) == set(people["email"].drop_nulls())
    assert all(r["bizdev_contact_id"] and r["bizdev_quality_score"] for r in in_hubspot.values())
    in_salesforce = {r["Bizdev_Id__c"]: r for r in salesforce.records("Contact")}
    assert set(in_salesforce) == set(people["contact_id"])  # those without a last name too
    no_last_name = people.filter(pl.col("last_name").is_null())["contact_id"]
    assert no_last_name.len() > 0
    assert {in_salesforce[c]["LastName"] for c in no_last_name} == {"[not provided]"}

    writes = schema_writes(hubspot, salesforce)
    again = bizdev("crm", "setup")
    assert again.exit_code == 0 and "hubspot: 0 write calls" in again.output
    assert "salesforce: 0 write calls" in again.output
    assert schema_writes(hubspot, salesforce) == writes


def test_fresh_accounts_without_setup_still_ingest_resolve_and_sync_the_standard_fields(
    monkeypatch, tmp_path, landing, hubspot, salesforce
):
    first_run_env(monkeypatch, tmp_path, landing, hubspot, salesforce)
    report = generate_demo(landing, tmp_path / "labels.csv", n_rows=300, seed=12)

    run = bizdev("run")
    assert run.exit_code == 2, run.output  # the contacts pipeline is fine; Salesforce is not
    assert "contacts pipeline success; salesforce failed" in run.output
    assert "bizdev crm setup" in run.output
    warehouse = DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb"))
    files = warehouse.query("select status from landing_file_log")["status"]
    assert files.to_list() == ["loaded"] * len(report.files)
    people = golden(tmp_path)
    assert people.height > 0

    in_hubspot = list(hubspot.records("contacts").values())
    assert sorted(r["email"] for r in in_hubspot) == sorted(people["email"].drop_nulls())
    assert all(r.get("firstname") or r.get("lastname") for r in in_hubspot)
    runs = warehouse.query(
        "select crm_type, object, direction, status, error, warnings from crm_sync_runs"
    )
    hubspot_runs = runs.filter(pl.col("crm_type") == "hubspot")
    assert set(hubspot_runs["status"]) == {"succeeded"}
    warning = hubspot_runs.filter(pl.col("direction") == "push")["warnings"][0]
    assert "'bizdev_contact_id' yet" in warning and "'bizdev_quality_score' yet" in warning
    assert "run `bizdev crm setup` to create bizdev_contact_id, bizdev_quality_score" in warning

    salesforce_runs = {
        (r["object"], r["direction"]): r for r in runs.filter(pl.col("crm_type") == "salesforce")
        .iter_rows(named=True)
    }  # fmt: skip
    assert salesforce_runs[("contacts", "pull")]["status"] == "succeeded"
    pushed = salesforce_runs[("contacts", "push")]
    assert pushed["status"] == "failed"
    assert "match key id_property 'Bizdev_Id__c'" in pushed["error"]
    assert (
        "run `bizdev crm setup` to create Bizdev_Id__c, Bizdev_Quality_Score__c"
        in (pushed["error"])
    )
    assert salesforce.records("Contact") == []  # nothing written without a key to match on


def test_a_crm_down_for_a_whole_run_fails_only_its_own_assets_and_the_next_run_catches_up(
    monkeypatch, tmp_path, landing, hubspot_bizdev_fields, salesforce_bizdev_fields
):
    hubspot, salesforce = hubspot_bizdev_fields, salesforce_bizdev_fields
    first_run_env(monkeypatch, tmp_path, landing, hubspot, salesforce)
    generate_demo(landing, tmp_path / "labels.csv", n_rows=300, seed=13)
    rep = hubspot.seed("contacts", {"email": "rep.made@example.org", "lastname": "Made"})
    hubspot.inject("/crm/v3/", 503, times=10_000)  # every request, all run long

    down = bizdev("run")
    assert down.exit_code == 2, down.output
    assert "contacts pipeline success; hubspot failed" in down.output
    assert "HTTP 503" in down.output
    people = golden(tmp_path)
    assert people.height > 0
    assert len(salesforce.records("Contact")) == people.height  # the other CRM synced
    warehouse = DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb"))
    runs = warehouse.query("select object, direction, status, error from crm_sync_runs "
                           "where crm_type = 'hubspot'")  # fmt: skip
    assert set(runs["status"]) == {"failed"} and runs["error"].str.contains("503").all()
    assert hubspot.records("contacts").keys() == {rep}

    hubspot.reset_plumbing()  # HubSpot is back
    back = bizdev("run")
    assert back.exit_code == 0, back.output
    people = golden(tmp_path)
    emails = [r["email"] for r in hubspot.records("contacts").values()]
    assert sorted(emails) == sorted(people["email"].drop_nulls())  # none lost, none twice
    assert "rep.made@example.org" in set(people["email"])  # its feed file was ingested
    assert hubspot.records("contacts")[rep]["bizdev_contact_id"]  # linked, not duplicated


def test_an_empty_postgres_database_needs_no_manual_step(
    monkeypatch, tmp_path, landing, postgres_url
):
    first_run_env(monkeypatch, tmp_path, landing, BIZDEV_WAREHOUSE=postgres_url)
    monkeypatch.delenv("BIZDEV_DB_MIGRATE", raising=False)
    generate_demo(landing, tmp_path / "labels.csv", n_rows=200, seed=14)
    assert current_revision(postgres_url) is None

    run = bizdev("run")
    assert run.exit_code == 0, run.output
    assert current_revision(postgres_url) == head_revision()
    warehouse = PostgresWarehouse(url=postgres_url)
    assert warehouse.row_count("contacts") == warehouse.row_count("golden_contacts") > 0
