import polars as pl
import pytest

from bizdev_assets.ingest.canonical import RAW_COLUMNS
from bizdev_assets.normalize.contacts import normalize_contacts
from bizdev_assets.normalize.schema import validate_normalized


@pytest.fixture
def normalized() -> pl.DataFrame:
    schema = {c: (pl.Int64 if c == "source_row" else pl.String) for c in RAW_COLUMNS}
    rows = [
        {
            "file_hash": "h",
            "source_file": "a.csv",
            "source_row": 2,
            "email": "a@acme.de",
            "country": "DE",
        },
        {
            "file_hash": "h",
            "source_file": "a.csv",
            "source_row": 3,
            "first_name": "Bea",
            "phone": "+4930123456",
        },
    ]
    raw = pl.DataFrame([{c: r.get(c) for c in RAW_COLUMNS} for r in rows], schema=schema)
    return normalize_contacts(raw)[0]


def test_the_normalizer_output_is_valid(normalized):
    assert validate_normalized(normalized) == []


def test_duplicate_record_ids_are_reported(normalized):
    failures = validate_normalized(pl.concat([normalized, normalized.head(1)]))
    assert any("'record_id' should be unique" in f for f in failures)


def test_lowercase_country_is_reported_with_the_value(normalized):
    failures = validate_normalized(normalized.with_columns(country=pl.lit("de")))
    assert any("'country'" in f and "alpha-2" in f and "'de'" in f for f in failures)


def test_rows_without_name_email_or_phone_are_reported(normalized):
    broken = normalized.with_columns(
        email=pl.lit(None, pl.String), email_valid=pl.lit(None, pl.Boolean),
        first_name=pl.lit(None, pl.String), full_name=pl.lit(None, pl.String),
        phone=pl.lit(None, pl.String),
    )  # fmt: skip
    assert any("name, an email or a phone" in f for f in validate_normalized(broken))


def test_missing_and_mistyped_columns_are_reported_plainly(normalized):
    assert validate_normalized(normalized.drop("email")) == [
        "contacts_normalized is missing column(s) ['email']"
    ]
    assert validate_normalized(normalized.with_columns(pl.col("source_row").cast(pl.String))) == [
        "contacts_normalized column 'source_row' should be Int64, not String"
    ]
