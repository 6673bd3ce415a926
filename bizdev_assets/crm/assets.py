"""CRM sync assets, the same three per CRM (built by `crm_assets`):

  crm_<crm>_contacts          pull of the CRM's contacts (incremental, cursor in crm_sync_state)
  crm_hubspot_companies /     pull of companies / accounts
  crm_salesforce_accounts
  crm_<crm>_push              diff-based push of golden contacts

A CRM without credentials materializes as "skipped" so that `make run` and the
contact chain work with no CRM at all. Every pull and push writes a `crm_sync_runs` row,
failed ones included.
"""

import dagster as dg

from bizdev_assets.crm.client import CrmError
from bizdev_assets.crm.pull import pull_object, pull_table
from bizdev_assets.crm.push import push_contacts
from bizdev_assets.crm.state import RUNS_TABLE, RunRecord, write_state
from resources.crm import CrmResource
from resources.landing import LandingZone
from resources.warehouse import Warehouse

COMPANY_OBJECTS = {"hubspot": "companies", "salesforce": "accounts"}
COMPANY_PROPERTIES = {
    "hubspot": ["name", "domain", "phone", "city", "country", "industry", "numberofemployees"],
    "salesforce": [
        "Name",
        "Website",
        "Phone",
        "BillingCity",
        "BillingCountry",
        "Industry",
        "NumberOfEmployees",
    ],
}
UPSTREAM_OF_PUSH = ["golden_contacts", "contact_quality_scores", "contacts"]


def _skipped(context: dg.AssetExecutionContext, crm: CrmResource) -> dg.MaterializeResult:
    reason = f"not configured: {crm.missing_settings}"
    context.log.info(f"{crm.crm_type} skipped: {reason}")
    return dg.MaterializeResult(metadata={"skipped": True, "reason": reason})


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, CrmError) else f"{type(exc).__name__}: {exc}"


def _record(warehouse: Warehouse, run: RunRecord) -> None:
    warehouse.append_rows(RUNS_TABLE, run.frame())


def _pull_asset(crm_type: str, object_name: str, object_type: str, contacts: bool):
    table = pull_table(crm_type, object_name)

    @dg.asset(
        name=table,
        group_name="crm",
        kinds={crm_type, "python"},
        required_resource_keys={crm_type, "warehouse", "landing"},
        description=(
            f"{crm_type} {object_name} modified since the last pull (cursor in crm_sync_state,"
            " with a lookback overlap), newest version per CRM id."
            + (
                " Contacts changed in the CRM also land as an NDJSON file under crm/ in the"
                " landing zone, so the contact pipeline ingests them with their CRM ids."
                if contacts
                else ""
            )
        ),
    )
    def pull(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        crm: CrmResource = getattr(context.resources, crm_type)
        warehouse: Warehouse = context.resources.warehouse
        landing: LandingZone = context.resources.landing
        if not crm.configured:
            return _skipped(context, crm)
        client = crm.client()
        run = RunRecord(context.run_id, crm_type, object_name, "pull")
        try:
            mapping = crm.mapping() if contacts else None
            properties = mapping.properties if mapping else COMPANY_PROPERTIES[crm_type]
            run.mapping_version = mapping.version if mapping else None
            if mapping:
                mapping = mapping.check_against(client.describe("contacts"))
            result = pull_object(
                client,
                warehouse,
                object_type,
                properties,
                context.run_id,
                table=table,
                mapping=mapping,
                landing=landing if contacts else None,
                lookback=crm.lookback,
            )
        except Exception as exc:  # any failure: recorded, cursor kept, then the step fails
            run.finish("failed", client.stats, _describe(exc))
            _record(warehouse, run)
            write_state(warehouse, crm_type, object_type, status="error", failed=True)
            raise
        run.records_read = result.records_read
        run.records_changed = result.records_changed
        run.finish("succeeded", client.stats)
        _record(warehouse, run)
        context.log.info(
            f"{table}: {result.records_read} read, {result.records_stored} stored, "
            f"{result.records_changed} changed, {result.records_fed} fed to the pipeline; "
            f"cursor {result.cursor_before} -> {result.cursor_after}"
        )
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": warehouse.row_count(table) if result.records_stored else 0,
                "records_read": result.records_read,
                "records_stored": result.records_stored,
                "records_changed": result.records_changed,
                "records_fed_to_pipeline": result.records_fed,
                "deleted_in_crm": result.deleted,
                "feed_file": result.feed_file or "",
                "cursor_before": result.cursor_before or "",
                "cursor_after": result.cursor_after or "",
                "api_calls": client.stats.api_calls,
                "api_usage": client.stats.limit_info or "",
            }
        )

    return pull


def _push_asset(crm_type: str):
    contacts_table = pull_table(crm_type, "contacts")

    @dg.asset(
        name=f"crm_{crm_type}_push",
        group_name="crm",
        kinds={crm_type, "python"},
        deps=[*UPSTREAM_OF_PUSH, contacts_table],
        required_resource_keys={crm_type, "warehouse"},
        description=(
            f"Golden contacts pushed to {crm_type}: only fields changed since the last sync "
            "(crm_push_snapshot), conflicts settled per field policy, every change in "
            "crm_sync_changes, rejected rows in crm_sync_rejections (retried next run)."
        ),
    )
    def push(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        crm: CrmResource = getattr(context.resources, crm_type)
        warehouse: Warehouse = context.resources.warehouse
        if not crm.configured:
            return _skipped(context, crm)
        client = crm.client()
        run = RunRecord(context.run_id, crm_type, "contacts", "push")
        try:
            mapping = crm.mapping()
            run.mapping_version = mapping.version
            mapping = mapping.check_against(client.describe("contacts"))
            counts = push_contacts(
                client,
                warehouse,
                mapping,
                run,
                crm.push_options(),
                pull_table=contacts_table,
                log=context.log,
            )
        except Exception as exc:  # any failure (CRM, mapping, warehouse) is recorded
            run.finish("failed", client.stats, _describe(exc))
            _record(warehouse, run)
            raise
        run.records_read = counts.golden
        run.records_changed = counts.changed
        run.records_sent = counts.sent
        run.records_succeeded = counts.succeeded
        run.records_rejected = counts.rejected
        run.finish("succeeded", client.stats)
        _record(warehouse, run)
        if counts.rejected:
            context.log.warning(
                f"{counts.rejected} contacts rejected by {crm_type}; see crm_sync_rejections "
                "(they are sent again next run)"
            )
        return dg.MaterializeResult(
            metadata={
                "golden_contacts": counts.golden,
                "changed": counts.changed,
                "sent": counts.sent,
                "succeeded": counts.succeeded,
                "rejected": counts.rejected,
                "conflicts": counts.conflicts,
                "conflicts_kept_crm_value": counts.kept_crm_value,
                "archived": counts.archived,
                "skipped": dg.MetadataValue.json(counts.skipped),
                "api_calls": client.stats.api_calls,
                "write_calls": client.stats.write_calls,
                "rate_limited": client.stats.rate_limited,
                "api_usage": client.stats.limit_info or "",
                "mode": crm.push_mode + (" + mirror" if crm.mirror else ""),
                "mapping_version": mapping.version,
            }
        )

    return push


def crm_assets(crm_type: str) -> list[dg.AssetsDefinition]:
    companies = COMPANY_OBJECTS[crm_type]
    return [
        _pull_asset(crm_type, "contacts", "contacts", contacts=True),
        _pull_asset(crm_type, companies, "companies", contacts=False),
        _push_asset(crm_type),
    ]


CRM_ASSETS = crm_assets("hubspot") + crm_assets("salesforce")
