"""An artist's discography from Deezer (else Spotify), stored as albums known only from it.

The provider artist is the artist's link, else enrichment's confident match (the same search,
evidence and rules: `lookup.confident_artist`), linked through the linker; else nothing is
fetched. Each of its own releases either joins an album the artist has (by its link, else as
the same album by `album_identity`'s rules, linked through the linker) or becomes a
provider-only album (no files, `has_local_files` false) with its tracks, committed whole, so a
failure never leaves half an album. Albums' provider ids are unique, and so are tracks'
provider ids within an album: of two fetches of one artist at once, the second insert fails
and is dropped, so nothing is stored twice.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from soulspot.errors import NotFoundError
from soulspot.matching import LocalAlbum, is_placeholder, own_releases
from soulspot.models import (
    Album,
    Artist,
    Candidate,
    CandidateStatus,
    EntityKind,
    ProviderKind,
    Track,
)
from soulspot.models.base import new_id
from soulspot.providers.errors import ProviderError
from soulspot.providers.types import AlbumInfo, ArtistInfo, TrackInfo
from soulspot.services.album_identity import join_albums, library_entry, same_album
from soulspot.services.enrichment import EnrichmentSettings
from soulspot.services.enrichment.lookup import (
    MatchRules,
    ProviderSide,
    confident_artist,
    deezer_side,
    spotify_side,
)
from soulspot.services.enrichment.selection import load_work_item
from soulspot.services.linking import LinkConflict, LinkSource, LinkTarget, link, link_record

log = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 20
_CHUNK = 500  # ids per IN (...) list, far below SQLite's bound-parameter limit


class DiscographyClient(Protocol):
    """What a fetch needs of a provider client (DeezerClient and SpotifyClient have it)."""

    def search_artists(self, name: str, *, limit: int = ...) -> list[ArtistInfo]: ...

    def artist_albums(self, artist_id: str) -> list[AlbumInfo]: ...

    def search_albums(
        self, title: str, *, artist: str | None = None, limit: int = ...
    ) -> list[AlbumInfo]: ...

    def album_tracks(self, album_id: str) -> list[TrackInfo]: ...


@dataclass
class Fetched:
    """What one fetch stored; `notes` say per provider what came of asking it (for logs and
    job results, never for the page)."""

    albums_added: int = 0
    tracks_added: int = 0
    albums_joined: int = 0  # albums the artist had, now linked to their provider entry
    provider: str | None = None  # whose discography was stored
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Source:
    side: ProviderSide
    client: DiscographyClient


@dataclass(frozen=True)
class _Known:
    """An album of the artist as it was read, detached from the session."""

    id: str
    title: str
    year: int | None
    album_type: str | None
    link: str | None
    local: bool
    tracks: int
    #: Links the owner undid or rejected for this album: never made again.
    rejected: frozenset[str] = frozenset()

    @property
    def entry(self) -> AlbumInfo:
        return library_entry(self.id, self.title, self.year, self.album_type, self.tracks)


def _provider_sources(
    deezer: DiscographyClient | None, spotify: Any, settings: EnrichmentSettings
) -> tuple[list[_Source], dict[str, str]]:
    """The providers to ask, Deezer first, and a note for each ("ok", "disabled", ...)."""
    sources, notes = [], {}
    if not settings.deezer_enabled or deezer is None:
        notes[ProviderKind.DEEZER.value] = "disabled"
    else:
        sources.append(_Source(deezer_side(deezer), deezer))
        notes[ProviderKind.DEEZER.value] = "ok"
    if not settings.spotify_enabled:
        notes[ProviderKind.SPOTIFY.value] = "disabled"
    elif spotify is None or not spotify.configured:
        notes[ProviderKind.SPOTIFY.value] = "not configured"
    else:
        sources.append(_Source(spotify_side(spotify), spotify))
        notes[ProviderKind.SPOTIFY.value] = "ok"
    return sources, notes


def fetch_discography(
    session: Session,
    artist_id: str,
    *,
    deezer: DiscographyClient | None,
    spotify: Any,
    settings: EnrichmentSettings,
    include_tracks: bool = True,
) -> Fetched:
    """Store the artist's discography from the first provider that has it; commits per album.

    Deezer first; Spotify (when enabled and configured) when Deezer has no confident match
    or fails. A provider failure is logged and noted, never raised. NotFoundError for an
    unknown artist.
    """
    artist = session.get(Artist, artist_id)
    if artist is None:
        raise NotFoundError(f"artist {artist_id!r} not found")
    sources, _ = _provider_sources(deezer, spotify, settings)
    fetched = Fetched()
    if is_placeholder(artist.name):  # Various Artists has no discography of its own
        return fetched
    rules = MatchRules(settings.threshold, settings.margin)
    for source in sources:
        name = source.side.name
        try:
            provider_id = _provider_artist(session, source.side, artist_id, rules)
            if provider_id is None:
                fetched.notes[name] = "no confident match"
                continue
            entries = own_releases(provider_id, source.client.artist_albums(provider_id))
            _store(session, source, artist_id, entries, include_tracks, fetched)
        except ProviderError as error:
            session.rollback()
            log.warning("discography of artist %s from %s failed: %s", artist_id, name, error)
            fetched.notes[name] = f"failed: {type(error).__name__}: {error}"
            continue
        fetched.notes[name] = "ok"
        fetched.provider = name
        break
    return fetched


def fetch_discographies(
    session: Session,
    artist_ids: Sequence[str] | None,
    *,
    deezer: DiscographyClient | None,
    spotify: Any,
    settings: EnrichmentSettings,
    include_tracks: bool = True,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """The DISCOGRAPHY_FETCH job: each artist in turn; `should_stop()` is asked before each.

    Without `artist_ids`: every artist with local files and a Deezer or Spotify link (an
    unlinked artist is enrichment's to match first). Artists removed meanwhile are skipped.
    """
    if artist_ids is None:
        artist_ids = list(
            session.scalars(
                select(Artist.id)
                .where(
                    Artist.has_local_files.is_(True),
                    or_(Artist.deezer_id.is_not(None), Artist.spotify_uri.is_not(None)),
                )
                .order_by(func.lower(Artist.name), Artist.id)
            )
        )
    _, notes = _provider_sources(deezer, spotify, settings)
    counts: Counter[str] = Counter()
    errors: deque[dict[str, str]] = deque(maxlen=MAX_ERRORS_KEPT)
    total, processed, cancelled = len(artist_ids), 0, False
    if progress:
        progress(0, total)
    for artist_id in artist_ids:
        if should_stop is not None and should_stop():
            cancelled = True
            break
        try:
            fetched = fetch_discography(
                session,
                artist_id,
                deezer=deezer,
                spotify=spotify,
                settings=settings,
                include_tracks=include_tracks,
            )
        except NotFoundError:
            counts["artists_missing"] += 1
        else:
            counts["albums_added"] += fetched.albums_added
            counts["tracks_added"] += fetched.tracks_added
            counts["albums_joined"] += fetched.albums_joined
            if fetched.provider is None:
                counts["artists_without_discography"] += 1
            for provider, note in fetched.notes.items():
                if note.startswith("failed"):
                    errors.append({"artist_id": artist_id, "provider": provider, "error": note})
        processed += 1
        if progress:
            progress(processed, total)
    return {
        **notes,
        "artists_processed": processed,
        "artists_total": total,
        "albums_added": counts["albums_added"],
        "tracks_added": counts["tracks_added"],
        "albums_joined": counts["albums_joined"],
        "artists_without_discography": counts["artists_without_discography"],
        "artists_missing": counts["artists_missing"],
        "include_tracks": include_tracks,
        "errors": list(errors),
        "cancelled": cancelled,
    }


def check_artists(session: Session, artist_ids: Sequence[str]) -> None:
    """NotFoundError naming the ids no artist has."""
    known: set[str] = set()
    for start in range(0, len(artist_ids), _CHUNK):
        chunk = artist_ids[start : start + _CHUNK]
        known.update(session.scalars(select(Artist.id).where(Artist.id.in_(chunk))))
    missing = [artist_id for artist_id in artist_ids if artist_id not in known]
    if missing:
        shown = ", ".join(repr(artist_id) for artist_id in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise NotFoundError(f"no artist with id {shown}{more}")


def _provider_artist(
    session: Session, side: ProviderSide, artist_id: str, rules: MatchRules
) -> str | None:
    """The provider's id of the artist: its link, else a confident match, linked now."""
    artist = session.get(Artist, artist_id)
    if artist is None:  # removed by a rescan meanwhile
        return None
    linked = getattr(artist, side.provider.link_attribute)
    if linked:
        return side.id_of_link(linked)
    item = load_work_item(session, artist_id)
    match = confident_artist(side, item, rules) if item is not None else None
    if match is None:
        return None
    target = LinkTarget.from_info(side.provider, EntityKind.ARTIST, match)
    try:
        link(session, EntityKind.ARTIST, artist, target, source=LinkSource.DISCOGRAPHY)
        session.commit()
    except LinkConflict as conflict:
        log.info("%s artist %s already belongs to %s", side.name, match.id, conflict.holder)
        return None
    except IntegrityError:  # another artist took that link meanwhile
        session.rollback()
        return None
    return match.id


def _store(
    session: Session,
    source: _Source,
    artist_id: str,
    entries: Sequence[AlbumInfo],
    include_tracks: bool,
    fetched: Fetched,
) -> None:
    """Join entries to the artist's albums, then store the rest as provider-only albums."""
    provider = source.side.provider
    known = _albums_of(session, artist_id, provider)
    held = {album.link: album for album in known if album.link}
    fresh = _unique([e for e in entries if source.side.link_of(e) not in held])
    taken = _linked_elsewhere(session, provider, [source.side.link_of(e) for e in fresh])
    if taken:
        log.info("%d %s albums of artist %s are other artists'", len(taken), provider, artist_id)
        fresh = [entry for entry in fresh if source.side.link_of(entry) not in taken]
    if include_tracks:  # albums fetched before without their tracks get them now
        for value, album in held.items():
            if not album.local and not album.tracks:
                tracks = source.client.album_tracks(source.side.id_of_link(value))
                _commit_tracks(session, fetched, _track_rows(album.id, artist_id, provider, tracks))
    unlinked = [album for album in known if album.link is None]
    locals_ = [LocalAlbum(album.title, album.year, album.tracks or None) for album in unlinked]
    joined: set[str] = set()
    for index, entry in sorted(join_albums(locals_, fresh).items()):
        if source.side.link_of(entry) in unlinked[index].rejected:
            continue  # neither linked again nor stored beside it (it is that album)
        if _join(session, provider, unlinked[index].id, entry):
            joined.add(entry.id)
            fetched.albums_joined += 1
    library = [album.entry for album in known]
    for entry in fresh:
        if entry.id in joined:
            continue
        local = LocalAlbum(entry.title, entry.year, entry.total_tracks)
        if same_album(local, library) is not None:  # another entry or edition of one it has
            continue
        tracks = source.client.album_tracks(entry.id) if include_tracks else []
        album = _provider_album(artist_id, provider, source.side.link_of(entry), entry)
        rows = _track_rows(album.id, artist_id, provider, tracks)
        session.add(album)
        if _commit_tracks(session, fetched, rows):
            fetched.albums_added += 1
        # Stored now, by this fetch or a concurrent one: its other editions are not stored.
        library.append(library_entry(album.id, entry.title, entry.year, entry.album_type))


def _albums_of(session: Session, artist_id: str, provider: ProviderKind) -> list[_Known]:
    column = EntityKind.ALBUM.link_column(provider)
    counts = dict(
        session.execute(
            select(Track.album_id, func.count())
            .where(Track.album_id.in_(select(Album.id).where(Album.artist_id == artist_id)))
            .group_by(Track.album_id)
        ).all()
    )
    rows = session.execute(
        select(
            Album.id,
            Album.title,
            Album.release_year,
            Album.album_type,
            column,
            Album.has_local_files,
        )
        .where(Album.artist_id == artist_id)
        .order_by(Album.created_at, Album.id)
    )
    rejected: dict[str, set[str]] = {}
    for album_id, value in session.execute(
        select(Candidate.album_id, Candidate.spotify_uri)
        .join(Album, Album.id == Candidate.album_id)
        .where(Album.artist_id == artist_id, Candidate.status == CandidateStatus.REJECTED)
    ):
        rejected.setdefault(album_id, set()).add(value)
    return [
        _Known(*row, tracks=counts.get(row[0], 0), rejected=frozenset(rejected.get(row[0], ())))
        for row in rows
    ]


def _unique(entries: Sequence[AlbumInfo]) -> list[AlbumInfo]:
    """The entries without repeats of one id (a provider may list an album twice)."""
    unique: dict[str, AlbumInfo] = {}
    for entry in entries:
        unique.setdefault(entry.id, entry)
    return list(unique.values())


def _linked_elsewhere(session: Session, provider: ProviderKind, values: list[str]) -> set[str]:
    column = EntityKind.ALBUM.link_column(provider)
    found: set[str] = set()
    for start in range(0, len(values), _CHUNK):
        found.update(
            session.scalars(select(column).where(column.in_(values[start : start + _CHUNK])))
        )
    return found


def _join(session: Session, provider: ProviderKind, album_id: str, entry: AlbumInfo) -> bool:
    """Link an album the artist has to its entry; False when that link went elsewhere."""
    album = session.get(Album, album_id)
    if album is None:  # removed by a rescan meanwhile
        return False
    target = LinkTarget.from_info(provider, EntityKind.ALBUM, entry)
    try:
        link(session, EntityKind.ALBUM, album, target, source=LinkSource.DISCOGRAPHY)
        session.commit()
    except LinkConflict:
        return False
    except IntegrityError:  # a concurrent fetch stored that entry first
        session.rollback()
        return False
    return True


def _provider_album(artist_id: str, provider: ProviderKind, value: str, entry: AlbumInfo) -> Album:
    """A new album known only from the provider: its link is set at creation, not linked,
    since there is nothing local to link (no conflict to check, no candidates to close)."""
    album = Album(
        id=new_id(),
        artist_id=artist_id,
        title=entry.title,
        release_year=entry.year,
        album_type=entry.album_type,
        cover_url=entry.image.url if entry.image else None,
        has_local_files=False,
        link_sources={provider.value: link_record(LinkSource.DISCOGRAPHY)},
    )
    setattr(album, provider.link_attribute, value)
    return album


def _track_rows(
    album_id: str, artist_id: str, provider: ProviderKind, tracks: Sequence[TrackInfo]
) -> list[Track]:
    rows: dict[str, Track] = {}
    for track in tracks:
        if track.id in rows:
            continue
        row = Track(
            album_id=album_id,
            artist_id=artist_id,
            title=track.title,
            artist_name="; ".join(track.artists) or None,
            track_number=track.track_number,
            disc_number=track.disc_number,
            duration_ms=track.duration_ms,
            isrc=track.isrc,
        )
        spotify = provider is ProviderKind.SPOTIFY
        setattr(row, provider.link_attribute, f"spotify:track:{track.id}" if spotify else track.id)
        rows[track.id] = row
    return list(rows.values())


def _commit_tracks(session: Session, fetched: Fetched, rows: list[Track]) -> bool:
    """Commit what the session holds plus these tracks; False (rolled back) when a
    concurrent fetch stored them first."""
    session.add_all(rows)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    fetched.tracks_added += len(rows)
    return True
