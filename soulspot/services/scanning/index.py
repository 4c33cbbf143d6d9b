"""Find-or-create artists and albums for scanned files, from an in-memory index of the library."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulspot.models import Album, Artist
from soulspot.models.base import new_id


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


class LibraryIndex:
    """Artists and albums by MBID and by folded name, loaded with two queries for one scan.

    An artist is its MusicBrainz id when tagged, else its name (case-insensitive): a tagged id
    adopts an untagged namesake; an untagged name joins the untagged namesake, else the only
    namesake, else gets its own artist. Albums work the same way with the release-group id and
    the title under one artist. The rules are spelled out in docs/scanning.md.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._artists_by_mbid: dict[str, _ArtistRow] = {}
        self._artists_by_name: dict[str, list[_ArtistRow]] = {}
        self._albums_by_mbid: dict[str, _AlbumRow] = {}
        self._albums_by_key: dict[tuple[str, str], list[_AlbumRow]] = {}
        self.artists_added = 0
        self.albums_added = 0
        artists = session.execute(
            select(Artist.id, Artist.name, Artist.sort_name, Artist.musicbrainz_id)
        )
        for artist_id, name, sort_name, mbid in artists:
            self._index_artist(_ArtistRow(artist_id, name, sort_name, mbid))
        albums = session.execute(
            select(Album.id, Album.artist_id, Album.title, Album.musicbrainz_id, Album.release_year)
        )
        for row in albums:
            self._index_album(_AlbumRow(*row))

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
    ) -> str:
        """The id of the album these tags name under `artist_id`, created if new."""
        if mbid and mbid in self._albums_by_mbid:
            owner = self._albums_by_mbid[mbid]
            if owner.artist_id == artist_id:
                self._update_album(owner, title, mbid, year)
                return owner.id
            mbid = None  # the id belongs to another artist's album: never steal it
        same_title = self._albums_by_key.get((artist_id, title.casefold()), [])
        unlinked = [found for found in same_title if found.mbid is None]
        if mbid:
            row = unlinked[0] if unlinked else None
        else:
            row = unlinked[0] if unlinked else (same_title[0] if len(same_title) == 1 else None)
        if row is None:
            return self._create_album(artist_id, title, mbid, year, album_type)
        self._update_album(row, title, mbid, year)
        return row.id

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
        self._index_album(_AlbumRow(album.id, artist_id, title, mbid, year))
        self.albums_added += 1
        return album.id

    def _update_album(self, row: _AlbumRow, title: str, mbid: str | None, year: int | None) -> None:
        changes: dict[str, object] = {}
        if mbid and row.mbid is None:
            changes["musicbrainz_id"] = mbid
        if title != row.title and mbid:
            changes["title"] = title  # same release group, new spelling
        if year is not None and year != row.year:
            changes["release_year"] = year
        if not changes:
            return
        album = self._session.get_one(Album, row.id)
        for field, value in changes.items():
            setattr(album, field, value)
        self._unindex_album(row)
        row.title, row.mbid, row.year = album.title, album.musicbrainz_id, album.release_year
        self._index_album(row)

    def _index_album(self, row: _AlbumRow) -> None:
        if row.mbid:
            self._albums_by_mbid[row.mbid] = row
        self._albums_by_key.setdefault((row.artist_id, row.title.casefold()), []).append(row)

    def _unindex_album(self, row: _AlbumRow) -> None:
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
        for rows in list(self._artists_by_name.values()):
            for row in [row for row in rows if row.id in artist_ids]:
                self._unindex_artist(row)
