"""Album identity without release-group ids: title plus year, the folder breaking ties."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from soulspot.models import Album, Track
from soulspot.services.scanning import scan_library
from soulspot.services.scanning.grouping import album_folder, main_year
from tests.audio import make_audio, write_tags

BLUE = "1b022e01-4da6-387b-8658-8678046e4cef"


def _tracks(folder: Path, count: int, *, year: str | None, album: str = "Weezer") -> list[Path]:
    paths = []
    for number in range(1, count + 1):
        tags = {"artist": "Weezer", "album": album, "title": f"{folder.name} {number}"}
        if year:
            tags["date"] = year
        paths.append(make_audio(folder / f"{number:02d}.mp3", track=str(number), **tags))
    return paths


def _albums(session) -> dict[tuple[str, int | None], list[str]]:
    """(title, year) -> sorted folder names of each album's tracks."""
    found = {}
    for album in session.scalars(select(Album)):
        folders = sorted({Path(track.file_path).parent.name for track in album.tracks})
        found.setdefault((album.title, album.release_year), []).append(folders)
    return found


def _album_ids(session) -> dict[str, str]:
    """Track path -> album id."""
    return dict(session.execute(select(Track.file_path, Track.album_id)).all())


def test_self_titled_albums_in_their_own_folders_stay_apart(session, tmp_path: Path) -> None:
    root = tmp_path / "music" / "Weezer"
    _tracks(root / "Weezer (1994)", 3, year="1994")
    _tracks(root / "Weezer (2001)", 2, year="2001")
    _tracks(root / "Weezer (2008)", 4, year="2008")

    summary = scan_library(session, root)

    assert (summary.added, summary.albums_added, summary.artists_added) == (9, 3, 1)
    assert _albums(session) == {
        ("Weezer", 1994): [["Weezer (1994)"]],
        ("Weezer", 2001): [["Weezer (2001)"]],
        ("Weezer", 2008): [["Weezer (2008)"]],
    }


def test_a_new_folder_read_remaster_first_never_takes_that_years_album_over(
    session, tmp_path: Path
) -> None:
    root = tmp_path / "music"
    _tracks(root / "Green", 3, year="2001")
    scan_library(session, root)
    green = set(_album_ids(session).values())
    blue = _tracks(root / "Blue", 4, year="1994")
    # Read first in its folder: alone it looks like a track of the 2001 album.
    write_tags(blue[0], artist="Weezer", album="Weezer", title="Remaster", date="2001")

    summary = scan_library(session, root)

    assert (summary.added, summary.albums_added) == (4, 1)
    assert _albums(session) == {("Weezer", 1994): [["Blue"]], ("Weezer", 2001): [["Green"]]}
    ids = _album_ids(session)
    assert {ids[str(path.resolve())] for path in (root / "Green").iterdir()} == green


def test_one_folder_with_mixed_years_is_one_album_with_its_main_year(
    session, tmp_path: Path
) -> None:
    root = tmp_path / "music"
    blue = _tracks(root / "Weezer - Blue", 4, year="1994")
    write_tags(blue[0], artist="Weezer", album="Weezer", title="Remaster", date="2001")
    _tracks(root / "Weezer - Green", 3, year="2001")

    scan_library(session, root)

    assert _albums(session) == {
        ("Weezer", 1994): [["Weezer - Blue"]],
        ("Weezer", 2001): [["Weezer - Green"]],
    }


def test_disc_folders_of_one_album_are_one_album(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    album = root / "Pinkerton"
    for disc in ("CD1", "CD2", "Disc 3", "disc_4 - Bonus"):
        _tracks(album / disc, 2, year="1996", album="Pinkerton")
    _tracks(root / "Other" / "CD1", 1, year="2002", album="Maladroit")

    summary = scan_library(session, root)

    assert summary.albums_added == 2
    assert _albums(session) == {
        ("Pinkerton", 1996): [["CD1", "CD2", "Disc 3", "disc_4 - Bonus"]],
        ("Maladroit", 2002): [["CD1"]],
    }


def test_the_same_title_and_year_in_two_folders_is_one_album(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    _tracks(root / "Weezer (1994) [CD1]", 2, year="1994")
    _tracks(root / "backup" / "Weezer", 2, year="1994")

    scan_library(session, root)

    assert _albums(session) == {("Weezer", 1994): [["Weezer", "Weezer (1994) [CD1]"]]}


def test_without_years_the_folder_decides(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    _tracks(root / "one", 2, year=None)
    _tracks(root / "two", 2, year=None)
    make_audio(root / "one" / "03.mp3", artist="Weezer", album="weezer", title="x", date="1994")

    scan_library(session, root)

    assert _albums(session) == {("Weezer", 1994): [["one"]], ("Weezer", None): [["two"]]}


def test_a_rescan_of_one_changed_file_keeps_every_album_id(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    _tracks(root / "Weezer (1994)", 3, year="1994")
    green = _tracks(root / "Weezer (2001)", 3, year="2001")
    _tracks(root / "Weezer (2008)", 3, year="2008")
    scan_library(session, root)
    before = _album_ids(session)

    write_tags(green[1], artist="Weezer", album="Weezer", title="Retitled", date="2001")
    summary = scan_library(session, root)

    assert (summary.updated, summary.albums_added, summary.albums_removed) == (1, 0, 0)
    assert _album_ids(session) == before


def test_a_release_group_id_tagged_later_adopts_the_album_of_its_folder(
    session, tmp_path: Path
) -> None:
    root = tmp_path / "music"
    _tracks(root / "1994", 2, year="1994")
    green = _tracks(root / "2001", 2, year="2001")
    scan_library(session, root)
    before = _album_ids(session)

    for path in green:
        write_tags(path, artist="Weezer", album="Weezer", date="2001", mb_releasegroupid=BLUE)
    summary = scan_library(session, root)

    assert (summary.albums_added, summary.albums_removed) == (0, 0)
    assert _album_ids(session) == before
    tagged = session.scalars(select(Album).where(Album.musicbrainz_id == BLUE)).one()
    assert tagged.id == before[str(green[0].resolve())]


@pytest.mark.parametrize("batch_size", [200, 2])
def test_a_database_that_merged_same_titled_albums_is_split_by_the_next_scan(
    session, tmp_path: Path, batch_size: int
) -> None:
    root = tmp_path / "music"
    _tracks(root / "a 1994", 2, year="1994")
    _tracks(root / "b 2001", 4, year="2001")  # most tracks: keeps the merged album's id
    _tracks(root / "c 2008", 2, year="2008")
    _tracks(root / "d 2001 copy", 1, year="2001")
    scan_library(session, root)
    merged = session.scalars(select(Album.id).where(Album.release_year == 2008)).one()
    # What scans before track years left behind, as the migration leaves it: one album,
    # no track years, no mtimes (so every file is read again).
    session.execute(update(Track).values(album_id=merged, release_year=None, file_mtime=None))
    session.execute(text("DELETE FROM albums WHERE id != :id"), {"id": merged})
    session.commit()

    summary = scan_library(session, root, batch_size=batch_size)

    assert (summary.updated, summary.albums_added, summary.errors) == (9, 2, [])
    assert _albums(session) == {
        ("Weezer", 1994): [["a 1994"]],
        ("Weezer", 2001): [["b 2001", "d 2001 copy"]],
        ("Weezer", 2008): [["c 2008"]],
    }
    assert session.get(Album, merged).release_year == 2001
    again = scan_library(session, root)
    assert (again.unchanged, again.albums_added, again.albums_removed) == (9, 0, 0)


def test_album_folder_and_main_year_rules() -> None:
    sep = os.sep
    assert album_folder(f"{sep}m{sep}Album{sep}CD2") == f"{sep}m{sep}Album"
    assert album_folder(f"{sep}m{sep}Album{sep}Disc 1 - Live") == f"{sep}m{sep}Album"
    for name in ("CD1990", "Discography", "Disco 2000", "Album CD1"):
        assert album_folder(f"{sep}m{sep}{name}") == f"{sep}m{sep}{name}"
    assert main_year([1994, 2001, 1994, None]) == 1994
    assert main_year([2001, 1994]) == 1994  # a tie goes to the earliest
    assert main_year([None, None]) is None


def test_the_migration_makes_the_next_scan_split_a_merged_album(make_app, tmp_path: Path) -> None:
    from soulspot.__main__ import main
    from soulspot.extensions import db

    root = tmp_path / "music"
    files = _tracks(root / "1994", 2, year="1994") + _tracks(root / "2001", 3, year="2001")
    app = make_app(AUTO_MIGRATE=False)
    runner = app.test_cli_runner()
    assert runner.invoke(main, ["db", "upgrade", "f03dfdaa7bdb"]).exit_code == 0
    now = "2026-01-01 00:00:00"
    with app.app_context():  # the schema and data an older scan left: one merged album
        db.session.execute(
            text(
                "INSERT INTO artists (id, name, genres, has_local_files, created_at, updated_at)"
                " VALUES ('ar', 'Weezer', '[]', TRUE, :now, :now)"
            ),
            {"now": now},
        )
        db.session.execute(
            text(
                "INSERT INTO albums (id, artist_id, title, release_year, has_local_files,"
                " created_at, updated_at) VALUES ('merged', 'ar', 'Weezer', 2001, TRUE, :now, :now)"
            ),
            {"now": now},
        )
        for number, path in enumerate(files):
            info = path.resolve().stat()
            db.session.execute(
                text(
                    "INSERT INTO tracks (id, album_id, artist_id, title, file_path, file_size,"
                    " file_mtime, created_at, updated_at)"
                    " VALUES (:id, 'merged', 'ar', :title, :path, :size, :mtime, :now, :now)"
                ),
                {
                    "id": f"t{number}",
                    "title": path.name,
                    "path": str(path.resolve()),
                    "size": info.st_size,
                    "mtime": info.st_mtime,
                    "now": now,
                },
            )
        db.session.commit()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0

    with app.app_context():
        summary = scan_library(db.session, root)

        assert (summary.updated, summary.unchanged, summary.albums_added) == (5, 0, 1)
        assert _albums(db.session) == {("Weezer", 1994): [["1994"]], ("Weezer", 2001): [["2001"]]}
        assert db.session.get(Album, "merged").release_year == 2001
