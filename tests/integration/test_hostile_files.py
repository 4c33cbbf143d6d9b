"""Hostile files: huge tags, invalid UTF-8 and NUL in tags, zero-length files, symlink loops,
unreadable files. The scan completes, stores what it can, names what it skipped, never raises."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mutagen.flac import FLAC
from mutagen.id3 import ID3, TIT2
from sqlalchemy import select

from soulspot.models import Album, Artist, Track
from soulspot.services.scanning import scan_library
from tests.audio import make_audio

MARKER = "QQQQQQQQ"


def _patch_bytes(path: Path, marker: bytes, replacement: bytes) -> None:
    """Replace a tag value's bytes in place (same length, so every size field stays right)."""
    data = path.read_bytes()
    assert data.count(marker) == 1 and len(marker) == len(replacement)
    path.write_bytes(data.replace(marker, replacement))


def _stored(session) -> list[tuple[str, str, str]]:
    return [
        tuple(row)
        for row in session.execute(
            select(Artist.name, Album.title, Track.title)
            .join(Album, Album.id == Track.album_id)
            .join(Artist, Artist.id == Track.artist_id)
            .order_by(Track.file_path)
        )
    ]


def test_huge_tags_are_cut_to_what_a_column_holds(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "a.flac", artist="B" * 200_000, album="A" * 70_000, title="T" * 1_000_000)
    summary = scan_library(session, root)
    assert (summary.added, summary.errors) == (1, [])
    [(artist, album, title)] = _stored(session)
    assert (len(artist), len(album), len(title)) == (512, 512, 512)  # String(512) everywhere


def test_invalid_utf8_in_tags_is_read_or_named_never_raised(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    flac = make_audio(root / "a.flac", artist="Fine", album="Fine", title=MARKER)
    _patch_bytes(flac, MARKER.encode(), b"\xff\xfe\xc3(\xa0\xa1\xe2\x28")
    mp3 = make_audio(root / "b.mp3", artist="Fine", album="Fine", title="b")
    tags = ID3(mp3)
    tags.add(TIT2(encoding=3, text=MARKER))  # encoding 3: UTF-8
    tags.save(mp3)
    _patch_bytes(mp3, MARKER.encode(), b"\xc0\xc1\xf5\xff\xfe\xed\xa0\x80")
    make_audio(root / "c.flac", artist="Fine", album="Fine", title="c")

    summary = scan_library(session, root)

    assert summary.files_seen == 3
    assert summary.added + len(summary.errors) == 3
    assert summary.added >= 1
    for _artist, _album, title in _stored(session):
        title.encode("utf-8")  # whatever was stored is valid text


def test_a_nul_character_in_a_tag_is_dropped_so_any_database_stores_it(
    session, tmp_path: Path
) -> None:
    """PostgreSQL refuses NUL in text: a tag holding one would fail the file there."""
    root = tmp_path / "music"
    song = make_audio(root / "a.flac", artist="Nul", album="Nul", title="x")
    tags = FLAC(song)
    tags["title"] = "Before\x00After"
    tags["artist"] = "Art\x00ist"
    tags.save()

    summary = scan_library(session, root)

    assert (summary.added, summary.errors) == (1, [])
    assert _stored(session) == [("Artist", "Nul", "BeforeAfter")]


def test_zero_length_and_header_only_files_are_named_and_the_rest_scanned(
    session, tmp_path: Path
) -> None:
    root = tmp_path / "music"
    (root / "x").mkdir(parents=True)
    empty = root / "x" / "empty.mp3"
    empty.touch()
    header = root / "x" / "header.flac"
    header.write_bytes(b"fLaC")
    make_audio(root / "x" / "good.ogg", artist="Fine", album="Fine", title="good")

    summary = scan_library(session, root)

    assert (summary.files_seen, summary.added) == (3, 1)
    assert sorted(error.path for error in summary.errors) == sorted(
        str(path.resolve()) for path in (empty, header)
    )


def test_symlink_loops_end_the_walk_and_a_looping_file_is_named(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "band" / "a.mp3", artist="Loop", album="Loop", title="a")
    (root / "band" / "again").symlink_to(root / "band")  # a folder loop
    (root / "band" / "up").symlink_to(root)
    (root / "one.mp3").symlink_to(root / "two.mp3")  # a file loop
    (root / "two.mp3").symlink_to(root / "one.mp3")

    summary = scan_library(session, root)

    assert summary.added == 1
    assert sorted(error.path for error in summary.errors) == [
        str(root.resolve() / "one.mp3"),
        str(root.resolve() / "two.mp3"),
    ]
    assert all("symbolic links" in error.reason for error in summary.errors)


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root reads a file of mode 000, so an unreadable file cannot be made here",
)
def test_an_unreadable_file_is_named_and_the_rest_scanned(session, tmp_path: Path) -> None:
    root = tmp_path / "music"
    locked = make_audio(root / "locked.mp3", artist="Fine", album="Fine", title="locked")
    make_audio(root / "open.mp3", artist="Fine", album="Fine", title="open")
    locked.chmod(0)
    try:
        summary = scan_library(session, root)
    finally:
        locked.chmod(0o644)
    assert summary.added == 1
    assert [error.path for error in summary.errors] == [str(locked.resolve())]
