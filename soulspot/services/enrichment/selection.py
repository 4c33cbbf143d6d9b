"""Which artists the enrichment job works on, in what order, and what it knows of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from soulspot.matching.vocabulary import UNKNOWN_ARTIST
from soulspot.models import Album, Artist, Candidate, CandidateStatus, Track
from soulspot.models.library import EnrichmentOutcome


@dataclass(frozen=True)
class LocalAlbumRow:
    id: str
    title: str
    year: int | None
    track_count: int
    spotify_uri: str | None
    deezer_id: str | None
    rejected_uris: frozenset[str] = frozenset()
    musicbrainz_id: str | None = None  # the release group, tagged or resolved


@dataclass(frozen=True)
class WorkItem:
    """One artist and its local albums, detached from the session."""

    artist_id: str
    name: str
    spotify_uri: str | None
    deezer_id: str | None
    genres: tuple[str, ...]
    albums: tuple[LocalAlbumRow, ...]
    rejected_uris: frozenset[str]
    #: Artist candidates await the owner's decision: Spotify is not searched again meanwhile.
    awaiting_review: bool = False
    musicbrainz_id: str | None = None
    #: MusicBrainz aliases of the artist, matched like its name on every provider.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Eligibility:
    """What makes an artist due: providers in play and how long outcomes are left alone."""

    run_started: datetime
    spotify: bool
    deezer: bool
    #: The wait after a second failure in a row; it doubles per further one, up to the cap.
    retry_failed: timedelta
    retry_failed_max: timedelta
    retry_other: timedelta


def _needs_work(eligibility: Eligibility) -> ColumnElement[bool]:
    local_album = and_(Album.artist_id == Artist.id, Album.has_local_files.is_(True))
    needs = []
    if eligibility.spotify:
        needs += [
            Artist.spotify_uri.is_(None),
            exists().where(local_album, Album.spotify_uri.is_(None)),
        ]
    if eligibility.deezer:
        needs += [
            Artist.deezer_id.is_(None),
            exists().where(local_album, Album.deezer_id.is_(None)),
        ]
    return or_(*needs) if needs else Artist.id.is_(None)


def _is_due(eligibility: Eligibility) -> ColumnElement[bool]:
    attempted = Artist.enrichment_attempted_at
    now = eligibility.run_started
    # Deferred work (rate limits) is due on the next run; failures on the next run, then after a
    # doubling pause while they repeat; other outcomes (no match, albums the provider lacks)
    # only after a long one. Nothing attempted in this run comes back in it.
    return or_(
        attempted.is_(None),
        and_(
            attempted < now,
            or_(
                Artist.enrichment_outcome == EnrichmentOutcome.DEFERRED,
                and_(
                    Artist.enrichment_outcome == EnrichmentOutcome.FAILED,
                    _failure_wait_over(eligibility),
                ),
                attempted < now - eligibility.retry_other,
            ),
        ),
    )


def _failure_wait_over(eligibility: Eligibility) -> ColumnElement[bool]:
    """One clause per step of the doubling wait (SQLite has no pow), then the cap."""
    failures = Artist.enrichment_failures
    attempted = Artist.enrichment_attempted_at
    now, cap = eligibility.run_started, eligibility.retry_failed_max
    steps = [failures <= 1]
    streak, wait = 2, eligibility.retry_failed
    while timedelta(0) < wait < cap:
        steps.append(and_(failures == streak, attempted < now - wait))
        streak, wait = streak + 1, wait * 2
    steps.append(and_(failures >= streak, attempted < now - min(wait, cap)))
    return or_(*steps)


def _awaiting_review() -> ColumnElement[bool]:
    return exists().where(
        Candidate.artist_id == Artist.id, Candidate.status == CandidateStatus.PENDING
    )


def eligible_artists(eligibility: Eligibility):  # noqa: ANN201 (a Select of artist ids)
    """Artists with local files that need a link and are due; in review only if a provider
    failed or was deferred on them."""
    never_tried_first = case((Artist.enrichment_attempted_at.is_(None), 0), else_=1)
    return (
        select(Artist.id)
        .where(
            Artist.has_local_files.is_(True),
            # Untagged files: there is nobody to search for.
            Artist.name != UNKNOWN_ARTIST,
            _needs_work(eligibility),
            _is_due(eligibility),
            # A provider that failed or was deferred is asked again while candidates wait.
            or_(
                ~_awaiting_review(),
                Artist.enrichment_outcome.in_(
                    (EnrichmentOutcome.FAILED, EnrichmentOutcome.DEFERRED)
                ),
            ),
        )
        .order_by(never_tried_first, Artist.enrichment_attempted_at, Artist.id)
    )


def count_eligible(session: Session, eligibility: Eligibility) -> int:
    query = eligible_artists(eligibility).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0


def next_batch(session: Session, eligibility: Eligibility, size: int) -> list[str]:
    return list(session.scalars(eligible_artists(eligibility).limit(size)))


def load_work_item(session: Session, artist_id: str) -> WorkItem | None:
    artist = session.get(Artist, artist_id)
    if artist is None:
        return None
    track_counts = (
        select(Track.album_id, func.count().label("tracks"))
        .where(Track.artist_id == artist_id, Track.file_path.is_not(None))
        .group_by(Track.album_id)
        .subquery()
    )
    rows = session.execute(
        select(Album, track_counts.c.tracks)
        .join(track_counts, track_counts.c.album_id == Album.id)
        .where(Album.artist_id == artist_id, Album.has_local_files.is_(True))
        .order_by(Album.title)
    )
    rows = list(rows)
    rejected_by_album: dict[str, set[str]] = {}
    for album_id, uri in session.execute(
        select(Candidate.album_id, Candidate.spotify_uri).where(
            Candidate.album_id.in_([album.id for album, _ in rows]),
            Candidate.status == CandidateStatus.REJECTED,
        )
    ):
        rejected_by_album.setdefault(album_id, set()).add(uri)
    albums = tuple(
        LocalAlbumRow(
            a.id,
            a.title,
            a.release_year,
            tracks,
            a.spotify_uri,
            a.deezer_id,
            frozenset(rejected_by_album.get(a.id, ())),
            a.musicbrainz_id,
        )
        for a, tracks in rows
    )
    rejected = session.scalars(
        select(Candidate.spotify_uri).where(
            Candidate.artist_id == artist_id, Candidate.status == CandidateStatus.REJECTED
        )
    )
    return WorkItem(
        artist_id=artist.id,
        name=artist.name,
        spotify_uri=artist.spotify_uri,
        deezer_id=artist.deezer_id,
        musicbrainz_id=artist.musicbrainz_id,
        aliases=tuple(artist.aliases or ()),
        genres=tuple(artist.genres or ()),
        albums=albums,
        rejected_uris=frozenset(rejected),
        awaiting_review=bool(
            session.scalar(
                select(
                    exists().where(
                        Candidate.artist_id == artist_id,
                        Candidate.status == CandidateStatus.PENDING,
                    )
                )
            )
        ),
    )
