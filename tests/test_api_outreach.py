"""Workflow triggers over real HTTP, wired to the outreach sequences on the session's
Temporal dev server: enrol (idempotent, consent-gated), pause, resume, replied and
unsubscribed signals."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from temporalio.client import Client

from bizdev_assets.outreach import control
from bizdev_assets.outreach.assets import OUTREACH_ASSETS
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse
from tests.api_support import api_settings, running_api
from tests.outreach_support import golden_and_scores


@dataclass
class Routed:
    """Two routed leads, fresh per test (workflow ids are per contact on a shared
    server): `consenting` may be contacted, `refused` gave no consent."""

    settings: Settings
    consenting: str
    refused: str


@pytest.fixture
def routed(tmp_path: Path, landing: Path, temporal_server) -> Routed:
    consenting, refused = str(uuid.uuid4()), str(uuid.uuid4())
    settings = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        temporal_address=temporal_server.address,
        temporal_task_queue=f"api-{uuid.uuid4().hex[:8]}",
        outbox=str(tmp_path / "outbox"),
        notifications_file=str(tmp_path / "notifications.jsonl"),
        api=api_settings(tmp_path),
    )
    warehouse = DuckDBWarehouse(path=settings.warehouse)
    people = [{"contact_id": consenting}, {"contact_id": refused, "gdpr_consent": False}]
    for table, frame in golden_and_scores(people).items():
        warehouse.replace_table(table, frame)
    result = dg.materialize(
        OUTREACH_ASSETS,
        selection=["lead_scores", "lead_routing"],
        resources=build_resources(settings),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    return Routed(settings, consenting, refused)


def signals_received(address: str, workflow_id: str) -> list[str]:
    async def history() -> list[str]:
        client = await Client.connect(address)
        events = await client.get_workflow_handle(workflow_id).fetch_history()
        return [
            e.workflow_execution_signaled_event_attributes.signal_name
            for e in events.events
            if e.HasField("workflow_execution_signaled_event_attributes")
        ]

    return asyncio.run(history())


def test_enrol_is_idempotent_and_consent_gated(routed, temporal_server):
    consenting, refused = routed.consenting, routed.refused
    with running_api(routed.settings) as api, api.client("workflows:trigger") as client:
        first = client.post("/v1/outreach/enroll", json={"contact_id": consenting})
        again = client.post("/v1/outreach/enroll", json={"contact_id": consenting})
        refused = client.post("/v1/outreach/enroll", json={"contact_id": refused})
        unknown = client.post(
            "/v1/outreach/enroll", json={"contact_id": consenting, "sequence_id": "no-such"}
        )
        malformed = client.post("/v1/outreach/enroll", json={"contact_id": "1; drop table"})

    assert first.status_code == 200, first.text
    assert (first.json()["outcome"], again.json()["outcome"]) == ("started", "already_enrolled")
    assert refused.status_code == 409 and "consent" in refused.json()["detail"]
    assert unknown.status_code == 422 and "no-such" in unknown.json()["detail"]
    assert malformed.status_code == 422

    async def running() -> list[str]:
        client = await Client.connect(temporal_server.address)
        return [s["workflow_id"] for s in await control.read_states(client, consenting)]

    assert asyncio.run(running()) == [f"outreach-{consenting}-demo-intro"]


def test_pause_resume_and_signals_reach_the_contacts_running_sequence(routed, temporal_server):
    consenting, refused = routed.consenting, routed.refused
    workflow = f"outreach-{consenting}-demo-intro"
    with running_api(routed.settings) as api, api.client("workflows:trigger") as client:
        assert client.post("/v1/outreach/enroll", json={"contact_id": consenting}).is_success
        paused = client.post("/v1/outreach/pause", json={"contact_id": consenting})
        resumed = client.post("/v1/outreach/resume", json={"contact_id": consenting})
        replied = client.post(
            "/v1/outreach/signals",
            json={"contact_id": consenting, "signal": "replied", "detail": "Re: hello"},
        )
        nobody = client.post("/v1/outreach/pause", json={"contact_id": refused})
        bad_signal = client.post(
            "/v1/outreach/signals", json={"contact_id": consenting, "signal": "deleted"}
        )

    assert paused.json()["workflows"] == [workflow]
    assert resumed.json()["workflows"] == [workflow]
    assert replied.json() == {
        "contact_id": consenting,
        "signal": "replied",
        "workflows": [workflow],
    }
    assert nobody.status_code == 200 and nobody.json()["workflows"] == []
    assert bad_signal.status_code == 422
    assert signals_received(temporal_server.address, workflow) == ["paused", "resumed", "replied"]


def test_an_unreachable_temporal_is_503(tmp_path, landing):
    config = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        temporal_address="127.0.0.1:1",
        api=api_settings(tmp_path),
    )
    with running_api(config) as api, api.client("workflows:trigger") as client:
        response = client.post("/v1/outreach/pause", json={"contact_id": str(uuid.uuid4())})
    assert response.status_code == 503 and "Temporal" in response.json()["detail"]
    assert response.headers["retry-after"] == "10"
