"""The artwork folder: one file per entity, written atomically, verified to be a real image."""

from __future__ import annotations

import os
import re
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from soulspot.processes import is_gone
from soulspot.services.artwork.safety import ArtworkError, Reason

#: Pillow format name -> the extension we store it under. MPO is a JPEG with extra frames
#: (cameras write it); Pillow's JPEG reader reports it as such.
FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
READERS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = ("jpg", "png", "webp")
FOLDERS = {"artist": "artists", "album": "albums"}
#: Beyond this an image is refused before decoding, which bounds the memory a decode takes.
MAX_PIXELS = 40_000_000
PARTIAL_SUFFIX = ".part"
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: `.<entity id>.<host>@<pid>.<random>.part`: the writer of a partial download.
_PARTIAL_WRITER = re.compile(r"\.[A-Za-z0-9_-]+\.(.+)@(\d+)\.[^.]+\.part$")
#: A stored file's mode before the umask: what open() would give it (mkstemp gives 0600).
FILE_MODE = 0o666
#: Where Linux (4.7+) reports the process umask without changing it.
PROC_STATUS = "/proc/self/status"


def _proc_umask() -> int | None:
    try:
        with open(PROC_STATUS, encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _umask_at_import() -> int:
    """The umask as the process starts, for systems without PROC_STATUS.

    os.umask() reads the mask only by setting it, for the whole process. Done once here, at
    import (before a server starts its threads), and with the strictest mask in between, so
    a file another thread creates at that instant is never more readable than intended.
    """
    known = _proc_umask()
    if known is not None:
        return known
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


_IMPORT_UMASK = _umask_at_import()


def process_umask() -> int:
    """The process umask now where the OS can tell without changing it, else as at import."""
    current = _proc_umask()
    return _IMPORT_UMASK if current is None else current


@dataclass(frozen=True)
class StoredImage:
    """A stored image; `path` is relative to the artwork folder (what the DB records)."""

    path: str
    format: str
    width: int
    height: int
    size: int


class ArtworkStore:
    """ARTWORK_DIR/artists/<id>.<ext> and ARTWORK_DIR/albums/<id>.<ext>, nothing else."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def save(self, kind: str, entity_id: str, write: Callable[[BinaryIO], int]) -> StoredImage:
        """Let `write` fill a temporary file, verify it, then move it into place atomically.

        Whatever fails, the temporary file is removed: the folder only ever holds images.
        The stored file gets the mode the umask gives new files (0644 under umask 022).
        """
        folder = self._folder(kind)
        folder.mkdir(parents=True, exist_ok=True)
        _check_id(entity_id)
        # The writer's host and pid in the name: a restart removes what a dead one left.
        descriptor, temporary = tempfile.mkstemp(
            dir=folder,
            prefix=f".{entity_id}.{socket.gethostname()}@{os.getpid()}.",
            suffix=PARTIAL_SUFFIX,
        )
        try:
            with os.fdopen(descriptor, "wb") as handle:
                size = write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            image_format, width, height = inspect_image(temporary)
            extension = FORMATS[image_format]
            # Readable as any file this process writes (a media server may run as another user).
            os.chmod(temporary, FILE_MODE & ~process_umask())
            os.replace(temporary, folder / f"{entity_id}.{extension}")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for other in EXTENSIONS:  # a new format must not leave the old file behind
            if other != extension:
                (folder / f"{entity_id}.{other}").unlink(missing_ok=True)
        return StoredImage(
            path=f"{FOLDERS[kind]}/{entity_id}.{extension}",
            format="jpeg" if extension == "jpg" else extension,
            width=width,
            height=height,
            size=size,
        )

    def locate(self, kind: str, entity_id: str, recorded: str | None) -> Path | None:
        """The file `recorded` for this entity when it is one we wrote and it still exists.

        The path is rebuilt from the layout, never taken from `recorded`, so no stored value
        can point outside the artwork folder.
        """
        if not recorded or not _SAFE_ID.fullmatch(entity_id):
            return None
        for extension in EXTENSIONS:
            relative = f"{FOLDERS[kind]}/{entity_id}.{extension}"
            if recorded == relative:
                path = self.root / relative
                inside = path.resolve().is_relative_to(self.root)  # a symlink may not lead out
                return path if inside and path.is_file() else None
        return None

    def sweep_partials(self, older_than: float = 3600.0) -> int:
        """Remove temporary files a crashed download left behind; return how many.

        A file is left behind when its writer, a process of this machine, is gone, or (a
        writer elsewhere, sharing the folder) when it is older than `older_than` seconds.
        """
        removed = 0
        cutoff = time.time() - older_than
        for folder in FOLDERS.values():
            for path in (self.root / folder).glob(f".*{PARTIAL_SUFFIX}"):
                writer = _PARTIAL_WRITER.match(path.name)
                try:
                    if (writer and is_gone(*writer.groups())) or path.stat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
                except FileNotFoundError:
                    continue
        return removed

    def stored_files(self, kind: str) -> Iterator[str]:
        """The relative path of every image file of this kind (temporary files left out)."""
        for extension in EXTENSIONS:
            for path in self._folder(kind).glob(f"[!.]*.{extension}"):
                yield f"{FOLDERS[kind]}/{path.name}"

    def remove(self, relative: str) -> None:
        """Delete one stored file (a relative path `stored_files` gave)."""
        (self.root / relative).unlink(missing_ok=True)

    def _folder(self, kind: str) -> Path:
        return self.root / FOLDERS[kind]


def inspect_image(path: str | Path) -> tuple[str, int, int]:
    """(Pillow format, width, height) of a JPEG, PNG or WebP file that fully decodes."""
    try:
        with Image.open(path, formats=READERS) as image:
            image_format = str(image.format)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ArtworkError(Reason.TOO_LARGE, f"{width}x{height} pixels")
            image.verify()  # structure and checksums (PNG) without decoding
        with Image.open(path, formats=READERS) as image:
            # A JPEG decodes at 1/8 scale: still every byte of the stream, an eighth of the RAM.
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()  # a truncated file fails here
    except ArtworkError:
        raise
    except Exception as exc:  # Pillow fails in many ways on malformed input; all mean "not one"
        raise ArtworkError(Reason.NOT_AN_IMAGE, f"{type(exc).__name__}: {exc}") from exc
    if image_format not in FORMATS:
        raise ArtworkError(Reason.NOT_AN_IMAGE, f"unexpected format {image_format}")
    return image_format, width, height


def _check_id(entity_id: str) -> None:
    if not _SAFE_ID.fullmatch(entity_id):
        raise ValueError(f"not a storable entity id: {entity_id!r}")
