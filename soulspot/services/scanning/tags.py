"""Read the tags the library needs from one audio file with mutagen (ID3, Vorbis comments, MP4)."""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mutagen
from mutagen.id3 import ID3
from mutagen.mp4 import MP4Tags

#: File suffixes the scanner reads; everything else under the library root is ignored.
AUDIO_SUFFIXES = frozenset(
    {".mp3", ".flac", ".m4a", ".mp4", ".ogg", ".oga", ".opus", ".wav", ".aif", ".aiff", ".aifc"}
)

_YEAR = re.compile(r"\b(\d{4})\b")
_LEADING_INT = re.compile(r"\s*(\d+)")


class TagReadError(Exception):
    """The file could not be parsed as audio; `reason` is a short human-readable cause."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TrackTags:
    """What one file says about itself; None where the tag is absent or unusable."""

    title: str | None = None
    artist: str | None = None
    album_artist: str | None = None
    album: str | None = None
    year: int | None = None
    track_number: int | None = None
    disc_number: int | None = None
    duration_ms: int | None = None
    isrc: str | None = None
    compilation: bool = False
    artist_sort: str | None = None
    album_artist_sort: str | None = None
    artist_mbid: str | None = None
    album_artist_mbid: str | None = None
    release_group_mbid: str | None = None
    recording_mbid: str | None = None


def read_tags(path: str | Path) -> TrackTags:
    """Parse `path`; raises TagReadError when it is not readable audio."""
    name = str(path)
    try:
        audio = mutagen.File(name)
        if audio is None:
            raise TagReadError(name, "not a recognised audio format")
        length = getattr(audio.info, "length", None)
        usable = isinstance(length, float | int) and math.isfinite(length) and length > 0
        duration_ms = round(length * 1000) if usable else None
        return TrackTags(duration_ms=duration_ms, **_fields(audio.tags))
    except TagReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - hostile files make mutagen raise almost anything
        raise TagReadError(name, _reason(exc)) from exc


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _fields(tags: Any) -> dict[str, Any]:
    if tags is None:
        return {}
    if isinstance(tags, ID3):
        getter = _id3_getter(tags)
    elif isinstance(tags, MP4Tags):
        getter = _mp4_getter(tags)
    elif isinstance(tags, list):  # Vorbis comments are a list of (key, value) pairs
        getter = _vorbis_getter(tags)
    else:
        return {}
    return _normalise(getter)


# A getter maps a logical name to the tag's raw values (strings, or ints for MP4 numbers).
Getter = Callable[[str], list[Any]]

_ID3_TEXT = {
    "title": "TIT2",
    "artist": "TPE1",
    "album_artist": "TPE2",
    "album": "TALB",
    "date": "TDRC",
    "original_date": "TDOR",
    "track": "TRCK",
    "disc": "TPOS",
    "isrc": "TSRC",
    "compilation": "TCMP",
    "artist_sort": "TSOP",
    "album_artist_sort": "TSO2",
}
_MB_DESCRIPTIONS = {
    "artist_mbid": "musicbrainz artist id",
    "album_artist_mbid": "musicbrainz album artist id",
    "release_group_mbid": "musicbrainz release group id",
}


def _id3_getter(tags: ID3) -> Getter:
    user = {frame.desc.casefold(): list(frame.text) for frame in tags.getall("TXXX")}

    def get(name: str) -> list[Any]:
        if name in _ID3_TEXT:
            frame = tags.get(_ID3_TEXT[name])
            return [str(value) for value in frame.text] if frame is not None else []
        if name == "recording_mbid":
            return [
                frame.data.decode("ascii", "replace")
                for frame in tags.getall("UFID")
                if frame.owner == "http://musicbrainz.org"
            ]
        return user.get(_MB_DESCRIPTIONS.get(name, ""), [])

    return get


_VORBIS_KEYS = {
    "title": ("title",),
    "artist": ("artist",),
    "album_artist": ("albumartist", "album artist", "album_artist"),
    "album": ("album",),
    "date": ("date", "year"),
    "original_date": ("originaldate", "originalyear"),
    "track": ("tracknumber",),
    "disc": ("discnumber",),
    "isrc": ("isrc",),
    "compilation": ("compilation",),
    "artist_sort": ("artistsort",),
    "album_artist_sort": ("albumartistsort",),
    "artist_mbid": ("musicbrainz_artistid",),
    "album_artist_mbid": ("musicbrainz_albumartistid",),
    "release_group_mbid": ("musicbrainz_releasegroupid",),
    # Picard's MUSICBRAINZ_TRACKID holds the recording id (the release track id has its own key).
    "recording_mbid": ("musicbrainz_trackid",),
}


def _vorbis_getter(tags: Iterable[tuple[str, str]]) -> Getter:
    by_key: dict[str, list[str]] = {}
    for key, value in tags:
        by_key.setdefault(key.lower(), []).append(value)

    def get(name: str) -> list[Any]:
        for key in _VORBIS_KEYS.get(name, ()):
            if key in by_key:
                return by_key[key]
        return []

    return get


_ITUNES = "----:com.apple.iTunes:"
_MP4_KEYS = {
    "title": "\xa9nam",
    "artist": "\xa9ART",
    "album_artist": "aART",
    "album": "\xa9alb",
    "date": "\xa9day",
    "track": "trkn",
    "disc": "disk",
    "compilation": "cpil",
    "artist_sort": "soar",
    "album_artist_sort": "soaa",
    "isrc": _ITUNES + "ISRC",
    "artist_mbid": _ITUNES + "MusicBrainz Artist Id",
    "album_artist_mbid": _ITUNES + "MusicBrainz Album Artist Id",
    "release_group_mbid": _ITUNES + "MusicBrainz Release Group Id",
    "recording_mbid": _ITUNES + "MusicBrainz Track Id",
}


def _mp4_getter(tags: MP4Tags) -> Getter:
    def get(name: str) -> list[Any]:
        key = _MP4_KEYS.get(name)
        value = tags.get(key) if key else None
        if value is None:
            return []
        if isinstance(value, bool):
            return [value]
        out: list[Any] = []
        for item in value:
            if isinstance(item, bytes):  # freeform atoms hold UTF-8 bytes
                out.append(item.decode("utf-8", "replace"))
            elif isinstance(item, tuple):  # trkn/disk: (number, total)
                out.append(item[0])
            else:
                out.append(item)
        return out

    return get


def _normalise(get: Getter) -> dict[str, Any]:
    return {
        "title": _text(get("title")),
        "artist": _text(get("artist")),
        "album_artist": _text(get("album_artist")),
        "album": _text(get("album")),
        "year": _year(get("date")) or _year(get("original_date")),
        "track_number": _number(get("track")),
        "disc_number": _number(get("disc")),
        "isrc": _isrc(get("isrc")),
        "compilation": _flag(get("compilation")),
        "artist_sort": _text(get("artist_sort")),
        "album_artist_sort": _text(get("album_artist_sort")),
        "artist_mbid": _mbid(get("artist_mbid")),
        "album_artist_mbid": _mbid(get("album_artist_mbid")),
        "release_group_mbid": _mbid(get("release_group_mbid")),
        "recording_mbid": _mbid(get("recording_mbid")),
    }


def _clean(value: Any) -> str:
    """A tag value as text without NUL characters (PostgreSQL refuses them in text)."""
    return str(value).replace("\x00", "").strip()


def _text(values: list[Any]) -> str | None:
    """Multi-valued text (e.g. ID3v2.4 artists) joined with '; '; blank means absent."""
    parts = [text for text in map(_clean, values) if text]
    return "; ".join(parts)[:512] if parts else None


def _first(values: list[Any]) -> str | None:
    for value in values:
        text = _clean(value)
        if text:
            return text
    return None


def _year(values: list[Any]) -> int | None:
    match = _YEAR.search(_first(values) or "")
    return int(match.group(1)) if match and 1000 <= int(match.group(1)) <= 2999 else None


def _number(values: list[Any]) -> int | None:
    """'3', '03', '3/12' and MP4's (3, 12) all give 3; 0 and garbage give None."""
    first = values[0] if values else None
    if isinstance(first, int) and not isinstance(first, bool):
        return first or None
    match = _LEADING_INT.match(_first(values) or "")
    return (int(match.group(1)) or None) if match else None


def _flag(values: list[Any]) -> bool:
    first = values[0] if values else None
    if isinstance(first, bool):
        return first
    return (_first(values) or "").lower() in {"1", "true", "yes"}


def _isrc(values: list[Any]) -> str | None:
    text = (_first(values) or "").replace("-", "").upper()
    return text if len(text) == 12 and text.isalnum() else None


def _mbid(values: list[Any]) -> str | None:
    """The first id of a (possibly multi-valued) MBID tag, or None if it is not a UUID."""
    text = _first(values)
    if text is None:
        return None
    # ID3v2.3 joins multiple values with '/', Vorbis/ID3v2.4 use separate values.
    head = re.split(r"[/;\x00]", text, maxsplit=1)[0].strip()
    try:
        return str(uuid.UUID(head))
    except ValueError:
        return None
