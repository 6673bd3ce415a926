"""The waterfall's result as the `company_enrichment` and `person_enrichment` tables.

Each row keeps, per field, the provider that gave the value and when it was fetched
(`field_provenance`, as golden contacts keep the record each field came from), and what
every provider answered (`providers`: hit, miss, mismatch, cache:hit, budget_exhausted,
provider_error...), so a row flagged `budget_exhausted` says which provider is owed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import polars as pl

from bizdev_assets.enrichment.columns import ENRICHMENT_COLUMNS, PERSON_COLUMNS
from bizdev_assets.enrichment.waterfall import COMPANY, PERSON, Found, Result, Spec


def _provenance(found: dict[str, Found]) -> str:
    return json.dumps(
        {f: {"provider": v.provider, "fetched_at": v.fetched_at} for f, v in sorted(found.items())}
    )


def _enriched(key: str, result: Result, spec: Spec) -> dict[str, Any]:
    found = result.found.get(key, {})
    return {
        **{f: found[f].value if f in found else None for f in spec.fields},
        "status": result.status(key, spec),
        "providers": json.dumps(result.outcomes.get(key, {}), sort_keys=True),
        "field_provenance": _provenance(found),
    }


def company_enrichment_frame(domains: pl.DataFrame, result: Result, now: datetime) -> pl.DataFrame:
    """One row per enrichable `company_domains` row, ENRICHMENT_COLUMNS, sorted by domain."""
    rows = [
        {
            "company_id": row["company_id"],
            "domain": row["domain"],
            "domain_unicode": row["domain_unicode"],
            "contact_count": row["contact_count"],
            "departments_seen": row["departments"],
            "enriched_at": now,
            **_enriched(row["domain"], result, COMPANY),
        }
        for row in domains.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=ENRICHMENT_COLUMNS).sort("domain")


def person_enrichment_frame(people: pl.DataFrame, result: Result, now: datetime) -> pl.DataFrame:
    """One row per contact looked up (people: contact_id, email, lawful_basis)."""
    rows = [
        {
            "contact_id": row["contact_id"],
            "email": row["email"],
            "lawful_basis": row["lawful_basis"],
            "enriched_at": now,
            **_enriched(row["email"], result, PERSON),
        }
        for row in people.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=PERSON_COLUMNS).sort("contact_id")


def status_counts(frame: pl.DataFrame) -> dict[str, int]:
    counts = frame.group_by("status").len().sort("status")
    return dict(zip(counts["status"], counts["len"], strict=True))
