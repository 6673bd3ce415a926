"""The offline provider: what the domain and the contacts themselves say. It needs no key,
costs nothing and is never cached: it is read again from the current contacts each run.

A company's `name` is the one most of its contacts give (ties: alphabetical), and its
`hq_country` that of the domain's country-code TLD (`.de` -> DE, `.co.uk` -> GB), else the
country most of its contacts give. Generic and vanity TLDs (.com, .io, .co, .ai, ...) say
nothing about a country. A person's `title` and `seniority` are the golden contact's own.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from bizdev_assets.enrichment.fields import clean

# Country-code TLDs used worldwide for their look, not for their country.
VANITY_TLDS = frozenset(
    {"io", "co", "ai", "me", "tv", "ly", "fm", "gg", "to", "ws", "cc", "vc", "sh", "nu", "tk"}
)
TLD_COUNTRY = {"uk": "GB"}  # the only ccTLD that is not the ISO code


def country_of_domain(domain: str) -> str | None:
    """The country a domain's TLD names, or None (generic, vanity, or not a country)."""
    tld = domain.rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or tld in VANITY_TLDS or not tld.isascii():
        return None
    return TLD_COUNTRY.get(tld) or clean("company", "hq_country", tld.upper())


def company_fields(row: dict[str, Any]) -> dict[str, Any]:
    """Offline fields of one `company_domains` row."""
    names = row.get("company_names") or []
    countries = row.get("countries") or []
    found = {
        "name": clean("company", "name", names[0]) if names else None,
        "hq_country": country_of_domain(row["domain"])
        or (clean("company", "hq_country", countries[0]) if countries else None),
    }
    return {field: value for field, value in found.items() if value is not None}


def company_records(domains: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """domain -> offline fields, for every row of a `company_domains` frame."""
    return {row["domain"]: company_fields(row) for row in domains.iter_rows(named=True)}


def person_records(people: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """email -> offline fields (title, seniority) of golden contacts."""
    records = {}
    for row in people.select("email", "title", "seniority").iter_rows(named=True):
        found = {f: clean("person", f, row[f]) for f in ("title", "seniority")}
        records[row["email"]] = {f: v for f, v in found.items() if v is not None}
    return records
