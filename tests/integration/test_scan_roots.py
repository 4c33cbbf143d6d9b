"""Which folders may be scanned: never `/` or a system folder; through the API, only under
MUSIC_DIRS when that is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from soulspot.__main__ import main
from soulspot.config import path_list
from soulspot.jobs import get_queue
from tests.audio import make_audio


@pytest.mark.parametrize("path", ["/", "/etc", "/usr/share", "/proc/self", "/etc/../etc"])
def test_the_api_refuses_the_root_and_system_folders(client, path: str) -> None:
    response = client.post("/api/library/scan", json={"path": path})

    assert response.status_code == 400, response.json
    assert response.json["error"] == "path_not_allowed"
    assert "system folder" in response.json["detail"]


def test_a_symlink_to_a_system_folder_is_refused(client, tmp_path: Path) -> None:
    (tmp_path / "link-to-etc").symlink_to("/etc")
    (tmp_path / "link-to-root").symlink_to("/")

    for name in ("link-to-etc", "link-to-root"):
        response = client.post("/api/library/scan", json={"path": str(tmp_path / name)})
        assert response.status_code == 400 and response.json["error"] == "path_not_allowed"


def test_with_music_dirs_only_folders_inside_them_are_scanned(make_app, tmp_path: Path) -> None:
    music = tmp_path / "music"
    make_audio(music / "Blur" / "a.mp3", artist="Blur", album="Parklife", title="Girls")
    (tmp_path / "elsewhere").mkdir()
    (music / "escape").symlink_to(tmp_path / "elsewhere")
    app = make_app(
        MUSIC_DIRS=f"{tmp_path / 'other'},{music}",
        SCHEDULER_ENABLED=True,
        ENRICHMENT_SCHEDULE="off",
        ARTWORK_REPAIR_SCHEDULE="off",
    )
    client = app.test_client()

    for outside in (tmp_path / "elsewhere", music / "escape", tmp_path):
        response = client.post("/api/library/scan", json={"path": str(outside)})
        assert response.status_code == 400, outside
        assert response.json["error"] == "path_not_allowed"
        assert "SOULSPOT_MUSIC_DIRS" in response.json["detail"]
    inside = client.post("/api/library/scan", json={"path": str(music / "Blur")})
    assert inside.status_code == 202, inside.json
    assert get_queue(app).wait(inside.json["job_id"])
    job = client.get(f"/api/jobs/{inside.json['job_id']}").json
    assert (job["status"], job["result"]["added"]) == ("COMPLETED", 1)
    whole = client.post("/api/library/scan", json={"path": str(music)})
    assert whole.status_code == 202


def test_music_dirs_accepts_a_json_list_or_a_separated_string(make_app, monkeypatch) -> None:
    monkeypatch.setenv("SOULSPOT_MUSIC_DIRS", '["/srv/music", "/mnt/a,b"]')
    assert path_list(make_app().config["MUSIC_DIRS"]) == ["/srv/music", "/mnt/a,b"]
    assert path_list(f"/srv/music, /mnt/nas{os.pathsep}/media/x,") == [
        "/srv/music",
        "/mnt/nas",
        "/media/x",
    ]
    assert path_list(None) == [] and path_list("") == []


def test_the_cli_refuses_system_folders_but_ignores_music_dirs(make_app, tmp_path: Path) -> None:
    make_audio(tmp_path / "outside" / "a.mp3", title="a")
    app = make_app(MUSIC_DIRS=str(tmp_path / "music"))
    runner = app.test_cli_runner()

    refused = runner.invoke(main, ["scan", "/etc"])
    scanned = runner.invoke(main, ["scan", str(tmp_path / "outside")])

    assert refused.exit_code == 2 and "system folder" in refused.output
    assert scanned.exit_code == 0 and "added:      1" in scanned.output
