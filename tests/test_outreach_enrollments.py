"""`outreach_enrollments` and what follows it, materialized in-process against the
session's Temporal dev server: the consent gate, idempotent enrolment, withdrawn consent."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from temporalio.client import Client

from bizdev_assets.outreach import control
from bizdev_assets.outreach.activities import OutreachActivities
from bizdev_assets.outreach.assets import OUTREACH_ASSETS
from resources.mail import OutboxMail
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse
from tests.outreach_support import golden_and_scores, worker_thread

SELECTION = ["lead_scores", "lead_routing", "outreach_enrollments", "outreach_events"]


@pytest.fixture
def outreach_settings(tmp_path: Path, temporal_server) -> Settings:
    return Settings(
        landing=str(tmp_path / "landing"),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        temporal_address=temporal_server.address,
        temporal_task_queue=f"assets-{uuid.uuid4().hex[:8]}",
        outbox=str(tmp_path / "outbox"),
        notifications_file=str(tmp_path / "notifications.jsonl"),
        outreach_settle_seconds=2,  # no worker in most of these tests: do not wait for one
    )


def seed(settings: Settings, people: list[dict]) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(path=settings.warehouse)
    for table, frame in golden_and_scores(people).items():
        warehouse.replace_table(table, frame)
    return warehouse


def materialize(settings: Settings, selection=SELECTION) -> dict[str, dict]:
    result = dg.materialize(
        OUTREACH_ASSETS,
        selection=selection,
        resources=build_resources(settings),
        instance=dg.DagsterInstance.ephemeral(),
    )
    return {
        e.asset_key.path[-1]: {k: v.value for k, v in e.materialization.metadata.items()}
        for e in result.get_asset_materialization_events()
    }


def workflow_ids(settings: Settings) -> list[str]:
    async def listing() -> list[str]:
        client = await Client.connect(settings.temporal_address)
        return sorted(s["workflow_id"] for s in await control.read_states(client))

    return asyncio.run(listing())


def test_only_routed_leads_with_consent_are_enrolled(outreach_settings):
    consenting = [{"contact_id": str(uuid.uuid4())} for _ in range(3)]
    refused = [{"contact_id": str(uuid.uuid4()), "gdpr_consent": False}]
    role = [{"contact_id": str(uuid.uuid4()), "is_role_email": True}]
    seed(outreach_settings, consenting + refused + role)
    before = set(workflow_ids(outreach_settings))

    meta = materialize(outreach_settings)["outreach_enrollments"]

    new = set(workflow_ids(outreach_settings)) - before
    enrolled = {i.removeprefix("outreach-").removesuffix("-demo-intro") for i in new}
    assert enrolled == {p["contact_id"] for p in consenting}
    assert (meta["started"], meta["blocked_by_consent"]) == (3, 2)


def test_rematerialising_outreach_enrollments_starts_nothing_new(outreach_settings):
    warehouse = seed(outreach_settings, [{} for _ in range(4)])
    first = materialize(outreach_settings)["outreach_enrollments"]
    ids = workflow_ids(outreach_settings)
    # Even with the warehouse's memory of the enrolments gone, Temporal refuses duplicates.
    warehouse.replace_table("outreach_enrollments", pl.DataFrame({"contact_id": ["x"]}))

    second = materialize(outreach_settings, ["outreach_enrollments"])["outreach_enrollments"]

    assert first["started"] == 4
    assert (second["started"], second["already_enrolled"]) == (0, 4)
    assert workflow_ids(outreach_settings) == ids


def test_withdrawn_consent_stops_the_sequence_and_the_contact_is_not_enrolled_again(
    outreach_settings, tmp_path
):
    outreach_settings = dataclasses.replace(outreach_settings, outreach_settle_seconds=60)
    person = {"contact_id": str(uuid.uuid4())}
    warehouse = seed(outreach_settings, [person])
    activities = OutreachActivities(mail=OutboxMail(folder=str(tmp_path / "outbox")))
    address, queue = outreach_settings.temporal_address, outreach_settings.temporal_task_queue
    with worker_thread(address, queue, activities):
        materialize(outreach_settings)
        golden = warehouse.read_table("golden_contacts").with_columns(gdpr_consent=pl.lit(False))
        warehouse.replace_table("golden_contacts", golden)
        meta = materialize(outreach_settings)

    enrollment = warehouse.query(
        "select status, stop_reason from outreach_enrollments where contact_id = ?",
        [person["contact_id"]],
    )
    assert meta["outreach_enrollments"]["consent_withdrawn"] == 1
    assert enrollment.rows() == [("stopped", "unsubscribed")]
    events = warehouse.query(
        "select event, detail from outreach_events where event = 'unsubscribed'"
    )
    assert events.rows() == [("unsubscribed", "consent withdrawn")]
    suppressed = warehouse.query("select contact_id, reason from outreach_suppressions")
    assert suppressed.rows() == [(person["contact_id"], "unsubscribed")]
    assert meta["outreach_enrollments"]["started"] == 0
