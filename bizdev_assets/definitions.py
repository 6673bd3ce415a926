"""The one Definitions object of the bizdev code location.

`build_definitions(settings)` wires the assets to the resources of one environment;
`defs` builds it from the environment when Dagster loads the code location.
"""

from __future__ import annotations

import dagster as dg

from bizdev_assets.crm.assets import CRM_ASSETS
from bizdev_assets.dedup.assets import contact_clusters, contact_match_model
from bizdev_assets.dedup.drift import match_model_fresh
from bizdev_assets.enrichment import ENRICHMENT_ASSETS
from bizdev_assets.gdpr.assets import GDPR_ASSETS
from bizdev_assets.golden.assets import contacts, golden_contacts
from bizdev_assets.ingest.assets import raw_contact_files
from bizdev_assets.normalize.assets import contacts_normalized
from bizdev_assets.observability.checks import SLO_CHECKS
from bizdev_assets.observability.expectation_checks import GX_CHECKS
from bizdev_assets.outreach.assets import OUTREACH_ASSETS
from bizdev_assets.quality.assets import contact_quality_scores
from jobs.contacts import contact_model_training, contacts_refresh
from jobs.crm import crm_pull, crm_sync, crm_sync_schedule
from jobs.enrichment import ENRICHMENT_JOBS, ENRICHMENT_SCHEDULES
from jobs.gdpr import (
    gdpr_erasure_retry,
    gdpr_erasure_retry_schedule,
    gdpr_retention,
    gdpr_retention_schedule,
)
from jobs.observability import slo_checks, slo_schedule
from jobs.outreach import outreach_refresh, outreach_schedule
from resources.error_reporting import init_error_reporting
from resources.settings import Settings, build_resources
from sensors.alerts import alert_sensor
from sensors.crm_webhook import crm_webhook_sensor
from sensors.landing import landing_file_sensor
from sensors.model_drift import model_drift_sensor
from sensors.outreach_consent import outreach_consent_sensor

ASSETS = [
    raw_contact_files,
    contacts_normalized,
    contact_match_model,
    contact_clusters,
    golden_contacts,
    contact_quality_scores,
    contacts,
    *CRM_ASSETS,
    *ENRICHMENT_ASSETS,
    *OUTREACH_ASSETS,  # leads and outreach groups (docs/outreach.md)
    *GDPR_ASSETS,  # erasure requests retried, SLA checked (docs/gdpr.md)
]


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=ASSETS,
        jobs=[
            contacts_refresh,
            contact_model_training,
            crm_sync,
            crm_pull,
            *ENRICHMENT_JOBS,
            outreach_refresh,
            gdpr_erasure_retry,
            gdpr_retention,
            slo_checks,
        ],
        schedules=[
            crm_sync_schedule,
            *ENRICHMENT_SCHEDULES,
            outreach_schedule,
            gdpr_erasure_retry_schedule,
            gdpr_retention_schedule,
            slo_schedule,
        ],
        asset_checks=[match_model_fresh, *SLO_CHECKS, *GX_CHECKS],  # docs/observability.md
        sensors=[
            landing_file_sensor,
            crm_webhook_sensor,
            model_drift_sensor,
            outreach_consent_sensor,
            alert_sensor,  # failed runs, contracts and SLOs -> a person (docs/runbook.md)
        ],
        resources=build_resources(settings),
        # DuckDB takes one writer process at a time: run a job's steps in one process.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    settings = Settings.from_env()
    init_error_reporting(settings.sentry_dsn, settings.sentry_environment)  # SENTRY_DSN
    return build_definitions(settings)
