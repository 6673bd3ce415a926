"""Column contract of `golden_contacts` (name -> polars dtype): one row per contact cluster.

Produced by `bizdev_assets.golden.survivorship.build_golden_contacts`; read by quality
scoring, CRM sync and the marts. The ADR-013 `contacts` table fields are all here
(`contact_id` is its `id`). Add a column here first.
"""

from __future__ import annotations

import polars as pl

GOLDEN_TABLE = "golden_contacts"

GOLDEN_COLUMNS: dict[str, pl.DataType] = {
    # identity
    "contact_id": pl.String(),  # uuid5(NAMESPACE_URL, "bizdev:" + cluster_id)
    "cluster_id": pl.String(),
    # email group: wins together
    "email": pl.String(),  # not deduplicated across clusters: an asset check reports collisions
    "email_domain": pl.String(),
    "email_valid": pl.Boolean(),  # false: the only emails given were invalid (email is then null)
    "is_free_email": pl.Boolean(),
    "is_role_email": pl.Boolean(),
    "is_disposable_email": pl.Boolean(),
    # name group: wins together
    "first_name": pl.String(),
    "last_name": pl.String(),
    "full_name": pl.String(),
    "name_key": pl.String(),  # for the uniqueness check in quality scoring
    # company and website: each a group of its own
    "company": pl.String(),
    "company_key": pl.String(),
    "company_id": pl.String(),  # bizdev_assets/company_identity.py: from the domain, else company_key
    "website": pl.String(),
    "website_domain": pl.String(),
    # job group: wins together
    "title": pl.String(),
    "seniority": pl.String(),
    "department": pl.String(),
    # phones: each wins with its own validity flag
    "phone": pl.String(),
    "phone_valid": pl.Boolean(),
    "mobile": pl.String(),
    "mobile_valid": pl.Boolean(),
    # address group: wins together, so addresses are never mixed
    "street": pl.String(),
    "city": pl.String(),
    "state": pl.String(),
    "postal_code": pl.String(),
    "country": pl.String(),
    # consent group: the most recent explicit statement
    "gdpr_consent": pl.Boolean(),  # never null: false unless the winning statement says true
    "gdpr_consent_date": pl.Datetime("us"),
    "consent_source": pl.String(),
    "lead_source": pl.String(),
    # lineage
    "record_count": pl.Int64(),
    "record_ids": pl.List(pl.String()),  # sorted
    "source_files": pl.List(pl.String()),  # sorted, unique
    "field_provenance": pl.String(),  # JSON object: field -> record_id it was taken from
    "first_seen_at": pl.Datetime("us"),  # min record_updated_at; null if no record has one
    "last_updated_at": pl.Datetime("us"),  # max record_updated_at
    # build: what an incremental run compares (see golden/changes.py)
    "built_at": pl.Datetime("us"),  # when this row was last (re)built
    "rules_digest": pl.String(),  # of the survivorship rules and code that built it
}
