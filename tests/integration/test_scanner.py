"""The scanner on real tiny audio files: first scans, incremental rescans, removals, failures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from soulspot.errors import ValidationError
from soulspot.extensions import db
from soulspot.models import Album, Artist, Track
from soulspot.services.scanning import files as files_module
from soulspot.services.scanning import scan_library
from soulspot.services.scanning import scanner as scanner_module
from tests.audio import SUFFIXES, make_audio, write_tags


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _touch(path: Path, delta: float = 10.0) -> None:
    info = path.stat()
    os.utime(path, (info.st_atime, info.st_mtime + delta))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "music"
    for number, suffix in enumerate(SUFFIXES, 1):
        make_audio(
            root / "Nirvana" / "Nevermind" / f"{number:02d}{suffix}",
            artist="Nirvana",
            album="Nevermind",
            title=f"Song {number}",
            track=f"{number}/{len(SUFFIXES)}",
            date="1991",
        )
    return root


def test_first_scan_files_every_format_under_one_album(session, library: Path) -> None:
    summary = scan_library(session, library)

    assert (summary.files_seen, summary.added, summary.errors) == (len(SUFFIXES), 7, [])
    assert (summary.artists_added, summary.albums_added) == (1, 1)
    artist = session.scalars(select(Artist)).one()
    album = session.scalars(select(Album)).one()
    assert (artist.name, artist.has_local_files) == ("Nirvana", True)
    assert (album.title, album.release_year, album.artist_id, album.has_local_files) == (
        "Nevermind",
        1991,
        artist.id,
        True,
    )
    tracks = session.scalars(select(Track).order_by(Track.track_number)).all()
    assert [t.track_number for t in tracks] == list(range(1, 8))
    assert {t.artist_id for t in tracks} == {artist.id}
    assert all(t.file_path.startswith(str(library.resolve())) for t in tracks)
    assert all(t.file_size and t.file_mtime and t.duration_ms for t in tracks)


def test_unchanged_rescan_reads_no_tags_and_runs_constant_queries(
    session, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan_library(session, library)
    ids = set(session.scalars(select(Track.id)))

    def fail(path):
        raise AssertionError(f"read {path} although it did not change")

    monkeypatch.setattr(scanner_module, "read_tags", fail)
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        summary = scan_library(session, library)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)

    assert (summary.unchanged, summary.added, summary.updated, summary.removed) == (7, 0, 0, 0)
    assert set(session.scalars(select(Track.id))) == ids
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, statements  # the (path -> size, mtime) map, nothing per file


def test_touched_file_is_reread_without_duplicates(session, library: Path) -> None:
    scan_library(session, library)
    before = {t.file_path: t.id for t in session.scalars(select(Track))}
    _touch(next(library.rglob("*.flac")))

    summary = scan_library(session, library)

    assert (summary.updated, summary.unchanged, summary.added) == (1, 6, 0)
    assert (summary.artists_added, summary.albums_added) == (0, 0)
    assert {t.file_path: t.id for t in session.scalars(select(Track))} == before
    assert (_count(session, Artist), _count(session, Album)) == (1, 1)


def test_changed_title_and_year_are_picked_up(session, library: Path) -> None:
    scan_library(session, library)
    song = library / "Nirvana" / "Nevermind" / "02.flac"
    write_tags(song, artist="Nirvana", album="Nevermind", title="Renamed", track="2", date="1992")

    assert scan_library(session, library).updated == 1

    track = session.scalars(select(Track).where(Track.file_path == str(song.resolve()))).one()
    assert (track.title, track.release_year) == ("Renamed", 1992)
    assert session.scalars(select(Album)).one().release_year == 1991  # most tracks say 1991

    for number, path in enumerate(sorted(library.rglob("*.*")), 1):
        write_tags(path, artist="Nirvana", album="Nevermind", title=str(number), date="1992")
    assert scan_library(session, library).updated == 7
    assert session.scalars(select(Album)).one().release_year == 1992


def test_changed_album_moves_the_track_and_removes_the_emptied_album(
    session, tmp_path: Path
) -> None:
    root = tmp_path / "music"
    song = make_audio(root / "a.mp3", artist="Blur", album="Parklife", title="Girls")
    make_audio(root / "b.mp3", artist="Blur", album="Parklife", title="Boys")
    scan_library(session, root)
    old_album_id = session.scalars(select(Album.id)).one()

    write_tags(song, artist="Blur", album="Leisure", title="Girls")
    write_tags(root / "b.mp3", artist="Blur", album="Leisure", title="Boys")
    summary = scan_library(session, root)

    assert (summary.updated, summary.albums_added, summary.albums_removed) == (2, 1, 1)
    album = session.scalars(select(Album)).one()
    assert album.title == "Leisure" and album.id != old_album_id
    assert {t.album_id for t in session.scalars(select(Track))} == {album.id}


def test_changed_artist_moves_album_and_removes_the_emptied_artist(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    song = make_audio(root / "a.flac", artist="Pulp", album="Different Class", title="Disco 2000")
    scan_library(session, root)

    write_tags(song, artist="Pulp UK", album="Different Class", title="Disco 2000")
    summary = scan_library(session, root)

    assert (summary.artists_added, summary.artists_removed) == (1, 1)
    artist = session.scalars(select(Artist)).one()
    assert artist.name == "Pulp UK" and artist.has_local_files
    track = session.scalars(select(Track)).one()
    assert track.artist_id == artist.id
    assert session.get(Album, track.album_id).artist_id == artist.id


def test_removed_file_takes_its_empty_album_and_artist_along(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "keep.mp3", artist="Keeper", album="Stays", title="One")
    gone = make_audio(root / "gone.mp3", artist="Leaver", album="Goes", title="Two")
    scan_library(session, root)

    gone.unlink()
    summary = scan_library(session, root)

    assert (summary.removed, summary.albums_removed, summary.artists_removed) == (1, 1, 1)
    assert [a.name for a in session.scalars(select(Artist))] == ["Keeper"]
    assert [t.title for t in session.scalars(select(Track))] == ["One"]


def test_removed_files_keep_linked_entities_without_local_files(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    gone = make_audio(root / "gone.flac", artist="Linked", album="Linked Album", title="x")
    scan_library(session, root)
    artist = session.scalars(select(Artist)).one()
    album = session.scalars(select(Album)).one()
    artist.spotify_uri = "spotify:artist:0OdUWJ0sBjDrqHygGUXeCF"
    album.deezer_id = "302127"
    session.commit()

    gone.unlink()
    make_audio(root / "other.mp3", artist="Other", album="Other", title="y")  # not empty
    summary = scan_library(session, root)

    assert (summary.removed, summary.albums_removed, summary.artists_removed) == (1, 0, 0)
    session.expire_all()
    assert session.get(Artist, artist.id).has_local_files is False
    assert session.get(Album, album.id).has_local_files is False
    assert [t.title for t in session.scalars(select(Track))] == ["y"]


def test_corrupt_file_is_named_and_does_not_stop_the_scan(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "a.mp3", artist="Fine", album="Fine", title="a")
    broken = root / "b.mp3"
    broken.write_bytes(b"not audio at all" * 32)
    make_audio(root / "c.flac", artist="Fine", album="Fine", title="c")

    summary = scan_library(session, root)

    assert (summary.files_seen, summary.added) == (3, 2)
    assert [error.path for error in summary.errors] == [str(broken.resolve())]
    assert summary.to_dict()["failed"] == 1


def test_a_known_file_that_turns_corrupt_keeps_its_track(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    song = make_audio(root / "a.flac", artist="Fine", album="Fine", title="a")
    scan_library(session, root)

    song.write_bytes(b"scrambled" * 10)
    summary = scan_library(session, root)

    assert (summary.removed, len(summary.errors)) == (0, 1)
    assert session.scalars(select(Track)).one().title == "a"


def test_unreadable_folder_is_reported_and_its_tracks_are_kept(
    session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "music"
    make_audio(root / "locked" / "a.mp3", artist="Locked", album="Away", title="a")
    scan_library(session, root)
    locked = str((root / "locked").resolve())
    real_scandir = os.scandir

    def scandir(path):
        if str(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(files_module.os, "scandir", scandir)
    summary = scan_library(session, root)

    assert summary.removed == 0
    assert [error.path for error in summary.errors] == [locked]
    assert _count(session, Track) == 1


def test_untagged_file_uses_documented_fallbacks(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "03 - Mystery Song.ogg")

    scan_library(session, root)

    track = session.scalars(select(Track)).one()
    assert (track.title, track.artist_name) == ("03 - Mystery Song", "Unknown Artist")
    album = session.get(Album, track.album_id)
    assert (album.title, album.artist.name) == ("Unknown Album", "Unknown Artist")


def test_hidden_and_non_audio_files_are_ignored(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "song.mp3", title="real")
    (root / "._song.mp3").write_bytes(b"AppleDouble junk")
    make_audio(root / ".hidden" / "x.mp3", title="hidden")
    (root / "cover.jpg").write_bytes(b"\xff\xd8")

    summary = scan_library(session, root)

    assert (summary.files_seen, summary.added, summary.errors) == (1, 1, [])


def test_rescanning_one_folder_leaves_other_roots_alone(session, tmp_path: Path) -> None:
    first = make_audio(tmp_path / "music" / "a.mp3", title="a").parent
    second = make_audio(tmp_path / "music-extra" / "b.mp3", title="b").parent
    scan_library(session, first)
    scan_library(session, second)

    summary = scan_library(session, first)

    assert summary.removed == 0
    assert sorted(session.scalars(select(Track.title))) == ["a", "b"]


def test_batches_are_committed_so_a_crash_loses_little(
    session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "music"
    for number in range(5):
        make_audio(root / f"{number}.mp3", artist="Batch", album="Batch", title=str(number))
    real_read = scanner_module.read_tags

    def crash_on_last(path):
        if path.endswith("4.mp3"):
            raise RuntimeError("power cut")
        return real_read(path)

    monkeypatch.setattr(scanner_module, "read_tags", crash_on_last)
    with pytest.raises(RuntimeError):
        scan_library(session, root, batch_size=2)

    assert sorted(session.scalars(select(Track.title))) == ["0", "1", "2", "3"]
    assert session.scalars(select(Album)).one().has_local_files is True


def test_progress_is_reported_after_each_committed_batch(session, library: Path) -> None:
    calls: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        # Nothing is left uncommitted when progress runs: the job's callback commits.
        assert not (session.new or session.dirty)
        calls.append((done, total, _count(session, Track)))

    scan_library(session, library, progress=progress, batch_size=3)

    assert calls == [(3, 7, 3), (6, 7, 6), (7, 7, 7)]


def test_missing_or_non_directory_root_is_a_validation_error(session, tmp_path: Path) -> None:
    a_file = make_audio(tmp_path / "file.mp3")
    with pytest.raises(ValidationError, match="does not exist"):
        scan_library(session, tmp_path / "nope")
    with pytest.raises(ValidationError, match="not a directory"):
        scan_library(session, a_file)
    with pytest.raises(ValidationError):
        scan_library(session, "bad\x00path")


def test_dangling_symlink_is_reported_and_the_known_track_kept(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    song = make_audio(root / "a.mp3", title="a")
    scan_library(session, root)

    song.unlink()
    song.symlink_to(tmp_path / "elsewhere.mp3")
    summary = scan_library(session, root)

    assert (summary.files_seen, summary.removed) == (1, 0)
    assert [error.path for error in summary.errors] == [str(root.resolve() / "a.mp3")]
    assert _count(session, Track) == 1
