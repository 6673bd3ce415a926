"""Outreach tasks in the CRMs: a HubSpot task associated to the contact, a Salesforce Task
with WhoId; a retried step finds the task it created instead of creating another."""

from __future__ import annotations

import asyncio

import pytest

from bizdev_assets.outreach import control
from bizdev_assets.outreach.records import workflow_id
from bizdev_assets.outreach.worker import build_activities
from resources.crm.hubspot.tasks import HubSpotTasks
from resources.crm.salesforce.tasks import SalesforceTasks
from resources.crm.tasks import TaskSpec
from resources.mail import OutboxMail
from resources.settings import build_resources
from tests.crm_support import salesforce_crm
from tests.outreach_support import OPTIONS, new_lead, outreach_worker, sequence

# Where an admin created the custom task fields (docs/outreach.md); see the last tests
# for a fresh account.
pytestmark = pytest.mark.usefixtures("hubspot_bizdev_fields", "salesforce_bizdev_fields")


def _spec(contact_id: str, owner: str | None) -> TaskSpec:
    return TaskSpec(
        external_id="outreach-c1-demo.call",
        crm_contact_id=contact_id,
        owner_id=owner,
        subject="Call Ada",
        body="Two emails, no reply",
        due_at="2026-12-07T09:00:00+00:00",
    )


def test_a_hubspot_task_is_created_once_and_associated_to_the_contact(hubspot):
    contact = hubspot.seed("contacts", {"email": "ada@example.com"})
    tasks = HubSpotTasks(hubspot.token, hubspot.url, backoff_seconds=0.01)
    first, again = (
        tasks.ensure_task(_spec(contact, "1001")),
        tasks.ensure_task(_spec(contact, "1001")),
    )
    assert first[1] is True and again == (first[0], False)
    (stored,) = hubspot.records("tasks").values()
    assert (stored["hs_task_subject"], stored["hubspot_owner_id"]) == ("Call Ada", "1001")
    record = hubspot._stores["tasks"][first[0]]
    assert record["associations"][0]["to"] == contact
    assert record["associations"][0]["types"][0]["associationTypeId"] == 204


def test_a_salesforce_task_is_created_once_on_the_contact(salesforce):
    contact = salesforce.seed("Contact", {"LastName": "Lovelace"})
    tasks = SalesforceTasks(salesforce_crm(salesforce))
    first, again = tasks.ensure_task(_spec(contact, None)), tasks.ensure_task(_spec(contact, None))
    assert first[1] is True and again == (first[0], False)
    (stored,) = salesforce.records("Task")
    assert (stored["WhoId"], stored["Subject"], stored["Status"]) == (
        contact,
        "Call Ada",
        "Not Started",
    )


def test_a_task_step_creates_one_task_in_each_configured_crm(crm_settings, hubspot, salesforce, temporal_server, tmp_path):  # fmt: skip
    hs_contact = hubspot.seed("contacts", {"email": "grace@example.com"})
    sf_contact = salesforce.seed("Contact", {"LastName": "Hopper"})
    lead = new_lead("grace", hubspot_contact_id=hs_contact, salesforce_contact_id=sf_contact)
    call = sequence(
        [{"id": "call", "task": {"subject": "Call {full_name}", "due_business_days": 1}}],
        id="call-only",
    )
    activities = build_activities(build_resources(crm_settings))
    activities.mail = OutboxMail(folder=str(tmp_path / "outbox"))

    async def scenario():
        async with outreach_worker(temporal_server.address, activities, skipping=False) as (skipper, queue):  # fmt: skip
            await control.enroll(skipper.client, queue, lead, call, OPTIONS)
            handle = skipper.client.get_workflow_handle(workflow_id(lead.contact_id, call.id))
            return await asyncio.wait_for(handle.result(), 60)

    result = asyncio.run(scenario())
    created = sorted(e[3].split(":")[0] for e in result["events"] if e[0] == "task_created")
    assert created == ["hubspot", "salesforce"]
    assert len(hubspot.records("tasks")) == 1 and len(salesforce.records("Task")) == 1


def test_a_fresh_hubspot_account_without_the_task_property_gets_an_error_naming_it(hubspot):
    hubspot.reset(token=hubspot.token)  # a fresh account: no bizdev_task_id on tasks
    contact = hubspot.seed("contacts", {"email": "ada@example.com"})
    tasks = HubSpotTasks(hubspot.token, hubspot.url, backoff_seconds=0.01)
    with pytest.raises(Exception, match="bizdev_task_id"):
        tasks.ensure_task(_spec(contact, "1001"))
    assert hubspot.records("tasks") == {}


def test_a_fresh_salesforce_org_without_the_task_field_gets_an_error_naming_it(salesforce):
    salesforce.reset()  # a fresh org: no Bizdev_Task_Id__c on Task
    contact = salesforce.seed("Contact", {"LastName": "Lovelace"})
    with pytest.raises(Exception, match="Bizdev_Task_Id__c"):
        SalesforceTasks(salesforce_crm(salesforce)).ensure_task(_spec(contact, None))
    assert salesforce.records("Task") == []
