import json

import polars as pl
import pytest

from bizdev_assets.ingest.canonical import RAW_COLUMNS
from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS, QUARANTINE_COLUMNS
from bizdev_assets.normalize.contacts import normalize_contacts, record_id
from bizdev_assets.normalize.schema import validate_normalized


def raw_frame(*rows: dict) -> pl.DataFrame:
    full = [
        {
            "file_hash": "f" * 64,
            "source_file": "leads.csv",
            "source_type": "csv",
            "source_row": i + 2,
            **row,
        }
        for i, row in enumerate(rows)
    ]
    schema = {c: (pl.Int64 if c == "source_row" else pl.String) for c in RAW_COLUMNS}
    return pl.DataFrame([{c: r.get(c) for c in RAW_COLUMNS} for r in full], schema=schema)


@pytest.fixture
def mixed():
    return raw_frame(
        {"first_name": "JOHN", "last_name": "MCDONALD", "email": "John+x@GoogleMail.com",
         "phone": "+49 (0)89 1234567", "company": "ACME GMBH", "country": "Deutschland",
         "gdpr_consent": "ja", "gdpr_consent_date": "14.03.2025", "city": "MÜNCHEN"},
        {"full_name": "Иван Петров", "email": "bob@@x"},
        {"company": "Only Company Inc", "email": "nope", "attributes": '{"Notes": "hi"}'},
        {"full_name": '=HYPERLINK("http://x","Bob")', "company": "@SUM(A1)", "phone": "(415) 555-0134",
         "country": "USA"},
        {"first_name": "Anna"},
        {"full_name": "   ", "email": "\t"},
    )  # fmt: skip


def test_every_row_lands_in_exactly_one_output(mixed):
    normalized, quarantine = normalize_contacts(mixed)
    assert normalized.height + quarantine.height == mixed.height
    keys = set(normalized.get_column("source_row")) | set(quarantine.get_column("source_row"))
    assert keys == set(mixed.get_column("source_row"))
    assert set(normalized.get_column("source_row")).isdisjoint(quarantine.get_column("source_row"))


def test_outputs_follow_the_column_contracts(mixed):
    normalized, quarantine = normalize_contacts(mixed)
    assert normalized.schema == pl.Schema(NORMALIZED_COLUMNS)
    assert quarantine.schema == pl.Schema(QUARANTINE_COLUMNS)
    assert validate_normalized(normalized) == []


def test_a_name_only_row_is_usable(mixed):
    normalized, _ = normalize_contacts(mixed)
    anna = normalized.filter(pl.col("source_row") == 6).row(0, named=True)
    assert anna["full_name"] == "Anna" and anna["email_valid"] is None


def test_a_company_only_row_is_quarantined_with_reason_and_raw_content(mixed):
    _, quarantine = normalize_contacts(mixed)
    row = quarantine.filter(pl.col("source_row") == 4).row(0, named=True)
    assert row["reason"].startswith("no name, email or phone")
    assert "'nope' is not a valid address" in row["reason"]
    assert json.loads(row["raw_content"]) == {
        "email": "nope", "company": "Only Company Inc", "attributes": {"Notes": "hi"},
    }  # fmt: skip


def test_blank_rows_are_quarantined(mixed):
    _, quarantine = normalize_contacts(mixed)
    assert 7 in quarantine.get_column("source_row").to_list()


def test_formula_cells_are_neutralised_with_a_note(mixed):
    normalized, _ = normalize_contacts(mixed)
    row = normalized.filter(pl.col("source_row") == 5).row(0, named=True)
    assert row["full_name"] is None and row["company"] is None
    assert "full_name: formula-like value" in row["normalization_notes"]
    assert "company: formula-like value '@SUM(A1)' ignored" in row["normalization_notes"]
    assert row["phone"] == "+14155550134"  # "+1..." and "(415)" are not formulas


def test_non_latin_names_survive(mixed):
    normalized, _ = normalize_contacts(mixed)
    row = normalized.filter(pl.col("source_row") == 3).row(0, named=True)
    assert (row["first_name"], row["last_name"], row["name_key"]) == (
        "Иван",
        "Петров",
        "иван петров",
    )
    assert row["email"] is None and row["email_valid"] is False
    assert "email: 'bob@@x' is not a valid address" in row["normalization_notes"]


def test_fields_are_normalized_together(mixed):
    normalized, _ = normalize_contacts(mixed)
    row = normalized.filter(pl.col("source_row") == 2).row(0, named=True)
    assert row["full_name"] == "John McDonald"
    assert row["email_match_key"] == "john@gmail.com"
    assert row["phone"] == "+49891234567" and row["country"] == "DE"
    assert (row["company"], row["company_key"]) == ("Acme GmbH", "acme")
    assert row["city"] == "München"
    assert row["gdpr_consent"] is True and row["consent_source"] == "leads.csv"
    assert row["gdpr_consent_date"].isoformat() == "2025-03-14T00:00:00"
    assert row["normalization_notes"] is None


def test_record_id_is_stable_and_matches_its_definition(mixed):
    first, _ = normalize_contacts(mixed)
    second, _ = normalize_contacts(mixed)
    assert first.get_column("record_id").to_list() == second.get_column("record_id").to_list()
    assert first.get_column("record_id")[0] == record_id("f" * 64, None, 2)


def test_long_names_are_cut_to_100_characters_with_a_note():
    normalized, _ = normalize_contacts(raw_frame({"first_name": "A" * 150, "last_name": "B"}))
    row = normalized.row(0, named=True)
    assert len(row["first_name"]) == 100
    assert "first_name: cut to 100 characters" in row["normalization_notes"]


def test_missing_raw_columns_are_tolerated():
    normalized, quarantine = normalize_contacts(
        pl.DataFrame(
            {"file_hash": ["h"], "source_file": ["a.csv"], "source_row": [2], "email": ["a@b.de"]}
        )
    )
    assert normalized.height == 1 and quarantine.height == 0


def test_an_empty_frame_gives_two_empty_frames():
    normalized, quarantine = normalize_contacts(raw_frame())
    assert normalized.height == 0 and quarantine.height == 0
    assert normalized.schema == pl.Schema(NORMALIZED_COLUMNS)
