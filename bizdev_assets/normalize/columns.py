"""Column contracts of `contacts_normalized` and `contacts_quarantine` (name -> polars dtype).

Shared by the normalizer that produces them, the pandera schema, and the dedup,
survivorship and quality stages that read them. Add a column here first.
"""

from __future__ import annotations

import polars as pl

NORMALIZED_TABLE = "contacts_normalized"
QUARANTINE_TABLE = "contacts_quarantine"

NORMALIZED_COLUMNS: dict[str, pl.DataType] = {
    # identity and provenance
    "record_id": pl.String(),  # stable: 16 hex chars of sha1(file_hash|source_sheet|source_row)
    "file_hash": pl.String(),
    "source_file": pl.String(),
    "source_type": pl.String(),
    "source_sheet": pl.String(),
    "source_row": pl.Int64(),
    "source_record_id": pl.String(),
    # person
    "first_name": pl.String(),  # proper case ("McDonald", "van der Berg" kept as people write it)
    "last_name": pl.String(),
    "full_name": pl.String(),  # display name "First Last"
    "name_key": pl.String(),  # lowercase ascii-folded "first last" for matching
    # email
    "email": pl.String(),  # lowercased, syntax-valid, else null
    "email_valid": pl.Boolean(),  # null when no email was given; false when given but invalid
    "email_local": pl.String(),
    "email_domain": pl.String(),
    "email_match_key": pl.String(),  # gmail dots and +tags removed, googlemail -> gmail
    "is_free_email": pl.Boolean(),
    "is_disposable_email": pl.Boolean(),
    "is_role_email": pl.Boolean(),  # info@, sales@, noreply@ ...
    # phones (E.164)
    "phone": pl.String(),
    "phone_valid": pl.Boolean(),  # null when none given
    "mobile": pl.String(),
    "mobile_valid": pl.Boolean(),
    # further contact points found in `attributes` (normalize/contact_points.py)
    "other_email": pl.String(),  # a second valid address, not `email`
    "other_email_match_key": pl.String(),
    "other_phone": pl.String(),  # E.164, under a phone-like header, not phone or mobile
    "linkedin": pl.String(),  # linkedin.com/in/<profile>, lowercase
    "birth_date": pl.Date(),
    # company
    "company": pl.String(),  # display name, whitespace/case cleaned, legal suffix kept
    "company_key": pl.String(),  # lowercase, ascii-folded, legal suffixes and punctuation removed
    "website": pl.String(),  # https://host as given, normalized
    "website_domain": pl.String(),  # registered domain (tldextract), e.g. acme.co.uk
    # job
    "title": pl.String(),
    "seniority": pl.String(),  # c_level | vp | director | manager | senior | individual | unknown
    "department": pl.String(),  # sales | marketing | engineering | it | finance | hr | operations | legal | product | executive | support | other | unknown
    # address
    "street": pl.String(),
    "city": pl.String(),
    "state": pl.String(),
    "postal_code": pl.String(),
    "country": pl.String(),  # ISO 3166-1 alpha-2, null when unknown
    # address match keys (normalize/addresses.py)
    "street_key": pl.String(),  # the street's name words: "Hauptstraße 12a" -> "haupt"
    "house_number": pl.String(),  # "12a"
    "postal_key": pl.String(),  # "D-01067" -> "1067"
    # GDPR consent (ADR-013)
    "gdpr_consent": pl.Boolean(),  # false unless the source states consent
    "gdpr_consent_date": pl.Datetime("us"),
    "consent_source": pl.String(),  # what stated the consent: the source's own column or the file
    # other
    "lead_source": pl.String(),
    "record_updated_at": pl.Datetime("us"),  # the source's own last-modified time, if any
    "attributes": pl.String(),  # JSON object of unmapped columns
    "normalization_notes": pl.String(),  # "; "-joined warnings, e.g. "phone: not a valid number"
}

# Columns added after the first release: a table an older version made gets them
# (normalize.assets.missing_column_statements) before new rows are written.
ADDED_COLUMNS = (
    "other_email",
    "other_email_match_key",
    "other_phone",
    "linkedin",
    "birth_date",
    "street_key",
    "house_number",
    "postal_key",
)

QUARANTINE_COLUMNS: dict[str, pl.DataType] = {
    "file_hash": pl.String(),
    "source_file": pl.String(),
    "source_sheet": pl.String(),
    "source_row": pl.Int64(),
    "reason": pl.String(),
    "raw_content": pl.String(),  # the row as read: JSON of header -> value, or the raw line
}
