"""landing_file_log: the ETag of each object read from a bucket landing zone.

A pipeline table (created from the first frame, so it may not exist yet); the statement
lives in `resources/warehouse/schema.py`, which DuckDB applies too.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from alembic import op

from resources.warehouse.schema import PIPELINE_TABLE_UPGRADES

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in PIPELINE_TABLE_UPGRADES[revision]:
        op.execute(statement)


def downgrade() -> None:
    # The column predates this revision in warehouses whose first ingest wrote it.
    pass
