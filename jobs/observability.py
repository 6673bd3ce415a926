"""The SLO checks on their own, every 5 minutes: the breach that matters most (a file
nobody processes, a sync that stopped) is precisely the one no other run will report."""

from __future__ import annotations

import dagster as dg

from bizdev_assets.observability.checks import SLO_CHECKS

slo_checks = dg.define_asset_job(
    "slo_checks",
    selection=dg.AssetSelection.checks(*SLO_CHECKS),
    description="Evaluate the SLO asset checks (contacts freshness, CRM sync delay, "
    "quarantine share); writes nothing. docs/observability.md",
    # It only reads, but a DuckDB file that a run in another process writes cannot be
    # opened meanwhile: queue with the writers (dagster.yaml's run limit).
    tags={"bizdev/writes": "warehouse"},
)

slo_schedule = dg.ScheduleDefinition(
    name="slo_schedule",
    job=slo_checks,
    cron_schedule="*/5 * * * *",
    # On by default: an SLO nobody evaluates is no SLO. The job only reads.
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every 5 minutes: evaluate the SLO checks, so a breach is seen even when "
    "no pipeline run happens.",
)
