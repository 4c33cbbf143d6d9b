"""track years; rescan every file once

Revision ID: 5c1e0a7d2b94
Revises: f03dfdaa7bdb
Create Date: 2026-12-02 10:00:00.000000

Album identity now uses the year of each track (docs/scanning.md). Years were never
stored, so the stored mtimes are cleared: the next scan re-reads every file once, records
its year and splits albums that merged same-titled releases.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5c1e0a7d2b94"
down_revision = "f03dfdaa7bdb"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("release_year", sa.Integer(), nullable=True))
    op.execute("UPDATE tracks SET file_mtime = NULL WHERE file_path IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_column("release_year")
