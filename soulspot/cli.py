"""Our commands: serve, scan, enrich, status, candidates, jobs, settings... (the group is in
soulspot/__main__.py).

Only click and Flask's CLI are imported at the top: `soulspot --help` lists these commands
without loading the app, and each command imports what it uses.
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext

if TYPE_CHECKING:
    from soulspot.jobs.queue import JobContext, Runner
    from soulspot.models import JobType
    from soulspot.services.scanning import ScanSummary

log = logging.getLogger(__name__)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 256))
@click.option("--no-scheduler", is_flag=True, help="Do not run background jobs in this process.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int, no_scheduler: bool) -> None:
    """Serve the app with waitress; this process also owns the job scheduler."""
    import waitress

    from soulspot import database
    from soulspot.lifecycle import shutdown_app, start_jobs

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
    from soulspot import database
    from soulspot.errors import AppError
    from soulspot.extensions import db
    from soulspot.services.scanning import scan_library

    database.prepare(current_app)
    progress = _TerminalProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        summary = scan_library(db.session, path, progress=progress)
        database.refresh_statistics(db.session)
    except AppError as exc:
        raise click.UsageError(exc.detail) from exc
    finally:
        if progress is not None:
            progress.finish()
    click.echo(format_summary(summary))


# --- output and exit codes: 0 success, 1 failure, 2 usage error ----------------------------

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document on stdout, nothing else."
)
# The values of EntityKind, spelled out: importing the models would slow every --help.
entity_type_option = click.option(
    "--entity-type", type=click.Choice(["artist", "album"]), default=None, help="Only this kind."
)


def _emit(document: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    click.echo(json.dumps(document) if as_json else text(document))


def _refuse(code: str, detail: str, *, usage: bool, as_json: bool) -> NoReturn:
    """Exit 2 (usage) or 1; with --json the error is stdout's one document as well."""
    if as_json:
        click.echo(json.dumps({"error": code, "detail": detail}))
    raise click.UsageError(detail) if usage else click.ClickException(detail)


@contextmanager
def _reported(as_json: bool) -> Iterator[None]:
    """Our errors as exit codes: bad or unknown arguments 2, anything else 1."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from soulspot.errors import AppError, NotFoundError, ValidationError

    try:
        yield
    except AppError as error:
        usage = isinstance(error, ValidationError | NotFoundError)
        _refuse(error.code, error.detail, usage=usage, as_json=as_json)
    except (OperationalError, ProgrammingError) as error:  # PostgreSQL: a missing table
        # The driver's message only: the statement's parameters may hold a secret.
        _refuse(
            "database",
            f"cannot read the database ({error.orig}); is its schema up to date? "
            "`soulspot db upgrade` applies it",
            usage=False,
            as_json=as_json,
        )


def _lines(pairs: dict[str, Any], indent: str = "") -> str:
    rows = []
    for key, value in pairs.items():
        if isinstance(value, dict) and value:
            rows.append(f"{indent}{key}:")
            rows.append(_lines(value, indent + "  "))
        else:
            rows.append(f"{indent}{key}: {'-' if value in (None, {}) else value}")
    return "\n".join(row for row in rows if row)


# --- jobs run in this process ----------------------------------------------------------------


@click.command("enrich")
@with_appcontext
@click.option(
    "--wait",
    is_flag=True,
    help="Run the job here and wait for its outcome: the only mode, as a server's scheduler "
    "runs only the jobs it submits itself.",
)
@json_option
def enrich(wait: bool, as_json: bool) -> None:
    """Run one enrichment pass now, in this process, recorded as a job."""
    from soulspot.models import JobType

    _run_job_inline(JobType.LIBRARY_SPOTIFY_ENRICHMENT, {"triggered_by": "cli"}, as_json)


@click.command("repair-artwork")
@with_appcontext
@click.option("--use-api", is_flag=True, help="Also ask Deezer for entities without any URL.")
@entity_type_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N entities.")
@json_option
def repair_artwork(
    use_api: bool, entity_type: str | None, limit: int | None, as_json: bool
) -> None:
    """Download every missing image now (the whole library, in batches), recorded as a job."""
    from soulspot.models import JobType

    _run_job_inline(
        JobType.ARTWORK_REPAIR,
        {"triggered_by": "cli", "use_api": use_api, "entity_type": entity_type, "limit": limit},
        as_json,
    )


@click.command("disambiguate")
@with_appcontext
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N artists.")
@json_option
def disambiguate(limit: int | None, as_json: bool) -> None:
    """Ask MusicBrainz who each due artist is, now, in this process, recorded as a job."""
    from soulspot.models import JobType

    _run_job_inline(
        JobType.MUSICBRAINZ_DISAMBIGUATION, {"triggered_by": "cli", "limit": limit}, as_json
    )


def _run_job_inline(job_type: JobType, payload: dict[str, object], as_json: bool) -> None:
    """Submit the job, run it here (a terminal sees its progress on stderr), print the job."""
    from soulspot import database
    from soulspot.api.jobs import serialize_job
    from soulspot.extensions import db
    from soulspot.jobs.queue import run_job, submit_job
    from soulspot.jobs.runners import build_runners
    from soulspot.models import Job, JobStatus

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    database.prepare(app)
    submitted = submit_job(db.session, job_type, payload)
    if not submitted.created:
        _refuse(
            "job_running",
            f"a {job_type.value} job is already running ({submitted.job_id})",
            usage=False,
            as_json=as_json,
        )
    runner = build_runners()[job_type]
    progress = None
    if sys.stderr.isatty():
        progress = _TerminalProgress(sys.stderr, label=job_type.value, unit="")
    try:
        run_job(db.session, app, submitted.job_id, _shown(runner, progress))
    finally:
        if progress is not None:
            progress.finish()
    job = db.session.get(Job, submitted.job_id)
    db.session.refresh(job)
    _emit(serialize_job(job), as_json, _job_text)
    if job.status != JobStatus.COMPLETED:
        sys.exit(1)


def _shown(runner: Runner, progress: _TerminalProgress | None) -> Runner:
    """The runner, its progress also drawn on the terminal."""
    if progress is None:
        return runner

    def run(ctx: JobContext) -> dict[str, Any]:
        record = ctx.progress

        def both(processed: int, total: int | None = None) -> None:
            record(processed, total)
            progress(processed, total)

        ctx.progress = both  # type: ignore[method-assign]
        return runner(ctx)

    return run


def _job_text(job: dict[str, Any]) -> str:
    head = f"{job['type']} job {job['id']}: {job['status']}"
    if job["error"]:
        head += f" ({job['error']})"
    result = json.dumps(job["result"], indent=2) if job["result"] is not None else ""
    return "\n".join(part for part in (head, result) if part)


@click.command("reset-failed-images")
@with_appcontext
@entity_type_option
@json_option
def reset_failed_images(entity_type: str | None, as_json: bool) -> None:
    """Clear the FAILED markers of images, so the next repair tries them again."""
    from soulspot import database
    from soulspot.extensions import db
    from soulspot.services.artwork import reset_failed

    database.prepare(current_app)
    with _reported(as_json):
        counts = reset_failed(db.session, entity_type)
    _emit(counts, as_json, _lines)


@click.command("copy-database")
@with_appcontext
@click.argument("source_url")
@json_option
def copy_database(source_url: str, as_json: bool) -> None:
    """Copy a whole library from SOURCE_URL into the configured, empty database.

    E.g. from SQLite to PostgreSQL: set SOULSPOT_SQLALCHEMY_DATABASE_URI to the new database
    and pass the old one's URL. The configured database is migrated first; the source must
    be at the same schema revision (a server of this version has migrated it).
    """
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError

    from soulspot import database
    from soulspot.extensions import db
    from soulspot.services.transfer import copy_database as copy_rows

    try:
        source = create_engine(source_url)
    except (ArgumentError, ImportError) as error:
        raise click.BadParameter(str(error), param_hint="SOURCE_URL") from None
    database.prepare(current_app)
    progress = None if as_json else (lambda table, rows: click.echo(f"{table}: {rows}", err=True))
    try:
        with _reported(as_json):
            copied = copy_rows(source, db.engine, progress=progress)
    finally:
        source.dispose()
    _emit({"copied": copied}, as_json, _lines)


# --- reading and reviewing -------------------------------------------------------------------


@click.command("status")
@with_appcontext
@json_option
def status(as_json: bool) -> None:
    """Library counts and enrichment status, read from the database (no migration)."""
    from soulspot.extensions import db
    from soulspot.services.status import enrichment_status, library_counts

    with _reported(as_json):
        document = {
            "library": library_counts(db.session),
            "enrichment": enrichment_status(db.session),
        }
    _emit(document, as_json, _lines)


@click.command("jobs")
@with_appcontext
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@json_option
def jobs(limit: int, as_json: bool) -> None:
    """The most recent jobs, newest first."""
    from soulspot.api.jobs import serialize_job
    from soulspot.api.schemas import page_json
    from soulspot.extensions import db
    from soulspot.services.jobs import list_jobs

    with _reported(as_json):
        found, total = list_jobs(db.session, job_type=None, status=None, limit=limit, offset=0)
        items = [serialize_job(job) for job in found]
    _emit(page_json("jobs", items, total=total, limit=limit, offset=0), as_json, _jobs_text)


def _jobs_text(page: dict[str, Any]) -> str:
    rows = [
        f"{job['id']}  {job['type']:<28} {job['status']:<10} {job['created_at']}"
        for job in page["jobs"]
    ]
    return "\n".join([*rows, f"{len(rows)} of {page['total']} jobs"])


@click.group("candidates")
def candidates() -> None:
    """Matches waiting for review: list, apply, reject."""


@candidates.command("list")
@with_appcontext
@entity_type_option
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True)
@json_option
def candidates_list(entity_type: str | None, limit: int, as_json: bool) -> None:
    """Pending candidates, most confident first."""
    from soulspot.api.enrichment import serialize_candidate
    from soulspot.api.schemas import page_json
    from soulspot.extensions import db
    from soulspot.models import EntityKind
    from soulspot.services.candidates import list_candidates

    kind = EntityKind.parse(entity_type) if entity_type else None
    with _reported(as_json):
        rows, total = list_candidates(db.session, kind=kind, limit=limit, offset=0)
        items = [serialize_candidate(row.candidate, row.entity_name) for row in rows]
    page = page_json("candidates", items, total=total, limit=limit, offset=0)
    _emit(page, as_json, _candidates_text)


def _candidates_text(page: dict[str, Any]) -> str:
    rows = [
        f"{item['id']}  {item['confidence_score']:.2f}  {item['entity_type']} "
        f"{item['entity_name']!r} -> {item['spotify_name']!r} ({item['spotify_uri']})"
        for item in page["candidates"]
    ]
    return "\n".join([*rows, f"{len(rows)} of {page['total']} pending candidates"])


@candidates.command("apply")
@with_appcontext
@click.argument("candidate_id")
@json_option
def candidates_apply(candidate_id: str, as_json: bool) -> None:
    """Link the candidate's artist or album to its match."""
    from soulspot.services.candidates import apply_candidate

    _review(apply_candidate, candidate_id, as_json)


@candidates.command("reject")
@with_appcontext
@click.argument("candidate_id")
@json_option
def candidates_reject(candidate_id: str, as_json: bool) -> None:
    """Reject the candidate; it is not proposed again."""
    from soulspot.services.candidates import reject_candidate

    _review(reject_candidate, candidate_id, as_json)


def _review(action: Callable[..., Any], candidate_id: str, as_json: bool) -> None:
    from soulspot import database
    from soulspot.api.enrichment import serialize_candidate
    from soulspot.extensions import db
    from soulspot.models import Candidate, EntityKind
    from soulspot.services.candidates import get_entity

    database.prepare(current_app)
    with _reported(as_json):
        action(db.session, candidate_id)
        candidate = db.session.get(Candidate, candidate_id)
        kind = EntityKind.parse(candidate.entity_type)
        name = kind.display_name(get_entity(db.session, kind, candidate.entity_id))
    _emit(
        serialize_candidate(candidate, name),
        as_json,
        lambda item: (
            f"candidate {item['id']} {item['status']}: {item['entity_type']} "
            f"{item['entity_name']!r} -> {item['spotify_uri']}"
        ),
    )


@click.group("settings")
def settings() -> None:
    """The settings saved in the database (the same ones as the settings page)."""


@settings.command("get")
@with_appcontext
@click.argument("key", required=False)
@json_option
def settings_get(key: str | None, as_json: bool) -> None:
    """Every setting (or KEY): its value and where it comes from; a secret only says if set."""
    from soulspot import wiring
    from soulspot.extensions import db

    with _reported(as_json):
        wiring.apply_saved_settings(current_app, db.session)
        described = wiring.settings().describe()
        if key is not None and key not in described:
            _refuse(
                "unknown_setting",
                f"unknown setting {key[:64]!r}; the settings are {', '.join(described)}",
                usage=True,
                as_json=as_json,
            )
    chosen = described if key is None else {key: described[key]}
    _emit({"settings": chosen}, as_json, _settings_text)


@settings.command("set")
@with_appcontext
@click.argument("key")
@click.argument("value")
@json_option
def settings_set(key: str, value: str, as_json: bool) -> None:
    """Save KEY = VALUE; VALUE is read as JSON when it parses (true, 0.85, null removes the
    saved value), else as text, as the environment variables are."""
    from soulspot import database, wiring
    from soulspot.extensions import db
    from soulspot.lifecycle import apply_settings
    from soulspot.services import settings as settings_service

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    database.prepare(app)
    with _reported(as_json):
        checked = settings_service.validate({key: _json_or_text(value)}, app.config)
        settings_service.save(db.session, checked)
        apply_settings(app, db.session)
    _emit({"settings": {key: wiring.settings().describe()[key]}}, as_json, _settings_text)


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _settings_text(document: dict[str, Any]) -> str:
    rows = []
    for key, entry in document["settings"].items():
        shown = ("set" if entry["set"] else "not set") if "set" in entry else entry["value"]
        rows.append(f"{key} = {'-' if shown is None else shown}  ({entry['source']})")
    return "\n".join(rows)


class LazyGroup(click.Group):
    """A group imported when it is used, not when `--help` lists it (with this help text)."""

    def __init__(
        self, name: str, load: Callable[[click.Context | None], click.Group], help: str
    ) -> None:
        super().__init__(name, help=help)
        self._load = load

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The real group parses its own options and runs its own callback.
        return self._load(parent).make_context(info_name, args, parent=parent, **extra)


def _migrations(ctx: click.Context | None) -> click.Group:
    """Flask-Migrate's `db` group, with Alembic bound to the app its commands will load."""
    from flask_migrate.cli import db

    from soulspot.database import init_migrations

    if ctx is not None:
        init_migrations(ctx.ensure_object(ScriptInfo).load_app())
    return db


migrations = LazyGroup("db", _migrations, help="Perform database migrations.")

COMMANDS = (
    serve,
    scan,
    enrich,
    repair_artwork,
    reset_failed_images,
    disambiguate,
    status,
    jobs,
    candidates,
    settings,
    copy_database,
    migrations,
)

#: Commands that only read the database: `soulspot` builds them an app of the database
#: alone (`create_app(web=False)`), which starts in half the time.
DATABASE_ONLY_COMMANDS = (status, jobs, candidates_list)


def register_commands(app: Flask) -> None:
    """Our commands on the app's CLI, for `flask --app app X` (`soulspot` has them itself)."""
    for command in COMMANDS:
        app.cli.add_command(command)


class _TerminalProgress:
    """A single self-overwriting progress line, redrawn at most ten times a second."""

    def __init__(
        self,
        stream: TextIO,
        clock: Callable[[], float] = time.monotonic,
        *,
        label: str = "scanning",
        unit: str = " files",
    ) -> None:
        self._stream = stream
        self._clock = clock
        self._label = label
        self._unit = unit
        self._total: int | None = None
        self._drawn_at: float | None = None
        self._drawn = False

    def __call__(self, done: int, total: int | None = None) -> None:
        # A job reports its total once and then only what it has done.
        total = self._total = total if total is not None else self._total
        now = self._clock()
        last = total is not None and done >= total
        if not last and self._drawn_at is not None and now - self._drawn_at < 0.1:
            return
        self._drawn_at = now
        self._drawn = True
        if total is None:
            self._stream.write(f"\r{self._label}: {done}{self._unit}")
        else:
            share = done * 100 // max(total, 1)
            self._stream.write(f"\r{self._label}: {done}/{total}{self._unit} ({share}%)")
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
