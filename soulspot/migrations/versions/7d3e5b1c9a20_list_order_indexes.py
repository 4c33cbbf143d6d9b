"""indexes in the order of the candidate, artist and album lists

Revision ID: 7d3e5b1c9a20
Revises: 1a9f8dcf31e4
Create Date: 2026-12-01 23:45:00.000000

Each list's ORDER BY becomes an index walk, so a deep `offset` skips index entries instead of
sorting the table on every request (bench/scale.py). The candidates index replaces
ix_candidates_status_score, whose columns it starts with. SQLAlchemy does not reflect the two
expression indexes on SQLite: a later batch migration of artists or albums (which copies the
table) must create them again. On PostgreSQL they INCLUDE the columns their expressions read,
so a deep page is an index-only scan.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7d3e5b1c9a20"
down_revision = "1a9f8dcf31e4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_candidates_review_order",
        "enrichment_candidates",
        ["status", sa.text("confidence_score DESC"), "created_at", "id"],
    )
    op.drop_index("ix_candidates_status_score", table_name="enrichment_candidates")
    op.create_index(
        "ix_artists_name_order",
        "artists",
        [sa.text("lower(coalesce(sort_name, name))"), sa.text("lower(name)"), "id"],
        postgresql_include=["sort_name", "name"],
    )
    op.create_index(
        "ix_albums_title_order",
        "albums",
        [sa.text("lower(title)"), "id"],
        postgresql_include=["title"],
    )


def downgrade() -> None:
    op.drop_index("ix_albums_title_order", table_name="albums")
    op.drop_index("ix_artists_name_order", table_name="artists")
    op.create_index(
        "ix_candidates_status_score", "enrichment_candidates", ["status", "confidence_score"]
    )
    op.drop_index("ix_candidates_review_order", table_name="enrichment_candidates")
