"""Enrichment and market-signal jobs and their schedules, apart from the contact chain.

`contacts_refresh` never selects an enrichment asset, so a provider that is down, out of
budget or misconfigured cannot hold back ingest or golden contacts. `enrichment_refresh`
runs the whole `enrichment` group (domains, the waterfall, people, signals, the raw
layer) once a day, when the daily credit budgets start again; `company_signals_refresh`
reads the news feeds every hour. Both schedules are off until an operator turns them
on, and share the warehouse run-queue limit with the other jobs.
"""

from __future__ import annotations

import dagster as dg

ENRICHMENT_GROUP = dg.AssetSelection.groups("enrichment")

enrichment_refresh = dg.define_asset_job(
    "enrichment_refresh",
    selection=ENRICHMENT_GROUP,
    description="Company domains -> provider waterfall (cached, budgeted) -> people -> "
    "signals -> raw layer. Reads golden_contacts; never writes the contact chain.",
    tags={"bizdev/writes": "warehouse"},
)

company_signals_refresh = dg.define_asset_job(
    "company_signals_refresh",
    selection=dg.AssetSelection.assets("company_signals"),
    description="Read the news feeds and the webhook inbox; match items to companies.",
    tags={"bizdev/writes": "warehouse"},
)

enrichment_daily_schedule = dg.ScheduleDefinition(
    name="enrichment_daily_schedule",
    job=enrichment_refresh,
    cron_schedule="15 0 * * *",  # just after 00:00 UTC, when the day's budgets start
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every day: enrich what is new or expired in the cache, within the day's budgets.",
)

company_signals_schedule = dg.ScheduleDefinition(
    name="company_signals_schedule",
    job=company_signals_refresh,
    cron_schedule="0 * * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every hour: news and competitor mentions from the configured feeds.",
)

ENRICHMENT_JOBS = [enrichment_refresh, company_signals_refresh]
ENRICHMENT_SCHEDULES = [enrichment_daily_schedule, company_signals_schedule]
