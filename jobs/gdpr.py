"""The GDPR retry job and its schedule: every open erasure request carried on, hourly.

On by default, unlike the other schedules: erasure is owed within a month whatever
happens to a CRM or a bucket meanwhile, and with no open request a run only reads
`gdpr_requests`.
"""

from __future__ import annotations

import dagster as dg

from bizdev_assets.gdpr.assets import GDPR_ASSETS

gdpr_erasure_retry = dg.define_asset_job(
    "gdpr_erasure_retry",
    selection=dg.AssetSelection.assets(*GDPR_ASSETS),
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
