"""The tables the migrations own, as they stand at the newest Alembic revision.

One declaration serves both warehouses: PostgreSQL gets these tables from the Alembic
revisions in `migrations/versions/` (a test proves the head equals `ADR_TABLES`), and
DuckDB creates them from `ADR_TABLES` compiled to DDL (`duckdb.py`). A schema change is
a new revision plus the matching change here; the test fails until both agree.

Pipeline tables (`landing_file_log`, `contacts_normalized`, ...) are created from the
first frame written, so a warehouse made by an older version can lack a column a newer
asset writes. Appends and upserts add such a column when a frame brings it (PostgreSQL
always; DuckDB when the frame only adds columns, so a table of another shape still fails
the write); for anything else, `PIPELINE_TABLE_UPGRADES` holds the statements that bring
such tables up to date, keyed by the revision that runs them on PostgreSQL; DuckDB runs every one of
them when it first connects. Each statement is idempotent and skips a missing table.
Append only: a shipped statement never changes, like a shipped revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# ADR-013: contacts, crm_sync_state, enrichment_cache (revisions 0001 and 0002).
ADR_TABLES = sa.MetaData()

sa.Table(
    "contacts",
    ADR_TABLES,
    sa.Column("id", postgresql.UUID(as_uuid=False), primary_key=True),
    sa.Column("email", sa.String(255), unique=True),
    sa.Column("first_name", sa.String(100)),
    sa.Column("last_name", sa.String(100)),
    sa.Column("company_id", postgresql.UUID(as_uuid=False)),
    sa.Column("quality_score", sa.Numeric(3, 2)),
    sa.Column("gdpr_consent", sa.Boolean(), server_default=sa.false()),
    sa.Column("gdpr_consent_date", sa.DateTime()),
    sa.Column("created_at", sa.DateTime(), server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now()),
    sa.Column("phone", sa.String(32)),
    sa.Column("company", sa.String(255)),
    sa.Column("country", sa.String(2)),
    sa.Column("consent_source", sa.Text()),
    sa.Column("cluster_id", sa.Text()),
    sa.Index("contacts_company_id_idx", "company_id"),
)

sa.Table(
    "crm_sync_state",
    ADR_TABLES,
    sa.Column("id", postgresql.UUID(as_uuid=False), primary_key=True),
    sa.Column("crm_type", sa.String(50)),
    sa.Column("last_sync_at", sa.DateTime()),
    sa.Column("sync_cursor", postgresql.JSONB()),
    sa.Column("status", sa.String(20)),
    sa.Column("error_count", sa.Integer(), server_default=sa.text("0")),
)

sa.Table(
    "enrichment_cache",
    ADR_TABLES,
    sa.Column("id", postgresql.UUID(as_uuid=False), primary_key=True),
    sa.Column("source", sa.String(50)),
    sa.Column("query_hash", sa.String(64)),
    sa.Column("result", postgresql.JSONB()),
    sa.Column("expires_at", sa.DateTime()),
    sa.Column("created_at", sa.DateTime(), server_default=sa.func.now()),
    sa.UniqueConstraint("source", "query_hash", name="enrichment_cache_source_query_hash_key"),
    sa.Index("enrichment_cache_expires_at_idx", "expires_at"),
)

# GDPR (revision 0004, docs/gdpr.md): erasure requests and their per-destination status,
# an open request's identifiers, the suppression list, the hash-chained audit log.
sa.Table(
    "gdpr_requests",
    ADR_TABLES,
    sa.Column("request_id", sa.Text(), primary_key=True),
    sa.Column("destination", sa.Text(), primary_key=True),
    sa.Column("kind", sa.Text()),
    sa.Column("status", sa.Text()),
    sa.Column("reason", sa.Text()),
    sa.Column("attempts", sa.Integer()),
    sa.Column("subject_key", sa.Text()),
    sa.Column("requested_by", sa.Text()),
    sa.Column("requested_at", sa.DateTime()),
    sa.Column("updated_at", sa.DateTime()),
    sa.Column("finished_at", sa.DateTime()),
    sa.Column("detail", postgresql.JSONB()),
)

sa.Table(
    "gdpr_request_subjects",
    ADR_TABLES,
    sa.Column("request_id", sa.Text(), primary_key=True),
    sa.Column("identifiers", postgresql.JSONB()),
)

sa.Table(
    "gdpr_suppressions",
    ADR_TABLES,
    sa.Column("suppression_key", sa.Text(), primary_key=True),
    sa.Column("kind", sa.Text()),
    sa.Column("request_id", sa.Text()),
    sa.Column("suppressed_at", sa.DateTime()),
)

sa.Table(
    "audit_log",
    ADR_TABLES,
    sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("logged_at", sa.DateTime()),
    sa.Column("actor", sa.Text()),
    sa.Column("action", sa.Text()),
    sa.Column("subject_key", sa.Text()),
    sa.Column("target", sa.Text()),
    sa.Column("reason", sa.Text()),
    sa.Column("detail", postgresql.JSONB()),
    sa.Column("prev_hash", sa.Text()),
    sa.Column("row_hash", sa.Text()),
)

sa.Table(
    "consent_records",
    ADR_TABLES,
    sa.Column("consent_id", sa.Text(), primary_key=True),
    sa.Column("contact_id", sa.Text()),
    sa.Column("purpose", sa.Text()),
    sa.Column("status", sa.Text()),
    sa.Column("lawful_basis", sa.Text()),
    sa.Column("source", sa.Text()),
    sa.Column("evidence", sa.Text()),
    sa.Column("captured_at", sa.DateTime()),
    sa.Column("recorded_by", sa.Text()),
)

# The warehouse never creates or alters these from a frame.
MIGRATED_TABLES = frozenset(ADR_TABLES.tables)

# Alembic revision -> statements for pipeline tables, in order (valid on both engines).
PIPELINE_TABLE_UPGRADES: dict[str, tuple[str, ...]] = {
    # Bucket landing zones: the file log records each object's ETag.
    "0003": ("alter table if exists landing_file_log add column if not exists etag varchar",),
}


def unique_columns(table: str) -> tuple[str, ...]:
    """The single columns of a migrated table that must stay unique (e.g. contacts.email)."""
    if table not in ADR_TABLES.tables:
        return ()
    return tuple(c.name for c in ADR_TABLES.tables[table].columns if c.unique)
