"""The code location loads as Dagster would load it."""

from __future__ import annotations

import dagster as dg

from bizdev_assets.definitions import build_definitions, defs
from resources.settings import Settings

EXPECTED_TABLES = {
    "raw_contact_files",
    "contacts_normalized",
    "contacts_quarantine",
    "contact_match_model",
    "contact_clusters",
    "golden_contacts",
    "contact_quality_scores",
    "contacts",
}
ENRICHMENT_TABLES = {
    "company_domains",
    "company_enrichment",
    "person_enrichment",
    "contacts_enriched",
    "company_signals",
    "enrichment_raw/apollo_responses",
    "enrichment_raw/pdl_responses",
}
CRM_TABLES = {
    "crm_hubspot_contacts",
    "crm_hubspot_companies",
    "crm_hubspot_push",
    "crm_salesforce_contacts",
    "crm_salesforce_accounts",
    "crm_salesforce_push",
}
OUTREACH_TABLES = {
    "lead_scores",
    "lead_routing",
    "outreach_enrollments",
    "outreach_events",
    "outreach_funnel",
    "outreach_reply_rates",
    "lead_sla_breaches",
}


def test_the_code_location_loads_with_no_settings(monkeypatch):
    for name in ("BIZDEV_LANDING", "BIZDEV_WAREHOUSE"):
        monkeypatch.delenv(name, raising=False)
    loaded = defs()
    dg.Definitions.validate_loadable(loaded)
    keys = {key.to_user_string() for key in loaded.resolve_all_asset_keys()}
    assert keys == EXPECTED_TABLES | CRM_TABLES | ENRICHMENT_TABLES | OUTREACH_TABLES | {
        "gdpr_requests",
        "retention_log",
    }
    assert loaded.resolve_job_def("contacts_refresh")
    assert loaded.resolve_sensor_def("landing_file_sensor")
    assert loaded.resolve_sensor_def("model_drift_sensor")
    assert loaded.resolve_sensor_def("crm_webhook_sensor")
    assert loaded.resolve_schedule_def("crm_sync_schedule").cron_schedule == "*/2 * * * *"
    assert loaded.resolve_job_def("crm_sync") and loaded.resolve_job_def("crm_pull")
    assert loaded.resolve_job_def("outreach_refresh")
    assert loaded.resolve_sensor_def("outreach_consent_sensor")
    assert loaded.resolve_schedule_def("outreach_schedule")


def test_outreach_refresh_selects_the_lead_and_outreach_assets():
    assert selected_keys("outreach_refresh") == OUTREACH_TABLES


def test_settings_choose_the_resources(tmp_path):
    settings = Settings.from_env(
        {"BIZDEV_LANDING": str(tmp_path / "in"), "BIZDEV_WAREHOUSE": str(tmp_path / "w.duckdb")}
    )
    resources = build_definitions(settings).resources
    assert resources["landing"].root == str(tmp_path / "in")
    assert resources["warehouse"].path == str(tmp_path / "w.duckdb")


def selected_keys(job_name: str) -> set[str]:
    job = build_definitions(Settings()).resolve_job_def(job_name)
    return {key.to_user_string() for key in job.asset_layer.executable_asset_keys}


def test_contacts_refresh_selects_the_chain_but_not_training():
    assert selected_keys("contacts_refresh") == {
        "raw_contact_files",
        "contacts_normalized",
        "contacts_quarantine",
        "contact_clusters",
        "golden_contacts",
        "contact_quality_scores",
        "contacts",
    }


def test_contact_model_training_selects_only_the_match_model():
    assert selected_keys("contact_model_training") == {"contact_match_model"}


def test_crm_sync_selects_every_pull_and_push_and_crm_pull_only_the_pulls():
    pulls = CRM_TABLES - {"crm_hubspot_push", "crm_salesforce_push"}
    assert selected_keys("crm_sync") == CRM_TABLES
    assert selected_keys("crm_pull") == pulls


def test_enrichment_runs_in_jobs_of_its_own_that_the_contact_chain_never_waits_for():
    assert selected_keys("enrichment_refresh") == ENRICHMENT_TABLES
    assert selected_keys("company_signals_refresh") == {"company_signals"}
    assert not selected_keys("contacts_refresh") & ENRICHMENT_TABLES
    definitions = build_definitions(Settings())
    for name in ("enrichment_daily_schedule", "company_signals_schedule"):
        schedule = definitions.resolve_schedule_def(name)
        assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED


def test_open_erasure_requests_are_retried_hourly_by_default():
    definitions = build_definitions(Settings())
    assert selected_keys("gdpr_erasure_retry") == {"gdpr_requests"}
    schedule = definitions.resolve_schedule_def("gdpr_erasure_retry_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert selected_keys("gdpr_retention") == {"retention_log"}
    retention = definitions.resolve_schedule_def("gdpr_retention_schedule")
    assert retention.default_status == dg.DefaultScheduleStatus.STOPPED
