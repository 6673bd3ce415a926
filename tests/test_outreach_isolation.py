"""One failing system never stops the rest: with Temporal unreachable the contact chain,
lead scores and routing are written, and only the outreach assets fail."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from jobs.contacts import CONTACT_CHAIN
from resources.settings import Settings, build_resources
from resources.temporal.dev_server import free_port


def test_temporal_down_fails_only_the_outreach_assets(tmp_path: Path):
    landing = tmp_path / "landing"
    generate_demo(landing, tmp_path / "labels.csv", n_rows=300)
    settings = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        temporal_address=f"127.0.0.1:{free_port()}",  # nothing listens there
        outbox=str(tmp_path / "outbox"),
    )
    result = dg.materialize(
        ASSETS,
        resources=build_resources(settings),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    done = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    failed = {e.step_key for e in result.get_step_failure_events()}
    assert {"golden_contacts", "contacts", "lead_scores", "lead_routing"} <= done
    assert failed == {"outreach_enrollments"}
    assert not done & {"outreach_events", "outreach_funnel", "lead_sla_breaches"}


def test_the_contact_chain_job_selects_no_lead_or_outreach_asset():
    keys = CONTACT_CHAIN.resolve(ASSETS)
    assert not {k.path[-1] for k in keys} & {"lead_scores", "outreach_enrollments"}
