"""Placeholder artists: one vocabulary for the scanner's filing and enrichment's searches."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from soulspot.extensions import db
from soulspot.matching.vocabulary import VARIOUS_ARTISTS
from soulspot.models import Album, Artist
from soulspot.services.enrichment import EnrichmentSettings, run_enrichment
from soulspot.services.scanning import scan_library
from soulspot.wiring import providers
from tests.audio import make_audio
from tests.factories import add_album, add_artist


@pytest.mark.parametrize(
    "album_artist", ["VA", "V.A.", "Varios Artistas", "Verschiedene Interpreten", "Divers"]
)
def test_every_various_artists_spelling_files_a_compilation(
    session, tmp_path: Path, album_artist: str
) -> None:
    root = tmp_path / "music"
    make_audio(root / "a.mp3", artist="Blur", albumartist=album_artist, album="Hits", title="a")
    make_audio(
        root / "b.mp3", artist="Pulp", albumartist="Various Artists", album="More", title="b"
    )

    scan_library(session, root)

    artist = session.scalars(select(Artist)).one()
    assert artist.name == VARIOUS_ARTISTS
    assert {(a.title, a.album_type) for a in session.scalars(select(Album))} == {
        ("Hits", "compilation"),
        ("More", "compilation"),
    }


@pytest.mark.parametrize("name", ["[unknown]", "Unknown", "unknown artist"])
def test_an_unknown_artist_placeholder_is_never_searched(make_app, fake_providers, name) -> None:
    fake_providers.catalog.add_artist(name, popularity=10)
    app = make_app(**fake_providers.config())
    with app.app_context():
        artist = add_artist(db.session, name)
        add_album(db.session, artist, "Untitled", tracks=3, release_year=2001)
        db.session.commit()
        clients = providers(app)
        run_enrichment(
            db.session,
            spotify=clients.spotify,
            deezer=clients.deezer,
            settings=EnrichmentSettings.from_config(app.config),
        )
        assert db.session.get(Artist, artist.id).spotify_uri is None
    assert fake_providers.count(path_contains="search") == 0
