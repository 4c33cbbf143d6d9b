"""List the audio files under a library root with size and mtime, noting what was unreadable."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from soulspot.services.scanning.tags import AUDIO_SUFFIXES

BAD_FILE_NAME = (
    "file name is not valid UTF-8, so it cannot be stored; rename it (e.g. with convmv) to scan it"
)
BAD_FOLDER_NAME = (
    "folder name is not valid UTF-8, so nothing under it was scanned; rename it (e.g. with convmv)"
)


class AudioFile(NamedTuple):
    path: str
    size: int
    mtime: float
    folder: str  # the directory listed, so callers need not split the path again


@dataclass(slots=True)
class Listing:
    """The audio files found, the (path, reason) of what could not be read, and of what
    was skipped because its name cannot be stored."""

    files: list[AudioFile] = field(default_factory=list)
    unreadable_folders: list[tuple[str, str]] = field(default_factory=list)
    unreadable_files: list[tuple[str, str]] = field(default_factory=list)
    skipped_folders: list[tuple[str, str]] = field(default_factory=list)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)

    def protects(self, path: str) -> bool:
        """True if `path` may exist but was not seen, so its track must not be removed."""
        for root, _ in self.unreadable_folders + self.unreadable_files:
            if path == root or path.startswith(root + os.sep):
                return True
        return False


def list_audio_files(root: Path) -> Listing:
    """Audio files under root, depth-first in name order; dot-files and dot-folders skipped.

    Symlinked files are followed, symlinked folders are not (no loops, no escaping the root).
    Names that are not valid UTF-8 (the bytes of another encoding) are skipped and listed:
    neither SQLite nor PostgreSQL can store them as text.
    """
    listing = Listing()
    stack = [str(root)]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as found:
                entries = sorted(found, key=lambda entry: entry.name)
        except OSError as exc:
            listing.unreadable_folders.append((directory, f"unreadable folder: {_why(exc)}"))
            continue
        subdirs: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            storable = entry.name.isascii() or is_utf8(entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    if storable:
                        subdirs.append(entry.path)
                    else:
                        listing.skipped_folders.append((display_path(entry.path), BAD_FOLDER_NAME))
                    continue
                if os.path.splitext(entry.name)[1].lower() not in AUDIO_SUFFIXES:
                    continue
                if not storable:
                    listing.skipped_files.append((display_path(entry.path), BAD_FILE_NAME))
                    continue
                info = entry.stat()
            except OSError as exc:
                listing.unreadable_files.append((entry.path, f"unreadable: {_why(exc)}"))
                continue
            if stat.S_ISREG(info.st_mode):
                listing.files.append(AudioFile(entry.path, info.st_size, info.st_mtime, directory))
        stack.extend(reversed(subdirs))
    return listing


def is_utf8(name: str) -> bool:
    """False for a name holding undecodable bytes (surrogate escapes) that no database stores."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_path(path: str) -> str:
    """The path as printable text: undecodable bytes shown as `\\xNN`, the rest unchanged."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)
