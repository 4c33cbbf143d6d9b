"""List the audio files under a library root with size and mtime, noting what was unreadable."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from soulspot.services.scanning.tags import AUDIO_SUFFIXES


class AudioFile(NamedTuple):
    path: str
    size: int
    mtime: float


@dataclass(slots=True)
class Listing:
    """The audio files found, and the (path, reason) of folders and files that could not be read."""

    files: list[AudioFile] = field(default_factory=list)
    unreadable_folders: list[tuple[str, str]] = field(default_factory=list)
    unreadable_files: list[tuple[str, str]] = field(default_factory=list)

    def protects(self, path: str) -> bool:
        """True if `path` may exist but was not seen, so its track must not be removed."""
        for root, _ in self.unreadable_folders + self.unreadable_files:
            if path == root or path.startswith(root + os.sep):
                return True
        return False


def list_audio_files(root: Path) -> Listing:
    """Audio files under root, depth-first in name order; dot-files and dot-folders skipped.

    Symlinked files are followed, symlinked folders are not (no loops, no escaping the root).
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
            try:
                if entry.is_dir(follow_symlinks=False):
                    subdirs.append(entry.path)
                    continue
                if os.path.splitext(entry.name)[1].lower() not in AUDIO_SUFFIXES:
                    continue
                info = entry.stat()
            except OSError as exc:
                listing.unreadable_files.append((entry.path, f"unreadable: {_why(exc)}"))
                continue
            if stat.S_ISREG(info.st_mode):
                listing.files.append(AudioFile(entry.path, info.st_size, info.st_mtime))
        stack.extend(reversed(subdirs))
    return listing


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)
