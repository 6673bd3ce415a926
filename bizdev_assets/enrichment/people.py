"""Who may be looked up at a data vendor, and what is asked about them.

Person enrichment is off unless BIZDEV_ENRICHMENT_PEOPLE=1, and even then only for
contacts whose consent or lawful basis allows it. Today golden contacts carry
`gdpr_consent` and `consent_source`; a per-purpose consent will replace this check, which
is why it is one small function (`may_enrich_person`) and nothing else decides it.
Role and disposable addresses are not a person's and are never looked up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from bizdev_assets.company_identity import company_domain
from resources.enrichment import Query

GOLDEN_INPUT = (
    "contact_id",
    "email",
    "first_name",
    "last_name",
    "title",
    "seniority",
    "website_domain",
    "email_domain",
    "is_role_email",
    "is_disposable_email",
    "gdpr_consent",
    "consent_source",
)


def may_enrich_person(row: Mapping[str, Any]) -> bool:
    """True when this golden contact may be looked up at a person-data vendor."""
    if not row.get("email") or row.get("is_role_email") or row.get("is_disposable_email"):
        return False
    return row.get("gdpr_consent") is True


def lawful_basis(row: Mapping[str, Any]) -> str:
    """What allowed the lookup, kept on the row."""
    return f"consent ({row.get('consent_source') or 'source not recorded'})"


def people_to_look_up(golden: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The contacts `may_enrich_person` allows (with `lawful_basis`), and how many it refused."""
    rows = [r for r in golden.select(GOLDEN_INPUT).iter_rows(named=True)]
    allowed = [{**r, "lawful_basis": lawful_basis(r)} for r in rows if may_enrich_person(r)]
    schema = {**dict(golden.select(GOLDEN_INPUT).schema), "lawful_basis": pl.String()}
    return pl.DataFrame(allowed, schema=schema), len(rows) - len(allowed)


def person_queries(people: pl.DataFrame) -> list[Query]:
    """A lookup per email, with the names and company domain that sharpen the match."""
    queries = []
    for row in people.iter_rows(named=True):
        domain, _ = company_domain(row["website_domain"], row["email_domain"])
        params = {"first_name": row["first_name"], "last_name": row["last_name"], "domain": domain}
        queries.append(Query(row["email"], {k: v for k, v in params.items() if v}))
    return queries
