"""The artwork store: layout, atomic verified writes, no junk left, no path escapes."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from PIL import Image

from soulspot.services.artwork import store as store_module
from soulspot.services.artwork.safety import ArtworkError, Reason
from soulspot.services.artwork.store import ArtworkStore
from tests.support.artwork import image_bytes

ENTITY = "3f1c2a9e-0d4b-4a57-9a0e-1f2b3c4d5e6f"


def writer(data: bytes):
    def write(sink: BinaryIO) -> int:
        sink.write(data)
        return len(data)

    return write


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_each_format_is_stored_under_its_extension(
    tmp_path: Path, fmt: str, extension: str
) -> None:
    store = ArtworkStore(tmp_path)
    stored = store.save("album", ENTITY, writer(image_bytes(fmt, (64, 48))))
    assert stored.path == f"albums/{ENTITY}.{extension}"
    assert (stored.width, stored.height, stored.format) == (64, 48, fmt.lower())
    assert files_under(tmp_path) == [tmp_path / "albums" / f"{ENTITY}.{extension}"]
    with Image.open(tmp_path / stored.path) as image:
        assert image.format == fmt


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>Not an image</body></html>",
        image_bytes("JPEG", (200, 200), noise=True)[:3000],  # truncated JPEG
        image_bytes("PNG", (200, 200), noise=True)[:5000],  # truncated PNG
        image_bytes("WEBP", (200, 200), noise=True)[:2000],  # truncated WebP
        image_bytes("GIF"),  # a real image, but not a format we keep
        image_bytes("BMP"),
        b"",
    ],
)
def test_anything_but_a_whole_image_is_refused_and_leaves_nothing(
    tmp_path: Path, data: bytes
) -> None:
    store = ArtworkStore(tmp_path)
    with pytest.raises(ArtworkError) as caught:
        store.save("artist", ENTITY, writer(data))
    assert caught.value.reason is Reason.NOT_AN_IMAGE
    assert files_under(tmp_path) == []


def test_a_failing_writer_leaves_nothing_and_keeps_the_previous_image(tmp_path: Path) -> None:
    store = ArtworkStore(tmp_path)
    first = store.save("artist", ENTITY, writer(image_bytes("PNG")))

    def broken(sink: BinaryIO) -> int:
        sink.write(b"\xff\xd8\xff" + b"x" * 100)
        raise ArtworkError(Reason.TIMEOUT, "mid-body")

    with pytest.raises(ArtworkError):
        store.save("artist", ENTITY, broken)
    assert files_under(tmp_path) == [tmp_path / first.path]
    assert (tmp_path / first.path).read_bytes() == image_bytes("PNG")


def test_a_new_format_replaces_the_old_file(tmp_path: Path) -> None:
    store = ArtworkStore(tmp_path)
    store.save("artist", ENTITY, writer(image_bytes("PNG")))
    stored = store.save("artist", ENTITY, writer(image_bytes("JPEG")))
    assert files_under(tmp_path) == [tmp_path / stored.path]


def test_too_many_pixels_are_refused_before_decoding(tmp_path: Path) -> None:
    store = ArtworkStore(tmp_path)
    # 8000 x 6000 = 48 Mpx in a few kilobytes: a decompression bomb in the making.
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG")
    data = buffer.getvalue()
    assert len(data) < 10_000
    with pytest.raises(ArtworkError) as caught:
        store.save("album", ENTITY, writer(data))
    assert caught.value.reason is Reason.TOO_LARGE
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("entity_id", ["../etc", "a/b", "", "x" * 65, "..", "a.b"])
def test_unsafe_ids_are_never_written(tmp_path: Path, entity_id: str) -> None:
    with pytest.raises(ValueError):
        ArtworkStore(tmp_path).save("artist", entity_id, writer(image_bytes()))
    assert files_under(tmp_path) == []


def test_locate_only_trusts_the_layout(tmp_path: Path) -> None:
    store = ArtworkStore(tmp_path / "art")
    stored = store.save("artist", ENTITY, writer(image_bytes()))
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(image_bytes())
    assert store.locate("artist", ENTITY, stored.path) == tmp_path / "art" / stored.path
    for recorded in (
        str(outside),
        "../secret.jpg",
        "artists/../../secret.jpg",
        f"albums/{ENTITY}.jpg",  # another kind's folder
        f"artists/{ENTITY}.gif",
        None,
        "FAILED|not_found|2026-01-01T00:00:00Z",
    ):
        assert store.locate("artist", ENTITY, recorded) is None
    assert store.locate("artist", "../secret", "artists/../secret.jpg") is None


def test_locate_reports_a_vanished_file_as_missing(tmp_path: Path) -> None:
    store = ArtworkStore(tmp_path)
    stored = store.save("album", ENTITY, writer(image_bytes()))
    (tmp_path / stored.path).unlink()
    assert store.locate("album", ENTITY, stored.path) is None


def test_sweep_removes_only_old_partial_files(tmp_path: Path) -> None:
    store = ArtworkStore(tmp_path)
    folder = tmp_path / "albums"
    folder.mkdir(parents=True)
    old, fresh = folder / f".{ENTITY}.abc.part", folder / ".other.def.part"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    an_hour_ago = time.time() - 7200
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert store.sweep_partials(older_than=3600) == 1
    assert not old.exists() and fresh.exists()


def test_a_multi_picture_jpeg_is_stored_as_jpeg(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (30, 20), "red"), Image.new("RGB", (30, 20), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    stored = ArtworkStore(tmp_path).save("album", ENTITY, writer(buffer.getvalue()))
    assert (stored.path, stored.format) == (f"albums/{ENTITY}.jpg", "jpeg")


def test_locate_refuses_a_symlink_out_of_the_folder(tmp_path: Path) -> None:
    store = ArtworkStore(tmp_path / "art")
    (tmp_path / "art" / "artists").mkdir(parents=True)
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(image_bytes())
    (tmp_path / "art" / "artists" / f"{ENTITY}.jpg").symlink_to(outside)
    assert store.locate("artist", ENTITY, f"artists/{ENTITY}.jpg") is None


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o027, 0o640)], ids=["022", "077", "027"]
)
def test_stored_files_get_the_umask_mode(tmp_path: Path, mask: int, mode: int) -> None:
    with umask(mask):
        stored = ArtworkStore(tmp_path).save("album", ENTITY, writer(image_bytes()))
    assert mode_of(tmp_path / stored.path) == mode


def test_without_proc_the_umask_of_the_start_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "PROC_STATUS", str(tmp_path / "no-such-file"))
    monkeypatch.setattr(store_module, "_IMPORT_UMASK", 0o027)
    with umask(0o022):
        stored = ArtworkStore(tmp_path).save("artist", ENTITY, writer(image_bytes()))
    assert mode_of(tmp_path / stored.path) == 0o640
