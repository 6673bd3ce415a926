"""The ADR-013 `contacts` table, derived from golden contacts and their quality scores.

`contacts.email` is UNIQUE, while two golden contacts (two people the matcher kept apart)
can share an email. The email stays with the contact most likely to own it: the highest
quality score, then the most records, then the smallest id, so every run decides the
same way. The others keep their row with a null email.
"""

from __future__ import annotations

import polars as pl

CONTACTS_TABLE = "contacts"

CONTACTS_COLUMNS: dict[str, pl.DataType] = {
    # ADR-013 (migration 0001)
    "id": pl.String(),  # golden contact_id (a UUID)
    "email": pl.String(),  # VARCHAR(255) UNIQUE
    "first_name": pl.String(),  # VARCHAR(100)
    "last_name": pl.String(),  # VARCHAR(100)
    "company_id": pl.String(),  # UUID
    "quality_score": pl.Decimal(3, 2),
    "gdpr_consent": pl.Boolean(),
    "gdpr_consent_date": pl.Datetime("us"),
    # migration 0002
    "phone": pl.String(),  # VARCHAR(32): the main line, else the mobile (E.164)
    "company": pl.String(),  # VARCHAR(255)
    "country": pl.String(),  # VARCHAR(2)
    "consent_source": pl.String(),
    "cluster_id": pl.String(),
}
MAX_LENGTHS = {"email": 255, "first_name": 100, "last_name": 100, "company": 255, "phone": 32}
GOLDEN_INPUT_COLUMNS = (
    "contact_id",
    "cluster_id",
    "email",
    "first_name",
    "last_name",
    "company_id",
    "company",
    "phone",
    "mobile",
    "country",
    "gdpr_consent",
    "gdpr_consent_date",
    "consent_source",
    "record_count",
)


def adr_contacts(golden: pl.DataFrame, scores: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Golden contacts as ADR-013 `contacts` rows, and how many emails were nulled to keep
    `email` unique."""
    joined = golden.select(GOLDEN_INPUT_COLUMNS).join(
        scores.select("contact_id", pl.col("quality_score").cast(pl.Decimal(3, 2))),
        on="contact_id",
        how="left",
    )
    frame = joined.with_columns(
        pl.col("contact_id").alias("id"),
        pl.coalesce("phone", "mobile").alias("phone"),
        pl.col("gdpr_consent").fill_null(False),
        *(pl.col(c).str.slice(0, n) for c, n in MAX_LENGTHS.items() if c != "phone"),
    ).with_columns(pl.col("phone").str.slice(0, MAX_LENGTHS["phone"]))
    # Only an email several contacts hold has a keeper to choose.
    email = pl.col("email")
    shared = frame.filter(email.is_not_null() & email.is_duplicated())
    keepers = shared.sort(
        ["quality_score", "record_count", "id"], descending=[True, True, False], nulls_last=True
    ).unique("email", keep="first", maintain_order=True)
    others = shared.join(keepers, on="id", how="anti")["id"]
    frame = frame.with_columns(pl.when(~pl.col("id").is_in(others.implode())).then(email))
    return frame.select([pl.col(c).cast(t) for c, t in CONTACTS_COLUMNS.items()]).sort(
        "id"
    ), others.len()
