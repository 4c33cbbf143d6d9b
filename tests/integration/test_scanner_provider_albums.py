"""Files of an album known only from a provider (a fetched discography) join it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from soulspot.models import Album, Artist, Track
from soulspot.services.scanning import scan_library
from tests.audio import make_audio


def _provider_album(
    session, artist: Artist, title: str, year: int | None, tracks: list[str], deezer_id: str
) -> Album:
    album = Album(
        artist_id=artist.id,
        title=title,
        release_year=year,
        deezer_id=deezer_id,
        has_local_files=False,
    )
    session.add(album)
    session.flush()
    for number, name in enumerate(tracks, 1):
        session.add(
            Track(
                album_id=album.id,
                artist_id=artist.id,
                title=name,
                track_number=number,
                deezer_id=f"{deezer_id}{number:02d}",
            )
        )
    session.commit()
    return album


def _artist(session, name: str = "Nirvana") -> Artist:
    artist = Artist(name=name, has_local_files=True, deezer_id="13")
    session.add(artist)
    session.commit()
    return artist


def _files(folder: Path, album: str, titles: list[str], *, year: str | None, artist="Nirvana"):
    for number, title in enumerate(titles, 1):
        tags: dict[str, Any] = {"artist": artist, "album": album, "title": title}
        if year:
            tags["date"] = year
        make_audio(folder / f"{number:02d}.mp3", track=str(number), **tags)


def _albums(session) -> list[tuple[Any, ...]]:
    rows = []
    for album in session.scalars(select(Album).order_by(Album.title, Album.release_year)):
        files = sorted(t.title for t in album.tracks if t.file_path)
        provider_only = sorted(t.title for t in album.tracks if not t.file_path)
        rows.append((album.title, album.release_year, album.deezer_id, files, provider_only))
    return rows


SONGS = ["Smells Like Teen Spirit", "In Bloom", "Come as You Are"]


def test_files_of_a_provider_album_take_over_its_tracks(session, tmp_path: Path) -> None:
    artist = _artist(session)
    album = _provider_album(session, artist, "Nevermind", 1991, SONGS, "301")
    _files(tmp_path / "Nevermind", "Nevermind", SONGS[:2], year="1991")

    summary = scan_library(session, tmp_path)

    assert (summary.added, summary.albums_added, summary.artists_added) == (2, 0, 0)
    assert _albums(session) == [
        ("Nevermind", 1991, "301", ["In Bloom", "Smells Like Teen Spirit"], ["Come as You Are"])
    ]
    session.expire_all()
    assert session.get(Album, album.id).has_local_files is True
    tracks = {t.title: t for t in session.scalars(select(Track))}
    assert tracks["In Bloom"].deezer_id == "30102" and tracks["In Bloom"].file_path


def test_an_edition_or_an_untagged_year_joins_and_names_the_album(session, tmp_path: Path) -> None:
    artist = _artist(session)
    _provider_album(session, artist, "Nevermind", 1991, SONGS, "301")
    _provider_album(session, artist, "In Utero", 1993, ["Serve the Servants"], "302")
    _files(tmp_path / "nm", "Nevermind (Remastered)", [f"{SONGS[0]} (Remastered)"], year=None)
    _files(tmp_path / "iu", "in utero", ["Serve the Servants"], year="1993")

    summary = scan_library(session, tmp_path)
    rescan = scan_library(session, tmp_path)

    assert summary.albums_added == 0 and rescan.added == rescan.albums_added == 0
    assert (
        _albums(session)
        == [
            ("In Utero", 1993, "302", ["Serve the Servants"], []),  # the same title: kept as it is
            (
                "Nevermind (Remastered)",
                1991,
                "301",
                [f"{SONGS[0]} (Remastered)"],
                sorted(SONGS[1:]),
            ),
        ]
    )


def test_another_year_or_a_local_album_is_not_joined(session, tmp_path: Path) -> None:
    artist = _artist(session, "Weezer")
    _provider_album(session, artist, "Weezer", 1994, ["Buddy Holly"], "401")
    _files(tmp_path / "Weezer (2008)", "Weezer", ["Pork and Beans"], year="2008", artist="Weezer")
    scan_library(session, tmp_path)
    # A local album never takes another edition in another folder: that stays the scan's rule.
    _files(tmp_path / "red", "Weezer (Deluxe)", ["Troublemaker"], year="2008", artist="Weezer")
    scan_library(session, tmp_path)

    assert _albums(session) == [
        ("Weezer", 1994, "401", [], ["Buddy Holly"]),
        ("Weezer", 2008, None, ["Pork and Beans"], []),
        ("Weezer (Deluxe)", 2008, None, ["Troublemaker"], []),
    ]


def test_each_edition_of_the_discography_gets_its_own_files(session, tmp_path: Path) -> None:
    artist = _artist(session)
    _provider_album(session, artist, "Nevermind", 1991, SONGS, "301")
    _provider_album(session, artist, "Nevermind (Deluxe Edition)", 1991, SONGS, "303")
    _files(tmp_path / "a", "Nevermind", SONGS, year="1991")
    _files(tmp_path / "b", "Nevermind (Deluxe Edition)", SONGS, year="1991")

    scan_library(session, tmp_path)

    assert _albums(session) == [
        ("Nevermind", 1991, "301", sorted(SONGS), []),
        ("Nevermind (Deluxe Edition)", 1991, "303", sorted(SONGS), []),
    ]


def test_removed_files_leave_the_provider_tracks_behind(session, tmp_path: Path) -> None:
    artist = _artist(session)
    album = _provider_album(session, artist, "Nevermind", 1991, SONGS, "301")
    _files(tmp_path / "Nevermind", "Nevermind", [*SONGS, "Endless, Nameless"], year="1991")
    scan_library(session, tmp_path)
    for path in (tmp_path / "Nevermind").iterdir():
        path.unlink()
    _files(tmp_path / "Other", "Other", ["Other"], year=None, artist="Blur")  # not empty

    summary = scan_library(session, tmp_path)

    assert summary.removed == 4 and summary.albums_removed == 0
    assert _albums(session)[0] == ("Nevermind", 1991, "301", [], sorted(SONGS))
    session.expire_all()
    assert session.get(Album, album.id).has_local_files is False
    assert session.get(Artist, artist.id).has_local_files is False
