"""A small realistic library and the fake catalog behind it, for browser tests and screenshots.

Blur and Pulp match one artist each and auto-link (three of Blur's albums are only on the
providers: its artist page fetches them); the two Nirvanas are namesakes, so the local Nirvana
(one bootleg, nothing distinctive) goes to review; Massive Attack is on Deezer and
MusicBrainz only; the artist named `<script>alert(1)</script>` (with an album titled as an
`<img onerror>`) is in no catalog and must render as text everywhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests.factories import add_album, add_artist
from tests.fakes.server import FakeProviders

XSS_ARTIST = "<script>alert(1)</script>"
XSS_ALBUM = "<img src=x onerror=alert(2)>"

#: name -> (genres, popularity, disambiguation, providers, albums as (title, year, tracks))
CATALOG: dict[str, list[tuple[Any, ...]]] = {
    "Blur": [
        (
            ("britpop", "alternative rock"),
            62,
            "UK rock band",
            ("spotify", "deezer", "musicbrainz"),
            [
                ("Modern Life Is Rubbish", 1993, 15),
                ("Parklife", 1994, 16),
                ("The Great Escape", 1995, 15),
                ("Blur", 1997, 14),
                ("13", 1999, 13),
                ("Think Tank", 2003, 14),
            ],
        )
    ],
    "Pulp": [
        (
            ("britpop",),
            55,
            "Sheffield band",
            ("spotify", "deezer", "musicbrainz"),
            [("His 'n' Hers", 1994, 12), ("Different Class", 1995, 12)],
        )
    ],
    "Nirvana": [
        (
            ("grunge",),
            80,
            "US grunge band",
            ("spotify", "deezer", "musicbrainz"),
            [("Bleach", 1989, 13), ("Nevermind", 1991, 13), ("In Utero", 1993, 12)],
        ),
        (
            ("psychedelic rock",),
            20,
            "UK psychedelic band",
            ("spotify", "deezer", "musicbrainz"),
            [("The Story of Simon Simopath", 1967, 10), ("All of Us", 1968, 10)],
        ),
    ],
    "Massive Attack": [
        (
            ("trip hop",),
            58,
            "Bristol collective",
            ("deezer", "musicbrainz"),
            [("Blue Lines", 1991, 9), ("Mezzanine", 1998, 11)],
        )
    ],
}

#: name -> local albums as (title, year, tracks)
LOCAL: dict[str, list[tuple[str, int | None, int]]] = {
    "Blur": [("Parklife", 1994, 16), ("The Great Escape", 1995, 15), ("Blur", 1997, 14)],
    "Pulp": [("His 'n' Hers", 1994, 12), ("Different Class", 1995, 12)],
    "Nirvana": [("Live Bootleg", None, 8)],
    "Massive Attack": [("Blue Lines", 1991, 9), ("Mezzanine", 1998, 11)],
    XSS_ARTIST: [(XSS_ALBUM, 2020, 3)],
}


def seed_demo_library(session: Session, fake: FakeProviders) -> dict[str, str]:
    """Fill the fake catalog and the library; returns ids by name (`xss_artist`, `blur`, ...)."""
    for name, entries in CATALOG.items():
        for genres, popularity, disambiguation, providers, albums in entries:
            artist = fake.catalog.add_artist(
                name,
                genres=genres,
                popularity=popularity,
                fans=popularity * 10_000,
                disambiguation=disambiguation,
                providers=providers,
            )
            for title, year, tracks in albums:
                fake.catalog.add_album(artist, title, year=year, tracks=tracks)
    ids: dict[str, str] = {}
    for name, albums in LOCAL.items():
        artist = add_artist(session, name)
        made = [
            add_album(session, artist, title, tracks=tracks, release_year=year)
            for title, year, tracks in albums
        ]
        session.flush()
        for album in made:
            for number, track in enumerate(album.tracks, start=1):
                track.duration_ms = 150_000 + number * 7_000
        key = "xss" if name == XSS_ARTIST else name.lower().replace(" ", "_")
        ids[f"{key}_artist"] = artist.id
        ids[f"{key}_album"] = made[0].id
    session.flush()
    return ids
