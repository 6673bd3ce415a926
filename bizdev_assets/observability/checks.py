"""The SLOs as Dagster asset checks, shown on the assets they are about.

Each runs after its asset in the jobs that materialize it, and every 5 minutes in the
`slo_checks` job (`jobs/observability.py`), since the breach that matters most, a file
nobody processes, is precisely the one no run will report. They never block: they say
whether the service held its promise, not whether the data may flow on. The decisions
are the pure functions of `slo.py`; here they get their observations.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
from dagster._core.definitions.run_request import InstigatorType
from dagster._core.scheduler.instigation import InstigatorStatus

from bizdev_assets.observability.slo import (
    SloResult,
    contacts_freshness,
    crm_sync_delay,
    quarantine_share,
)
from resources.landing import LandingZone
from resources.observability_config import ObservabilityConfig
from resources.warehouse import Warehouse

LANDING_SENSOR = "landing_file_sensor"
CRM_SCHEDULE = "crm_sync_schedule"


def instigator_on(instance: dg.DagsterInstance, name: str, *, default: bool) -> bool:
    """Whether a sensor or schedule is running: its stored state once someone toggled it
    in the UI, else its default status in code."""
    for kind in (InstigatorType.SENSOR, InstigatorType.SCHEDULE):
        for state in instance.all_instigator_state(instigator_type=kind):
            if state.name == name and state.status != InstigatorStatus.DECLARED_IN_CODE:
                return state.status in (
                    InstigatorStatus.RUNNING,
                    InstigatorStatus.AUTOMATICALLY_RUNNING,
                )
    return default


def check_result(result: SloResult, severity: dg.AssetCheckSeverity) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=result.passed,
        severity=severity,
        description=result.summary,
        metadata={"summary": result.summary, **result.metadata},
    )


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


@dg.asset_check(
    asset="contacts",
    name="slo_contacts_fresh",
    description="SLO: a file that lands is in `contacts` within 5 minutes "
    "(BIZDEV_SLO_WINDOW_MINUTES) while landing_file_sensor is on. Fails when a file newer "
    "than the last contacts update has waited longer; runbook: docs/runbook.md#contactsstale.",
)
def slo_contacts_fresh(
    context, landing: LandingZone, observability: ObservabilityConfig
) -> dg.AssetCheckResult:
    landed = {f.name: _utc(f.modified_ns / 1e9) for f in landing.scan().files}
    event = context.instance.get_latest_materialization_event(dg.AssetKey("contacts"))
    result = contacts_freshness(
        landed,
        _utc(event.timestamp) if event else None,
        observability.now(),
        window=observability.window,
        sensor_on=instigator_on(context.instance, LANDING_SENSOR, default=True),
    )
    return check_result(result, dg.AssetCheckSeverity.ERROR)


def _crm_delay_check(crm: str):
    @dg.asset_check(
        asset=f"crm_{crm}_push",
        name=f"slo_{crm}_sync_delay",
        description=f"SLO: {crm} is pulled and pushed within 5 minutes (BIZDEV_SLO_WINDOW_MINUTES) "
        "while crm_sync_schedule is on; passes when the CRM is not configured. "
        "Runbook: docs/runbook.md#crmsyncdelayed.",
        required_resource_keys={crm, "warehouse", "observability"},
    )
    def _check(context) -> dg.AssetCheckResult:
        warehouse: Warehouse = context.resources.warehouse
        observability: ObservabilityConfig = context.resources.observability
        configured = getattr(context.resources, crm).configured
        last = {}
        if configured and warehouse.table_exists("crm_sync_runs"):
            rows = warehouse.query(
                "select direction, max(finished_at) from crm_sync_runs "
                "where crm_type = ? and status = 'succeeded' group by 1",
                [crm],
            )
            last = {(crm, d): at.replace(tzinfo=UTC) for d, at in rows.iter_rows() if at}
        result = crm_sync_delay(
            last,
            [crm] if configured else [],
            observability.now(),
            window=observability.window,
            schedule_on=instigator_on(context.instance, CRM_SCHEDULE, default=False),
        )
        return check_result(result, dg.AssetCheckSeverity.ERROR)

    return _check


slo_hubspot_sync_delay = _crm_delay_check("hubspot")
slo_salesforce_sync_delay = _crm_delay_check("salesforce")


@dg.asset_check(
    asset="contacts_quarantine",
    name="slo_quarantine_share",
    description="No file of the latest normalization quarantines more than 5 % of its rows "
    "(BIZDEV_SLO_QUARANTINE_SHARE; files under 20 rows exempt). A breach usually means a "
    "header mapping or an export broke. Runbook: docs/runbook.md#quarantinesharehigh.",
)
def slo_quarantine_share(
    warehouse: Warehouse, observability: ObservabilityConfig
) -> dg.AssetCheckResult:
    files: list[tuple[str, int, int]] = []
    if warehouse.table_exists("landing_file_log") and warehouse.table_exists("contacts_quarantine"):
        frame = warehouse.query(
            "select f.source_file, f.rows_read, "
            "(select count(*) from contacts_quarantine q where q.file_hash = f.file_hash) "
            "from landing_file_log f where f.normalized_at = "
            "(select max(normalized_at) from landing_file_log) and f.status = 'loaded'"
        )
        files = [(name, rows or 0, bad or 0) for name, rows, bad in frame.iter_rows()]
    result = quarantine_share(files, threshold=observability.quarantine_share)
    return check_result(result, dg.AssetCheckSeverity.WARN)


SLO_CHECKS = [
    slo_contacts_fresh,
    slo_hubspot_sync_delay,
    slo_salesforce_sync_delay,
    slo_quarantine_share,
]
