"""`gdpr_requests`: every open erasure request carried on, and the 30-day deadline checked.

Each materialization runs the destinations of every request not yet `finished` again
(`erase.run_request`), so a CRM that was down or a landing file that could not be
rewritten is retried until it is done; the `within_sla` check fails when a request is
still open 30 days after it was made (GDPR art. 12(3): one month). The schedule
`gdpr_erasure_retry_schedule` runs it hourly; with no open request it only reads the
table.
"""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from bizdev_assets.gdpr.erase import ErasureSystems, run_request
from bizdev_assets.gdpr.requests import REQUESTS_TABLE, open_request_ids, overdue, request_rows
from bizdev_assets.gdpr.retention import LOG_TABLE, apply_retention, load_policy
from resources.crm import HubSpotResource, SalesforceResource
from resources.landing import LandingZone
from resources.mail import MailResource
from resources.notify import Notifier
from resources.pipeline_config import PipelineConfig
from resources.temporal import TemporalResource
from resources.warehouse import Warehouse

SLA_DAYS = 30


@dg.asset(
    name=REQUESTS_TABLE,
    group_name="gdpr",
    kinds={"python"},
    check_specs=[
        dg.AssetCheckSpec(
            "within_sla",
            asset=REQUESTS_TABLE,
            description=f"No erasure request is still open {SLA_DAYS} days after it was made.",
        )
    ],
)
def gdpr_requests(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    landing: LandingZone,
    pipeline_config: PipelineConfig,
    hubspot: HubSpotResource,
    salesforce: SalesforceResource,
    temporal: TemporalResource,
    mail: MailResource,
    notifier: Notifier,
) -> dg.MaterializeResult:
    """GDPR erasure requests, one row per destination with its status (docs/gdpr.md).
    Each run retries every destination of every request not yet finished."""
    open_ids = open_request_ids(warehouse)
    if open_ids:
        systems = ErasureSystems.from_resources(
            {
                "warehouse": warehouse,
                "landing": landing,
                "pipeline_config": pipeline_config,
                "hubspot": hubspot,
                "salesforce": salesforce,
                "temporal": temporal,
                "mail": mail,
                "notifier": notifier,
            }
        )
        for request_id in open_ids:
            statuses = run_request(systems, request_id)
            context.log.info(f"{request_id}: {statuses}")
    rows = request_rows(warehouse)
    late = overdue(rows, datetime.now(UTC).replace(tzinfo=None), SLA_DAYS)
    by_status = rows.group_by("status").len().sort("status").rows() if rows.height else []
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows.height,
            "requests_retried": len(open_ids),
            "requests_open": len(open_request_ids(warehouse)),
            "destinations_by_status": dg.MetadataValue.json(dict(by_status)),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="within_sla",
                passed=not late,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"overdue_requests": len(late), "overdue": ", ".join(late[:20])},
            )
        ],
    )


@dg.asset(name=LOG_TABLE, group_name="gdpr", kinds={"duckdb", "python"})
def retention_log(warehouse: Warehouse, pipeline_config: PipelineConfig) -> dg.MaterializeResult:
    """Rows past their table's retention period (`bizdev_assets/gdpr/retention.yaml`, or
    BIZDEV_RETENTION) deleted; one row per table and run: how many, and the cutoff."""
    policy = pipeline_config.retention_policy
    log = apply_retention(
        warehouse,
        load_policy(Path(policy) if policy else None),
        datetime.now(UTC).replace(tzinfo=None),
    )
    return dg.MaterializeResult(
        metadata={
            "rows_deleted": int(log["rows_deleted"].sum()),
            "by_table": dg.MetadataValue.json(
                dict(log.select("table_name", "rows_deleted").rows())
            ),
        }
    )


GDPR_ASSETS = [gdpr_requests, retention_log]
