"""`bizdev crm setup` against fresh accounts (the real client libraries on the wire):
what it creates, what it leaves to an admin and says how, and that it never creates
twice."""

from __future__ import annotations

from typer.testing import CliRunner

from bizdev_assets.cli import app
from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.setup import CREATED, EXISTS, HIDDEN, MANUAL, run_setup
from tests.crm_support import first_run_env, hubspot_crm, salesforce_crm
from tests.servers.salesforce import Field

HUBSPOT = CrmMapping.shipped("hubspot")
SALESFORCE = CrmMapping.shipped("salesforce")


def actions(report) -> dict[str, str]:
    return {step.prop.name: step.action for step in report.steps}


def test_setup_creates_bizdevs_property_group_once_and_its_properties(hubspot):
    report = run_setup(hubspot_crm(hubspot), HUBSPOT, dry_run=False)
    assert actions(report) == {"bizdev_contact_id": CREATED, "bizdev_quality_score": CREATED}
    assert hubspot.count("/crm/v3/properties/contacts/groups", method=None) == 2  # list, create
    assert report.write_calls == 3 and report.done

    again = run_setup(hubspot_crm(hubspot), HUBSPOT, dry_run=False)
    assert actions(again) == {"bizdev_contact_id": EXISTS, "bizdev_quality_score": EXISTS}
    assert again.write_calls == 0


def test_without_the_schema_scope_setup_says_what_to_create_by_hand(hubspot):
    hubspot.deny_schema_writes()
    report = run_setup(hubspot_crm(hubspot), HUBSPOT, dry_run=False)
    assert actions(report) == {"bizdev_contact_id": MANUAL, "bizdev_quality_score": MANUAL}
    step = report.steps[0]
    assert "internal name 'bizdev_contact_id'" in step.detail
    assert "Require unique values" in step.detail
    assert "crm.schemas.contacts.write" in step.detail
    assert not report.done and "bizdev_contact_id" not in hubspot.index("contacts")


def test_setup_creates_salesforce_fields_through_the_tooling_api(salesforce):
    report = run_setup(salesforce_crm(salesforce), SALESFORCE, dry_run=False)
    assert actions(report) == {"Bizdev_Id__c": CREATED, "Bizdev_Quality_Score__c": CREATED}
    assert salesforce.count("POST", "/tooling/sobjects/CustomField") == 2
    described = salesforce_crm(salesforce).describe("contacts")
    assert described["Bizdev_Id__c"].length == 36
    assert run_setup(salesforce_crm(salesforce), SALESFORCE, dry_run=False).write_calls == 0


def test_without_customize_application_setup_lists_the_fields_to_create_in_setup(salesforce):
    salesforce.deny_customize()
    report = run_setup(salesforce_crm(salesforce), SALESFORCE, dry_run=False)
    assert actions(report) == {"Bizdev_Id__c": MANUAL, "Bizdev_Quality_Score__c": MANUAL}
    key, score = report.steps
    assert key.detail.startswith(
        "Salesforce Setup > Object Manager > Contact > Fields & Relationships > New: Text, "
        "Field Label 'Bizdev Id', Length 36, Field Name 'Bizdev_Id' (API name Bizdev_Id__c), "
        "Unique and External ID checked"
    )
    assert "Number, Field Label 'Bizdev Quality Score', Length 3, Decimal Places 2" in score.detail
    assert "INSUFFICIENT_ACCESS_OR_READONLY" in key.detail
    assert salesforce.count("POST", "/tooling/sobjects/CustomField") == 1  # tried once only


def test_a_field_the_user_cannot_see_is_not_created_twice_but_named(salesforce):
    salesforce.add_field(
        "Contact",
        Field("Bizdev_Id__c", "Bizdev Id", "string", 36, external_id=True, unique=True),
        visible=False,
    )
    report = run_setup(salesforce_crm(salesforce), SALESFORCE, dry_run=False)
    assert actions(report) == {"Bizdev_Id__c": HIDDEN, "Bizdev_Quality_Score__c": CREATED}
    assert "field-level security" in report.steps[0].detail
    assert not report.done


def test_dry_run_prints_the_plan_and_changes_nothing(
    monkeypatch, tmp_path, landing, hubspot, salesforce
):
    first_run_env(monkeypatch, tmp_path, landing, hubspot, salesforce)
    result = CliRunner().invoke(app, ["crm", "setup", "--dry-run", "--crm", "salesforce"])
    assert result.exit_code == 0, result.output
    assert "Bizdev_Id__c" in result.output and "would create" in result.output
    assert "salesforce: 0 write calls" in result.output and "hubspot" not in result.output
    assert salesforce.custom_fields() == []


def test_setup_exits_1_when_an_admin_has_work_left(
    monkeypatch, tmp_path, landing, hubspot, salesforce
):
    first_run_env(monkeypatch, tmp_path, landing, hubspot, salesforce)
    salesforce.deny_customize()
    result = CliRunner().invoke(app, ["crm", "setup"])
    assert result.exit_code == 1
    assert "hubspot: 3 write calls" in result.output  # HubSpot was set up all the same
    assert "Fields & Relationships" in result.output
