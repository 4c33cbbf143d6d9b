"""Concurrency: single-flight triggers and applies, no duplicates, no lost writes, reads under
a writing job served without a 5xx or "database is locked"."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import waitress
from flask import Flask
from sqlalchemy import func, select

from soulspot.extensions import db
from soulspot.jobs import EXTENSION_KEY, JobQueue, start_scheduler
from soulspot.models import (
    Album,
    Artist,
    Candidate,
    CandidateStatus,
    Job,
    JobStatus,
    JobType,
    Track,
)
from soulspot.models.base import utcnow
from soulspot.services.discography import fetch_discography
from soulspot.services.enrichment import EnrichmentSettings, run_enrichment
from soulspot.services.scanning import scan_library
from soulspot.wiring import providers
from tests.audio import make_audio
from tests.factories import add_album, add_artist, add_candidate, spotify_uri
from tests.fakes.server import FakeProviders

WORKERS = 10


def _all_at_once(count: int, call: Callable[[], Any]) -> list[Any]:
    """`call` on `count` threads released together by a barrier; the results in any order."""
    barrier = threading.Barrier(count)

    def run() -> Any:
        barrier.wait(10)
        return call()

    with ThreadPoolExecutor(count) as pool:
        return [future.result(30) for future in [pool.submit(run) for _ in range(count)]]


def test_ten_concurrent_triggers_start_exactly_one_job(app: Flask) -> None:
    gate = threading.Event()

    def enrichment(ctx: Any) -> dict[str, int]:
        assert gate.wait(20)
        return {"artists_processed": 0}

    queue = JobQueue(app, {JobType.LIBRARY_SPOTIFY_ENRICHMENT: enrichment})
    app.extensions[EXTENSION_KEY] = queue
    queue.start()
    try:
        answers = [
            (response.status_code, response.json["created"], response.json["job_id"])
            for response in _all_at_once(
                WORKERS, lambda: app.test_client().post("/api/enrichment/trigger")
            )
        ]
    finally:
        gate.set()
        queue.shutdown()
    assert Counter((code, created) for code, created, _ in answers) == {
        (200, True): 1,
        (200, False): WORKERS - 1,
    }
    assert len({job_id for _, _, job_id in answers}) == 1
    with app.app_context():
        jobs = db.session.scalars(
            select(Job).where(Job.type == JobType.LIBRARY_SPOTIFY_ENRICHMENT)
        ).all()
    assert [job.id for job in jobs] == [answers[0][2]]


def test_ten_concurrent_applies_of_one_candidate_give_exactly_one_success(app: Flask) -> None:
    with app.app_context():
        artist = add_artist(db.session, "Stereolab")
        candidate = add_candidate(db.session, artist, spotify_uri("artist", 7), score=0.8)
        db.session.commit()
        artist_id, candidate_id = artist.id, candidate.id

    def apply() -> tuple[int, Any]:
        response = app.test_client().post(f"/api/enrichment/candidates/{candidate_id}/apply")
        return response.status_code, response.json

    answers = _all_at_once(WORKERS, apply)
    codes = Counter(code for code, _ in answers)
    assert codes == {200: 1, 400: WORKERS - 1}
    for code, body in answers:
        if code == 400:
            assert set(body) == {"error", "detail"}
            assert "applied" in body["detail"]
    with app.app_context():
        assert db.session.get(Artist, artist_id).spotify_uri == spotify_uri("artist", 7)
        assert db.session.get(Candidate, candidate_id).status == CandidateStatus.APPLIED


def test_concurrent_discography_fetches_of_one_artist_create_no_duplicates(
    make_app: Callable[..., Flask], fake_providers: FakeProviders
) -> None:
    remote = fake_providers.catalog.add_artist("Broadcast", genres=("indie",))
    albums = [
        fake_providers.catalog.add_album(remote, f"Haha Sound {n}", year=1990 + n, tracks=3)
        for n in range(6)
    ]
    fake_providers.faults.add("deezer", "slow", delay=0.005)  # so the fetches interleave
    app = make_app(**fake_providers.config())
    with app.app_context():
        local = add_artist(db.session, remote.name, deezer_id=str(remote.deezer_id))
        add_album(db.session, local, albums[0].title, tracks=3, release_year=albums[0].year)
        db.session.commit()
        artist_id = local.id

    def fetch() -> int:
        with app.app_context():
            clients = providers(app)
            try:
                return fetch_discography(
                    db.session,
                    artist_id,
                    deezer=clients.deezer,
                    spotify=clients.spotify,
                    settings=EnrichmentSettings.from_config(app.config),
                ).albums_added
            finally:
                db.session.remove()

    added = _all_at_once(4, fetch)
    assert sum(added) == 5
    with app.app_context():
        titles = db.session.scalars(select(Album.title).where(Album.artist_id == artist_id)).all()
        track_repeats = db.session.execute(
            select(Track.album_id, Track.title)
            .group_by(Track.album_id, Track.title)
            .having(func.count() > 1)
        ).all()
    assert sorted(titles) == sorted(album.title for album in albums)
    assert track_repeats == []


def _tagged_tree(root: Path, artists: int, albums: int) -> int:
    files = 0
    for a in range(artists):
        for b in range(albums):
            for t in range(2):
                make_audio(
                    root / f"Artist {a:03d}" / f"Album {a}-{b}" / f"{t}.flac",
                    artist=f"Band {a:03d}",
                    album=f"Record {a}-{b}",
                    title=f"Song {t}",
                    track=f"{t + 1}/2",
                    date="2001",
                )
                files += 1
    return files


def test_a_scan_during_enrichment_loses_nothing(
    make_app: Callable[..., Flask], fake_providers: FakeProviders, tmp_path: Path
) -> None:
    """The scan adds a second folder's artists while enrichment links the first folder's:
    every track is stored and every link the enrichment made survives the scan's writes."""
    first, second = tmp_path / "first", tmp_path / "second"
    _tagged_tree(first, 12, 1)
    files = _tagged_tree(second, 12, 2)
    for a in range(12):
        remote = fake_providers.catalog.add_artist(f"Band {a:03d}", genres=("indie",))
        for b in range(2):
            fake_providers.catalog.add_album(remote, f"Record {a}-{b}", year=2001, tracks=2)
    fake_providers.faults.add("*", "slow", delay=0.01)
    app = make_app(**fake_providers.config(), MUSICBRAINZ_ENABLED=False)
    with app.app_context():
        scan_library(db.session, first)
    results: dict[str, Any] = {}

    def enrich() -> None:
        with app.app_context():
            clients = providers(app)
            results["enrich"] = run_enrichment(
                db.session,
                spotify=clients.spotify,
                deezer=clients.deezer,
                settings=EnrichmentSettings.from_config(app.config),
            )
            db.session.remove()

    def scan() -> None:
        with app.app_context():
            results["scan"] = scan_library(db.session, second, batch_size=4)
            db.session.remove()

    threads = [threading.Thread(target=enrich), threading.Thread(target=scan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results["scan"].errors == []
    assert results["enrich"]["errors"] == []
    with app.app_context():
        stored = db.session.scalar(
            select(func.count()).select_from(Track).where(Track.file_path.like(f"{second}%"))
        )
        assert stored == files
        linked = db.session.scalars(
            select(Artist.name).where(Artist.spotify_uri.is_not(None)).order_by(Artist.name)
        ).all()
        processed = results["enrich"]["artists_processed"]
        # Every artist the enrichment processed is linked, and none of those links was undone.
        assert len(linked) == processed >= 12
        assert db.session.scalar(select(func.count()).select_from(Artist)) == 12


@pytest.fixture
def served(make_app: Callable[..., Flask], fake_providers: FakeProviders) -> Iterator[Any]:
    """A waitress server (8 threads) on the app, with the real scheduler and job runners."""
    app = make_app(**fake_providers.config(), SCHEDULER_ENABLED=True, MUSICBRAINZ_ENABLED=False)
    start_scheduler(app)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)


def test_reads_while_a_job_writes_get_no_5xx_and_no_locked_database(
    served: Any, fake_providers: FakeProviders, caplog: pytest.LogCaptureFixture
) -> None:
    app, base = served
    with app.app_context():
        for a in range(150):
            remote = fake_providers.catalog.add_artist(f"Loaded {a:03d}", genres=("indie",))
            local = add_artist(db.session, remote.name)
            for b in range(2):
                fake_providers.catalog.add_album(remote, f"Loaded {a}-{b}", year=2000, tracks=2)
                add_album(db.session, local, f"Loaded {a}-{b}", tracks=2, release_year=2000)
        db.session.commit()
        some_artist = db.session.scalar(select(Artist.id).limit(1))
    fake_providers.faults.add("*", "slow", delay=0.003)
    job_id = requests.post(f"{base}/api/enrichment/trigger", timeout=10).json()["job_id"]
    api = [
        "/api/enrichment/status",
        "/api/enrichment/candidates",
        "/api/library/artists",
        "/api/library/artists?offset=100",
        "/api/library/albums",
        f"/api/library/artists/{some_artist}",
    ]
    # The UI pages are loaded once they exist and render (they are being built meanwhile).
    with requests.Session() as warm:
        pages = [p for p in ("/", "/review", "/artists") if warm.get(base + p).status_code == 200]
    present = api + pages
    outcomes: Counter[str] = Counter()

    def load(worker: int) -> None:
        with requests.Session() as http:
            for n in range(250):
                response = http.get(base + present[(worker + n) % len(present)], timeout=30)
                locked = "database is locked" in response.text
                outcomes[f"{response.status_code // 100}xx" + (" locked" if locked else "")] += 1

    load_started = utcnow()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(load, range(8)))
    with app.app_context():
        job = db.session.get(Job, job_id)
    assert outcomes == {"2xx": 2000}
    assert "database is locked" not in caplog.text
    # The job really wrote while the load ran: it had not finished when the load began.
    assert job.processed > 0
    assert job.finished_at is None or job.finished_at > load_started
    with app.app_context():
        for _ in range(300):
            db.session.expire_all()
            if db.session.get(Job, job_id).status != JobStatus.RUNNING:
                break
            threading.Event().wait(0.1)
