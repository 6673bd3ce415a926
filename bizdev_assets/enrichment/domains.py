"""`company_domains`: one row per registrable domain of the golden contacts.

Each contact gives at most one domain: its company's (website, then work email; see
`bizdev_assets/company_identity.py`), else the mailbox provider of its email (free-mail
or disposable: a row that is never enrichable), else the value that could not be read
(`invalid`, with the reason). Only `company` rows are ever sent to a paid provider, so a
free-mail, disposable or unreadable domain never costs a credit. The names, countries and
departments the contacts give are kept per domain, most common first: they are what the
offline provider reads and what signal matching uses as aliases.
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.company_identity import (
    company_domain,
    company_id_for_domain,
    personal_kind,
    read_domain,
)
from bizdev_assets.enrichment.columns import DOMAIN_COLUMNS

GOLDEN_INPUT = ("contact_id", "website_domain", "email_domain", "company", "country", "department")
TOP = 5


def _domain_of(website_domain: str | None, email_domain: str | None) -> tuple:
    """(domain, domain_unicode, kind, source, note) of one contact; domain None: none."""
    domain, source = company_domain(website_domain, email_domain)
    if domain is not None:
        return domain, read_domain(domain).unicode, "company", source, None
    mailbox = read_domain(email_domain)
    kind = personal_kind(mailbox.domain)
    if kind is not None:
        return mailbox.domain, mailbox.unicode, kind, "email", source
    given = website_domain or email_domain
    if given:
        return (
            given.strip().lower(),
            None,
            "invalid",
            "website" if website_domain else "email",
            source,
        )
    return None, None, None, None, None


def contact_domains(golden: pl.DataFrame) -> pl.DataFrame:
    """contact_id -> domain, domain_unicode, kind, source, note (contacts with a domain)."""
    pairs = golden.select("website_domain", "email_domain").unique()
    read = [_domain_of(w, e) for w, e in pairs.iter_rows()]
    schema = {
        "domain": pl.String(),
        "domain_unicode": pl.String(),
        "kind": pl.String(),
        "source": pl.String(),
        "note": pl.String(),
    }
    table = pairs.hstack(pl.DataFrame(read, schema=schema, orient="row"))
    joined = golden.join(table, on=["website_domain", "email_domain"], how="left", nulls_equal=True)
    return joined.filter(pl.col("domain").is_not_null())


def _ranked(frame: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    """Per domain, the distinct values of `column`, most common first, then alphabetical."""
    return (
        frame.filter(pl.col(column).is_not_null() & (pl.col(column) != "unknown"))
        .group_by("domain", column)
        .len()
        .sort(["domain", "len", column], descending=[False, True, False])
        .group_by("domain", maintain_order=True)
        .agg(pl.col(column).head(TOP).alias(name))
    )


def build_company_domains(golden: pl.DataFrame) -> pl.DataFrame:
    """One row per domain with DOMAIN_COLUMNS, sorted by domain (module docstring)."""
    missing = sorted(set(GOLDEN_INPUT) - set(golden.columns))
    if missing:
        raise ValueError(f"golden_contacts lacks columns {missing}; expected {list(GOLDEN_INPUT)}")
    per_contact = contact_domains(golden.select(GOLDEN_INPUT))
    counts = per_contact.group_by("domain").agg(
        pl.col("domain_unicode").first(),
        pl.col("kind").first(),
        pl.len().alias("contact_count"),
        (pl.col("source") == "website").sum().alias("website_contacts"),
        (pl.col("source") == "email").sum().alias("email_contacts"),
        pl.col("note").drop_nulls().first(),
    )
    frame = counts
    for column, name in (
        ("company", "company_names"),
        ("country", "countries"),
        ("department", "departments"),
    ):
        frame = frame.join(_ranked(per_contact, column, name), on="domain", how="left")
    frame = frame.with_columns(
        pl.col("company_names", "countries", "departments").fill_null(
            pl.lit([], dtype=pl.List(pl.String))
        ),
        enrichable=pl.col("kind") == "company",
        company_id=pl.when(pl.col("kind") == "company").then(
            pl.col("domain").map_elements(company_id_for_domain, return_dtype=pl.String)
        ),
        note=pl.when(pl.col("kind") == "company").then(None).otherwise(pl.col("note")),
    )
    return frame.select([pl.col(c).cast(t) for c, t in DOMAIN_COLUMNS.items()]).sort("domain")
