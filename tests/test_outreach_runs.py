"""Long sequences continue as new, a refused recipient is a bounce, and the commands
pause, resume and report one contact's sequences."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import polars as pl
from temporalio.api.enums.v1 import EventType
from typer.testing import CliRunner

from bizdev_assets.cli import app
from bizdev_assets.outreach import control
from bizdev_assets.outreach.activities import OutreachActivities
from bizdev_assets.outreach.records import workflow_id
from resources.warehouse import DuckDBWarehouse
from tests.outreach_support import (
    OPTIONS,
    events,
    golden_and_scores,
    new_lead,
    outreach_worker,
    sequence,
    smtp_mail,
)

FOUR_EMAILS = sequence(
    [{"id": f"e{i}", "email": {"subject": f"Email {i}"}} for i in range(4)],
    id="four-emails",
    send_window="anytime",
)


def test_a_long_sequence_continues_as_new_and_keeps_its_history(temporal_server, smtp, tmp_path):
    lead = new_lead("alan")

    async def scenario():
        activities = OutreachActivities(mail=smtp_mail(smtp, tmp_path))
        async with outreach_worker(temporal_server.address, activities, skipping=False) as (skipper, queue):  # fmt: skip
            client = skipper.client
            options = dataclasses.replace(OPTIONS, steps_per_run=2)
            await control.enroll(client, queue, lead, FOUR_EMAILS, options)
            handle = client.get_workflow_handle(workflow_id(lead.contact_id, FOUR_EMAILS.id))
            first_run = (await handle.describe()).run_id
            result = await asyncio.wait_for(handle.result(), 60)
            first = client.get_workflow_handle(handle.id, run_id=first_run)
            kinds = [e.event_type async for e in first.fetch_history_events()]
            return result, kinds

    result, first_run_events = asyncio.run(scenario())
    assert first_run_events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
    assert [e[1] for e in events(result, "sent")] == ["e0", "e1", "e2", "e3"]
    assert result["status"] == "completed" and len(smtp.deliveries) == 4


def test_a_refused_recipient_stops_the_sequence_as_a_bounce(temporal_server, smtp, tmp_path):
    lead = new_lead("nobody")
    smtp.handler.refused.add(lead.email)

    async def scenario():
        activities = OutreachActivities(mail=smtp_mail(smtp, tmp_path))
        async with outreach_worker(temporal_server.address, activities, skipping=False) as (skipper, queue):  # fmt: skip
            await control.enroll(skipper.client, queue, lead, FOUR_EMAILS, OPTIONS)
            handle = skipper.client.get_workflow_handle(workflow_id(lead.contact_id, FOUR_EMAILS.id))  # fmt: skip
            return await asyncio.wait_for(handle.result(), 60)

    result = asyncio.run(scenario())
    assert (result["status"], result["stop_reason"]) == ("stopped", "bounced")
    assert "550" in events(result, "bounced")[0][3] and smtp.deliveries == []


def test_the_commands_enrol_pause_resume_and_report_a_contact(temporal_server, tmp_path, monkeypatch):  # fmt: skip
    contact_id = str(uuid.uuid4())
    warehouse = DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb"))
    frames = golden_and_scores([{"contact_id": contact_id}])
    for table, frame in frames.items():
        warehouse.replace_table(table, frame)
    routing = frames["golden_contacts"].select(
        "contact_id", owner_id=pl.lit("anna"), contact_timezone=pl.lit("Europe/Berlin")
    )
    warehouse.replace_table("lead_routing", routing)
    monkeypatch.setenv("BIZDEV_WAREHOUSE", warehouse.path)
    monkeypatch.setenv("TEMPORAL_ADDRESS", temporal_server.address)
    monkeypatch.setenv("BIZDEV_TEMPORAL_TASK_QUEUE", f"cli-{uuid.uuid4().hex[:8]}")  # no worker
    runner = CliRunner()

    def bizdev(*args: str) -> str:
        outcome = runner.invoke(app, ["outreach", *args], catch_exceptions=False)
        assert outcome.exit_code == 0, outcome.output
        return outcome.output

    assert "started (demo-intro v1)" in bizdev("enroll", contact_id)
    assert "already enrolled" in bizdev("enroll", contact_id)
    assert "paused sent to 1 running sequence" in bizdev("pause", contact_id)
    assert "resumed sent to 1" in bizdev("resume", contact_id)
    assert "demo-intro" in bizdev("status", contact_id)
    refused = runner.invoke(app, ["outreach", "enroll", str(uuid.uuid4())])
    assert refused.exit_code == 1 and "not a routed qualified lead" in refused.output
