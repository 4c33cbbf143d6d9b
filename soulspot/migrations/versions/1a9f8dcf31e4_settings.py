"""settings saved through the API

Revision ID: 1a9f8dcf31e4
Revises: a402517b9ebd
Create Date: 2026-12-01 22:28:21.612506
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1a9f8dcf31e4"
down_revision = "a402517b9ebd"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("settings")
