"""The outreach job and its schedule: score and route leads, enrol them, read back.

Separate from `contacts_refresh` on purpose: Temporal, SMTP or a CRM being down fails
this job only. Its schedule is off by default, as a deployment should not start emailing
by itself; `outreach_consent_sensor` runs it within a minute of a consent withdrawal.
"""

from __future__ import annotations

import dagster as dg

from bizdev_assets.outreach.assets import OUTREACH_ASSETS

outreach_refresh = dg.define_asset_job(
    "outreach_refresh",
    selection=dg.AssetSelection.assets(*OUTREACH_ASSETS),
    description="Lead scores and routing, then enrol newly qualified leads into the outreach "
    "sequence and read every sequence's events, funnel and SLA back.",
    tags={"bizdev/writes": "warehouse"},
)

outreach_schedule = dg.ScheduleDefinition(
    name="outreach_schedule",
    job=outreach_refresh,
    cron_schedule="*/10 * * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every 10 minutes: enrol new qualified leads, read events back, check SLAs.",
)
