"""MusicBrainz as the identity hub: resolve artists and albums, then link from its URL relations.

An artist's MusicBrainz id comes from its tags (looked up directly, never searched) or from
a search decided with enrichment's own namesake evidence and rules (`lookup_artist` on a
MusicBrainz side): a wrong namesake is never stored. Local albums are matched against the
artist's release groups locally. The artist's URL relationships (Spotify and Deezer pages)
are then verified with one look-up each and linked through the linker, with no search.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session

from soulspot.matching import is_placeholder, name_similarity
from soulspot.models import Album, Artist, Candidate, CandidateStatus, EntityKind, ProviderKind
from soulspot.models.base import utcnow
from soulspot.providers.errors import NotConfigured, ProviderError, ProviderNotFound
from soulspot.providers.musicbrainz import LOOKUP_RELEASE_GROUPS
from soulspot.providers.types import AlbumInfo, ArtistInfo
from soulspot.services.enrichment.apply import write_lookup
from soulspot.services.enrichment.lookup import MatchRules, ProviderSide, lookup_artist
from soulspot.services.enrichment.selection import load_work_item
from soulspot.services.linking import LinkConflict, LinkSource, LinkTarget, link

log = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 20


class MusicBrainzLookups(Protocol):
    def search_artists(self, name: str, *, limit: int = ...) -> list[ArtistInfo]: ...

    def get_artist(self, mbid: str) -> ArtistInfo: ...

    def artist_release_groups(self, mbid: str) -> list[AlbumInfo]: ...

    def search_release_groups(
        self, title: str, *, artist: str | None = None, limit: int = ...
    ) -> list[AlbumInfo]: ...


class ArtistLookups(Protocol):
    def get_artist(self, artist_id: str) -> ArtistInfo: ...


class MusicBrainzCatalog:
    """MusicBrainz seen as a catalogue, so enrichment's look-up code runs on it unchanged.

    An artist's look-up (aliases, URL relations, release groups) is asked once and kept:
    the discography that decides a namesake is the same answer that carries its links.
    """

    def __init__(self, client: MusicBrainzLookups) -> None:
        self.client = client
        self._artists: dict[str, ArtistInfo] = {}

    def artist(self, mbid: str) -> ArtistInfo:
        if mbid not in self._artists:
            self._artists[mbid] = self.client.get_artist(mbid)
        return self._artists[mbid]

    def search_artists(self, name: str, *, limit: int = 10) -> list[ArtistInfo]:
        return self.client.search_artists(name, limit=limit)

    def artist_albums(self, mbid: str) -> list[AlbumInfo]:
        carried = self.artist(mbid).albums
        if len(carried) < LOOKUP_RELEASE_GROUPS:  # the look-up held them all
            return list(carried)
        return self.client.artist_release_groups(mbid)

    def search_albums(
        self, title: str, *, artist: str | None = None, limit: int = 10
    ) -> list[AlbumInfo]:
        return self.client.search_release_groups(title, artist=artist, limit=limit)


def musicbrainz_side(catalog: MusicBrainzCatalog) -> ProviderSide:
    return ProviderSide(
        provider=ProviderKind.MUSICBRAINZ,
        client=catalog,
        artist_link=lambda item: item.musicbrainz_id,
        album_link=lambda album: album.musicbrainz_id,
        id_of_link=str,
    )


@dataclass
class IdentityReport:
    """What a pass did; `links_refused` names every URL relation that was not linked."""

    artists_checked: int = 0
    artists_resolved: int = 0
    albums_resolved: int = 0
    artists_none_found: int = 0
    links_from_musicbrainz: int = 0
    links_refused: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    cut_short: bool = False
    cancelled: bool = False
    notes: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.notes,
            "artists_checked": self.artists_checked,
            "artists_resolved": self.artists_resolved,
            "albums_resolved": self.albums_resolved,
            "artists_none_found": self.artists_none_found,
            "links_from_musicbrainz": self.links_from_musicbrainz,
            "links_refused": self.links_refused,
            "errors": self.errors[-MAX_ERRORS_KEPT:],
            "cut_short": self.cut_short,
            "cancelled": self.cancelled,
        }


@dataclass(frozen=True)
class IdentityServices:
    """The clients a pass uses; a provider that is off or unconfigured is None."""

    musicbrainz: MusicBrainzLookups
    spotify: ArtistLookups | None
    deezer: ArtistLookups | None
    rules: MatchRules


def due_artists(session: Session, *, now: datetime, recheck_after: timedelta, limit: int | None):
    """Artists with local files that MusicBrainz was never asked about, or long ago."""
    query = (
        select(Artist.id, Artist.name)
        .where(
            Artist.has_local_files.is_(True),
            or_(
                Artist.musicbrainz_checked_at.is_(None),
                Artist.musicbrainz_checked_at < now - recheck_after,
            ),
        )
        .order_by(case((Artist.musicbrainz_checked_at.is_(None), 0), else_=1), Artist.id)
    )
    rows = [
        (artist_id, name) for artist_id, name in session.execute(query) if not is_placeholder(name)
    ]
    return rows if limit is None else rows[:limit]


def resolve_library(
    session: Session,
    services: IdentityServices,
    *,
    limit: int | None,
    recheck_after: timedelta,
    now: Callable[[], datetime] = utcnow,
    deadline: Callable[[], bool] | None = None,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IdentityReport:
    """Resolve up to `limit` due artists (None: all), committing after each one.

    `deadline()` True cuts the pass short (the rest stays due); `should_stop()` cancels.
    A provider error leaves the artist due for the next pass, never "none found".
    """
    report = IdentityReport()
    due = due_artists(session, now=now(), recheck_after=recheck_after, limit=limit)
    for done, (artist_id, _name) in enumerate(due):
        if should_stop is not None and should_stop():
            report.cancelled = True
            break
        if deadline is not None and deadline():
            report.cut_short = True
            break
        resolve_artist(session, artist_id, services, report, now=now)
        if progress is not None:
            progress(done + 1, len(due))
    return report


def resolve_artist(
    session: Session,
    artist_id: str,
    services: IdentityServices,
    report: IdentityReport,
    *,
    now: Callable[[], datetime] = utcnow,
) -> None:
    """One artist: its MusicBrainz id, albums and verified links; commits."""
    item = load_work_item(session, artist_id)
    if item is None:
        return
    catalog = MusicBrainzCatalog(services.musicbrainz)
    counts: Counter[str] = Counter()
    # Albums the artist's release groups lack are not searched one by one: that would cost
    # a request per album at one a second, for text that rarely exists.
    rules = replace(services.rules, max_album_searches=0)
    try:
        lookup = lookup_artist(musicbrainz_side(catalog), item, rules)
        artist = session.get(Artist, artist_id)
        if artist is None:
            return
        write_lookup(session, artist, lookup, counts)
        mbid = artist.musicbrainz_id
        info = catalog.artist(mbid) if mbid else None
    except ProviderError as error:
        session.rollback()
        report.errors.append({"artist_id": artist_id, "artist": item.name, "error": str(error)})
        return
    report.artists_checked += 1
    unchecked = None
    if info is None:
        report.artists_none_found += 1
    else:
        if lookup.linked_artist is None:  # tagged: the id was known, its text is not yet
            _take_identity(session, artist, info)
        report.artists_resolved += 1
        unchecked = _link_from_relations(session, artist, info, services, report)
    report.albums_resolved += counts["albums_linked_musicbrainz"]
    if unchecked:
        # A relation the provider could not answer for now: the artist stays due, so the
        # next pass verifies it (its MusicBrainz id, kept, makes that a look-up).
        report.errors.append({"artist_id": artist_id, "artist": item.name, "error": unchecked})
        session.commit()
        return
    checked = now()
    artist.musicbrainz_checked_at = checked
    session.execute(
        update(Album).where(Album.artist_id == artist_id).values(musicbrainz_checked_at=checked)
    )
    session.commit()


def _take_identity(session: Session, artist: Artist, info: ArtistInfo) -> None:
    """A tagged artist gets MusicBrainz's disambiguation and names (its id stays as tagged)."""
    artist.disambiguation = info.disambiguation or artist.disambiguation
    artist.aliases = other_names(artist.name, info) or artist.aliases


def other_names(local_name: str, info: ArtistInfo) -> list[str]:
    """MusicBrainz's name and aliases of an artist, but the name the library already has."""
    names = dict.fromkeys(name for name in (info.name, *info.aliases) if name != local_name)
    return list(names)


def _link_from_relations(
    session: Session,
    artist: Artist,
    info: ArtistInfo,
    services: IdentityServices,
    report: IdentityReport,
) -> str | None:
    """Link the artist's Spotify and Deezer pages that MusicBrainz records, once verified.

    Returns the last provider error that left a relation unchecked, if any.
    """
    clients = {ProviderKind.SPOTIFY: services.spotify, ProviderKind.DEEZER: services.deezer}
    undone = set(
        session.scalars(
            select(Candidate.spotify_uri).where(
                Candidate.artist_id == artist.id, Candidate.status == CandidateStatus.REJECTED
            )
        )
    )
    unchecked = None
    for relation in info.links:
        provider = ProviderKind.parse(relation.provider)
        client = clients.get(provider)
        if relation.kind != EntityKind.ARTIST.value or client is None:
            continue
        if getattr(artist, provider.link_attribute) is not None:
            continue
        value = provider.link_value(EntityKind.ARTIST, relation.id)
        if value in undone:  # the owner undid this link: MusicBrainz does not overrule that
            continue
        try:
            found = _verified(client, relation.id, artist, info, services.rules, report, provider)
        except ProviderError as error:
            _refuse(report, artist, provider, relation.id, f"could not be checked: {error}")
            unchecked = str(error)
            continue
        if found is None:
            continue
        try:
            link(
                session,
                EntityKind.ARTIST,
                artist,
                LinkTarget.from_info(provider, EntityKind.ARTIST, found),
                source=LinkSource.MUSICBRAINZ,
                score=1.0,
            )
        except LinkConflict as conflict:
            _refuse(report, artist, provider, relation.id, f"already linked to {conflict.holder}")
            continue
        report.links_from_musicbrainz += 1
    return unchecked


def _verified(
    client: ArtistLookups,
    provider_id: str,
    artist: Artist,
    info: ArtistInfo,
    rules: MatchRules,
    report: IdentityReport,
    provider: ProviderKind,
) -> ArtistInfo | None:
    """The provider's artist behind a relation, if it exists and bears one of the names.

    Any other provider error is raised: the relation is not refused, only unchecked yet.
    """
    try:
        found = client.get_artist(provider_id)
    except ProviderNotFound:
        _refuse(report, artist, provider, provider_id, "the provider has no such artist")
        return None
    except NotConfigured:
        return None
    names = [artist.name, info.name, *info.aliases]
    if max(name_similarity(name, found.name) for name in names) < rules.close_name:
        _refuse(report, artist, provider, provider_id, f"names another artist ({found.name!r})")
        return None
    return found


def _refuse(
    report: IdentityReport, artist: Artist, provider: ProviderKind, provider_id: str, why: str
) -> None:
    log.info(
        "MusicBrainz relation of %s to %s %s not linked: %s",
        artist.name,
        provider,
        provider_id,
        why,
    )
    report.links_refused.append(
        {"artist_id": artist.id, "provider": provider.value, "id": provider_id, "reason": why}
    )
