"""The golden contacts frame: contract columns, stable IDs, lineage and provenance, and
the same result whatever order the records come in."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from bizdev_assets.golden.columns import GOLDEN_COLUMNS
from bizdev_assets.golden.survivorship import build_golden_contacts
from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS
from tests.survivorship_support import CRM, CSV, EXCEL, NOW, RULES, golden_of, only, record


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
