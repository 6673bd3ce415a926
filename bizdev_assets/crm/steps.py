"""What a CRM asset does when it runs: skip an unconfigured CRM, build the client from
the resource, check the mapping against the CRM, run the engine (`pull.py`, `push.py`),
record the run in `crm_sync_runs` (failed ones included) and report metadata. The assets
themselves are in `assets.py`.

Mapping entries the CRM cannot take (a custom property not created yet, a read-only or
mistyped one) are left out with a warning in the run's log, its metadata and
`crm_sync_runs.warnings`, naming the fix; the rest syncs. The pull reads whatever
properties exist and never fails for a push-side problem; a push without its match key
(`id_property`) fails with the fix, and only that CRM's push.
"""

from collections.abc import Callable

import dagster as dg

from bizdev_assets.crm.mapping import CrmMapping, MappingError
from bizdev_assets.crm.mapping_check import MappingCheck
from bizdev_assets.crm.pull import pull_object, pull_table
from bizdev_assets.crm.push import PushOptions, push_contacts
from bizdev_assets.crm.state import RUNS_TABLE, RunRecord, write_state
from resources.crm import CrmResource
from resources.crm.client import CrmError, ObjectType
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


def pull_step(
    context: dg.AssetExecutionContext,
    crm: CrmResource,
    warehouse: Warehouse,
    object_type: ObjectType,
    *,
    landing: LandingZone | None = None,
    secret: Callable[[], bytes] | None = None,
) -> dg.MaterializeResult:
    """Pull one object of one CRM into `crm_<crm>_<object>`; contacts also feed the
    contact pipeline through `landing`. With `secret` (the GDPR suppression key), records
    of erased subjects are dropped and counted."""
    if not crm.configured:
        return _skipped(context, crm)
    contacts = object_type == "contacts"
    object_name = "contacts" if contacts else COMPANY_OBJECTS[crm.crm_type]
    table = pull_table(crm.crm_type, object_name)
    client = crm.client()
    run = RunRecord(context.run_id, crm.crm_type, object_name, "pull")
    try:
        mapping, properties = None, COMPANY_PROPERTIES[crm.crm_type]
        if contacts:
            configured = CrmMapping.configured(crm.mapping_path, crm.crm_type)
            run.mapping_version = configured.version
            check = configured.usable_against(client.describe("contacts"))
            _warn(context, run, check)
            mapping, properties = check.mapping, list(check.readable)
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
            secret=secret if contacts else None,
        )
    except Exception as exc:  # any failure: recorded, cursor kept, then the step fails
        run.finish("failed", client.stats, _describe(exc))
        _record(warehouse, run)
        write_state(warehouse, crm.crm_type, object_type, status="error", failed=True)
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
            "records_suppressed": result.suppressed,
            "deleted_in_crm": result.deleted,
            "feed_file": result.feed_file or "",
            "cursor_before": result.cursor_before or "",
            "cursor_after": result.cursor_after or "",
            "api_calls": client.stats.api_calls,
            "api_usage": client.stats.limit_info or "",
            "mapping_warnings": run.warnings or "",
        }
    )


def push_step(
    context: dg.AssetExecutionContext, crm: CrmResource, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Push golden contacts' changes to one CRM."""
    if not crm.configured:
        return _skipped(context, crm)
    client = crm.client()
    run = RunRecord(context.run_id, crm.crm_type, "contacts", "push")
    try:
        configured = CrmMapping.configured(crm.mapping_path, crm.crm_type)
        run.mapping_version = configured.version
        check = configured.usable_against(client.describe("contacts"))
        _warn(context, run, check)
        if not check.usable:
            problem = check.match_key_problem
            raise MappingError(
                f"{crm.crm_type} push not possible: the match key {problem.where} "
                f"'{problem.crm_property}': {problem.message}. Fix: {check.fix()}"
            )
        mapping = check.mapping
        counts = push_contacts(
            client,
            warehouse,
            mapping,
            run,
            PushOptions(mode=crm.push_mode, mirror=crm.mirror),
            pull_table=pull_table(crm.crm_type, "contacts"),
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
            f"{counts.rejected} contacts rejected by {crm.crm_type}; see crm_sync_rejections "
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
            "mapping_warnings": run.warnings or "",
        }
    )


def _warn(context: dg.AssetExecutionContext, run: RunRecord, check: MappingCheck) -> None:
    run.warnings = check.warning()
    if run.warnings:
        context.log.warning(f"{run.crm_type}: {run.warnings}")


def _skipped(context: dg.AssetExecutionContext, crm: CrmResource) -> dg.MaterializeResult:
    reason = f"not configured: {crm.missing_settings}"
    context.log.info(f"{crm.crm_type} skipped: {reason}")
    return dg.MaterializeResult(metadata={"skipped": True, "reason": reason})


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, CrmError) else f"{type(exc).__name__}: {exc}"


def _record(warehouse: Warehouse, run: RunRecord) -> None:
    warehouse.append_rows(RUNS_TABLE, run.frame())
