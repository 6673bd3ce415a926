"""The contract of contacts_normalized as a pandera schema, run as a blocking asset check.

Columns, order and dtypes come from `columns.NORMALIZED_COLUMNS`; this module adds the
rules on values that downstream stages rely on (unique record ids, E.164 phones,
ISO2 countries, lowercase emails, known buckets, no unusable rows).
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaError, SchemaErrors

from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS
from bizdev_assets.normalize.titles import DEPARTMENTS, SENIORITIES

_NOT_NULL = {"record_id", "file_hash", "source_file", "seniority", "department", "gdpr_consent"}


def _frame_check(expr: pl.Expr, name: str, error: str) -> pa.Check:
    return pa.Check(lambda data: data.lazyframe.select(expr), name=name, error=error)


def _column_checks(name: str) -> list[pa.Check]:
    if name == "record_id":
        return [pa.Check.str_matches(r"^[0-9a-f]{16}$", error="16 lowercase hex characters")]
    if name in ("first_name", "last_name", "full_name"):
        return [pa.Check.str_length(max_value=100, error="at most 100 characters")]
    if name in ("email", "email_match_key", "other_email", "other_email_match_key"):
        return [
            pa.Check.str_matches(
                r"^[^@\sA-Z]+@[^@\sA-Z]+\.[^@\sA-Z]+$",
                error="a lowercase address like name@example.com",
            ),
            pa.Check.str_length(max_value=254, error="at most 254 characters"),
        ]
    if name in ("phone", "mobile", "other_phone"):
        return [pa.Check.str_matches(r"^\+[1-9]\d{1,14}$", error="E.164 like +4989123456")]
    if name == "country":
        return [pa.Check.str_matches(r"^[A-Z]{2}$", error="ISO 3166-1 alpha-2 like DE")]
    if name == "website":
        return [pa.Check.str_matches(r"^https://[^/\s]+$", error="https://host without a path")]
    if name == "seniority":
        return [pa.Check.isin(SENIORITIES)]
    if name == "department":
        return [pa.Check.isin(DEPARTMENTS)]
    if name == "name_key":
        return [
            _frame_check(pl.col(name) == pl.col(name).str.to_lowercase(), "lowercase", "lowercase")
        ]
    if NORMALIZED_COLUMNS[name] == pl.String() and name not in (
        "attributes",
        "normalization_notes",
    ):
        return [pa.Check.str_length(max_value=255, error="at most 255 characters")]
    return []


def _build_schema() -> pa.DataFrameSchema:
    columns = {
        name: pa.Column(
            dtype,
            checks=_column_checks(name),
            nullable=name not in _NOT_NULL,
            unique=name == "record_id",
        )
        for name, dtype in NORMALIZED_COLUMNS.items()
    }
    has_name = pl.any_horizontal(
        pl.col(c).is_not_null() for c in ("first_name", "last_name", "full_name")
    )
    usable = has_name | pl.any_horizontal(
        pl.col(c).is_not_null() for c in ("email", "phone", "mobile")
    )
    return pa.DataFrameSchema(
        columns,
        strict=True,
        ordered=True,
        name="ContactsNormalizedSchema",
        checks=[
            _frame_check(
                usable,
                "usable_row",
                "a row with a name, an email or a phone (others go to quarantine)",
            ),
            _frame_check(
                pl.col("email").is_null() | pl.col("email_valid").fill_null(False),
                "email_valid_when_email",
                "email_valid is true wherever email is set",
            ),
            _frame_check(
                ~pl.col("gdpr_consent") | pl.col("consent_source").is_not_null(),
                "consent_has_source",
                "consent_source is set wherever gdpr_consent is true",
            ),
        ],
    )


ContactsNormalizedSchema = _build_schema()


_CHECK_WORDING = {
    "field_uniqueness": "should be unique",
    "not_nullable": "should not be null",
}


def _structure_failures(df: pl.DataFrame) -> list[str]:
    """Missing, extra, misordered or mistyped columns, said plainly."""
    expected = list(NORMALIZED_COLUMNS)
    problems = []
    missing = [c for c in expected if c not in df.columns]
    extra = [c for c in df.columns if c not in NORMALIZED_COLUMNS]
    if missing:
        problems.append(f"contacts_normalized is missing column(s) {missing}")
    if extra:
        problems.append(f"contacts_normalized has unexpected column(s) {extra}")
    for name, dtype in NORMALIZED_COLUMNS.items():
        if name in df.columns and df.schema[name] != dtype:
            problems.append(
                f"contacts_normalized column {name!r} should be {dtype}, not {df.schema[name]}"
            )
    if not missing and not extra and df.columns != expected:
        problems.append("contacts_normalized columns are not in the order of NORMALIZED_COLUMNS")
    return problems


def _shorten(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(failures: pl.DataFrame) -> list[str]:
    messages = []
    grouped = failures.group_by(["schema_context", "column", "check"], maintain_order=True).agg(
        pl.len().alias("n"),
        pl.col("failure_case").unique(maintain_order=True).head(3).alias("examples"),
    )
    for row in grouped.iter_rows(named=True):
        where = f"column {row['column']!r}" if row["schema_context"] == "Column" else "rows"
        wording = _CHECK_WORDING.get(row["check"], f"should be: {row['check']}")
        examples = ", ".join(_shorten(e) for e in row["examples"] if e is not None)
        shown = f", e.g. {examples}" if examples else ""
        messages.append(
            f"contacts_normalized {where} {wording}; {row['n']} failing value(s){shown}"
        )
    return messages


def validate_normalized(df: pl.DataFrame) -> list[str]:
    """Human-readable contract failures of a contacts_normalized frame; [] when valid."""
    structure = _structure_failures(df)
    if structure:
        return structure
    try:
        ContactsNormalizedSchema.validate(df, lazy=True)
    except SchemaErrors as err:
        return _describe(pl.DataFrame(err.failure_cases).cast(pl.String))
    except SchemaError as err:
        return [f"contacts_normalized: {err}"]
    return []
