"""ADR-013 core tables: contacts, crm_sync_state, enrichment_cache (exactly as the ADR).

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
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
    )
    op.create_table(
        "crm_sync_state",
        sa.Column("id", postgresql.UUID(as_uuid=False), primary_key=True),
        sa.Column("crm_type", sa.String(50)),
        sa.Column("last_sync_at", sa.DateTime()),
        sa.Column("sync_cursor", postgresql.JSONB()),
        sa.Column("status", sa.String(20)),
        sa.Column("error_count", sa.Integer(), server_default=sa.text("0")),
    )
    op.create_table(
        "enrichment_cache",
        sa.Column("id", postgresql.UUID(as_uuid=False), primary_key=True),
        sa.Column("source", sa.String(50)),
        sa.Column("query_hash", sa.String(64)),
        sa.Column("result", postgresql.JSONB()),
        sa.Column("expires_at", sa.DateTime()),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now()),
        sa.UniqueConstraint("source", "query_hash", name="enrichment_cache_source_query_hash_key"),
    )


def downgrade() -> None:
    op.drop_table("enrichment_cache")
    op.drop_table("crm_sync_state")
    op.drop_table("contacts")
