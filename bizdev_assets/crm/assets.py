"""CRM sync assets, the same three per CRM:

  crm_<crm>_contacts          pull of the CRM's contacts (incremental, cursor in crm_sync_state)
  crm_hubspot_companies /     pull of companies / accounts
  crm_salesforce_accounts
  crm_<crm>_push              diff-based push of golden contacts

Each asset takes its CRM as a typed resource (`hubspot: HubSpotResource`, `salesforce:
SalesforceResource`) and hands it to `pull_step` / `push_step` (`steps.py`), which run
the engine and record the run. A CRM without credentials materializes as "skipped" so
that `make run` and the contact chain work with no CRM at all.

Nothing in the contact chain depends on a CRM asset: a CRM that is down, refusing or
unconfigured fails or skips its own assets only. The pulls feed the chain through the
landing zone instead (their files are ingested like any drop), and carry a higher step
priority, so that a run of every asset (`bizdev run`) pulls first and ingests what it
pulled in the same run; a pull that failed leaves its changes to the next run.
"""

import dagster as dg

from bizdev_assets.crm.steps import UPSTREAM_OF_PUSH, pull_step, push_step
from resources.crm import HubSpotResource, SalesforceResource
from resources.landing import LandingZone
from resources.pipeline_config import PipelineConfig
from resources.warehouse import Warehouse

# Ready steps run highest priority first: pulls before file ingest (docs/crm.md).
PULL_FIRST = {"dagster/priority": "10"}


@dg.asset(group_name="crm", kinds={"hubspot", "python"}, op_tags=PULL_FIRST)
def crm_hubspot_contacts(
    context: dg.AssetExecutionContext,
    hubspot: HubSpotResource,
    warehouse: Warehouse,
    landing: LandingZone,
    pipeline_config: PipelineConfig,
) -> dg.MaterializeResult:
    """HubSpot contacts modified since the last pull (cursor in crm_sync_state, with a
    lookback overlap), newest version per CRM id. Contacts changed in the CRM also land as
    an NDJSON file under crm/ in the landing zone, so the contact pipeline ingests them
    with their CRM ids."""
    return pull_step(
        context,
        hubspot,
        warehouse,
        "contacts",
        landing=landing,
        secret=pipeline_config.gdpr_secret,
    )


@dg.asset(group_name="crm", kinds={"hubspot", "python"}, op_tags=PULL_FIRST)
def crm_hubspot_companies(
    context: dg.AssetExecutionContext, hubspot: HubSpotResource, warehouse: Warehouse
) -> dg.MaterializeResult:
    """HubSpot companies modified since the last pull (cursor in crm_sync_state, with a
    lookback overlap), newest version per CRM id."""
    return pull_step(context, hubspot, warehouse, "companies")


@dg.asset(
    group_name="crm",
    kinds={"hubspot", "python"},
    deps=[*UPSTREAM_OF_PUSH, crm_hubspot_contacts],
)
def crm_hubspot_push(
    context: dg.AssetExecutionContext, hubspot: HubSpotResource, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Golden contacts pushed to HubSpot: only fields changed since the last sync
    (crm_push_snapshot), conflicts settled per field policy, every change in
    crm_sync_changes, rejected rows in crm_sync_rejections (retried next run)."""
    return push_step(context, hubspot, warehouse)


@dg.asset(group_name="crm", kinds={"salesforce", "python"}, op_tags=PULL_FIRST)
def crm_salesforce_contacts(
    context: dg.AssetExecutionContext,
    salesforce: SalesforceResource,
    warehouse: Warehouse,
    landing: LandingZone,
    pipeline_config: PipelineConfig,
) -> dg.MaterializeResult:
    """Salesforce contacts modified since the last pull (cursor in crm_sync_state, with a
    lookback overlap), newest version per CRM id. Contacts changed in the CRM also land as
    an NDJSON file under crm/ in the landing zone, so the contact pipeline ingests them
    with their CRM ids."""
    return pull_step(
        context,
        salesforce,
        warehouse,
        "contacts",
        landing=landing,
        secret=pipeline_config.gdpr_secret,
    )


@dg.asset(group_name="crm", kinds={"salesforce", "python"}, op_tags=PULL_FIRST)
def crm_salesforce_accounts(
    context: dg.AssetExecutionContext, salesforce: SalesforceResource, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Salesforce accounts modified since the last pull (cursor in crm_sync_state, with a
    lookback overlap), newest version per CRM id."""
    return pull_step(context, salesforce, warehouse, "companies")


@dg.asset(
    group_name="crm",
    kinds={"salesforce", "python"},
    deps=[*UPSTREAM_OF_PUSH, crm_salesforce_contacts],
)
def crm_salesforce_push(
    context: dg.AssetExecutionContext, salesforce: SalesforceResource, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Golden contacts pushed to Salesforce: only fields changed since the last sync
    (crm_push_snapshot), conflicts settled per field policy, every change in
    crm_sync_changes, rejected rows in crm_sync_rejections (retried next run)."""
    return push_step(context, salesforce, warehouse)


CRM_ASSETS = [
    crm_hubspot_contacts,
    crm_hubspot_companies,
    crm_hubspot_push,
    crm_salesforce_contacts,
    crm_salesforce_accounts,
    crm_salesforce_push,
]
