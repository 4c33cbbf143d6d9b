"""The fake catalog's indexes: look-ups touch no other entity, and the narrowed search pools
hold every substring match, in catalog order, so the fake answers as a full scan would."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakes import catalog as catalog_module
from tests.fakes.catalog import ALL_PROVIDERS, FakeCatalog

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None)

# Letters whose casefold changes length or merges (ß, ﬁ, İ, final sigma), and spaces.
texts = st.text(st.sampled_from("abcAB ßsSﬁfiİiΣσς1-"), max_size=12)
needles = st.lists(texts, max_size=3)
providers = st.sets(st.sampled_from(ALL_PROVIDERS)).map(lambda chosen: chosen or {"spotify"})
artists = st.lists(
    st.tuples(texts, st.lists(texts, max_size=2), providers, st.lists(texts, max_size=2)),
    max_size=12,
)


def _in(needle: str, haystack: str) -> bool:
    return needle.casefold() in haystack.casefold()


def _build(rows: list) -> FakeCatalog:  # noqa: ANN001 - hypothesis rows
    catalog = FakeCatalog()
    for name, aliases, on, titles in rows:
        artist = catalog.add_artist(name, aliases=aliases, providers=on)
        for title in titles:
            catalog.add_album(artist, title, tracks=1)
    return catalog


def _seqs(entities: list) -> list[int]:  # noqa: ANN001 - artists or albums
    return [entity.seq for entity in entities]


def _narrowed(pool: list, everyone: list, matches: list) -> bool:  # noqa: ANN001
    """`pool` is a part of `everyone` in its order, holding every one of `matches`."""
    remaining = iter(_seqs(everyone))
    in_order = all(seq in remaining for seq in _seqs(pool))
    return in_order and set(_seqs(matches)) <= set(_seqs(pool))


@PROPERTY
@given(artists, needles, needles, st.sampled_from(ALL_PROVIDERS))
def test_an_artist_pool_holds_every_match_in_catalog_order(
    rows: list, name: list[str], alias: list[str], provider: str
) -> None:
    catalog = _build(rows)
    everyone = catalog.artists_on(provider)
    pool = catalog.artists_on(provider, name=name, alias=alias)
    matches = [
        artist
        for artist in everyone
        if all(_in(n, artist.name) for n in name)
        and all(any(_in(a, alias_name) for alias_name in artist.aliases) for a in alias)
    ]
    assert _narrowed(pool, everyone, matches)


@PROPERTY
@given(artists, needles, needles, needles, st.sampled_from(ALL_PROVIDERS))
def test_an_album_pool_holds_every_match_in_catalog_order(
    rows: list, title: list[str], artist: list[str], words: list[str], provider: str
) -> None:
    catalog = _build(rows)
    everything = catalog.albums_on(provider)
    pool = catalog.albums_on(provider, title=title, artist=artist, title_or_artist=words)
    matches = [
        album
        for album in everything
        if all(_in(t, album.title) for t in title)
        and all(_in(a, album.artist.name) for a in artist)
        and all(_in(w, f"{album.title} {album.artist.name}") for w in words)
    ]
    assert _narrowed(pool, everything, matches)


def test_a_look_up_computes_no_other_entitys_id(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = FakeCatalog()
    for number in range(200):
        artist = catalog.add_artist(f"Artist {number}")
        catalog.add_album(artist, f"Album {number}", tracks=1)
    wanted, album = catalog.artists[150], catalog.albums[150]
    computed: list[str] = []
    real = catalog_module.spotify_id

    def counting(kind: str, seq: int) -> str:
        computed.append(kind)
        return real(kind, seq)

    monkeypatch.setattr(catalog_module, "spotify_id", counting)
    assert catalog.find_artist("spotify", real("artist", wanted.seq)) is wanted
    assert catalog.find_album("spotify", real("album", album.seq)) is album
    assert catalog.find_album("deezer", album.release_mbid) is album
    assert catalog.find_artist("deezer", f"0{wanted.deezer_id}") is None  # ids match as text
    assert computed == []
