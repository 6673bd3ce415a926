"""CRM sync jobs and their schedule (ADR-013 SLO: < 5 min sync delay).

`crm_sync` pulls both CRMs and then pushes golden contacts to them, every 2 minutes
once its schedule is turned on: a change reaches the other side within one or two
ticks. `crm_pull` pulls only; the webhook sensor starts it when a CRM reports a change.
Both share the warehouse run-queue limit with the contact jobs, and neither is needed
by them: the pulls' feed files reach `contacts_refresh` through the landing sensor, so a
CRM that is down fails these jobs only.
"""

from __future__ import annotations

import dagster as dg

from bizdev_assets.crm.assets import (
    crm_hubspot_companies,
    crm_hubspot_contacts,
    crm_hubspot_push,
    crm_salesforce_accounts,
    crm_salesforce_contacts,
    crm_salesforce_push,
)

CRM_PULLS = dg.AssetSelection.assets(
    crm_hubspot_contacts, crm_hubspot_companies, crm_salesforce_contacts, crm_salesforce_accounts
)
CRM_PUSHES = dg.AssetSelection.assets(crm_hubspot_push, crm_salesforce_push)
SYNC_CRON = "*/2 * * * *"

crm_sync = dg.define_asset_job(
    "crm_sync",
    selection=CRM_PULLS | CRM_PUSHES,
    description="Pull HubSpot and Salesforce, then push changed golden contacts to both.",
    tags={"bizdev/writes": "warehouse"},
)

crm_pull = dg.define_asset_job(
    "crm_pull",
    selection=CRM_PULLS,
    description="Pull what changed in HubSpot and Salesforce since the last cursor.",
    tags={"bizdev/writes": "warehouse"},
)

crm_sync_schedule = dg.ScheduleDefinition(
    name="crm_sync_schedule",
    job=crm_sync,
    cron_schedule=SYNC_CRON,
    # Off until an operator turns it on: a deployment should not start writing to a
    # CRM by itself. Unconfigured CRMs are skipped, so turning it on is always safe.
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every 2 minutes: CRM changes reach bizdev and golden changes reach the CRM "
    "within the ADR's 5-minute sync delay.",
)
