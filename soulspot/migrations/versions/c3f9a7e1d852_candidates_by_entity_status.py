"""candidates by entity and status

Revision ID: c3f9a7e1d852
Revises: b8e2c4f61d37
Create Date: 2026-12-02 03:00:00.000000

Enrichment asks, for every artist of each batch it selects, whether candidates of that artist
wait for review. On a database without statistics SQLite answered from the status index,
walking every pending candidate each time: with one pending per artist, a 20,000-artist run
slowed from 21 to 3 artists a second (11.5 s for one batch at 2,750 done; bench/scale.py).
An index on (artist_id, status) answers each check with one seek, with or without ANALYZE;
the album index gains status too, for the same look-ups of albums.
"""

from __future__ import annotations

from alembic import op

revision = "c3f9a7e1d852"
down_revision = "b8e2c4f61d37"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_candidates_artist_status", "enrichment_candidates", ["artist_id", "status"])
    op.create_index("ix_candidates_album_status", "enrichment_candidates", ["album_id", "status"])
    op.drop_index("ix_candidates_album", table_name="enrichment_candidates")


def downgrade() -> None:
    op.create_index("ix_candidates_album", "enrichment_candidates", ["album_id"])
    op.drop_index("ix_candidates_album_status", table_name="enrichment_candidates")
    op.drop_index("ix_candidates_artist_status", table_name="enrichment_candidates")
