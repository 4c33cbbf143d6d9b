"""The `soulspot` command: scan, serve (waitress and the scheduler), and database migrations."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest
import waitress
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import inspect, text

import soulspot.jobs
from soulspot.__main__ import main
from soulspot.cli import _TerminalProgress
from soulspot.database import MIGRATIONS_DIR
from soulspot.extensions import db
from soulspot.models import Track
from tests.audio import make_audio
from tests.support.processes import free_port


def test_scan_prints_the_summary_with_failed_paths(app, tmp_path: Path) -> None:
    root = tmp_path / "music"
    make_audio(root / "a.mp3", artist="Blur", album="Parklife", title="Girls")
    make_audio(root / "b.flac", artist="Blur", album="Parklife", title="Boys")
    (root / "broken.m4a").write_bytes(b"nope" * 40)

    result = app.test_cli_runner().invoke(main, ["scan", str(root)])

    assert result.exit_code == 0, result.output
    assert "files seen: 3" in result.output
    assert "added:      2" in result.output
    assert "errors:     1" in result.output
    assert f"{root.resolve() / 'broken.m4a'}: " in result.output
    assert "\r" not in result.output  # no progress line when not on a terminal
    with app.app_context():
        assert db.session.query(Track).count() == 2


def test_second_scan_reports_unchanged_files(app, tmp_path: Path) -> None:
    make_audio(tmp_path / "music" / "a.mp3", title="a")
    runner = app.test_cli_runner()
    runner.invoke(main, ["scan", str(tmp_path / "music")])

    result = runner.invoke(main, ["scan", str(tmp_path / "music")])

    assert "unchanged:  1" in result.output and "added:      0" in result.output


@pytest.mark.parametrize("target", ["missing", "file.mp3"])
def test_scan_of_a_missing_path_or_a_file_exits_2(app, tmp_path: Path, target: str) -> None:
    make_audio(tmp_path / "file.mp3")

    result = app.test_cli_runner().invoke(main, ["scan", str(tmp_path / target)])

    assert result.exit_code == 2
    assert "Invalid value for 'PATH'" in result.output


def test_terminal_progress_redraws_one_line() -> None:
    stream = io.StringIO()
    now = [100.0]
    progress = _TerminalProgress(stream, clock=lambda: now[0])

    progress(1, 5)
    now[0] += 0.05
    progress(2, 5)  # throttled: drawn less than 0.1 s ago
    now[0] += 0.1
    progress(3, 5)
    progress(5, 5)  # the last file is always drawn
    progress.finish()

    assert stream.getvalue() == (
        "\rscanning: 1/5 files (20%)\rscanning: 3/5 files (60%)\rscanning: 5/5 files (100%)\n"
    )


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(soulspot.jobs, "start_scheduler", lambda app: calls.append(("jobs", app)))

    def fake_serve(app, *, sockets, threads):
        (listener,) = sockets
        calls.append(("serve", app, listener.getsockname()[:2], threads))
        listener.close()

    monkeypatch.setattr(waitress, "serve", fake_serve)
    return calls


def test_serve_starts_the_scheduler_then_waitress_on_localhost(app, served) -> None:
    port = free_port()
    result = app.test_cli_runner().invoke(main, ["serve", "--port", str(port)])

    assert result.exit_code == 0, result.output
    assert served == [("jobs", app), ("serve", app, ("127.0.0.1", port), 4)]
    assert app.config["SCHEDULER_ENABLED"] is True
    assert app.config["BOUND_HOST"] == "127.0.0.1"
    assert f"instance folder: {app.instance_path}" in result.output


def test_serve_options_and_no_scheduler(app, served, caplog) -> None:
    port = free_port()
    args = ["serve", "--host", "0.0.0.0", "--port", str(port), "--threads", "8", "--no-scheduler"]

    result = app.test_cli_runner().invoke(main, args)

    assert result.exit_code == 0, result.output
    assert served == [("serve", app, ("0.0.0.0", port), 8)]
    assert "the API is open to every machine on the network" in caplog.text


def test_serve_on_all_interfaces_with_an_api_key_gives_no_warning(make_app, served, caplog):
    app = make_app(API_KEY="k")
    args = ["serve", "--host", "0.0.0.0", "--port", str(free_port()), "--no-scheduler"]
    assert app.test_cli_runner().invoke(main, args).exit_code == 0
    assert "open to every machine" not in caplog.text


def test_serve_on_a_taken_port_says_so_in_one_line_before_building_the_app(served) -> None:
    built: list[object] = []
    info = ScriptInfo(create_app=lambda: built.append("app"))  # never a database
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)], obj=info)

    assert result.exit_code == 1
    assert result.output == (
        f"Error: address already in use: 127.0.0.1:{port} (is another soulspot serve running?)\n"
    )
    assert built == [] and served == []


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "x"], ["--threads", "0"]])
def test_serve_rejects_bad_options(app, served, args) -> None:
    result = app.test_cli_runner().invoke(main, ["serve", *args])

    assert result.exit_code == 2
    assert served == []


def _head() -> str:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def test_db_upgrade_builds_a_fresh_database_at_head(make_app) -> None:
    app = make_app(AUTO_MIGRATE=False)
    with app.app_context():
        assert "artists" not in inspect(db.engine).get_table_names()

    result = app.test_cli_runner().invoke(main, ["db", "upgrade"])

    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert {"artists", "albums", "tracks", "jobs", "enrichment_candidates"} <= tables
    assert version == _head()


def test_app_start_migrates_a_fresh_database_to_head(app) -> None:
    with app.app_context():
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == _head()
        columns = {column["name"] for column in inspect(db.engine).get_columns("tracks")}
    assert {"file_path", "file_size", "file_mtime", "musicbrainz_recording_id"} <= columns


def test_repair_artwork_command_records_a_completed_job(app) -> None:
    result = app.test_cli_runner().invoke(main, ["repair-artwork", "--entity-type", "album"])
    assert result.exit_code == 0, result.output
    assert "ARTWORK_REPAIR job " in result.output and ": COMPLETED\n" in result.output
    assert '"mode": "cdn_only"' in result.output


def test_upgrading_a_filled_database_keeps_every_row(make_app) -> None:
    """Batch migrations rebuild tables on SQLite; no cascade may take tracks with them."""
    app = make_app(AUTO_MIGRATE=False)
    runner = app.test_cli_runner()
    assert runner.invoke(main, ["db", "upgrade", "a194ae60d07c"]).exit_code == 0
    now = "2026-01-01 00:00:00"
    rows = [
        "INSERT INTO artists (id, name, genres, has_local_files, created_at, updated_at)"
        " VALUES ('ar', 'Blur', '[]', TRUE, :now, :now)",
        "INSERT INTO albums (id, artist_id, title, has_local_files, created_at, updated_at)"
        " VALUES ('al', 'ar', 'Parklife', TRUE, :now, :now)",
        "INSERT INTO tracks (id, album_id, artist_id, title, file_path, created_at, updated_at)"
        " VALUES ('tr', 'al', 'ar', 'Girls', '/m/girls.mp3', :now, :now)",
    ]
    with app.app_context():
        for statement in rows:
            db.session.execute(text(statement), {"now": now})
        db.session.commit()

    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0

    with app.app_context():
        counts = [
            db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("artists", "albums", "tracks")
        ]
        assert counts == [1, 1, 1]
        if db.engine.dialect.name == "sqlite":  # the batch mode turned them off, then on again
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_job_progress_keeps_the_total_it_was_given_once() -> None:
    stream = io.StringIO()
    now = [0.0]
    progress = _TerminalProgress(stream, clock=lambda: now[0], label="ARTWORK_REPAIR", unit="")

    progress(0, 4)
    now[0] += 1
    progress(2)  # jobs report the total once, then only what they have done
    progress(4)  # the last one is drawn even within 0.1 s
    progress.finish()

    assert stream.getvalue() == (
        "\rARTWORK_REPAIR: 0/4 (0%)\rARTWORK_REPAIR: 2/4 (50%)\rARTWORK_REPAIR: 4/4 (100%)\n"
    )


def test_help_lists_every_command_without_building_the_app() -> None:
    built: list[object] = []
    info = ScriptInfo(create_app=lambda: built.append("app"))

    result = CliRunner().invoke(main, ["--help"], obj=info)

    assert result.exit_code == 0, result.output
    for name in ("candidates", "db", "disambiguate", "enrich", "jobs", "repair-artwork"):
        assert f"  {name} " in result.output
    for name in ("reset-failed-images", "scan", "serve", "settings", "status", "routes"):
        assert f"  {name} " in result.output
    assert built == []


#: Loaded by the full app only; a read-only command that pulls them in has lost its fast start.
WEB_ONLY_MODULES = ("soulspot.wiring", "soulspot.providers.factory", "soulspot.api", "PIL")


def test_status_builds_an_app_of_the_database_alone(tmp_path: Path) -> None:
    """`soulspot status` in a fresh interpreter: the right answer, none of the web's modules."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "SOULSPOT_INSTANCE_PATH": str(tmp_path)}
    env.pop("FLASK_APP", None)
    subprocess.run(
        [sys.executable, "-m", "soulspot", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    probe = (
        "import json, sys\n"
        "from soulspot.__main__ import main\n"
        "try:\n"
        "    main(['status', '--json'])\n"
        "except SystemExit as done:\n"
        f"    loaded = [m for m in {WEB_ONLY_MODULES!r} if m in sys.modules]\n"
        "    print(json.dumps({'exit': done.code, 'loaded': loaded}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )

    assert json.loads(done.stdout)["library"] == {"artists": 0, "albums": 0, "tracks": 0}
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"exit": 0, "loaded": []}
