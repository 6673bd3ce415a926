"""Survivorship: which record's values make up each golden contact."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from bizdev_assets.golden.columns import GOLDEN_COLUMNS
from bizdev_assets.golden.rules import SurvivorshipRules, SurvivorshipRulesError
from bizdev_assets.golden.survivorship import build_golden_contacts
from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS

NOW = datetime(2025, 6, 1)
RULES = SurvivorshipRules.from_dict(
    {
        "sources": [
            {"match": "crm_*", "trust": 90},
            {"type": "xlsx", "trust": 60},
            {"type": "csv", "trust": 40},
        ],
        "default_trust": 10,
        "fields": {
            "name": "most_complete",
            "email": "most_trusted",
            "phone": "most_recent",
            "company": "most_trusted",
            "address": "most_recent",
            "job": "most_complete",
        },
    }
)
CRM = {"source_file": "crm_export.csv", "source_type": "csv"}  # trust 90
EXCEL = {"source_file": "event.xlsx", "source_type": "xlsx"}  # trust 60
CSV = {"source_file": "tradeshow.csv", "source_type": "csv"}  # trust 40


def record(record_id: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(NORMALIZED_COLUMNS)
    row.update({"record_id": record_id, "gdpr_consent": False, **values})
    return row


def golden_of(*records: dict[str, object], clusters: dict[str, str] | None = None) -> pl.DataFrame:
    """Build golden contacts; without `clusters`, all records are one cluster "k"."""
    normalized = pl.DataFrame(list(records), schema=NORMALIZED_COLUMNS)
    clusters = clusters or {r["record_id"]: "k" for r in records}
    cluster_frame = pl.DataFrame(
        {"record_id": list(clusters), "cluster_id": list(clusters.values())}
    )
    return build_golden_contacts(normalized, cluster_frame, RULES, now=NOW)


def only(golden: pl.DataFrame) -> dict[str, object]:
    assert golden.height == 1
    return golden.row(0, named=True)


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


def test_provenance_names_the_winning_record_for_each_field():
    contact = only(
        golden_of(
            record("a", **CRM, email="jo@acme.com", email_valid=True, company="Acme",
                   company_key="acme"),
            record("b", **CSV, first_name="Jo", last_name="Smith", full_name="Jo Smith",
                   phone="+442222222222", phone_valid=True),
        )
    )  # fmt: skip
    assert json.loads(contact["field_provenance"]) == {
        "email": "a",
        "email_valid": "a",
        "first_name": "b",
        "last_name": "b",
        "full_name": "b",
        "company": "a",
        "company_key": "a",
        "phone": "b",
        "phone_valid": "b",
    }


def test_singletons_pass_through_with_their_own_values():
    values = dict(
        email="jo@acme.com", email_valid=True, first_name="Jo", last_name="Smith",
        full_name="Jo Smith", company="Acme Ltd", company_key="acme", city="Leeds",
        country="GB", gdpr_consent=True, gdpr_consent_date=datetime(2024, 1, 1),
        record_updated_at=datetime(2024, 2, 1),
    )  # fmt: skip
    golden = golden_of(
        record("r1", **CSV, **values),
        record("r2", **CRM, email="x@y.org", email_valid=True),
        clusters={"r1": "one", "r2": "two"},
    )
    contact = golden.row(0, named=True)
    assert {k: contact[k] for k in values if k in contact} == {
        k: v for k, v in values.items() if k != "record_updated_at"
    }
    assert (contact["cluster_id"], contact["record_count"], contact["record_ids"]) == (
        "one",
        1,
        ["r1"],
    )
    assert (contact["first_seen_at"], contact["last_updated_at"]) == (datetime(2024, 2, 1),) * 2
    assert contact["source_files"] == ["tradeshow.csv"]


def test_golden_frame_has_the_contract_columns_and_stable_ids():
    golden = golden_of(
        record("b", **CSV, company="Acme", company_key="acme"),
        record("a", **EXCEL),
        record("c", **CRM),
        clusters={"a": "k1", "b": "k1", "c": "k2"},
    )
    assert golden.schema == pl.Schema(GOLDEN_COLUMNS)
    first = golden.row(0, named=True)
    assert first["contact_id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "bizdev:k1"))
    assert first["company_id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "company:acme"))
    assert first["record_ids"] == ["a", "b"]
    assert first["source_files"] == ["event.xlsx", "tradeshow.csv"]
    assert golden["company_id"][1] is None


def test_records_missing_from_the_clusters_are_rejected():
    normalized = pl.DataFrame([record("a"), record("b")], schema=NORMALIZED_COLUMNS)
    clusters = pl.DataFrame({"record_id": ["a"], "cluster_id": ["k"]})
    with pytest.raises(ValueError, match=r"1 normalized record\(s\) have no cluster_id.*'b'"):
        build_golden_contacts(normalized, clusters, RULES, now=NOW)


def test_first_matching_source_rule_decides_the_trust():
    rules = SurvivorshipRules.from_dict(
        {
            "sources": [{"match": "*FORM*", "trust": 5}, {"type": "csv", "trust": 80}],
            "default_trust": 50,
            "fields": {"company": "most_trusted"},
        }
    )
    normalized = pl.DataFrame(
        [
            record("a", source_file="in/webform.csv", source_type="csv", company="Form Co"),
            record("b", source_file="list.json", source_type="json", company="Json Co"),
        ],
        schema=NORMALIZED_COLUMNS,
    )
    clusters = pl.DataFrame({"record_id": ["a", "b"], "cluster_id": ["k", "k"]})
    assert build_golden_contacts(normalized, clusters, rules, now=NOW)["company"][0] == "Json Co"


def test_shipped_rules_load():
    rules = SurvivorshipRules.load()
    assert rules.strategies["consent"] == "most_recent_statement"
    assert rules.sources[0].trust >= 80


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [", "not valid YAML"),
        ("- just a list", "top level: expected a mapping"),
        ("fields: {email: newest}", "fields.email: expected one of most_trusted"),
        ("fields: {emails: most_recent}", "fields.emails: unknown field group"),
        (
            "fields: {consent: most_trusted}",
            "fields.consent: expected one of most_recent_statement",
        ),
        (
            "sources: [{match: 'crm_*', trust: high}]\nfields: {}",
            r"sources\[0\].trust: expected a whole number",
        ),
        ("sources: [{trust: 10}]\nfields: {}", r"sources\[0\]: needs `match`"),
        (
            "sources: [{type: xls, trust: 10}]\nfields: {}",
            r"sources\[0\].type: expected one of csv",
        ),
        ("default_trust: 101\nfields: {}", "default_trust: expected a whole number from 0 to 100"),
        ("fields: {}\nsauces: []", "sauces: unknown key"),
    ],
)
def test_bad_rules_are_rejected_naming_the_file_and_field(tmp_path: Path, text: str, message: str):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(SurvivorshipRulesError, match=message) as error:
        SurvivorshipRules.load(path)
    assert str(path) in str(error.value)


# Few distinct values, so that ties on trust, time and length are common.
_row = st.fixed_dictionaries(
    {
        "source": st.sampled_from(
            [CRM, EXCEL, CSV, {"source_file": "x.ndjson", "source_type": "ndjson"}]
        ),
        "cluster": st.sampled_from(["k1", "k2", "k3"]),
        "email": st.sampled_from([None, "a@x.com", "b@x.com"]),
        "first_name": st.sampled_from([None, "Jo", "Al"]),
        "last_name": st.sampled_from([None, "Smith", "Ng"]),
        "phone": st.sampled_from([None, "+441111111111", "+442222222222"]),
        "city": st.sampled_from([None, "Leeds", "York"]),
        "consent": st.sampled_from([None, True, False]),
        "updated": st.sampled_from([None, datetime(2024, 1, 1), datetime(2024, 6, 1)]),
    }
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(_row, min_size=1, max_size=10), data=st.data())
def test_golden_frame_is_identical_under_row_shuffles(rows: list[dict], data: st.DataObject):
    records = [
        record(
            f"r{i:02d}",
            **row["source"],
            email=row["email"],
            email_valid=None if row["email"] is None else True,
            first_name=row["first_name"],
            last_name=row["last_name"],
            phone=row["phone"],
            phone_valid=None if row["phone"] is None else True,
            city=row["city"],
            gdpr_consent=bool(row["consent"]),
            consent_source=None if row["consent"] is None else "form",
            record_updated_at=row["updated"],
        )
        for i, row in enumerate(rows)
    ]
    clusters = {f"r{i:02d}": row["cluster"] for i, row in enumerate(rows)}
    shuffled = data.draw(st.permutations(records))
    shuffled_clusters = dict(data.draw(st.permutations(list(clusters.items()))))
    assert_frame_equal(
        golden_of(*records, clusters=clusters),
        golden_of(*shuffled, clusters=shuffled_clusters),
    )
