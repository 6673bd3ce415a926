"""Survivorship per field group: which record's value wins (most trusted source, most
recent, most complete), groups that win together, valid over invalid emails, consent."""

from __future__ import annotations

import json
from datetime import datetime

from tests.survivorship_support import CRM, CSV, EXCEL, golden_of, only, record


def test_most_trusted_field_takes_the_value_from_the_most_trusted_source():
    contact = only(
        golden_of(
            record("a", **CSV, company="Trade Show Co", record_updated_at=datetime(2025, 1, 1)),
            record("b", **CRM, company="Acme Ltd", record_updated_at=datetime(2020, 1, 1)),
            record("c", **EXCEL, company="Acme Limited"),
        )
    )
    assert contact["company"] == "Acme Ltd"


def test_most_recent_field_takes_the_latest_value():
    contact = only(
        golden_of(
            record(
                "a",
                **CRM,
                phone="+441111111111",
                phone_valid=True,
                record_updated_at=datetime(2023, 1, 1),
            ),
            record(
                "b",
                **CSV,
                phone="+442222222222",
                phone_valid=True,
                record_updated_at=datetime(2024, 1, 1),
            ),
            record("c", **CRM, phone="+443333333333", phone_valid=True),
        )
    )
    assert contact["phone"] == "+442222222222"


def test_a_future_update_time_does_not_count_as_recent():
    contact = only(
        golden_of(
            record(
                "a",
                **CSV,
                phone="+441111111111",
                phone_valid=True,
                record_updated_at=datetime(2024, 1, 1),
            ),
            record(
                "b",
                **CSV,
                phone="+442222222222",
                phone_valid=True,
                record_updated_at=datetime(2099, 1, 1),
            ),
        )
    )
    assert contact["phone"] == "+441111111111"
    assert contact["last_updated_at"] == datetime(2099, 1, 1)


def test_most_complete_field_takes_the_most_informative_value():
    contact = only(
        golden_of(
            record("a", **CRM, title="VP", seniority="vp"),
            record("b", **CSV, title="VP Sales EMEA", department="sales", seniority="vp"),
            record("c", **CSV, title="VP of Sales", seniority="vp"),
        )
    )
    assert (contact["title"], contact["department"]) == ("VP Sales EMEA", "sales")


def test_name_fields_win_together_from_one_record():
    contact = only(
        golden_of(
            record("a", **CRM, first_name="Jonathan", full_name="Jonathan", name_key="jonathan"),
            record(
                "b",
                **CSV,
                first_name="Jo",
                last_name="Smith",
                full_name="Jo Smith",
                name_key="jo smith",
            ),
        )
    )
    names = (contact["first_name"], contact["last_name"], contact["full_name"], contact["name_key"])
    assert names == ("Jo", "Smith", "Jo Smith", "jo smith")


def test_address_fields_win_together_so_addresses_are_never_mixed():
    contact = only(
        golden_of(
            record("old", **CRM, street="1 High St", city="London", postal_code="N1 1AA", country="GB",
                   record_updated_at=datetime(2022, 1, 1)),
            record("new", **CSV, city="Berlin", country="DE", record_updated_at=datetime(2024, 1, 1)),
        )
    )  # fmt: skip
    address = [contact[f] for f in ("street", "city", "state", "postal_code", "country")]
    assert address == [None, "Berlin", None, None, "DE"]


def test_email_flags_come_with_the_winning_email():
    contact = only(
        golden_of(
            record("a", **CRM, email="info@acme.com", email_valid=True, email_domain="acme.com",
                   is_role_email=True, is_free_email=False),
            record("b", **CRM, email="jo@gmail.com", email_valid=True, email_domain="gmail.com",
                   is_role_email=False, is_free_email=True),
        )
    )  # fmt: skip
    assert contact["email"] == "jo@gmail.com"  # a personal address beats a role address
    assert (contact["email_domain"], contact["is_free_email"], contact["is_role_email"]) == (
        "gmail.com",
        True,
        False,
    )


def test_invalid_email_never_wins_over_a_valid_one():
    contact = only(
        golden_of(
            record(
                "a", **CRM, email=None, email_valid=False, record_updated_at=datetime(2025, 1, 1)
            ),
            record("b", **CSV, email="jo@acme.com", email_valid=True, email_domain="acme.com"),
        )
    )
    assert (contact["email"], contact["email_valid"]) == ("jo@acme.com", True)


def test_only_invalid_emails_leave_email_null_and_flagged_invalid():
    contact = only(golden_of(record("a", **CRM, email_valid=False), record("b", **CSV)))
    assert (contact["email"], contact["email_valid"]) == (None, False)


def test_a_later_consent_withdrawal_beats_an_earlier_consent():
    contact = only(
        golden_of(
            record("yes", **CRM, gdpr_consent=True, gdpr_consent_date=datetime(2023, 1, 1),
                   consent_source="crm opt-in"),
            record("no", **CSV, gdpr_consent=False, gdpr_consent_date=datetime(2024, 3, 1),
                   consent_source="unsubscribe form"),
        )
    )  # fmt: skip
    consent = (contact["gdpr_consent"], contact["gdpr_consent_date"], contact["consent_source"])
    assert consent == (False, datetime(2024, 3, 1), "unsubscribe form")
    assert json.loads(contact["field_provenance"])["gdpr_consent"] == "no"


def test_a_later_consent_beats_an_earlier_withdrawal():
    contact = only(
        golden_of(
            record("no", **CRM, gdpr_consent=False, gdpr_consent_date=datetime(2023, 1, 1),
                   consent_source="crm"),
            record("yes", **CSV, gdpr_consent=True, gdpr_consent_date=datetime(2024, 3, 1)),
        )
    )  # fmt: skip
    assert (contact["gdpr_consent"], contact["gdpr_consent_date"]) == (True, datetime(2024, 3, 1))


def test_undated_conflicting_consent_statements_resolve_to_no_consent():
    contact = only(
        golden_of(
            record("yes", **CRM, gdpr_consent=True, consent_source="crm"),
            record("no", **CSV, gdpr_consent=False, consent_source="event list opt-out"),
        )
    )
    assert (contact["gdpr_consent"], contact["consent_source"]) == (False, "event list opt-out")


def test_records_that_say_nothing_about_consent_give_no_consent():
    contact = only(golden_of(record("a", **CRM), record("b", **CSV)))
    assert (contact["gdpr_consent"], contact["gdpr_consent_date"]) == (False, None)
