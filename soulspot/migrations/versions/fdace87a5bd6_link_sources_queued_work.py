"""link sources, queued work; drop the album enrichment columns nothing wrote

Revision ID: fdace87a5bd6
Revises: 5c1e0a7d2b94
Create Date: 2026-12-01 21:58:40.324097
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "fdace87a5bd6"
down_revision = "5c1e0a7d2b94"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queued_work",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column(
            "work",
            sa.Enum("ARTWORK_FETCH", "ALBUM_MATCH", name="workkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "entity_type",
            sa.Enum("artist", "album", name="entitykind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("work", "entity_type", "entity_id", name="uq_queued_work_entity"),
    )
    with op.batch_alter_table("queued_work", schema=None) as batch_op:
        batch_op.create_index("ix_queued_work_created", ["created_at"], unique=False)
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_sources", sa.JSON(), nullable=True))
        batch_op.drop_column("enrichment_attempted_at")
        batch_op.drop_column("enrichment_outcome")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_sources", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_column("link_sources")
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enrichment_outcome", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("enrichment_attempted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.drop_column("link_sources")
    op.drop_table("queued_work")
