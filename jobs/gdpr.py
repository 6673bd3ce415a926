"""The GDPR jobs: open erasure requests retried hourly, retention applied daily.

The retry schedule is on by default, unlike the other schedules: erasure is owed within a month whatever
happens to a CRM or a bucket meanwhile, and with no open request a run only reads
`gdpr_requests`.
"""

from __future__ import annotations

import dagster as dg

from bizdev_assets.gdpr.assets import gdpr_requests, retention_log

gdpr_erasure_retry = dg.define_asset_job(
    "gdpr_erasure_retry",
    selection=dg.AssetSelection.assets(gdpr_requests),
    description="Retry every destination of every open GDPR erasure request; check the SLA.",
    tags={"bizdev/writes": "warehouse"},
)

gdpr_erasure_retry_schedule = dg.ScheduleDefinition(
    name="gdpr_erasure_retry_schedule",
    job=gdpr_erasure_retry,
    cron_schedule="0 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Hourly: retry open GDPR erasure requests until each destination finished.",
)

gdpr_retention = dg.define_asset_job(
    "gdpr_retention",
    selection=dg.AssetSelection.assets(retention_log),
    description="Delete the rows past their table's retention period and log the counts.",
    tags={"bizdev/writes": "warehouse"},
)

gdpr_retention_schedule = dg.ScheduleDefinition(
    name="gdpr_retention_schedule",
    job=gdpr_retention,
    cron_schedule="30 2 * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Daily at 02:30: apply the retention periods (off until the periods are agreed).",
)
