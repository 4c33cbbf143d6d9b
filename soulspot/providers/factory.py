"""Builds the provider clients once from configuration, to be shared by every thread."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from soulspot.config import DEFAULTS
from soulspot.providers.coverart import CoverArtClient
from soulspot.providers.deezer import DeezerClient
from soulspot.providers.http import HttpClient, HttpSettings, user_agent
from soulspot.providers.musicbrainz import MusicBrainzClient
from soulspot.providers.spotify import SpotifyClient


@dataclass(frozen=True)
class ProviderClients:
    """One client per provider; share the instance so rate limits hold across threads."""

    spotify: SpotifyClient
    deezer: DeezerClient
    musicbrainz: MusicBrainzClient
    coverart: CoverArtClient

    def all(self) -> tuple[SpotifyClient | DeezerClient | MusicBrainzClient | CoverArtClient, ...]:
        return (self.spotify, self.deezer, self.musicbrainz, self.coverart)

    def stats(self) -> dict[str, dict[str, Any]]:
        """Request counters of every client, keyed by provider name."""
        return {client.provider: client.stats for client in self.all()}

    def close(self) -> None:
        for client in self.all():
            client.http.close()


def build_clients(
    config: Mapping[str, Any],
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> ProviderClients:
    """The four clients, configured from `config` (missing or None keys take the defaults)."""
    conf = {**DEFAULTS, **{k: v for k, v in config.items() if v is not None}}
    settings = HttpSettings(
        user_agent=user_agent(str(conf["MUSICBRAINZ_CONTACT"])),
        connect_timeout=float(conf["HTTP_CONNECT_TIMEOUT"]),
        read_timeout=float(conf["HTTP_READ_TIMEOUT"]),
        max_retries=int(conf["HTTP_MAX_RETRIES"]),
        max_retry_after=float(conf["MAX_RETRY_AFTER"]),
        backoff_base=float(conf["HTTP_BACKOFF_BASE"]),
    )
    rng = rng or random.Random()

    def http(provider: str, url_key: str, rate_key: str | None) -> HttpClient:
        rate = float(conf[rate_key]) if rate_key else None
        return HttpClient(
            provider,
            str(conf[url_key]),
            settings,
            rate=rate or None,
            clock=clock,
            sleep=sleep,
            rng=rng,
        )

    return ProviderClients(
        spotify=SpotifyClient(
            http("spotify", "SPOTIFY_API_URL", "SPOTIFY_RATE_LIMIT"),
            accounts_url=str(conf["SPOTIFY_ACCOUNTS_URL"]),
            client_id=conf["SPOTIFY_CLIENT_ID"],
            client_secret=conf["SPOTIFY_CLIENT_SECRET"],
        ),
        deezer=DeezerClient(http("deezer", "DEEZER_API_URL", "DEEZER_RATE_LIMIT")),
        musicbrainz=MusicBrainzClient(
            http("musicbrainz", "MUSICBRAINZ_API_URL", "MUSICBRAINZ_RATE_LIMIT")
        ),
        # The archive publishes no rate limit; its images are fetched by the artwork service.
        coverart=CoverArtClient(http("coverart", "COVERART_API_URL", None)),
    )
