"""A non-editable install (the wheel) serves pages and static files, with ./instance in its cwd."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
import requests

from tests.support.processes import free_port, server_env, wait_for_http

ROOT = Path(__file__).resolve().parents[2]


def test_pyproject_lists_every_package_under_soulspot() -> None:
    """The explicit package list (needed for the folder mapping) must not forget a subpackage."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "soulspot").rglob("__init__.py")
    }
    assert listed - {"soulspot.templates", "soulspot.static"} == on_disk
    assert config["tool"]["setuptools"]["package-dir"] == {
        "soulspot.templates": "templates",
        "soulspot.static": "static",
    }


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the built wheel; its dependencies come from this test venv."""
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = work.glob("soulspot-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # A plain path entry: the test venv's dependencies, but not its editable soulspot finder.
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + [str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    where = subprocess.run(
        [str(python), "-c", "import soulspot; print(soulspot.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(site), where  # the wheel's copy, not this checkout
    return venv


@pytest.mark.sqlite_only("packaging: the wheel's default database, the instance folder's file")
def test_installed_wheel_serves_pages_and_static_files(installed_wheel: Path, tmp_path: Path):
    port = free_port()
    env = server_env()
    server = subprocess.Popen(
        [str(installed_wheel / "bin" / "soulspot"), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/healthz", server)
        home = requests.get(f"{base}/", timeout=5)
        htmx = requests.get(f"{base}/static/js/htmx.min.js", timeout=5)
        css = requests.get(f"{base}/static/css/soulspot.css", timeout=5)
        # Every page, and the files under static/ subfolders the pages load.
        others = {
            path: requests.get(f"{base}{path}", timeout=5).status_code
            for path in (
                "/review",
                "/artists",
                "/settings",
                "/dashboard/library",
                "/static/css/pages/review.css",
                "/static/js/review.js",
                "/static/img/favicon.svg",
            )
        }
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert home.status_code == 200, output
    assert "SoulSpot" in home.text
    assert htmx.status_code == 200 and len(htmx.content) > 10_000
    assert css.status_code == 200
    assert others == dict.fromkeys(others, 200)
    instance = tmp_path.resolve() / "instance"
    assert (instance / "soulspot.db").is_file()
    assert f"instance folder: {instance}" in output


def test_instance_folder_is_the_working_directory_or_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from soulspot.config import instance_path

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOULSPOT_INSTANCE_PATH", raising=False)
    assert instance_path() == str(tmp_path.resolve() / "instance")
    monkeypatch.setenv("SOULSPOT_INSTANCE_PATH", "data/soulspot")
    assert instance_path() == str(tmp_path.resolve() / "data" / "soulspot")
