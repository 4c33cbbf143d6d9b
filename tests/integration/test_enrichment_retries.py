"""Failed look-ups come back on the next run: faults, outages and the failure back-off."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from soulspot.extensions import db
from soulspot.jobs import get_queue
from soulspot.models import Album, Artist, Candidate
from soulspot.services.enrichment import EnrichmentError, EnrichmentSettings
from soulspot.services.enrichment.selection import Eligibility, count_eligible
from tests.factories import add_album, add_artist
from tests.fakes.faults import Faults
from tests.fakes.server import FakeProviders
from tests.support.enrichment import enrich_once

T0 = datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
READ_TIMEOUT = 0.15
STALL = 0.3  # a "timeout" fault outlasts the read timeout
FAST = {
    "HTTP_READ_TIMEOUT": READ_TIMEOUT,
    "HTTP_MAX_RETRIES": 3,
    "HTTP_BACKOFF_BASE": 0.001,
    "MAX_RETRY_AFTER": 1,
}

PLAIN = [
    "Amber Lanterns",
    "Basalt Choir",
    "Cobalt Orchard",
    "Dune Cartographers",
    "Ember Tide",
    "Fjord Lights",
    "Granite Waltz",
    "Harbor Moths",
    "Iris Static",
    "Juniper Engine",
    "Kestrel Parade",
    "Lumen Drift",
    "Marrow Bells",
    "Nettle Avenue",
    "Opal Freight",
    "Pylon Garden",
    "Quill Harbour",
    "Russet Signal",
    "Saffron Relay",
    "Tundra Velvet",
]
LocalAlbumSpec = tuple[str, int | None, int]  # title, year, local tracks


@dataclass(frozen=True)
class LocalArtistSpec:
    name: str
    albums: tuple[LocalAlbumSpec, ...]


@pytest.fixture
def app_with_fakes(make_app, fake_providers):
    return make_app(**fake_providers.config(**FAST))


def build_catalogue(fake: FakeProviders) -> list[LocalArtistSpec]:
    """About 35 local artists: plain links, namesakes linked or left for review, albums the
    providers lack, Spotify-only artists, unknown names and Various Artists compilations."""
    catalog = fake.catalog
    library: list[LocalArtistSpec] = []
    for n, name in enumerate(PLAIN):
        artist = catalog.add_artist(name, genres=("indie",), popularity=30 + n, fans=1000 * n)
        titles = [(f"{name.split()[0]} Sessions", 2001 + n), (f"Night {name}", 2005 + n)]
        titles.append((f"{name.split()[1]} Years", 2010 + n))
        for title, year in titles:
            catalog.add_album(artist, title, year=year, tracks=8 + n % 4)
        # most libraries hold every album, some only part of the discography
        local = titles if n % 3 else titles[:2]
        library.append(LocalArtistSpec(name, tuple((t, y, 8 + n % 4) for t, y in local)))
    for n, name in enumerate(["Halcyon", "Mirage", "Sable", "Vesper"]):
        famous = catalog.add_artist(name, genres=("pop",), popularity=85, fans=3_000_000)
        for k in range(4):
            catalog.add_album(famous, f"{name} Hits {k}", year=1990 + k, tracks=12)
        obscure = catalog.add_artist(name, genres=("folk",), popularity=12, fans=4_000)
        own = [(f"{name} Ballads", 1970 + n), (f"Songs for {name}", 1972 + n)]
        for title, year in own:
            catalog.add_album(obscure, title, year=year, tracks=9)
        if n == 0:  # a full library: the obscure namesake is linked
            library.append(LocalArtistSpec(name, tuple((t, y, 9) for t, y in own)))
        elif n == 1:  # one album without a year: both namesakes go to review
            library.append(LocalArtistSpec(name, ((own[0][0], None, 9),)))
        else:  # a bootleg neither has: review
            library.append(LocalArtistSpec(name, ((f"{name} Bootleg", None, 5),)))
    library.append(corvid(fake))
    for n, name in enumerate(["Wren Cassette", "Yarrow Static"]):
        artist = catalog.add_artist(name, popularity=40, providers=("spotify",))
        catalog.add_album(artist, f"{name} LP", year=2015 + n, tracks=10)
        library.append(LocalArtistSpec(name, ((f"{name} LP", 2015 + n, 10),)))
    for n, name in enumerate(["Xenon Harvest", "Zephyr Lanes"]):
        artist = catalog.add_artist(name, popularity=35, fans=2000)
        catalog.add_album(artist, f"{name} One", year=2012 + n, tracks=10)
        catalog.add_album(artist, f"{name} Two", year=2014 + n, tracks=10, providers=("spotify",))
        # one album on Spotify only, one on no provider at all
        albums = [(f"{name} One", 2012 + n, 10), (f"{name} Two", 2014 + n, 10)]
        library.append(LocalArtistSpec(name, (*albums, (f"{name} Demos", None, 4))))
    library += [
        LocalArtistSpec("Quartz Lullaby Society", (("Never Released", 1999, 10),)),
        LocalArtistSpec("Obsidian Nobody", (("Unknown Pleasures Too", None, 3),)),
    ]
    various = catalog.add_artist("Various Artists", popularity=50)
    catalog.add_album(various, "Summer Hits 1999", year=1999, album_type="compilation", tracks=20)
    catalog.add_album(various, "Winter Dance Party", year=2003, album_type="compilation", tracks=18)
    library.append(
        LocalArtistSpec(
            "Various Artists", (("Summer Hits 1999", 1999, 20), ("Winter Dance Party", 1996, 11))
        )
    )
    return library


def corvid(fake: FakeProviders) -> LocalArtistSpec:
    """Two Corvids with the same album on Spotify, left for review; Deezer knows one, linked."""
    for popularity, providers_ in ((70, ("spotify",)), (25, ("spotify", "deezer"))):
        artist = fake.catalog.add_artist(
            "Corvid", popularity=popularity, fans=20_000, providers=providers_
        )
        fake.catalog.add_album(artist, "Black Feathers", year=1988, tracks=11)
    return LocalArtistSpec("Corvid", (("Black Feathers", 1988, 11),))


def fill_library(app: Any, library: list[LocalArtistSpec]) -> None:
    """The same rows in every database, with fixed ids so the job walks them in one order."""
    with app.app_context():
        for n, spec in enumerate(library):
            artist = add_artist(db.session, spec.name, id=f"artist-{n:03d}")
            for title, year, tracks in spec.albums:
                add_album(db.session, artist, title, tracks=tracks, release_year=year)
        db.session.commit()


run = enrich_once


def links_and_candidates(app: Any) -> dict[str, Any]:
    """Every provider link on artists and albums, and every candidate with its status."""
    with app.app_context():
        rows = db.session.scalars(select(Artist)).all()
        names = {a.id: a.name for a in rows}
        artists = {a.name: (a.spotify_uri, a.deezer_id) for a in rows}
        albums, entities = {}, {}
        for album in db.session.scalars(select(Album)):
            key = f"{names[album.artist_id]} / {album.title}"
            albums[key] = (album.spotify_uri, album.deezer_id)
            entities[album.id] = f"album {key}"
        candidates = sorted(
            (
                f"artist {names[c.artist_id]}" if c.artist_id else entities[c.album_id],
                c.provider,
                c.spotify_uri,
                c.status.value,
                c.confidence_score,
            )
            for c in db.session.scalars(select(Candidate))
        )
        return {"artists": artists, "albums": albums, "candidates": candidates}


class PerProviderFaults:
    """Seeded fault rules with one random stream per provider.

    The job asks Spotify and Deezer side by side, so one shared stream would hand out its
    faults in thread order; per provider the requests come in a fixed order, so runs repeat.
    """

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._by_provider: dict[str, Faults] = {}

    def add(self, provider: str, kind: str, **options: Any) -> None:
        if provider not in self._by_provider:
            self._by_provider[provider] = Faults(self._seed + len(self._by_provider))
        self._by_provider[provider].add(provider, kind, **options)

    def pick(self, provider: str, path: str) -> Any:
        faults = self._by_provider.get(provider)
        return faults.pick(provider, path) if faults else None

    def clear(self) -> None:
        for faults in self._by_provider.values():
            faults.clear()


def inject_twenty_percent(monkeypatch: pytest.MonkeyPatch, fake: FakeProviders) -> None:
    """About one request in five faults: 429 with a short Retry-After, 503, a stall past the
    read timeout, malformed JSON (5.4 % each, drawn one after another)."""
    faults = PerProviderFaults(seed=8)
    for provider in ("spotify", "deezer"):
        faults.add(provider, "429", probability=0.054, retry_after=0.01)
        faults.add(provider, "503", probability=0.054)
        faults.add(provider, "timeout", probability=0.054, delay=STALL)
        faults.add(provider, "malformed_json", probability=0.054)
    monkeypatch.setattr(fake, "faults", faults)


def test_after_a_faulty_run_one_clean_run_gives_the_fault_free_state(
    make_app, database_url, fake_providers, monkeypatch
):
    library = build_catalogue(fake_providers)
    config = fake_providers.config(**FAST)
    reference = make_app(**config, SQLALCHEMY_DATABASE_URI=database_url("ref"))
    fill_library(reference, library)
    assert run(reference)["errors"] == []
    expected = links_and_candidates(reference)

    app = make_app(**config, SQLALCHEMY_DATABASE_URI=database_url("faulty"))
    fill_library(app, library)
    inject_twenty_percent(monkeypatch, fake_providers)
    faulty = run(app)
    assert faulty["errors"]  # the faults did leave failed look-ups behind
    assert links_and_candidates(app) != expected

    fake_providers.faults.clear()
    retry = run(app)
    assert retry["errors"] == []
    assert links_and_candidates(app) == expected
    # and nothing is left over for a further run
    assert run(app)["artists_processed"] == 0


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def small_library(app: Any, fake: FakeProviders, count: int = 8) -> list[str]:
    """`count` artists that link on both providers, two albums each."""
    library = []
    for name in PLAIN[:count]:
        artist = fake.catalog.add_artist(name, popularity=40, fans=5000)
        albums = [(f"{name} One", 2001, 9), (f"{name} Two", 2004, 9)]
        for title, year, tracks in albums:
            fake.catalog.add_album(artist, title, year=year, tracks=tracks)
        library.append(LocalArtistSpec(name, tuple(albums)))
    fill_library(app, library)
    return [spec.name for spec in library]


def test_after_a_network_outage_the_next_run_processes_every_artist(make_app, fake_providers):
    dead = f"http://127.0.0.1:{_closed_port()}"
    offline = make_app(
        **fake_providers.config(
            **FAST, SPOTIFY_API_URL=dead, SPOTIFY_ACCOUNTS_URL=dead, DEEZER_API_URL=dead
        )
    )
    names = small_library(offline, fake_providers)
    with pytest.raises(EnrichmentError) as failed:
        run(offline)
    message = str(failed.value)
    assert message.startswith("spotify unreachable: Unavailable: spotify: ConnectionError")
    assert "; deezer unreachable: Unavailable: deezer: ConnectionError" in message
    # Both were given up after five artists; the rest were never charged a failure.
    report = failed.value.result
    assert report["artists_processed"] == 5 and report["artists_total"] == len(names)
    assert report["spotify_failures"] == report["deezer_failures"] == 5
    assert report["spotify"].startswith("unreachable: ") and len(report["errors"]) == 10

    online = make_app(**fake_providers.config(**FAST))
    result = run(online)
    assert result["artists_processed"] == len(names) and result["errors"] == []
    with online.app_context():
        artists = db.session.scalars(select(Artist)).all()
        assert all(a.spotify_uri and a.deezer_id for a in artists)
        assert {a.enrichment_failures for a in artists} == {0}


def test_a_provider_down_for_every_artist_fails_the_job_and_keeps_its_report(
    make_app, fake_providers
):
    app = make_app(
        **fake_providers.config(
            **FAST, SCHEDULER_ENABLED=True, ENRICHMENT_SCHEDULE="off", ARTWORK_REPAIR_SCHEDULE="off"
        )
    )
    names = small_library(app, fake_providers, count=7)
    fake_providers.faults.add("deezer", "503")
    client = app.test_client()
    job_id = client.post("/api/enrichment/trigger").json["job_id"]
    assert get_queue(app).wait(job_id, timeout=30)
    job = client.get(f"/api/jobs/{job_id}").json
    assert job["status"] == "FAILED"
    assert job["error"].startswith("deezer unreachable: Unavailable: deezer: HTTP 503")
    # Spotify's work is committed and reported; Deezer was given up after five artists.
    assert job["result"]["artists_linked_spotify"] == len(names)
    assert job["result"]["deezer_failures"] == 5 and job["result"]["requests"]["deezer"] > 0
    status = client.get("/api/enrichment/status").json
    assert status["last_job_completed"] is False
    assert status["last_job"]["error"] == job["error"]
    assert status["linked"] == {
        "artists_spotify": len(names),
        "artists_deezer": 0,
        "albums_spotify": 2 * len(names),
        "albums_deezer": 0,
    }

    fake_providers.faults.clear()
    again = client.post("/api/enrichment/trigger").json["job_id"]
    assert get_queue(app).wait(again, timeout=30)
    job = client.get(f"/api/jobs/{again}").json
    assert job["status"] == "COMPLETED" and job["result"]["artists_processed"] == len(names)
    assert job["result"]["artists_linked_deezer"] == len(names)
    assert client.get("/api/enrichment/status").json["last_job_completed"] is True


def test_fewer_failures_than_a_handful_do_not_fail_the_run(app_with_fakes, fake_providers):
    names = small_library(app_with_fakes, fake_providers, count=4)
    fake_providers.faults.add("deezer", "500")
    result = run(app_with_fakes)
    assert result["deezer_failures"] == len(names) and result["deezer"] == "ok"


def _failures(app: Any) -> tuple[int, str | None]:
    with app.app_context():
        artist = db.session.scalars(select(Artist)).one()
        return artist.enrichment_failures, artist.enrichment_outcome


def test_repeated_failures_back_off_doubling_and_a_success_resets(app_with_fakes, fake_providers):
    small_library(app_with_fakes, fake_providers, count=1)
    fake_providers.faults.add("deezer", "500")

    def run_at(minutes: int) -> dict[str, Any]:
        return run(app_with_fakes, now=lambda: T0 + timedelta(minutes=minutes))

    processed = [run_at(m)["artists_processed"] for m in (0, 1, 30, 62, 62 + 119)]
    # A first failure is due on the next run; then 60 min after the second, 120 after the third.
    assert processed == [1, 1, 0, 1, 0]
    assert _failures(app_with_fakes) == (3, "failed")
    fake_providers.faults.clear()
    result = run_at(62 + 121)
    assert result["artists_processed"] == 1 and result["artists_linked_deezer"] == 1
    assert _failures(app_with_fakes) == (0, "linked")


@pytest.mark.parametrize(
    ("failures", "hours_ago", "due"),
    [
        (1, 0.001, True),  # the next run
        (1, -0.001, False),  # attempted in this very run
        (2, 0.98, False),
        (2, 1.02, True),
        (3, 1.98, False),
        (3, 2.02, True),
        (6, 15.9, False),  # 16 h
        (6, 16.1, True),
        (7, 23.9, False),  # 32 h, capped at 24
        (7, 24.1, True),
        (400, 23.9, False),
        (400, 24.1, True),
    ],
)
def test_the_failure_wait_doubles_up_to_the_cap(session, failures, hours_ago, due):
    run_started = T0
    add_artist(
        session,
        "Streaky",
        enrichment_outcome="failed",
        enrichment_failures=failures,
        enrichment_attempted_at=run_started - timedelta(hours=hours_ago),
    )
    session.commit()
    eligibility = Eligibility(
        run_started=run_started,
        spotify=True,
        deezer=True,
        retry_failed=timedelta(hours=1),
        retry_failed_max=timedelta(hours=24),
        retry_other=timedelta(days=7),
    )
    assert (count_eligible(session, eligibility) == 1) is due


def test_the_failure_wait_settings_come_from_config(make_app):
    app = make_app(ENRICHMENT_RETRY_FAILED_MINUTES=30, ENRICHMENT_RETRY_FAILED_MAX_HOURS=6)
    settings = EnrichmentSettings.from_config(app.config)
    assert settings.retry_failed == timedelta(minutes=30)
    assert settings.retry_failed_max == timedelta(hours=6)


def test_a_failed_provider_is_asked_again_while_spotify_candidates_wait(
    app_with_fakes, fake_providers
):
    fill_library(app_with_fakes, [corvid(fake_providers)])
    fake_providers.faults.add("deezer", "500", times=1)
    first = run(app_with_fakes)
    assert first["deezer_failures"] == 1 and first["candidates_created"] == 2
    fake_providers.requests.clear()
    second = run(app_with_fakes)
    assert second["artists_processed"] == 1 and second["artists_linked_deezer"] == 1
    # Spotify is not searched again: its candidates still wait for the owner.
    assert fake_providers.count("spotify") == 0
    with app_with_fakes.app_context():
        artist = db.session.scalars(select(Artist)).one()
        assert artist.enrichment_outcome == "review" and artist.enrichment_failures == 0
        statuses = [c.status.value for c in db.session.scalars(select(Candidate))]
        assert statuses == ["pending", "pending"]
    assert run(app_with_fakes)["artists_processed"] == 0
