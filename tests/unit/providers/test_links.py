"""Spotify and Deezer page URLs to ExternalLinks: host and path both decide."""

from __future__ import annotations

import pytest

from soulspot.providers.links import parse_link
from soulspot.providers.types import ExternalLink

SPOTIFY_ID = "6olE6TJLqED3rqDCT0FyPh"  # Nirvana's, from the recorded url-rels


@pytest.mark.parametrize(
    ("url", "provider", "kind", "entity_id"),
    [
        (f"https://open.spotify.com/artist/{SPOTIFY_ID}", "spotify", "artist", SPOTIFY_ID),
        (f"http://open.spotify.com/artist/{SPOTIFY_ID}", "spotify", "artist", SPOTIFY_ID),
        (f"HTTPS://OPEN.SPOTIFY.COM/Artist/{SPOTIFY_ID}/", "spotify", "artist", SPOTIFY_ID),
        (f"https://open.spotify.com/intl-de/artist/{SPOTIFY_ID}", "spotify", "artist", SPOTIFY_ID),
        (f"https://open.spotify.com/intl-pt-BR/album/{SPOTIFY_ID}", "spotify", "album", SPOTIFY_ID),
        (f"https://open.spotify.com/album/{SPOTIFY_ID}?si=abc#x", "spotify", "album", SPOTIFY_ID),
        ("https://www.deezer.com/artist/384236", "deezer", "artist", "384236"),
        ("http://deezer.com/album/302127/", "deezer", "album", "302127"),
        ("https://www.deezer.com/fr/artist/27", "deezer", "artist", "27"),
        ("https://WWW.Deezer.com/pt-br/Album/302127?utm=x", "deezer", "album", "302127"),
        (f"  https://open.spotify.com/artist/{SPOTIFY_ID}  ", "spotify", "artist", SPOTIFY_ID),
    ],
)
def test_artist_and_album_pages_are_links(url, provider, kind, entity_id) -> None:
    assert parse_link(url) == ExternalLink(provider, kind, entity_id, url.strip())


@pytest.mark.parametrize(
    "url",
    [
        f"https://play.spotify.com/artist/{SPOTIFY_ID}",  # MusicBrainz stores open.spotify.com
        f"spotify:artist:{SPOTIFY_ID}",
        f"https://open.spotify.com/track/{SPOTIFY_ID}",
        f"https://open.spotify.com/user/{SPOTIFY_ID}",
        f"https://open.spotify.com/embed/artist/{SPOTIFY_ID}",
        f"https://open.spotify.com/artist/{SPOTIFY_ID}/extra",
        f"https://open.spotify.com/intl-de/artist/{SPOTIFY_ID}/extra",
        f"https://open.spotify.com/xx/artist/{SPOTIFY_ID}",
        "https://open.spotify.com/artist/tooShort",
        f"https://open.spotify.com/artist/{SPOTIFY_ID}X",
        f"https://open.spotify.com/artist/{SPOTIFY_ID[:-1]}-",
        f"https://open.spotify.com.evil.example/artist/{SPOTIFY_ID}",
        f"https://evil.example/open.spotify.com/artist/{SPOTIFY_ID}",
        f"https://user@open.spotify.com/artist/{SPOTIFY_ID}",
        f"https://open.spotify.com:8443/artist/{SPOTIFY_ID}",
        f"ftp://open.spotify.com/artist/{SPOTIFY_ID}",
        f"https://[::1/artist/{SPOTIFY_ID}",
        "https://www.deezer.com/track/3135556",
        "https://www.deezer.com/artist/27a",
        "https://www.deezer.com/artist/",
        "https://www.deezer.com/profile/27",
        "https://www.deezer.com/french/artist/27",
        "https://m.deezer.com/artist/27",
        "https://api.deezer.com/artist/27",
        "https://deezer.page.link/artist/27",
        "https://www.deezer.com:444/artist/27",
        "https://www.discogs.com/artist/125246",
        "",
    ],
)
def test_other_urls_are_no_links(url) -> None:
    assert parse_link(url) is None
