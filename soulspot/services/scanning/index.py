"""Find-or-create artists and albums for scanned files, from an in-memory index of the library."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulspot.matching import LocalAlbum, title_similarity
from soulspot.matching.normalize import SURE
from soulspot.models import Album, Artist, Track
from soulspot.models.base import new_id
from soulspot.services.album_identity import library_entry, same_album


@dataclass(slots=True)
class _ArtistRow:
    id: str
    name: str
    sort_name: str | None
    mbid: str | None


@dataclass(slots=True)
class _AlbumRow:
    id: str
    artist_id: str
    title: str
    mbid: str | None
    year: int | None
    album_type: str | None


@dataclass(slots=True)
class _ProviderTrack:
    id: str
    title: str
    disc: int | None
    number: int | None


class LibraryIndex:
    """Artists and albums by MBID and by folded name, and which albums each folder holds.

    An artist is its MusicBrainz id when tagged, else its name (case-insensitive): a tagged id
    adopts an untagged namesake; an untagged name joins the untagged namesake, else the only
    namesake, else gets its own artist. An album is its release-group id when tagged, else its
    title under the artist, in the same album folder, else with the same year, else the same
    album known only from a provider (a fetched discography), whose provider-only tracks the
    files then take over. The rules are spelled out in docs/scanning.md. `placed` gives
    (album folder, artist id, album id) of the tracks stored under the scanned root.
    """

    def __init__(self, session: Session, placed: Iterable[tuple[str, str, str]]) -> None:
        self._session = session
        self._artists_by_mbid: dict[str, _ArtistRow] = {}
        self._artists_by_name: dict[str, list[_ArtistRow]] = {}
        self._albums_by_id: dict[str, _AlbumRow] = {}
        self._albums_by_mbid: dict[str, _AlbumRow] = {}
        self._albums_by_key: dict[tuple[str, str], list[_AlbumRow]] = {}
        # (album folder, artist id) -> how many of that folder's tracks each album holds
        self._folders: dict[tuple[str, str], Counter[str]] = {}
        # Per artist, its albums without local files when the scan began, until files join
        # one; per album, its tracks without files.
        self._provider_only: dict[str, list[_AlbumRow]] = {}
        self._provider_tracks: dict[str, list[_ProviderTrack]] = {}
        self.artists_added = 0
        self.albums_added = 0
        artists = session.execute(
            select(Artist.id, Artist.name, Artist.sort_name, Artist.musicbrainz_id)
        )
        for artist_id, name, sort_name, mbid in artists:
            self._index_artist(_ArtistRow(artist_id, name, sort_name, mbid))
        albums = session.execute(
            select(
                Album.id,
                Album.artist_id,
                Album.title,
                Album.musicbrainz_id,
                Album.release_year,
                Album.album_type,
                Album.has_local_files,
            )
        )
        for *fields, local in albums:
            row = _AlbumRow(*fields)
            self._index_album(row)
            if not local:
                self._provider_only.setdefault(row.artist_id, []).append(row)
        tracks = session.execute(
            select(
                Track.album_id, Track.id, Track.title, Track.disc_number, Track.track_number
            ).where(Track.file_path.is_(None))
        )
        for album_id, *track in tracks:
            self._provider_tracks.setdefault(album_id, []).append(_ProviderTrack(*track))
        for folder, artist_id, album_id in placed:
            self._folders.setdefault((folder, artist_id), Counter())[album_id] += 1

    def take_added(self) -> tuple[int, int]:
        """The (artists, albums) created since the last call."""
        added = (self.artists_added, self.albums_added)
        self.artists_added = self.albums_added = 0
        return added

    # --- artists -----------------------------------------------------------------------------

    def artist(self, name: str, *, mbid: str | None, sort_name: str | None) -> str:
        """The id of the artist these tags name, created if new."""
        namesakes = self._artists_by_name.get(name.casefold(), [])
        row = None
        if mbid:
            row = self._artists_by_mbid.get(mbid) or next(
                (found for found in namesakes if found.mbid is None), None
            )
        else:
            unlinked = [found for found in namesakes if found.mbid is None]
            row = unlinked[0] if unlinked else (namesakes[0] if len(namesakes) == 1 else None)
        if row is None:
            return self._create_artist(name, mbid, sort_name)
        self._update_artist(row, name, mbid, sort_name)
        return row.id

    def _create_artist(self, name: str, mbid: str | None, sort_name: str | None) -> str:
        artist = Artist(
            id=new_id(), name=name, sort_name=sort_name, musicbrainz_id=mbid, has_local_files=True
        )
        self._session.add(artist)
        self._index_artist(_ArtistRow(artist.id, name, sort_name, mbid))
        self.artists_added += 1
        return artist.id

    def _update_artist(
        self, row: _ArtistRow, name: str, mbid: str | None, sort_name: str | None
    ) -> None:
        changes = {}
        if mbid and row.mbid is None:
            changes["musicbrainz_id"] = mbid
        if name != row.name and mbid and row.mbid in (None, mbid):
            changes["name"] = name  # same MBID, new spelling: the file was re-tagged
        if sort_name and sort_name != row.sort_name:
            changes["sort_name"] = sort_name
        if not changes:
            return
        artist = self._session.get_one(Artist, row.id)
        for field, value in changes.items():
            setattr(artist, field, value)
        self._unindex_artist(row)
        row.name, row.sort_name = artist.name, artist.sort_name
        row.mbid = artist.musicbrainz_id
        self._index_artist(row)

    def _index_artist(self, row: _ArtistRow) -> None:
        if row.mbid:
            self._artists_by_mbid[row.mbid] = row
        self._artists_by_name.setdefault(row.name.casefold(), []).append(row)

    def _unindex_artist(self, row: _ArtistRow) -> None:
        if row.mbid:
            self._artists_by_mbid.pop(row.mbid, None)
        namesakes = self._artists_by_name.get(row.name.casefold(), [])
        if row in namesakes:
            namesakes.remove(row)

    # --- albums ------------------------------------------------------------------------------

    def album(
        self,
        artist_id: str,
        title: str,
        *,
        mbid: str | None,
        year: int | None,
        album_type: str | None,
        folder: str,
    ) -> str:
        """The id of the album these tags name under `artist_id` in `folder`, created if new."""
        if mbid and mbid in self._albums_by_mbid:
            owner = self._albums_by_mbid[mbid]
            if owner.artist_id == artist_id:
                self._update_album(owner, title, mbid)
                self._forget_provider_only(owner)
                return owner.id
            mbid = None  # the id belongs to another artist's album: never steal it
        same_title = self._albums_by_key.get((artist_id, title.casefold()), [])
        # A tagged id adopts only an album without one; an untagged file may join either.
        eligible = [found for found in same_title if found.mbid is None] if mbid else same_title
        row = self._in_folder(folder, artist_id, eligible) or _of_year(eligible, year)
        if row is None:
            row = self._provider_album(artist_id, title, mbid=mbid, year=year)
            if row is None:
                return self._create_album(artist_id, title, mbid, year, album_type)
            self._adopt_album(row, title, mbid)
            return row.id
        self._update_album(row, title, mbid)
        self._forget_provider_only(row)
        return row.id

    def provider_track(
        self, album_id: str, title: str, *, disc: int | None, number: int | None
    ) -> str | None:
        """The id of the album's track without a file that a new file of it is, taken.

        The same title (as the matcher compares titles), the same position first.
        """
        tracks = self._provider_tracks.get(album_id)
        if not tracks:
            return None
        scored = [(title_similarity(title, track.title), track) for track in tracks]
        same = [(score, track) for score, track in scored if score >= SURE]
        if not same:
            return None
        position = (disc or 1, number)

        def rank(pair: tuple[float, _ProviderTrack]) -> tuple[bool, float]:
            score, track = pair
            return number is not None and (track.disc or 1, track.number) == position, score

        _, track = max(same, key=rank)
        tracks.remove(track)
        return track.id

    def track_placed(
        self, folder: str, artist_id: str, album_id: str, before: tuple[str, str] | None
    ) -> None:
        """Count a track of `folder` under this album; `before` is its (artist, album) until now."""
        if before == (artist_id, album_id):
            return
        if before is not None:
            self._uncount(folder, *before, 1)
        self._folders.setdefault((folder, artist_id), Counter())[album_id] += 1

    def moved(self, folder: str, artist_id: str, old: str, new: str, count: int) -> None:
        """`count` tracks of `folder` went from album `old` to album `new`."""
        self._uncount(folder, artist_id, old, count)
        self._folders.setdefault((folder, artist_id), Counter())[new] += count

    def album_row(self, album_id: str) -> _AlbumRow | None:
        return self._albums_by_id.get(album_id)

    def set_album_year(self, album_id: str, year: int | None) -> None:
        """Record the album's year as decided from its tracks; an unknown year changes nothing."""
        row = self._albums_by_id.get(album_id)
        if row is None or year is None or row.year == year:
            return
        self._session.get_one(Album, album_id).release_year = year
        row.year = year

    def album_for_split(self, row: _AlbumRow, year: int | None) -> str:
        """The album a folder of `row`'s tracks with this main year moves to, created if new."""
        same_title = self._albums_by_key.get((row.artist_id, row.title.casefold()), [])
        if year is not None:
            for other in same_title:
                if other.id != row.id and other.mbid is None and other.year == year:
                    return other.id
        return self._create_album(row.artist_id, row.title, None, year, row.album_type)

    def _in_folder(self, folder: str, artist_id: str, rows: list[_AlbumRow]) -> _AlbumRow | None:
        counts = self._folders.get((folder, artist_id))
        if not counts:
            return None
        present = [row for row in rows if counts[row.id] > 0]
        return max(present, key=lambda row: counts[row.id], default=None)

    def _uncount(self, folder: str, artist_id: str, album_id: str, count: int) -> None:
        counts = self._folders.get((folder, artist_id))
        if counts is not None and album_id in counts:
            counts[album_id] = max(0, counts[album_id] - count)

    def _create_album(
        self,
        artist_id: str,
        title: str,
        mbid: str | None,
        year: int | None,
        album_type: str | None,
    ) -> str:
        album = Album(
            id=new_id(),
            artist_id=artist_id,
            title=title,
            musicbrainz_id=mbid,
            release_year=year,
            album_type=album_type,
            has_local_files=True,
        )
        self._session.add(album)
        self._index_album(_AlbumRow(album.id, artist_id, title, mbid, year, album_type))
        self.albums_added += 1
        return album.id

    def _provider_album(
        self, artist_id: str, title: str, *, mbid: str | None, year: int | None
    ) -> _AlbumRow | None:
        """The artist's album known only from a provider that these tags name, if any."""
        rows = self._provider_only.get(artist_id)
        if not rows:
            return None
        # A tagged id adopts only an album without one (an album with it was found already).
        rows = [row for row in rows if row.mbid is None] if mbid else rows
        entries = [
            library_entry(str(i), row.title, row.year, row.album_type) for i, row in enumerate(rows)
        ]
        found = same_album(LocalAlbum(title, year), entries)
        return None if found is None else rows[int(found.id)]

    def _adopt_album(self, row: _AlbumRow, title: str, mbid: str | None) -> None:
        """Files join an album known only from a provider: it takes their title (and id), as
        an album scanned first keeps its own when a discography joins it."""
        self._forget_provider_only(row)
        album = self._session.get_one(Album, row.id)
        album.title = title
        if mbid and row.mbid is None:
            album.musicbrainz_id = mbid
        self._unindex_album(row)
        row.title, row.mbid = album.title, album.musicbrainz_id
        self._index_album(row)

    def _forget_provider_only(self, row: _AlbumRow) -> None:
        rows = self._provider_only.get(row.artist_id)
        if rows and row in rows:
            rows.remove(row)

    def _update_album(self, row: _AlbumRow, title: str, mbid: str | None) -> None:
        changes: dict[str, object] = {}
        if mbid and row.mbid is None:
            changes["musicbrainz_id"] = mbid
        if title != row.title and mbid:
            changes["title"] = title  # same release group, new spelling
        if not changes:
            return
        album = self._session.get_one(Album, row.id)
        for field, value in changes.items():
            setattr(album, field, value)
        self._unindex_album(row)
        row.title, row.mbid = album.title, album.musicbrainz_id
        self._index_album(row)

    def _index_album(self, row: _AlbumRow) -> None:
        self._albums_by_id[row.id] = row
        if row.mbid:
            self._albums_by_mbid[row.mbid] = row
        self._albums_by_key.setdefault((row.artist_id, row.title.casefold()), []).append(row)

    def _unindex_album(self, row: _AlbumRow) -> None:
        self._albums_by_id.pop(row.id, None)
        if row.mbid:
            self._albums_by_mbid.pop(row.mbid, None)
        same = self._albums_by_key.get((row.artist_id, row.title.casefold()), [])
        if row in same:
            same.remove(row)

    # --- removal -----------------------------------------------------------------------------

    def forget(self, *, artist_ids: set[str], album_ids: set[str]) -> None:
        """Drop entities the scan deleted, so a later file creates them afresh."""
        for rows in list(self._albums_by_key.values()):
            for row in [row for row in rows if row.id in album_ids]:
                self._unindex_album(row)
                self._forget_provider_only(row)
                self._provider_tracks.pop(row.id, None)
        for rows in list(self._artists_by_name.values()):
            for row in [row for row in rows if row.id in artist_ids]:
                self._unindex_artist(row)


def _of_year(rows: list[_AlbumRow], year: int | None) -> _AlbumRow | None:
    """The same-titled album of this known year: one without an MBID first, else the only one."""
    if year is None:
        return None
    same_year = [row for row in rows if row.year == year]
    unlinked = [row for row in same_year if row.mbid is None]
    return unlinked[0] if unlinked else (same_year[0] if len(same_year) == 1 else None)
