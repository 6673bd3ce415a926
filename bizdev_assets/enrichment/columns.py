"""Column contracts of the enrichment tables (name -> polars dtype). Add a column here first.

Tables: `company_domains`, `company_enrichment`, `person_enrichment`, `enrichment_costs`,
`company_signals`, `signal_feed_log`, `enrichment_archive_files`; `enrichment_cache` is
the ADR-013 table (`resources/warehouse/schema.py`); `contacts_enriched` is a view.
"""

from __future__ import annotations

import polars as pl

DOMAINS_TABLE = "company_domains"
ENRICHMENT_TABLE = "company_enrichment"
PERSON_TABLE = "person_enrichment"
COSTS_TABLE = "enrichment_costs"
CACHE_TABLE = "enrichment_cache"
ARCHIVE_TABLE = "enrichment_archive_files"
SIGNALS_TABLE = "company_signals"
FEED_LOG_TABLE = "signal_feed_log"
CONTACTS_VIEW = "contacts_enriched"

LIST = pl.List(pl.String())

DOMAIN_COLUMNS: dict[str, pl.DataType] = {
    "domain": pl.String(),  # registrable, IDNA ASCII; for kind `invalid` the value as given
    "domain_unicode": pl.String(),
    "company_id": pl.String(),  # company_identity.company_id_for_domain; null unless `company`
    "kind": pl.String(),  # company | free_mail | disposable | invalid
    "enrichable": pl.Boolean(),  # only company domains are ever sent to a provider
    "contact_count": pl.Int64(),
    "website_contacts": pl.Int64(),  # contacts whose domain came from their website
    "email_contacts": pl.Int64(),  # ... from their email address
    "company_names": LIST,  # names the contacts give, most common first (at most 5)
    "countries": LIST,  # contacts' countries, most common first
    "departments": LIST,  # departments seen, most common first
    "note": pl.String(),  # why a value is not a company domain
}

COMPANY_FIELDS: tuple[str, ...] = (
    "name",
    "industry",
    "employee_band",
    "revenue_band",
    "hq_country",
    "hq_city",
    "linkedin_url",
    "technologies",
)
PERSON_FIELDS: tuple[str, ...] = ("title", "seniority", "linkedin_url")

ENRICHMENT_COLUMNS: dict[str, pl.DataType] = {
    "company_id": pl.String(),
    "domain": pl.String(),
    "domain_unicode": pl.String(),
    "name": pl.String(),
    "industry": pl.String(),
    "employee_band": pl.String(),  # 1-10 | 11-50 | ... | 10001+
    "revenue_band": pl.String(),  # $0-$1M | $1M-$10M | ... | $10B+
    "hq_country": pl.String(),  # ISO 3166-1 alpha-2
    "hq_city": pl.String(),
    "linkedin_url": pl.String(),
    "technologies": LIST,
    "contact_count": pl.Int64(),
    "departments_seen": LIST,
    "status": pl.String(),  # complete | partial | no_match | budget_exhausted | provider_error
    "providers": pl.String(),  # JSON: provider -> what it answered (hit, cache:miss, ...)
    "field_provenance": pl.String(),  # JSON: field -> {"provider", "fetched_at"}
    "enriched_at": pl.Datetime("us"),
}

PERSON_COLUMNS: dict[str, pl.DataType] = {
    "contact_id": pl.String(),
    "email": pl.String(),
    "title": pl.String(),
    "seniority": pl.String(),  # golden's vocabulary: c_level | vp | director | ...
    "linkedin_url": pl.String(),
    "status": pl.String(),
    "lawful_basis": pl.String(),  # what allowed the lookup (may_enrich_person)
    "providers": pl.String(),
    "field_provenance": pl.String(),
    "enriched_at": pl.Datetime("us"),
}

COSTS_COLUMNS: dict[str, pl.DataType] = {
    "provider": pl.String(),
    "day": pl.Date(),  # UTC
    "calls": pl.Int64(),  # HTTP requests, retries included
    "credits": pl.Float64(),  # what the vendor billed
    "hits": pl.Int64(),
    "misses": pl.Int64(),
    "mismatches": pl.Int64(),  # answers naming another company's domain (billed, unused)
    "errors": pl.Int64(),  # calls that failed for good
    "cache_hits": pl.Int64(),  # lookups answered from enrichment_cache (no call, no credit)
    "budget_exhausted": pl.Int64(),  # lookups left for another day
    "daily_budget": pl.Float64(),
}

ARCHIVE_COLUMNS: dict[str, pl.DataType] = {
    "archive_key": pl.String(),  # enrichment/<provider>/<day>/<time>-<run>-<n>.ndjson
    "provider": pl.String(),
    "records": pl.Int64(),
    "bytes": pl.Int64(),
    "run_id": pl.String(),
    "written_at": pl.Datetime("us"),
}

SIGNAL_COLUMNS: dict[str, pl.DataType] = {
    "signal_id": pl.String(),  # sha1 of company, kind and item: the same news is one row
    "company_id": pl.String(),  # null for a competitor that is not one of our companies
    "company": pl.String(),
    "domain": pl.String(),
    "kind": pl.String(),  # news | competitor_mention | funding | hiring
    "title": pl.String(),
    "url": pl.String(),
    "published_at": pl.Datetime("us"),  # null when the source gave no date
    "source": pl.String(),  # the feed URL, or webhook
    "matched_by": pl.String(),  # domain | name | name+domain
    "evidence": pl.String(),  # the words matched, in context
    "competitor": pl.String(),
}

FEED_LOG_COLUMNS: dict[str, pl.DataType] = {
    "source": pl.String(),
    "fetched_at": pl.Datetime("us"),
    "status": pl.String(),  # ok | parsed_with_errors | unreadable | error
    "http_status": pl.Int64(),
    "items": pl.Int64(),
    "undated_items": pl.Int64(),
    "newest_published_at": pl.Datetime("us"),
    "error": pl.String(),
}


def empty(columns: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=columns)
