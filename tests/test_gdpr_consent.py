"""Consent as records: a withdrawal is a new record that wins over the golden contact's
consent, keeps the contact out of outreach and is seen by the outreach consent sensor
(which stops running sequences); a recorded grant lets a contact without file consent in.
Every statement is in the audit log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from bizdev_assets.gdpr.consent import (
    apply_recorded_consent,
    effective_consent,
    record_consent,
)
from bizdev_assets.outreach.consent import outreach_consent
from bizdev_assets.outreach.enrollment import withdrawn_since_enrolment
from resources.warehouse import DuckDBWarehouse

GOLDEN = pl.DataFrame(
    {
        "contact_id": ["ada", "grace"],
        "gdpr_consent": [True, False],
        "consent_source": ["webform", None],
        "email": ["ada@acme.com", "grace@navy.mil"],
        "email_valid": [True, True],
        "is_role_email": [False, False],
        "is_disposable_email": [False, False],
    }
)


@pytest.fixture
def warehouse(tmp_path: Path) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.append_rows("golden_contacts", GOLDEN)
    warehouse.append_rows(
        "outreach_enrollments",
        pl.DataFrame(
            {"contact_id": ["ada"], "execution_status": ["running"], "status": ["active"]}
        ),
    )
    return warehouse


def record(warehouse, contact_id: str, status: str, at: datetime, source: str = "dpo inbox"):
    return record_consent(
        warehouse,
        contact_id=contact_id,
        purpose="marketing_email",
        status=status,
        lawful_basis="consent",
        source=source,
        evidence="ticket 42",
        recorded_by="dpo@example.com",
        secret=b"k",
        captured_at=at,
    )


def gate(warehouse) -> dict[str, tuple[bool, str]]:
    applied = apply_recorded_consent(
        outreach_consent(GOLDEN), effective_consent(warehouse, "marketing_email")
    )
    return {r[0]: (r[1], r[2]) for r in applied.rows()}


def test_a_withdrawal_is_a_new_record_that_stops_outreach(warehouse):
    assert withdrawn_since_enrolment(warehouse) == []
    record(warehouse, "ada", "granted", datetime(2026, 1, 1), "webform")
    record(warehouse, "ada", "withdrawn", datetime(2026, 6, 1))

    assert warehouse.row_count("consent_records") == 2  # nothing overwritten
    assert gate(warehouse)["ada"] == (False, "consent withdrawn (dpo inbox)")
    assert withdrawn_since_enrolment(warehouse) == ["ada"]  # the sensor stops her sequence
    actions = warehouse.query("select action from audit_log order by seq")["action"].to_list()
    assert actions == ["consent_granted", "consent_withdrawn"]
    assert "ada" not in warehouse.query("select * from audit_log").write_csv()  # keyed hash


def test_a_recorded_grant_allows_a_contact_without_file_consent(warehouse):
    assert gate(warehouse)["grace"] == (False, "no consent")
    record(warehouse, "grace", "granted", datetime(2026, 3, 1), "signed form")
    assert gate(warehouse)["grace"] == (True, "consent recorded (signed form)")


def test_an_unknown_purpose_is_refused(warehouse):
    with pytest.raises(ValueError, match="purpose 'newsletter'"):
        record_consent(
            warehouse,
            contact_id="ada",
            purpose="newsletter",
            status="granted",
            lawful_basis="consent",
            source="x",
            evidence="",
            recorded_by="me",
            secret=b"k",
        )
