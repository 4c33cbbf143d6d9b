"""failure streaks, job cancel, process locks

Revision ID: f03dfdaa7bdb
Revises: a194ae60d07c
Create Date: 2026-12-01 21:24:02.727242
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f03dfdaa7bdb"
down_revision = "a194ae60d07c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "process_locks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("enrichment_failures", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancel_requested_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("cancel_requested_at")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_column("enrichment_failures")
    op.drop_table("process_locks")
