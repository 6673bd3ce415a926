"""The canonical contact fields every source is mapped onto, and the provenance columns.

This is the contract between the file readers (which map headers onto these names),
the normalizer (which reads them) and the demo generator (which writes files whose
headers map onto them). Everything is a string at this stage: typing happens in
normalization, where a bad value can be reported instead of failing a whole file.
"""

from __future__ import annotations

CANONICAL_FIELDS: tuple[str, ...] = (
    "full_name",  # used when a source has one name column
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "company",
    "website",
    "title",
    "department",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "gdpr_consent",  # yes/no/true/1/opt-in... parsed in normalization
    "gdpr_consent_date",
    "consent_source",
    "lead_source",
    "record_updated_at",  # the source's own last-modified time, for survivorship
)

# Provenance and bookkeeping columns that raw_contact_files carries beside the fields.
PROVENANCE_COLUMNS: tuple[str, ...] = (
    "file_hash",  # sha256 of the file's bytes: the file's identity
    "source_file",  # file name as dropped (relative to the landing root)
    "source_type",  # csv | tsv | xlsx | json | ndjson
    "source_sheet",  # Excel sheet name, else null
    "source_row",  # 1-based line (CSV/NDJSON: line the record starts on, header = line 1;
    #                Excel: sheet row number, header = row 1; JSON array: element index + 1)
    "source_record_id",  # the file's own id column, when it has one
    "attributes",  # JSON object of the unmapped columns, original header -> value
)

RAW_COLUMNS: tuple[str, ...] = PROVENANCE_COLUMNS + CANONICAL_FIELDS
