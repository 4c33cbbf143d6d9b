"""Files the database cannot store: non-UTF-8 names and refused values fail alone."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from soulspot.__main__ import main
from soulspot.errors import ValidationError
from soulspot.jobs import get_queue
from soulspot.models import Album, Track
from soulspot.services.scanning import scan_library
from soulspot.services.scanning import scanner as scanner_module
from soulspot.services.scanning.files import BAD_FILE_NAME, BAD_FOLDER_NAME
from tests.audio import make_audio


def _rename_to_bytes(path: Path, raw_name: bytes) -> Path:
    """Give `path` a name that is not valid UTF-8 (here: Latin-1), as old rips often have."""
    target = os.path.join(os.fsencode(path.parent), raw_name)
    try:
        os.rename(os.fsencode(path), target)
    except OSError as exc:  # e.g. macOS, whose filesystems insist on UTF-8 names
        pytest.skip(f"this filesystem refuses non-UTF-8 names: {exc}")
    return Path(os.fsdecode(target))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """good.mp3, caf\\xe9.mp3 and d\\xe9mos/x.mp3 (the folder name is not UTF-8 either)."""
    root = tmp_path / "music"
    make_audio(root / "good.mp3", artist="Fine", album="Fine", title="good")
    _rename_to_bytes(make_audio(root / "bad.mp3", artist="Fine", album="Fine"), b"caf\xe9.mp3")
    make_audio(root / "demos" / "x.mp3", artist="Fine", album="Fine")
    _rename_to_bytes(root / "demos", b"d\xe9mos")
    return root


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_non_utf8_names_are_listed_failures_and_never_stop_the_scan(session, library) -> None:
    shown = str(library.resolve())

    summary = scan_library(session, library)

    assert (summary.files_seen, summary.added) == (2, 1)
    assert [(error.path, error.reason) for error in summary.errors] == [
        (f"{shown}{os.sep}d\\xe9mos", BAD_FOLDER_NAME),
        (f"{shown}{os.sep}caf\\xe9.mp3", BAD_FILE_NAME),
    ]
    assert [t.title for t in session.scalars(select(Track))] == ["good"]
    again = scan_library(session, library)
    assert (again.unchanged, again.added, again.removed, len(again.errors)) == (1, 0, 0, 2)


def test_the_cli_prints_the_names_it_skipped(app, library) -> None:
    result = app.test_cli_runner().invoke(main, ["scan", str(library)])

    assert result.exit_code == 0, result.output
    assert "added:      1" in result.output and "errors:     2" in result.output
    assert f"caf\\xe9.mp3: {BAD_FILE_NAME}" in result.output


def test_a_scan_job_completes_and_lists_them(make_app, library) -> None:
    app = make_app(SCHEDULER_ENABLED=True, ENRICHMENT_SCHEDULE="off", ARTWORK_REPAIR_SCHEDULE="off")
    client = app.test_client()

    response = client.post("/api/library/scan", json={"path": str(library)})

    assert response.status_code == 202, response.json
    assert get_queue(app).wait(response.json["job_id"])
    job = client.get(f"/api/jobs/{response.json['job_id']}").json
    assert (job["status"], job["result"]["added"], job["result"]["failed"]) == ("COMPLETED", 1, 2)
    assert job["result"]["errors"][1]["path"].endswith("caf\\xe9.mp3")


def test_a_root_whose_name_is_not_utf8_is_refused(session, tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    root = _rename_to_bytes(tmp_path / "root", b"r\xe9")

    with pytest.raises(ValidationError, match="not valid UTF-8.*r\\\\xe9"):
        scan_library(session, root)


def test_a_file_the_database_refuses_fails_alone_and_its_batch_is_kept(
    session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "music"
    for name in ("a", "b", "c", "d", "e"):
        make_audio(root / f"{name}.mp3", artist="Fine", album="Fine", title=name)
    real_read = scanner_module.read_tags

    def unstorable_title(path):
        tags = real_read(path)  # a lone surrogate: no database stores it as text
        return dataclasses.replace(tags, title="bad\udce9") if path.endswith("c.mp3") else tags

    monkeypatch.setattr(scanner_module, "read_tags", unstorable_title)
    summary = scan_library(session, root, batch_size=4)

    assert (summary.added, summary.albums_added, summary.artists_added) == (4, 1, 1)
    assert [error.path for error in summary.errors] == [str(root.resolve() / "c.mp3")]
    assert summary.errors[0].reason.startswith("not stored: UnicodeEncodeError")
    assert sorted(session.scalars(select(Track.title))) == ["a", "b", "d", "e"]
    assert session.scalars(select(Album)).one().has_local_files is True
    again = scan_library(session, root, batch_size=4)
    assert (again.unchanged, again.added, len(again.errors)) == (4, 0, 1)


def test_a_database_that_is_down_still_fails_the_scan(
    session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from soulspot.services.scanning import housekeeping

    make_audio(tmp_path / "music" / "a.mp3", title="a")

    def locked(*args, **kwargs):
        raise OperationalError("UPDATE albums", {}, Exception("database is locked"))

    monkeypatch.setattr(housekeeping, "refresh_entities", locked)
    with pytest.raises(OperationalError):
        scan_library(session, tmp_path / "music")
    assert _count(session, Track) == 0
