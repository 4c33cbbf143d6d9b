"""How the scanner decides which artist and album a file belongs to."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from soulspot.models import Album, Artist, Track
from soulspot.services.scanning import scan_library
from soulspot.services.scanning.scanner import VARIOUS_ARTISTS_MBID
from tests.audio import make_audio, write_tags

NIRVANA_US = "5b11f4ce-a62d-471e-81fc-a69a8278c7da"
NIRVANA_UK = "9282c8b4-ca0b-4c6b-b7e3-4f7762dfc4d6"


def _artists(session) -> dict[str, Artist]:
    return {artist.name: artist for artist in session.scalars(select(Artist))}


def test_compilation_flag_files_all_tracks_under_various_artists(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    for number, (suffix, artist) in enumerate(
        [(".mp3", "Blur"), (".flac", "Oasis"), (".m4a", "Pulp"), (".opus", "Suede")], 1
    ):
        make_audio(
            root / f"{number}{suffix}",
            artist=artist,
            album="Britpop Hits",
            title=f"Hit {number}",
            compilation=True,
        )

    summary = scan_library(session, root)

    assert (summary.artists_added, summary.albums_added) == (1, 1)
    album = session.scalars(select(Album)).one()
    assert (album.artist.name, album.album_type) == ("Various Artists", "compilation")
    tracks = session.scalars(select(Track).order_by(Track.title)).all()
    assert [t.artist_name for t in tracks] == ["Blur", "Oasis", "Pulp", "Suede"]
    assert {t.artist_id for t in tracks} == {album.artist_id}


def test_various_artists_album_artist_joins_the_one_various_artists(
    session, tmp_path: Path
) -> None:
    root = tmp_path / "music"
    make_audio(root / "a.mp3", artist="Blur", album="Hits 1", title="a", compilation=True)
    make_audio(root / "b.mp3", artist="Pulp", albumartist="various artists", album="Hits 2")
    make_audio(
        root / "c.flac",
        artist="Elastica",
        albumartist="Various Artists",
        mb_albumartistid=VARIOUS_ARTISTS_MBID,
        album="Hits 3",
    )

    scan_library(session, root)

    artist = session.scalars(select(Artist)).one()
    assert (artist.name, artist.musicbrainz_id) == ("Various Artists", VARIOUS_ARTISTS_MBID)
    assert sorted(a.title for a in artist.albums) == ["Hits 1", "Hits 2", "Hits 3"]


def test_musicbrainz_ids_keep_namesakes_apart(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "us.mp3", artist="Nirvana", album="Nevermind", mb_artistid=NIRVANA_US)
    make_audio(
        root / "uk.flac", artist="Nirvana", album="Local Anaesthetic", mb_artistid=NIRVANA_UK
    )

    scan_library(session, root)

    artists = session.scalars(select(Artist).order_by(Artist.musicbrainz_id)).all()
    assert [(a.name, a.musicbrainz_id) for a in artists] == [
        ("Nirvana", NIRVANA_US),
        ("Nirvana", NIRVANA_UK),
    ]
    assert [a.title for a in artists[0].albums] == ["Nevermind"]
    assert [a.title for a in artists[1].albums] == ["Local Anaesthetic"]


def test_names_match_case_insensitively_without_ids(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "a.mp3", artist="The Beatles", album="Abbey Road", title="a")
    make_audio(root / "b.mp3", artist="the beatles", album="ABBEY ROAD", title="b")

    summary = scan_library(session, root)

    assert (summary.artists_added, summary.albums_added) == (1, 1)


def test_an_id_tagged_later_adopts_the_untagged_artist(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    song = make_audio(root / "a.mp3", artist="Nirvana", album="Bleach", title="Blew")
    scan_library(session, root)
    artist_id = session.scalars(select(Artist.id)).one()

    write_tags(song, artist="Nirvana", album="Bleach", title="Blew", mb_artistid=NIRVANA_US)
    summary = scan_library(session, root)

    assert (summary.artists_added, summary.artists_removed) == (0, 0)
    artist = session.scalars(select(Artist)).one()
    assert (artist.id, artist.musicbrainz_id) == (artist_id, NIRVANA_US)


def test_same_id_with_a_new_spelling_renames_the_artist(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    song = make_audio(root / "a.mp3", artist="Nirvanna", album="Bleach", mb_artistid=NIRVANA_US)
    scan_library(session, root)

    write_tags(song, artist="Nirvana", album="Bleach", mb_artistid=NIRVANA_US)
    scan_library(session, root)

    assert [a.name for a in session.scalars(select(Artist))] == ["Nirvana"]


def test_release_group_ids_keep_same_titled_albums_apart(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    blue, green = "1b022e01-4da6-387b-8658-8678046e4cef", "2a0b4d0e-1f6c-3b1a-9d2b-6f3a3c1e9e11"
    make_audio(root / "blue.mp3", artist="Weezer", album="Weezer", mb_releasegroupid=blue)
    make_audio(root / "green.mp3", artist="Weezer", album="Weezer", mb_releasegroupid=green)
    make_audio(root / "blue2.flac", artist="Weezer", album="Weezer", mb_releasegroupid=blue)

    scan_library(session, root)

    albums = session.scalars(select(Album)).all()
    assert sorted(a.musicbrainz_id for a in albums) == sorted([blue, green])
    by_group = {a.musicbrainz_id: len(a.tracks) for a in albums}
    assert by_group == {blue: 2, green: 1}


def test_album_artist_owns_the_track_and_the_credit_stays_on_it(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(
        root / "a.m4a",
        artist="Santana feat. Rob Thomas",
        albumartist="Santana",
        album="Supernatural",
        title="Smooth",
    )

    scan_library(session, root)

    track = session.scalars(select(Track)).one()
    assert track.artist_name == "Santana feat. Rob Thomas"
    assert session.get(Artist, track.artist_id).name == "Santana"
    assert list(_artists(session)) == ["Santana"]


def test_full_rescan_of_touched_files_is_idempotent(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "a.mp3", artist="Nirvana", album="Nevermind", mb_artistid=NIRVANA_US)
    make_audio(root / "b.mp3", artist="Nirvana", album="Incesticide")
    make_audio(root / "c.flac", artist="Blur", album="Hits", compilation=True)
    make_audio(root / "d.ogg")
    scan_library(session, root)

    def snapshot():
        return (
            sorted(session.scalars(select(Artist.id))),
            sorted(session.scalars(select(Album.id))),
            sorted(session.scalars(select(Track.id))),
        )

    before = snapshot()
    for path in root.iterdir():
        os.utime(path, (1_000_000_000, 1_000_000_000))
    summary = scan_library(session, root)

    assert summary.updated == 4
    assert (summary.artists_added, summary.albums_added) == (0, 0)
    assert (summary.artists_removed, summary.albums_removed) == (0, 0)
    assert snapshot() == before
