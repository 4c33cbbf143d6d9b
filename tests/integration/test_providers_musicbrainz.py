"""MusicBrainzClient and CoverArtClient over real HTTP against the fakes."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image

from soulspot.providers.errors import ProviderNotFound
from soulspot.providers.factory import build_clients


def test_search_artists_scores_and_disambiguates(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    catalog.add_artist("Nirvana Savoury")
    us = catalog.add_artist("Nirvana", disambiguation="US grunge band")
    uk = catalog.add_artist("Nirvana", disambiguation="60s band from the UK")
    found = fake_clients.musicbrainz.search_artists("Nirvana")
    assert [(a.id, a.score) for a in found[:2]] == [(us.mbid, 100), (uk.mbid, 100)]
    assert found[2].score < 100
    assert found[0].disambiguation == "US grunge band"


@pytest.mark.parametrize("name", ["AC/DC", "Sunn O)))", 'The "Band"', "Mötley Crüe"])
def test_special_characters_survive_the_query(fake_providers, fake_clients, name) -> None:
    artist = fake_providers.catalog.add_artist(name)
    found = fake_clients.musicbrainz.search_artists(name)
    assert [(a.id, a.score) for a in found] == [(artist.mbid, 100)]


def test_search_release_groups_by_title_and_artist(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    nirvana = catalog.add_artist("Nirvana")
    nevermind = catalog.add_album(nirvana, "Nevermind", year=1991)
    catalog.add_album(catalog.add_artist("Cover Band"), "Nevermind", album_type="single")
    found = fake_clients.musicbrainz.search_release_groups("Nevermind", artist="Nirvana")
    assert [(g.id, g.year, g.artists) for g in found] == [(nevermind.mbid, 1991, ("Nirvana",))]


def test_lookups(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    artist = catalog.add_artist("Prince", aliases=("The Artist", "TAFKAP"))
    album = catalog.add_album(artist, "Hits", year=1993, album_type="compilation")
    info = fake_clients.musicbrainz.get_artist(artist.mbid)
    assert info.aliases == ("The Artist", "TAFKAP")
    group = fake_clients.musicbrainz.get_release_group(album.mbid)
    assert (group.album_type, group.artist_ids) == ("compilation", (artist.mbid,))
    with pytest.raises(ProviderNotFound):
        fake_clients.musicbrainz.get_artist("00000000-0000-0000-0000-000000000000")


def test_genres_from_lookups_browses_and_searches(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    artist = catalog.add_artist("Cohen", genres=("folk", "chamber pop", "blues"))
    catalog.add_album(artist, "Songs", year=1967)
    catalog.add_album(artist, "Ten New Songs", year=2001, genres=("soft rock",))
    mb = fake_clients.musicbrainz
    expected = ("folk", "chamber pop", "blues")  # most votes first; the fake sends them by name
    assert mb.get_artist(artist.mbid).genres == expected
    assert mb.search_artists("Cohen")[0].genres == expected  # from the hit's tags
    groups = mb.artist_release_groups(artist.mbid)
    assert [g.genres for g in groups] == [expected, ("soft rock",)]
    assert mb.get_release_group(groups[1].id).genres == ("soft rock",)
    assert mb.search_release_groups("Songs", artist="Cohen")[0].genres == expected
    assert fake_providers.count("musicbrainz", status=200) == 5


def test_live_and_remix_albums_keep_their_secondary_types(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    artist = catalog.add_artist("Band")
    studio = catalog.add_album(artist, "Alive", year=1990)
    live = catalog.add_album(artist, "Alive", year=1991, secondary_types=("Live",))
    remix = catalog.add_album(artist, "Alive", year=1992, secondary_types=("Remix",))
    best = catalog.add_album(artist, "Best", album_type="compilation", secondary_types=("Live",))
    mb = fake_clients.musicbrainz
    types = {g.id: (g.album_type, g.secondary_types) for g in mb.artist_release_groups(artist.mbid)}
    assert types == {
        studio.mbid: ("album", ()),
        live.mbid: ("album", ("Live",)),
        remix.mbid: ("album", ("Remix",)),
        best.mbid: ("compilation", ("Compilation", "Live")),
    }
    assert mb.get_release_group(live.mbid).secondary_types == ("Live",)
    hits = mb.search_release_groups("Alive", artist="Band")
    assert {h.id: h.secondary_types for h in hits}[remix.mbid] == ("Remix",)


def test_the_fake_refuses_inc_values_musicbrainz_refuses(fake_providers) -> None:
    artist = fake_providers.catalog.add_artist("Strict")
    url = f"{fake_providers.url}/musicbrainz/ws/2"

    def get(path: str, **params: str) -> requests.Response:
        return requests.get(f"{url}/{path}", params={**params, "fmt": "json"}, timeout=5)

    refused = get(f"artist/{artist.mbid}", inc="aliases+foobar")
    assert refused.status_code == 400
    assert refused.json()["error"] == "foobar is not a valid inc parameter for the artist resource."
    assert get(f"artist/{artist.mbid}", inc="artist-credits").status_code == 400
    assert get("release-group", artist=artist.mbid, inc="releases").status_code == 400
    assert get("release-group", artist=artist.mbid, inc="artist-credits genres").status_code == 200
    assert get("artist", query='artist:"Strict"', inc="foobar").status_code == 200  # ignored


def test_browse_reads_every_page(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    artist = catalog.add_artist("Bootlegger")
    for n in range(230):
        catalog.add_album(artist, f"Live {n}", year=1970 + n % 50)
    groups = fake_clients.musicbrainz.artist_release_groups(artist.mbid)
    assert len({g.id for g in groups}) == 230
    assert fake_providers.count("musicbrainz") == 3


def test_strict_fake_answers_503_to_fast_clients(fake_providers) -> None:
    fake_providers.musicbrainz_strict = True
    url = f"{fake_providers.url}/musicbrainz/ws/2/artist"
    params = {"query": 'artist:"x"', "fmt": "json"}
    statuses = [requests.get(url, params=params, timeout=5).status_code for _ in range(2)]
    assert statuses == [200, 503]


def test_client_at_the_real_limit_is_never_refused(fake_providers) -> None:
    fake_providers.musicbrainz_strict = True
    artist = fake_providers.catalog.add_artist("Patient")
    clients = build_clients(fake_providers.config(MUSICBRAINZ_RATE_LIMIT=1.0))
    clients.musicbrainz.get_artist(artist.mbid)
    clients.musicbrainz.get_artist(artist.mbid)
    assert fake_providers.count("musicbrainz", status=503) == 0
    assert fake_providers.min_interval("musicbrainz") >= 1.0
    clients.close()


def test_cover_art_front_redirects_to_the_cdn(fake_providers, fake_clients) -> None:
    catalog = fake_providers.catalog
    artist = catalog.add_artist("Covered")
    album = catalog.add_album(artist, "With Cover")
    bare = catalog.add_album(artist, "Without Cover", image=False)
    url = fake_clients.coverart.release_group_front(album.mbid)
    assert url == f"{fake_providers.url}/cdn/caa/{album.mbid}.jpg"
    assert Image.open(io.BytesIO(requests.get(url, timeout=5).content)).size == (1200, 1200)
    thumb = fake_clients.coverart.release_front(album.release_mbid, size=250)
    assert Image.open(io.BytesIO(requests.get(thumb, timeout=5).content)).size == (250, 250)
    assert fake_clients.coverart.release_group_front(bare.mbid) is None
    assert fake_providers.count("cdn") == 2  # the client itself never followed a redirect


def test_the_fake_searches_aliases_only_in_the_alias_field(fake_providers) -> None:
    prince = fake_providers.catalog.add_artist("Prince", aliases=("TAFKAP",))
    url = f"{fake_providers.url}/musicbrainz/ws/2/artist"

    def ids(query: str) -> list[str]:
        answer = requests.get(url, params={"query": query, "fmt": "json"}, timeout=5).json()
        return [hit["id"] for hit in answer["artists"]]

    assert ids('artist:"TAFKAP"') == []
    assert ids('alias:"tafkap"') == [prince.mbid]
