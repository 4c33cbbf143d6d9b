"""Tag reading across formats, on real tiny files built with mutagen."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from soulspot.services.scanning import tags as tags_module
from soulspot.services.scanning.tags import AUDIO_SUFFIXES, TagReadError, read_tags
from tests.audio import SUFFIXES, make_audio

ARTIST_ID = "5b11f4ce-a62d-471e-81fc-a69a8278c7da"
ALBUM_ARTIST_ID = "65f4f0c5-ef9e-490c-aee3-909e7ae6b2ab"
GROUP_ID = "1b022e01-4da6-387b-8658-8678046e4cef"
RECORDING_ID = "9d4a4a1b-7f2c-4a5e-9a77-3b1c2d4e5f60"

FULL_TAGS = {
    "artist": "Nirvana",
    "albumartist": "Nirvana Album Artist",
    "album": "Nevermind",
    "title": "Lithium",
    "date": "1991-09-24",
    "track": "5/12",
    "disc": "1/2",
    "isrc": "USGF19942505",
    "artistsort": "Nirvana, The",
    "albumartistsort": "Album Artist, Nirvana",
    "mb_artistid": ARTIST_ID,
    "mb_albumartistid": ALBUM_ARTIST_ID,
    "mb_releasegroupid": GROUP_ID,
    "mb_recordingid": RECORDING_ID,
}


def test_every_built_format_is_a_scanned_suffix() -> None:
    assert set(SUFFIXES) <= AUDIO_SUFFIXES


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_reads_every_field_of_every_format(tmp_path: Path, suffix: str) -> None:
    path = make_audio(tmp_path / f"song{suffix}", **FULL_TAGS)

    tags = read_tags(path)

    assert tags.title == "Lithium"
    assert tags.artist == "Nirvana"
    assert tags.album_artist == "Nirvana Album Artist"
    assert tags.album == "Nevermind"
    assert tags.year == 1991
    assert (tags.track_number, tags.disc_number) == (5, 1)
    assert tags.isrc == "USGF19942505"
    assert tags.artist_sort == "Nirvana, The"
    assert tags.album_artist_sort == "Album Artist, Nirvana"
    assert tags.artist_mbid == ARTIST_ID
    assert tags.album_artist_mbid == ALBUM_ARTIST_ID
    assert tags.release_group_mbid == GROUP_ID
    assert tags.recording_mbid == RECORDING_ID
    assert tags.compilation is False
    assert tags.duration_ms is not None and tags.duration_ms > 0


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_compilation_flag(tmp_path: Path, suffix: str) -> None:
    path = make_audio(tmp_path / f"song{suffix}", title="x", compilation=True)
    assert read_tags(path).compilation is True


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_untagged_file_has_duration_and_no_tags(tmp_path: Path, suffix: str) -> None:
    tags = read_tags(make_audio(tmp_path / f"bare{suffix}"))

    assert tags.title is None and tags.artist is None and tags.album is None
    assert tags.track_number is None and tags.artist_mbid is None
    assert tags.duration_ms is not None and tags.duration_ms > 0


def test_durations_follow_the_stream(tmp_path: Path) -> None:
    # FLAC: 8192 samples at 8 kHz; Opus: 48000 samples after pre-skip; WAV: 800 frames at 8 kHz.
    assert read_tags(make_audio(tmp_path / "a.flac")).duration_ms == 1024
    assert read_tags(make_audio(tmp_path / "a.opus")).duration_ms == 1000
    assert read_tags(make_audio(tmp_path / "a.wav")).duration_ms == 100


def test_id3v23_year_and_slash_joined_ids(tmp_path: Path) -> None:
    path = make_audio(
        tmp_path / "old.mp3",
        date="1994",
        mb_artistid=f"{ARTIST_ID}/{ALBUM_ARTIST_ID}",
        id3v23=True,
    )

    tags = read_tags(path)

    assert tags.year == 1994
    assert tags.artist_mbid == ARTIST_ID


@pytest.mark.parametrize(
    ("track", "expected"),
    [("7", 7), ("07", 7), ("7/12", 7), (" 7 / 12", 7), ("0", None), ("A1", None), ("", None)],
)
def test_track_number_forms(tmp_path: Path, track: str, expected: int | None) -> None:
    path = make_audio(tmp_path / "t.flac", track=track)
    assert read_tags(path).track_number == expected


def test_garbage_ids_and_isrc_are_dropped(tmp_path: Path) -> None:
    path = make_audio(tmp_path / "g.flac", mb_artistid="not-a-uuid", isrc="nope", date="sometime")

    tags = read_tags(path)

    assert tags.artist_mbid is None
    assert tags.isrc is None
    assert tags.year is None


def test_blank_values_count_as_absent(tmp_path: Path) -> None:
    path = make_audio(tmp_path / "b.flac", artist="   ", album="", title="Real")

    tags = read_tags(path)

    assert (tags.artist, tags.album, tags.title) == (None, None, "Real")


@pytest.mark.parametrize("suffix", [".mp3", ".flac", ".m4a", ".ogg"])
def test_corrupt_file_raises_tag_read_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"\x00garbage" * 64)

    with pytest.raises(TagReadError) as caught:
        read_tags(path)

    assert caught.value.path == str(path)
    assert caught.value.reason


def test_truncated_flac_raises_tag_read_error(tmp_path: Path) -> None:
    path = make_audio(tmp_path / "cut.flac", title="x")
    path.write_bytes(path.read_bytes()[:20])

    with pytest.raises(TagReadError):
        read_tags(path)


def test_any_parser_exception_becomes_a_tag_read_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(name):
        raise IndexError("list index out of range")

    monkeypatch.setattr(tags_module.mutagen, "File", explode)

    with pytest.raises(TagReadError, match="IndexError: list index out of range"):
        read_tags("/music/hostile.mp3")


@pytest.mark.parametrize("length", [float("nan"), float("inf"), -1.0, 0, None])
def test_unusable_stream_lengths_give_no_duration(
    monkeypatch: pytest.MonkeyPatch, length: float | None
) -> None:
    audio = SimpleNamespace(info=SimpleNamespace(length=length), tags=None)
    monkeypatch.setattr(tags_module.mutagen, "File", lambda name: audio)

    assert read_tags("/music/odd.mp3").duration_ms is None
