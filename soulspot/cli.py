"""Our commands: serve, scan, enrich and repair-artwork (the group is in soulspot/__main__.py)."""

from __future__ import annotations

import errno
import json
import logging
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click
import waitress
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext

from soulspot import database
from soulspot.errors import AppError
from soulspot.extensions import db
from soulspot.jobs.queue import run_job, submit_job
from soulspot.jobs.runners import build_runners
from soulspot.lifecycle import shutdown_app, start_jobs
from soulspot.models import Job, JobStatus, JobType
from soulspot.services.scanning import ScanSummary, scan_library

log = logging.getLogger(__name__)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 256))
@click.option("--no-scheduler", is_flag=True, help="Do not run background jobs in this process.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int, no_scheduler: bool) -> None:
    """Serve the app with waitress; this process also owns the job scheduler."""
    # The port comes first: a second server started by mistake must fail here, before it
    # builds the app and touches the database the first one is using.
    listener = open_listener(host, port)
    app: Flask = ctx.ensure_object(ScriptInfo).load_app()
    app.config["BOUND_HOST"] = host
    if host in WILDCARD_HOSTS and not app.config["API_KEY"]:
        log.warning(
            "listening on %s without SOULSPOT_API_KEY: the API is open to every machine on "
            "the network; set an API key, or bind 127.0.0.1",
            host,
        )
    click.echo(f"SoulSpot instance folder: {app.instance_path}")
    if no_scheduler:
        database.prepare(app)
    else:
        app.config["SCHEDULER_ENABLED"] = True
        start_jobs(app)
    click.echo(f"SoulSpot serving on http://{_url_host(host)}:{port} ({threads} threads)")
    try:
        waitress.serve(app, sockets=[listener], threads=threads)
    finally:
        shutdown_app(app, wait=False)


WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def open_listener(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port; a clear one-line error when that is impossible."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(1024)
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"address already in use: {host}:{port} (is another soulspot serve running?)"
            ) from None
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return listener


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@click.command("scan")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
def scan(path: Path) -> None:
    """Scan PATH for audio files and sync the library (incremental)."""
    database.prepare(current_app)
    progress = _TerminalProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        summary = scan_library(db.session, path, progress=progress)
    except AppError as exc:
        raise click.UsageError(exc.detail) from exc
    finally:
        if progress is not None:
            progress.finish()
    click.echo(format_summary(summary))


@click.command("enrich")
@with_appcontext
def enrich() -> None:
    """Run one enrichment pass now, in this process, recorded as a job."""
    _run_job_inline(JobType.LIBRARY_SPOTIFY_ENRICHMENT, {"triggered_by": "cli"})


@click.command("repair-artwork")
@with_appcontext
@click.option("--use-api", is_flag=True, help="Also ask Deezer for entities without any URL.")
@click.option("--entity-type", type=click.Choice(["artist", "album"]), default=None)
def repair_artwork(use_api: bool, entity_type: str | None) -> None:
    """Download every missing image now (the whole library, in batches), recorded as a job."""
    _run_job_inline(
        JobType.ARTWORK_REPAIR,
        {"triggered_by": "cli", "use_api": use_api, "entity_type": entity_type},
    )


def _run_job_inline(job_type: JobType, payload: dict[str, object]) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    database.prepare(app)
    submitted = submit_job(db.session, job_type, payload)
    if not submitted.created:
        raise click.ClickException(
            f"a {job_type.value} job is already running ({submitted.job_id})"
        )
    run_job(db.session, app, submitted.job_id, build_runners()[job_type])
    job = db.session.get(Job, submitted.job_id)
    click.echo(
        json.dumps(
            {
                "job_id": job.id,
                "status": job.status.value,
                "result": job.result,
                "error": job.error,
            },
            indent=2,
        )
    )
    if job.status != JobStatus.COMPLETED:
        sys.exit(1)


def register_commands(app: Flask) -> None:
    """Our commands on the app's CLI: `soulspot X` and `flask --app app X` both find them."""
    for command in (serve, scan, enrich, repair_artwork):
        app.cli.add_command(command)


class _TerminalProgress:
    """A single self-overwriting progress line, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._drawn_at: float | None = None
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if done < total and self._drawn_at is not None and now - self._drawn_at < 0.1:
            return
        self._drawn_at = now
        self._drawn = True
        self._stream.write(f"\rscanning: {done}/{total} files ({done * 100 // max(total, 1)}%)")
        self._stream.flush()

    def finish(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()


def format_summary(summary: ScanSummary) -> str:
    lines = [
        f"Scanned {summary.root} in {summary.seconds:.1f} s",
        f"  files seen: {summary.files_seen}",
        f"  added:      {summary.added}",
        f"  updated:    {summary.updated}",
        f"  unchanged:  {summary.unchanged}",
        f"  removed:    {summary.removed}",
        f"  artists:    +{summary.artists_added} -{summary.artists_removed}",
        f"  albums:     +{summary.albums_added} -{summary.albums_removed}",
        f"  errors:     {len(summary.errors)}",
    ]
    lines += [f"    {error.path}: {error.reason}" for error in summary.errors]
    return "\n".join(lines)
