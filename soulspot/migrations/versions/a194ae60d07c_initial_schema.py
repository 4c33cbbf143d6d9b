"""initial schema

Revision ID: a194ae60d07c
Revises:
Create Date: 2026-11-24 13:15:24.246784
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a194ae60d07c"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "artists",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("sort_name", sa.String(length=512), nullable=True),
        sa.Column("musicbrainz_id", sa.String(length=36), nullable=True),
        sa.Column("spotify_uri", sa.String(length=64), nullable=True),
        sa.Column("deezer_id", sa.String(length=32), nullable=True),
        sa.Column("disambiguation", sa.String(length=512), nullable=True),
        sa.Column("genres", sa.JSON(), nullable=False),
        sa.Column("popularity", sa.Integer(), nullable=True),
        sa.Column("image_url", sa.String(length=1024), nullable=True),
        sa.Column("image_path", sa.String(length=1024), nullable=True),
        sa.Column("has_local_files", sa.Boolean(), nullable=False),
        sa.Column("enrichment_attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrichment_outcome", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deezer_id"),
        sa.UniqueConstraint("musicbrainz_id"),
        sa.UniqueConstraint("spotify_uri"),
    )
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_artists_enrichment_attempted_at"),
            ["enrichment_attempted_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_artists_name"), ["name"], unique=False)
        batch_op.create_index(
            "ix_artists_unenriched", ["has_local_files", "spotify_uri"], unique=False
        )

    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "LIBRARY_SCAN",
                "LIBRARY_SPOTIFY_ENRICHMENT",
                "ARTWORK_REPAIR",
                "MUSICBRAINZ_DISAMBIGUATION",
                "DISCOGRAPHY_FETCH",
                name="jobtype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING",
                "RUNNING",
                "COMPLETED",
                "FAILED",
                name="jobstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_created", ["created_at"], unique=False)
        batch_op.create_index("ix_jobs_type_status", ["type", "status"], unique=False)
        batch_op.create_index(
            "uq_jobs_one_active_per_type",
            ["type"],
            unique=True,
            sqlite_where=sa.text("status IN ('PENDING', 'RUNNING')"),
            postgresql_where=sa.text("status IN ('PENDING', 'RUNNING')"),
        )

    op.create_table(
        "albums",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("artist_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("release_year", sa.Integer(), nullable=True),
        sa.Column("album_type", sa.String(length=32), nullable=True),
        sa.Column("musicbrainz_id", sa.String(length=36), nullable=True),
        sa.Column("spotify_uri", sa.String(length=64), nullable=True),
        sa.Column("deezer_id", sa.String(length=32), nullable=True),
        sa.Column("disambiguation", sa.String(length=512), nullable=True),
        sa.Column("cover_url", sa.String(length=1024), nullable=True),
        sa.Column("cover_path", sa.String(length=1024), nullable=True),
        sa.Column("has_local_files", sa.Boolean(), nullable=False),
        sa.Column("enrichment_attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrichment_outcome", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deezer_id"),
        sa.UniqueConstraint("musicbrainz_id"),
        sa.UniqueConstraint("spotify_uri"),
    )
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_albums_artist_id"), ["artist_id"], unique=False)
        batch_op.create_index("ix_albums_artist_title", ["artist_id", "title"], unique=False)
        batch_op.create_index(
            "ix_albums_unenriched", ["has_local_files", "spotify_uri"], unique=False
        )

    op.create_table(
        "enrichment_candidates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("artist_id", sa.String(length=36), nullable=True),
        sa.Column("album_id", sa.String(length=36), nullable=True),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("spotify_uri", sa.String(length=64), nullable=False),
        sa.Column("spotify_name", sa.String(length=512), nullable=False),
        sa.Column("spotify_image_url", sa.String(length=1024), nullable=True),
        sa.Column("confidence_score", sa.Float(), nullable=False),
        sa.Column("extra_info", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "applied",
                "rejected",
                name="candidatestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(artist_id IS NULL) <> (album_id IS NULL)", name="ck_candidate_one_entity"
        ),
        sa.ForeignKeyConstraint(["album_id"], ["albums.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("album_id", "spotify_uri", name="uq_candidate_album_uri"),
        sa.UniqueConstraint("artist_id", "spotify_uri", name="uq_candidate_artist_uri"),
    )
    with op.batch_alter_table("enrichment_candidates", schema=None) as batch_op:
        batch_op.create_index("ix_candidates_album", ["album_id"], unique=False)
        batch_op.create_index(
            "ix_candidates_status_score", ["status", "confidence_score"], unique=False
        )

    op.create_table(
        "tracks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("album_id", sa.String(length=36), nullable=False),
        sa.Column("artist_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("artist_name", sa.String(length=512), nullable=True),
        sa.Column("track_number", sa.Integer(), nullable=True),
        sa.Column("disc_number", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("isrc", sa.String(length=16), nullable=True),
        sa.Column("musicbrainz_recording_id", sa.String(length=36), nullable=True),
        sa.Column("file_path", sa.String(length=4096), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("file_mtime", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["album_id"], ["albums.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("file_path"),
    )
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracks_album_id"), ["album_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracks_artist_id"), ["artist_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracks_artist_id"))
        batch_op.drop_index(batch_op.f("ix_tracks_album_id"))

    op.drop_table("tracks")
    with op.batch_alter_table("enrichment_candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_candidates_status_score")
        batch_op.drop_index("ix_candidates_album")

    op.drop_table("enrichment_candidates")
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.drop_index("ix_albums_unenriched")
        batch_op.drop_index("ix_albums_artist_title")
        batch_op.drop_index(batch_op.f("ix_albums_artist_id"))

    op.drop_table("albums")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_jobs_one_active_per_type",
            sqlite_where=sa.text("status IN ('PENDING', 'RUNNING')"),
            postgresql_where=sa.text("status IN ('PENDING', 'RUNNING')"),
        )
        batch_op.drop_index("ix_jobs_type_status")
        batch_op.drop_index("ix_jobs_created")

    op.drop_table("jobs")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_index("ix_artists_unenriched")
        batch_op.drop_index(batch_op.f("ix_artists_name"))
        batch_op.drop_index(batch_op.f("ix_artists_enrichment_attempted_at"))

    op.drop_table("artists")
