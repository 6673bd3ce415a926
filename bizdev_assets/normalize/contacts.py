"""raw_contact_files rows -> contacts_normalized + contacts_quarantine.

Every input row lands in exactly one output. A row is usable when, after cleaning, it
has a name, a valid email, or a possible phone/mobile number; otherwise it goes to
quarantine with the reason and the row as read. A value that cannot be used is set
null, its `*_valid` flag (where there is one) false, and the reason appended to
`normalization_notes`, so nothing disappears silently.

Per-value Python (phonenumbers, nameparser ...) runs once per distinct value; the
rest is polars expressions. See the field modules for the rules of each field.
"""

from __future__ import annotations

import contextlib
import hashlib
import json

import polars as pl

from bizdev_assets.ingest.canonical import CANONICAL_FIELDS, RAW_COLUMNS
from bizdev_assets.normalize.addresses import address_key_columns
from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS, QUARANTINE_COLUMNS
from bizdev_assets.normalize.companies import company_columns, website_columns
from bizdev_assets.normalize.consent import consent_columns, datetime_columns
from bizdev_assets.normalize.contact_points import contact_point_columns
from bizdev_assets.normalize.emails import email_columns
from bizdev_assets.normalize.geography import country_columns
from bizdev_assets.normalize.names import fix_case, name_columns
from bizdev_assets.normalize.phones import phone_columns
from bizdev_assets.normalize.text import (
    clean_text_expr,
    empty_to_null_expr,
    formula_like,
    map_unique,
    quote_expr,
)
from bizdev_assets.normalize.titles import title_columns

NAME_FIELDS = ("full_name", "first_name", "last_name")
MAX_NAME_LENGTH = 100  # ADR: VARCHAR(100) for names
MAX_TEXT_LENGTH = 255  # ADR: VARCHAR(255) for other text
# Cut to length when too long. Emails, phones, websites and dates are not cut: a cut
# value would be wrong rather than short, so their own validation rejects them.
CAPPED_FIELDS: dict[str, int] = {
    **dict.fromkeys(NAME_FIELDS, MAX_NAME_LENGTH),
    **dict.fromkeys(
        (
            "company",
            "title",
            "department",
            "street",
            "city",
            "state",
            "postal_code",
            "lead_source",
            "consent_source",
        ),
        MAX_TEXT_LENGTH,
    ),
}
NO_USABLE_FIELD = "no name, email or phone"


def record_id(file_hash: str, source_sheet: str | None, source_row: int | None) -> str:
    """Stable row identity: 16 hex chars of sha1("file_hash|sheet|row")."""
    key = f"{file_hash}|{source_sheet or ''}|{source_row}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _record_ids(frame: pl.DataFrame) -> pl.Series:
    keys = frame.select(
        pl.concat_str(
            pl.col("file_hash").fill_null("None"),
            pl.col("source_sheet").fill_null(""),
            pl.col("source_row").cast(pl.String).fill_null("None"),
            separator="|",
        )
    ).to_series()
    return pl.Series(
        "record_id",
        [hashlib.sha1(k.encode("utf-8")).hexdigest()[:16] for k in keys.to_list()],
        dtype=pl.String,
    )


def _conform(raw: pl.DataFrame) -> pl.DataFrame:
    """The raw columns in contract order and types; columns a reader left out are null."""
    exprs = []
    for name in RAW_COLUMNS:
        dtype = pl.Int64() if name == "source_row" else pl.String()
        if name in raw.columns:
            exprs.append(pl.col(name).cast(dtype))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return raw.select(exprs)


def _clean_fields(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.Series]]:
    """Clean every canonical field; neutralise formula-looking cells; cap lengths."""
    cleaned = frame.with_columns(clean_text_expr(f) for f in CANONICAL_FIELDS).with_columns(
        empty_to_null_expr(f) for f in CANONICAL_FIELDS
    )
    notes = []
    formula = {f: formula_like(pl.col(f)) for f in CANONICAL_FIELDS}
    note_exprs = [
        pl.when(formula[f]).then(
            pl.lit(f"{f}: formula-like value ") + quote_expr(pl.col(f)) + pl.lit(" ignored")
        )
        for f in CANONICAL_FIELDS
    ]
    note_exprs += [
        pl.when(~formula[f] & (pl.col(f).str.len_chars() > cap)).then(
            pl.lit(f"{f}: cut to {cap} characters")
        )
        for f, cap in CAPPED_FIELDS.items()
    ]
    joined = pl.concat_str(note_exprs, separator="; ", ignore_nulls=True)
    notes.append(
        cleaned.select(pl.when(joined.str.len_chars() > 0).then(joined).alias("n")).to_series()
    )
    fixed = [pl.when(~formula[f]).then(pl.col(f)).alias(f) for f in CANONICAL_FIELDS]
    cleaned = cleaned.with_columns(fixed).with_columns(
        pl.col(f).str.slice(0, cap).str.strip_chars() for f, cap in CAPPED_FIELDS.items()
    )
    return cleaned, notes


def _raw_content(rows: pl.DataFrame) -> pl.Series:
    """JSON of each row's non-null canonical fields, with attributes as an object."""
    out = []
    for row in rows.select(*CANONICAL_FIELDS, "attributes").iter_rows(named=True):
        content: dict[str, object] = {k: v for k, v in row.items() if v is not None}
        if "attributes" in content:
            with contextlib.suppress(TypeError, ValueError):
                content["attributes"] = json.loads(content["attributes"])
            if content["attributes"] in ({}, None, ""):
                del content["attributes"]
        out.append(json.dumps(content, ensure_ascii=False))
    return pl.Series("raw_content", out, dtype=pl.String)


def normalize_contacts(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """raw_contact_files rows -> (contacts_normalized, contacts_quarantine)."""
    raw = _conform(raw)
    frame, notes = _clean_fields(raw)

    country = country_columns(frame.get_column("country"))
    region = country.get_column("country")
    emails = email_columns(frame.get_column("email"))
    phone = phone_columns(frame.get_column("phone"), region, "phone")
    mobile = phone_columns(frame.get_column("mobile"), region, "mobile")
    names = name_columns(*(frame.get_column(f) for f in NAME_FIELDS))
    company = company_columns(frame.get_column("company"))
    website = website_columns(frame.get_column("website"))
    titles = title_columns(frame.get_column("title"), frame.get_column("department"))
    consent = consent_columns(frame.get_column("gdpr_consent"))
    month_first = region == "US"
    consent_date = datetime_columns(
        frame.get_column("gdpr_consent_date"), "gdpr_consent_date", month_first
    )
    updated = datetime_columns(
        frame.get_column("record_updated_at"), "record_updated_at", month_first
    )
    city = map_unique(frame.get_column("city"), lambda v: (fix_case(v),), {"city": pl.String()})
    address_keys = address_key_columns(frame.get_column("street"), frame.get_column("postal_code"))
    contact_points = contact_point_columns(
        frame.get_column("attributes"),
        emails.get_column("email"),
        pl.DataFrame([phone.get_column("phone"), mobile.get_column("mobile")]),
        region,
    )

    notes += [
        country.get_column("country_note"),
        emails.get_column("email_note"),
        phone.get_column("phone_note"),
        mobile.get_column("mobile_note"),
        website.get_column("website_note"),
        consent.get_column("consent_note"),
        consent_date.get_column("gdpr_consent_date_note"),
        updated.get_column("record_updated_at_note"),
    ]
    note_frame = pl.DataFrame({f"n{i}": s for i, s in enumerate(notes)})
    joined_notes = note_frame.select(
        pl.concat_str(pl.all(), separator="; ", ignore_nulls=True).alias("normalization_notes")
    ).select(
        pl.when(pl.col("normalization_notes").str.len_chars() > 0).then(
            pl.col("normalization_notes")
        )
    )

    result = pl.concat(
        [
            frame.select(
                "file_hash",
                "source_file",
                "source_type",
                "source_sheet",
                "source_row",
                "source_record_id",
                "street",
                "state",
                "postal_code",
                "lead_source",
                "attributes",
                pl.col("title"),
                pl.col("consent_source").alias("_consent_source"),
            ),
            names,
            emails.drop("email_note"),
            phone.drop("phone_note"),
            mobile.drop("mobile_note"),
            company,
            website.drop("website_note"),
            titles,
            city,
            address_keys,
            contact_points,
            country.drop("country_note"),
            consent.drop("consent_note"),
            consent_date.drop("gdpr_consent_date_note"),
            updated.drop("record_updated_at_note"),
            joined_notes,
        ],
        how="horizontal",
    ).with_columns(
        record_id=_record_ids(raw),
        consent_source=pl.coalesce(
            "_consent_source", pl.when(pl.col("gdpr_consent")).then(pl.col("source_file"))
        ),
    )

    usable = (
        pl.any_horizontal(pl.col(c).is_not_null() for c in ("first_name", "last_name", "full_name"))
        | pl.col("email").is_not_null()
        | pl.col("phone").is_not_null()
        | pl.col("mobile").is_not_null()
    )
    mask = result.select(usable.alias("usable")).to_series()

    normalized = result.filter(mask).select(
        pl.col(name).cast(dtype) for name, dtype in NORMALIZED_COLUMNS.items()
    )

    rejected_raw = raw.filter(~mask)
    rejected_notes = result.filter(~mask).get_column("normalization_notes")
    quarantine = rejected_raw.select(
        "file_hash", "source_file", "source_sheet", "source_row"
    ).with_columns(
        reason=pl.when(rejected_notes.is_not_null())
        .then(pl.lit(NO_USABLE_FIELD + " (") + pl.lit(rejected_notes) + pl.lit(")"))
        .otherwise(pl.lit(NO_USABLE_FIELD)),
        raw_content=_raw_content(rejected_raw),
    )
    quarantine = quarantine.select(
        pl.col(name).cast(dtype) for name, dtype in QUARANTINE_COLUMNS.items()
    )
    return normalized, quarantine
