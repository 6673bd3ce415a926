"""GDPR: erasure requests, their identifiers while open, the suppression list, the audit log,
consent records.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gdpr_requests",
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
    op.create_table(
        "gdpr_request_subjects",
        sa.Column("request_id", sa.Text(), primary_key=True),
        sa.Column("identifiers", postgresql.JSONB()),
    )
    op.create_table(
        "gdpr_suppressions",
        sa.Column("suppression_key", sa.Text(), primary_key=True),
        sa.Column("kind", sa.Text()),
        sa.Column("request_id", sa.Text()),
        sa.Column("suppressed_at", sa.DateTime()),
    )
    op.create_table(
        "audit_log",
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
    op.create_table(
        "consent_records",
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


def downgrade() -> None:
    op.drop_table("consent_records")
    for name in ("audit_log", "gdpr_suppressions", "gdpr_request_subjects", "gdpr_requests"):
        op.drop_table(name)
