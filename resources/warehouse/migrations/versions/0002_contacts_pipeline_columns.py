"""contacts: nullable columns the pipeline fills from golden contacts, and lookup indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contacts", sa.Column("phone", sa.String(32)))
    op.add_column("contacts", sa.Column("company", sa.String(255)))
    op.add_column("contacts", sa.Column("country", sa.String(2)))
    op.add_column("contacts", sa.Column("consent_source", sa.Text()))
    op.add_column("contacts", sa.Column("cluster_id", sa.Text()))
    op.create_index("contacts_company_id_idx", "contacts", ["company_id"])
    op.create_index("enrichment_cache_expires_at_idx", "enrichment_cache", ["expires_at"])


def downgrade() -> None:
    op.drop_index("enrichment_cache_expires_at_idx", table_name="enrichment_cache")
    op.drop_index("contacts_company_id_idx", table_name="contacts")
    for column in ("cluster_id", "consent_source", "country", "company", "phone"):
        op.drop_column("contacts", column)
