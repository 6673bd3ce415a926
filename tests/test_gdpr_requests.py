"""An erasure request is carried to every destination and retried until each finished:
a CRM that fails keeps its row `failed` with the CRM's reason, the retry job finishes it
later, and a request still open after 30 days fails the SLA check. Every step is in the
audit log; the identifiers the request needed are gone once it finished."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from bizdev_assets.gdpr.assets import gdpr_requests
from bizdev_assets.gdpr.erase import ErasureSystems, request_erasure
from bizdev_assets.gdpr.requests import request_rows
from resources.settings import build_resources

pytestmark = pytest.mark.usefixtures("hubspot_bizdev_fields", "salesforce_bizdev_fields")


@pytest.fixture
def resources(crm_settings, tmp_path: Path):
    settings = dataclasses.replace(crm_settings, gdpr_hmac_key="k", crm_backoff_seconds=0.01)
    return {k: v.process_config_and_initialize() for k, v in build_resources(settings).items()}


def statuses(warehouse, request_id: str) -> dict[str, str]:
    rows = request_rows(warehouse, request_id)
    return dict(zip(rows["destination"], rows["status"], strict=True))


def retry(resources) -> dg.ExecuteInProcessResult:
    return dg.materialize([gdpr_requests], resources=resources)


def test_a_failed_crm_is_retried_until_finished_and_then_the_identifiers_go(resources, hubspot):
    hubspot.seed("contacts", {"email": "ada@example.com", "firstname": "Ada"})
    hubspot.inject("/gdpr-delete", 403, times=50)  # the token lacks the GDPR scope, for now
    warehouse = resources["warehouse"]

    request_id = request_erasure(
        ErasureSystems.from_resources(resources), email="ada@example.com", requested_by="dpo"
    )

    now = statuses(warehouse, request_id)
    assert now["hubspot"] == "failed" and now["salesforce"] == "finished"
    reason = warehouse.query("select reason from gdpr_requests where destination = 'hubspot'")
    assert "403" in reason["reason"][0] or "scope" in reason["reason"][0].lower()
    assert warehouse.row_count("gdpr_request_subjects") == 1  # kept for the retry
    assert hubspot.records("contacts")

    hubspot.reset_plumbing()  # the scope is granted
    result = retry(resources)

    assert result.success
    assert set(statuses(warehouse, request_id).values()) == {"finished"}
    assert hubspot.records("contacts") == {}
    assert warehouse.row_count("gdpr_request_subjects") == 0
    actions = warehouse.query("select action from audit_log order by seq")["action"].to_list()
    assert actions == ["erasure_requested", "erasure_finished"]
    attempts = warehouse.query("select attempts from gdpr_requests where destination = 'hubspot'")
    assert attempts["attempts"][0] == 2


def test_a_request_open_for_more_than_30_days_fails_the_sla_check(resources, hubspot):
    hubspot.inject("/gdpr-delete", 403, times=50)
    warehouse = resources["warehouse"]
    request_erasure(
        ErasureSystems.from_resources(resources), email="ada@example.com", requested_by="dpo"
    )
    assert retry(resources).get_asset_check_evaluations()[0].passed  # open, but in time

    warehouse.append_many(
        {},
        sql_after=[("update gdpr_requests set requested_at = requested_at - interval 31 day", [])],
    )
    [check] = retry(resources).get_asset_check_evaluations()

    assert not check.passed
    assert check.metadata["overdue_requests"].value == 1
    assert pl.DataFrame(request_rows(warehouse))["status"].to_list().count("failed") == 1
