"""SLA monitoring: business hours in the owner's time zone, one notification per breach
and per escalation, and a failing check while a routed lead waits untouched."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import polars as pl

from bizdev_assets.leads.routing import ROUTING_SCHEMA
from bizdev_assets.outreach.assets import OUTREACH_ASSETS
from bizdev_assets.outreach.business_time import business_hours_between
from bizdev_assets.outreach.events import EVENT_SCHEMA
from bizdev_assets.outreach.sla import sla_status
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse


def test_business_hours_skip_nights_and_weekends_in_the_owners_zone():
    friday_4pm = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
    monday_11am = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # 11:00 in Berlin
    assert business_hours_between(friday_4pm, monday_11am, "Europe/Berlin") == 3.0
    assert business_hours_between(friday_4pm, monday_11am, "America/New_York") == 7.0


def _routing(rows: list[dict]) -> pl.DataFrame:
    base = {"lead_score": 80, "owner_name": "Anna", "owner_email": "anna@example.com", "owner_timezone": "UTC",
            "hubspot_owner_id": None, "salesforce_owner_id": None, "route_rule": "territory",
            "territory": "DACH", "contact_timezone": "Europe/Berlin"}  # fmt: skip
    return pl.DataFrame([{**base, **row} for row in rows], schema=ROUTING_SCHEMA)


def test_a_lead_touched_in_time_is_no_breach():
    routed = datetime(2026, 12, 7, 9, 0)
    routing = _routing([{"contact_id": "a", "owner_id": "anna", "routed_at": routed}])
    events = pl.DataFrame([{"contact_id": "a", "event": "sent", "at": routed + timedelta(hours=2)}])
    status = sla_status(routing, events, now=routed + timedelta(days=10), hours=4)
    assert status["level"].to_list() == [None]


def test_an_sla_breach_is_notified_once_and_fails_the_check(tmp_path: Path):
    settings = Settings(
        warehouse=str(tmp_path / "warehouse.duckdb"),
        notifications_file=str(tmp_path / "notifications.jsonl"),
        sla_business_hours=4,
    )
    warehouse = DuckDBWarehouse(path=settings.warehouse)
    now = datetime.now(UTC).replace(tzinfo=None)
    warehouse.replace_table("lead_routing", _routing([
        {"contact_id": "lead-waiting", "owner_id": "anna", "routed_at": now - timedelta(days=14)},
        {"contact_id": "lead-done", "owner_id": "anna", "routed_at": now - timedelta(days=14)},
    ]))  # fmt: skip
    warehouse.replace_table("outreach_events", pl.DataFrame(
        [{"workflow_id": "w", "contact_id": "lead-done", "event": "sent", "at": now - timedelta(days=14)}],
        schema=EVENT_SCHEMA,
    ))  # fmt: skip

    def run() -> dg.ExecuteInProcessResult:
        return dg.materialize(
            OUTREACH_ASSETS,
            selection=["lead_sla_breaches"],
            resources=build_resources(settings),
            instance=dg.DagsterInstance.ephemeral(),
        )

    first, second = run(), run()
    lines = Path(settings.notifications_file).read_text().splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])
    assert "lead-waiting" in payload["text"] and "lead-done" not in payload["text"]
    assert payload["text"].startswith("*Lead SLA: 1 routed lead(s)")
    assert payload["blocks"][0]["type"] == "header"
    breaches = warehouse.query("select contact_id, level from lead_sla_breaches order by level")
    assert breaches.rows() == [("lead-waiting", "breach"), ("lead-waiting", "escalation")]
    for result in (first, second):
        (check,) = result.get_asset_check_evaluations()
        assert not check.passed
