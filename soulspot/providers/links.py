"""Spotify and Deezer web page URLs of artists and albums, read into ExternalLinks.

Only the pages themselves count: the host and the path must both be an artist or album page
(open.spotify.com/[intl-xx/]artist/<22 base62>, [www.]deezer.com/[<lang>/]album/<digits>).
Scheme and host are case-insensitive, as URLs are; the kind is too, the id is not. A port
or a user part, any other host (play.spotify.com, m.deezer.com, look-alikes) or any other
page (tracks, playlists, embeds, extra path segments) is no link.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from soulspot.providers.types import ExternalLink, LinkKind, LinkProvider

SPOTIFY_WEB_HOST = "open.spotify.com"
DEEZER_WEB_HOSTS = frozenset({"www.deezer.com", "deezer.com"})
_WEB_PAGES = {
    "spotify": f"https://{SPOTIFY_WEB_HOST}/{{kind}}/{{id}}",
    "deezer": "https://www.deezer.com/{kind}/{id}",
    "musicbrainz": "https://musicbrainz.org/{kind}/{id}",
}
_KINDS: dict[str, LinkKind] = {"artist": "artist", "album": "album"}
_SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")
_DEEZER_ID = re.compile(r"[0-9]+")
_SPOTIFY_LOCALE = re.compile(r"intl-[a-z]{2}(?:-[a-z]{2})?", re.IGNORECASE)
_DEEZER_LOCALE = re.compile(r"[a-z]{2}(?:-[a-z]{2})?", re.IGNORECASE)


def parse_link(url: str) -> ExternalLink | None:
    """The Spotify or Deezer artist/album page `url` is, or None when it is none of those."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or parts.port is not None:
            return None
    except ValueError:
        return None
    if parts.username is not None:
        return None
    provider: LinkProvider
    if parts.hostname == SPOTIFY_WEB_HOST:
        provider, locale, valid_id = "spotify", _SPOTIFY_LOCALE, _SPOTIFY_ID
    elif parts.hostname in DEEZER_WEB_HOSTS:
        provider, locale, valid_id = "deezer", _DEEZER_LOCALE, _DEEZER_ID
    else:
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) == 3 and locale.fullmatch(segments[0]):
        segments = segments[1:]
    if len(segments) != 2:
        return None
    kind, entity_id = _KINDS.get(segments[0].lower()), segments[1]
    if kind is None or not valid_id.fullmatch(entity_id):
        return None
    return ExternalLink(provider=provider, kind=kind, id=entity_id, url=text)


def page_url(provider: str, kind: LinkKind, provider_id: str) -> str:
    """The public web page of an artist or album: spotify, deezer or musicbrainz (where an
    album's id is its release group's, as Album.musicbrainz_id holds)."""
    kind_path = "release-group" if provider == "musicbrainz" and kind == "album" else kind
    return _WEB_PAGES[provider].format(kind=kind_path, id=provider_id)
