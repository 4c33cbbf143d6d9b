"""Tiny audio files for tests and benchmarks: hand-built minimal containers, tagged by mutagen."""

from __future__ import annotations

import struct
import wave
from pathlib import Path
from typing import Any

from mutagen.aiff import AIFF
from mutagen.flac import FLAC
from mutagen.id3 import TXXX, UFID, Frames
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4FreeForm
from mutagen.ogg import OggPage
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

# mutagen cannot encode audio, so each builder writes the smallest container mutagen (and, where
# cheap, a real decoder) accepts:
#
# - MP3: CBR MPEG-1 Layer III frames of silence (a valid header and zeroed side info/payload).
# - FLAC: a STREAMINFO block and CONSTANT subframes with both CRCs: a decodable, silent stream.
# - WAV: the standard library's `wave`; AIFF: COMM + SSND chunks written by hand. Both carry ID3.
# - Opus: OpusHead, OpusTags and 1-byte packets (a TOC byte, i.e. a valid zero-length frame).
# - Ogg Vorbis: genuine identification and comment headers; the setup header and the audio
#   packet are placeholders (a real setup header needs an encoder's codebooks). mutagen reads
#   neither, so the tag and duration layers are exercised faithfully.
# - M4A: ftyp + moov (mvhd, trak/mdia with mdhd and a `soun` hdlr) and an empty mdat: a
#   container skeleton without AAC samples; the ilst tags are real, written by mutagen.

SUFFIXES = (".mp3", ".flac", ".wav", ".aiff", ".ogg", ".opus", ".m4a")

# Logical tag name -> (ID3 frame, Vorbis comment key, MP4 atom).
_TEXT_FIELDS = {
    "artist": ("TPE1", "ARTIST", "\xa9ART"),
    "albumartist": ("TPE2", "ALBUMARTIST", "aART"),
    "album": ("TALB", "ALBUM", "\xa9alb"),
    "title": ("TIT2", "TITLE", "\xa9nam"),
    "date": ("TDRC", "DATE", "\xa9day"),
    "artistsort": ("TSOP", "ARTISTSORT", "soar"),
    "albumartistsort": ("TSO2", "ALBUMARTISTSORT", "soaa"),
    "isrc": ("TSRC", "ISRC", "----:com.apple.iTunes:ISRC"),
}
_MB_FIELDS = {
    "mb_artistid": ("MusicBrainz Artist Id", "MUSICBRAINZ_ARTISTID"),
    "mb_albumartistid": ("MusicBrainz Album Artist Id", "MUSICBRAINZ_ALBUMARTISTID"),
    "mb_releasegroupid": ("MusicBrainz Release Group Id", "MUSICBRAINZ_RELEASEGROUPID"),
    "mb_recordingid": ("MusicBrainz Track Id", "MUSICBRAINZ_TRACKID"),
}


def make_audio(path: Path, **tags: Any) -> Path:
    """Build a tiny file of the format its suffix names and write `tags` into it.

    Tag names: artist, albumartist, album, title, date, track ("3" or "3/12"), disc, isrc,
    compilation (bool), artistsort, albumartistsort, mb_artistid, mb_albumartistid,
    mb_releasegroupid, mb_recordingid. `id3v23=True` saves ID3 as v2.3 (TYER instead of TDRC).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    builders = {
        ".mp3": _write_mp3,
        ".flac": _write_flac,
        ".wav": _write_wav,
        ".aiff": _write_aiff,
        ".ogg": _write_vorbis,
        ".opus": _write_opus,
        ".m4a": _write_m4a,
    }
    builders[suffix](path)
    id3v23 = tags.pop("id3v23", False)
    if tags:
        write_tags(path, id3v23=id3v23, **tags)
    return path


def write_tags(path: Path, *, id3v23: bool = False, **tags: Any) -> None:
    """Replace the tags of a file built by make_audio."""
    suffix = path.suffix.lower()
    if suffix in (".mp3", ".wav", ".aiff"):
        _tag_id3(path, tags, v2_version=3 if id3v23 else 4)
    elif suffix == ".m4a":
        _tag_mp4(path, tags)
    else:
        _tag_vorbis(path, tags)


# --- containers --------------------------------------------------------------------------


def _write_mp3(path: Path, frames: int = 8) -> None:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono, no CRC: 417-byte frames.
    header = bytes([0xFF, 0xFB, 0x90, 0xC0])
    path.write_bytes((header + bytes(417 - len(header))) * frames)


def _write_wav(path: Path) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(2 * 800))


def _write_aiff(path: Path) -> None:
    frames = 800
    # 8000.0 as an 80-bit IEEE 754 extended float.
    rate = bytes([0x40, 0x0B, 0xFA, 0, 0, 0, 0, 0, 0, 0])
    comm = b"COMM" + struct.pack(">IhIh", 18, 1, frames, 16) + rate
    sound = bytes(2 * frames)
    ssnd = b"SSND" + struct.pack(">III", 8 + len(sound), 0, 0) + sound
    body = b"AIFF" + comm + ssnd
    path.write_bytes(b"FORM" + struct.pack(">I", len(body)) + body)


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def _write_flac(path: Path, frames: int = 2) -> None:
    block, rate = 4096, 8000
    info = struct.pack(">HH", block, block) + bytes(6)  # min/max frame size unknown
    # 20 bits rate, 3 bits channels-1 (mono), 5 bits bps-1 (16), 36 bits total samples.
    packed = (rate << 44) | (0 << 41) | (15 << 36) | (block * frames)
    info += packed.to_bytes(8, "big") + bytes(16)  # MD5 zero = unknown
    out = b"fLaC" + bytes([0x80]) + len(info).to_bytes(3, "big") + info
    for number in range(frames):
        # sync, fixed block size; 4096 samples, 8 kHz; mono, 16-bit; frame number (UTF-8, <128)
        head = bytes([0xFF, 0xF8, 0xC4, 0x08, number])
        frame = head + bytes([_crc8(head)]) + bytes([0x00]) + bytes(2)  # CONSTANT subframe 0
        out += frame + _crc16(frame).to_bytes(2, "big")
    path.write_bytes(out)


def _ogg(path: Path, header_pages: list[list[bytes]], audio: list[bytes], granule: int) -> None:
    pages = []
    for index, packets in enumerate([*header_pages, audio]):
        page = OggPage()
        page.serial = 0x50C1
        page.sequence = index
        page.packets = packets
        page.position = 0 if index < len(header_pages) else granule
        page.first = index == 0
        page.last = index == len(header_pages)
        pages.append(page.write())
    path.write_bytes(b"".join(pages))


def _write_vorbis(path: Path) -> None:
    ident = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 1, 8000, 0, 0, 0, 0xB8, 1)
    comment = b"\x03vorbis" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0) + b"\x01"
    setup = b"\x05vorbis" + bytes(8)
    _ogg(path, [[ident], [comment, setup]], [b"\x00"], granule=8000)


def _write_opus(path: Path) -> None:
    pre_skip = 312
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    # 0xF8: CELT fullband 20 ms, mono, one frame; empty frame data is valid (decoded as PLC).
    _ogg(path, [[head], [tags]], [b"\xf8"] * 50, granule=48000 + pre_skip)


def _atom(name: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + name + payload


def _write_m4a(path: Path) -> None:
    timescale, duration = 8000, 8000
    mvhd = _atom(
        b"mvhd",
        bytes(4) + struct.pack(">IIII", 0, 0, timescale, duration) + bytes(80),
    )
    mdhd = _atom(b"mdhd", bytes(4) + struct.pack(">IIIIHH", 0, 0, timescale, duration, 0, 0))
    hdlr = _atom(b"hdlr", bytes(4) + bytes(4) + b"soun" + bytes(12) + b"\x00")
    trak = _atom(b"trak", _atom(b"mdia", mdhd + hdlr))
    ftyp = _atom(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A mp42isom")
    path.write_bytes(ftyp + _atom(b"moov", mvhd + trak) + _atom(b"mdat", b""))


# --- tags --------------------------------------------------------------------------------


def _split_number(value: Any) -> tuple[int, int]:
    number, _, total = str(value).partition("/")
    return int(number), int(total or 0)


def _tag_id3(path: Path, tags: dict[str, Any], v2_version: int) -> None:
    kinds = {".mp3": MP3, ".wav": WAVE, ".aiff": AIFF}
    audio = kinds[path.suffix.lower()](str(path))
    if audio.tags is None:
        audio.add_tags()
    id3 = audio.tags
    id3.clear()
    for name, value in tags.items():
        if name in _TEXT_FIELDS:
            id3.add(Frames[_TEXT_FIELDS[name][0]](encoding=3, text=[str(value)]))
        elif name == "track":
            id3.add(Frames["TRCK"](encoding=3, text=[str(value)]))
        elif name == "disc":
            id3.add(Frames["TPOS"](encoding=3, text=[str(value)]))
        elif name == "compilation":
            id3.add(Frames["TCMP"](encoding=3, text=["1" if value else "0"]))
        elif name == "mb_recordingid":
            id3.add(UFID(owner="http://musicbrainz.org", data=str(value).encode()))
        elif name in _MB_FIELDS:
            id3.add(TXXX(encoding=3, desc=_MB_FIELDS[name][0], text=[str(value)]))
        else:
            raise KeyError(name)
    audio.save(v2_version=v2_version)


def _tag_vorbis(path: Path, tags: dict[str, Any]) -> None:
    kinds = {".flac": FLAC, ".ogg": OggVorbis, ".opus": OggOpus}
    audio = kinds[path.suffix.lower()](str(path))
    if audio.tags is None:
        audio.add_tags()
    audio.tags.clear()
    for name, value in tags.items():
        if name in _TEXT_FIELDS:
            audio.tags[_TEXT_FIELDS[name][1]] = [str(value)]
        elif name == "track":
            audio.tags["TRACKNUMBER"] = [str(value)]
        elif name == "disc":
            audio.tags["DISCNUMBER"] = [str(value)]
        elif name == "compilation":
            audio.tags["COMPILATION"] = ["1" if value else "0"]
        elif name in _MB_FIELDS:
            audio.tags[_MB_FIELDS[name][1]] = [str(value)]
        else:
            raise KeyError(name)
    audio.save()


def _tag_mp4(path: Path, tags: dict[str, Any]) -> None:
    audio = MP4(str(path))
    if audio.tags is None:
        audio.add_tags()
    audio.tags.clear()
    for name, value in tags.items():
        if name == "isrc":
            audio.tags[_TEXT_FIELDS[name][2]] = [MP4FreeForm(str(value).encode())]
        elif name in _TEXT_FIELDS:
            audio.tags[_TEXT_FIELDS[name][2]] = [str(value)]
        elif name == "track":
            audio.tags["trkn"] = [_split_number(value)]
        elif name == "disc":
            audio.tags["disk"] = [_split_number(value)]
        elif name == "compilation":
            audio.tags["cpil"] = bool(value)
        elif name in _MB_FIELDS:
            key = f"----:com.apple.iTunes:{_MB_FIELDS[name][0]}"
            audio.tags[key] = [MP4FreeForm(str(value).encode())]
        else:
            raise KeyError(name)
    audio.save()
