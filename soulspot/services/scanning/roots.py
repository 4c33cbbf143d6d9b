"""Which folders may be scanned: an existing directory, never a system folder, and for the
API only one under the configured music folders."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from soulspot.errors import ValidationError
from soulspot.services.scanning.files import display_path, is_utf8

#: Never scanned, nor anything under them (after resolving symlinks), nor the filesystem root.
#: /var is not listed: MPD's default library is /var/lib/mpd/music.
SYSTEM_FOLDERS = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
)


def resolve_root(root: str | os.PathLike[str]) -> Path:
    """The real path of a library root; a missing path, a file, a name that cannot be stored,
    the filesystem root or a system folder is a ValidationError."""
    path = Path(root)
    try:
        exists, is_dir = path.exists(), path.is_dir()
        resolved = path.resolve()
    except (OSError, ValueError) as exc:  # e.g. a NUL byte or a name too long for the OS
        raise ValidationError(f"library path is not usable: {exc}", code="invalid_path") from exc
    shown = display_path(str(path))
    if not exists:
        raise ValidationError(f"library path does not exist: {shown}", code="invalid_path")
    if not is_dir:
        raise ValidationError(f"library path is not a directory: {shown}", code="invalid_path")
    if not is_utf8(str(resolved)):
        raise ValidationError(
            f"library path is not valid UTF-8, so its files cannot be stored: {shown}",
            code="invalid_path",
        )
    if resolved.parent == resolved or _is_system(resolved):
        raise ValidationError(
            f"{resolved} is a system folder, not a music library", code="path_not_allowed"
        )
    return resolved


def allowed_root(root: str | os.PathLike[str], music_dirs: Sequence[str]) -> Path:
    """resolve_root, and with `music_dirs` configured only a folder inside one of them."""
    resolved = resolve_root(root)
    if music_dirs and not any(_within(resolved, Path(allowed).resolve()) for allowed in music_dirs):
        raise ValidationError(
            f"{resolved} is not inside the music folders this server may scan "
            f"(SOULSPOT_MUSIC_DIRS: {', '.join(music_dirs)})",
            code="path_not_allowed",
        )
    return resolved


def _is_system(path: Path) -> bool:
    # /lib may be a link to /usr/lib, /etc one to /private/etc: check both spellings.
    folders = {Path(folder) for folder in SYSTEM_FOLDERS}
    folders |= {folder.resolve() for folder in folders}
    return any(_within(path, folder) for folder in folders)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
