"""musicbrainz checks and aliases, provider track ids

Revision ID: a402517b9ebd
Revises: fdace87a5bd6
Create Date: 2026-12-01 22:22:06.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a402517b9ebd"
down_revision = "fdace87a5bd6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("musicbrainz_checked_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aliases", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("musicbrainz_checked_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deezer_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("spotify_uri", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_tracks_album_deezer", ["album_id", "deezer_id"])
        batch_op.create_unique_constraint("uq_tracks_album_spotify", ["album_id", "spotify_uri"])


def downgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_constraint("uq_tracks_album_spotify", type_="unique")
        batch_op.drop_constraint("uq_tracks_album_deezer", type_="unique")
        batch_op.drop_column("spotify_uri")
        batch_op.drop_column("deezer_id")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_column("musicbrainz_checked_at")
        batch_op.drop_column("aliases")
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.drop_column("musicbrainz_checked_at")
