"""Album matching: editions, release types, one-to-one pairing and the per-album score."""

from __future__ import annotations

import pytest

from soulspot.matching import LocalAlbum, decide, match_albums, score_album
from soulspot.providers.types import AlbumInfo


def album(ident: str, title: str, year: int | None = None, **kw) -> AlbumInfo:
    kw.setdefault("album_type", "album")
    return AlbumInfo(provider="spotify", id=ident, title=title, year=year, **kw)


def ids(matches: dict[int, AlbumInfo]) -> dict[int, str]:
    return {index: found.id for index, found in matches.items()}


# Shapes and titles as Spotify lists them for Gorillaz (recorded fixture).
GORILLAZ = [
    album("cid", "Cracker Island (Deluxe)", 2023, total_tracks=15),
    album("ci", "Cracker Island", 2023, total_tracks=10),
    album("pbd", "Plastic Beach (Deluxe)", 2010, total_tracks=18),
    album("pb", "Plastic Beach", 2010, total_tracks=16),
    album("dsl", "Demon Days Live at the Manchester Opera House", 2011),
    album("dss", "D-Sides [Special Edition]", 2007),
    album("ds", "D-Sides", 2007),
    album("dd", "Demon Days", 2005),
]


def test_plain_local_album_gets_the_plain_edition_even_when_deluxe_is_listed_first() -> None:
    local = [LocalAlbum("Cracker Island", 2023), LocalAlbum("Plastic Beach"), LocalAlbum("D-Sides")]
    assert ids(match_albums(local, GORILLAZ)) == {0: "ci", 1: "pb", 2: "ds"}


def test_deluxe_local_album_gets_the_deluxe_edition() -> None:
    local = [LocalAlbum("Plastic Beach (Deluxe Edition)", 2010)]
    assert ids(match_albums(local, GORILLAZ)) == {0: "pbd"}


def test_both_local_editions_pair_one_to_one() -> None:
    local = [LocalAlbum("Plastic Beach (Deluxe)"), LocalAlbum("Plastic Beach")]
    assert ids(match_albums(local, GORILLAZ)) == {0: "pbd", 1: "pb"}


def test_one_entry_is_never_given_to_two_local_albums() -> None:
    local = [LocalAlbum("Demon Days (Remastered)"), LocalAlbum("Demon Days")]
    assert ids(match_albums(local, [album("dd", "Demon Days", 2005)])) == {1: "dd"}


def test_a_version_word_is_not_an_edition() -> None:
    disco = [
        album("deluxe", "Under the Westway (Deluxe)", album_type="single"),
        album("plain", "Under the Westway - Single", album_type="single"),
    ]
    assert ids(match_albums([LocalAlbum("Under the Westway", None, 2)], disco)) == {0: "plain"}


def test_live_album_is_not_the_studio_album() -> None:
    local = [LocalAlbum("Demon Days Live at the Manchester Opera House")]
    assert ids(match_albums(local, GORILLAZ)) == {0: "dsl"}
    studio_only = [a for a in GORILLAZ if a.id != "dsl"]
    assert match_albums(local, studio_only) == {}
    assert match_albums([LocalAlbum("Demon Days (Live)")], studio_only) == {}


def test_volumes_and_years_in_titles_are_different_albums() -> None:
    disco = [album("v2", "Musique, Vol. 2", 2010), album("a07", "Alive 2007", 2007)]
    assert match_albums([LocalAlbum("Musique, Vol. 1"), LocalAlbum("Alive 1997")], disco) == {}


def test_album_type_album_beats_single_and_compilation_of_the_same_title() -> None:
    disco = [
        album("single", "Human After All", 2005, album_type="single", total_tracks=1),
        album("comp", "Human After All", 2005, album_type="compilation"),
        album("lp", "Human After All", 2005),
    ]
    assert ids(match_albums([LocalAlbum("Human After All", 2005)], disco)) == {0: "lp"}
    # A two-track local "album" is the single.
    assert ids(match_albums([LocalAlbum("Human After All", 2005, 2)], disco)) == {0: "single"}


def test_year_agreement_picks_among_editions_of_the_same_type() -> None:
    disco = [album("re", "Rumours", 2004), album("orig", "Rumours", 1977)]
    assert ids(match_albums([LocalAlbum("Rumours", 1977)], disco)) == {0: "orig"}
    assert ids(match_albums([LocalAlbum("Rumours", 2004)], disco)) == {0: "re"}


def test_track_count_picks_among_otherwise_equal_editions() -> None:
    disco = [album("a", "Ten", 1991, total_tracks=14), album("b", "Ten", 1991, total_tracks=11)]
    assert ids(match_albums([LocalAlbum("Ten", 1991, 11)], disco)) == {0: "b"}


def test_release_date_stands_in_for_a_missing_year() -> None:
    disco = [
        album("new", "Homework", release_date="2022-01-01"),
        album("old", "Homework", release_date="1997-01-16"),
    ]
    assert ids(match_albums([LocalAlbum("Homework", 1997)], disco)) == {0: "old"}


def test_nothing_to_match_gives_an_empty_mapping() -> None:
    assert match_albums([], GORILLAZ) == {}
    assert match_albums([LocalAlbum("Demon Days")], []) == {}


PLAIN = album("pb", "Plastic Beach", 2010, total_tracks=16, artists=("Gorillaz",))
DELUXE = album("pbd", "Plastic Beach (Deluxe)", 2010, total_tracks=18, artists=("Gorillaz",))


def test_plain_edition_auto_applies_over_the_deluxe_one() -> None:
    local = LocalAlbum("Plastic Beach", 2010, 16)
    plain, deluxe = score_album(local, "Gorillaz", PLAIN), score_album(local, "Gorillaz", DELUXE)
    assert plain.score > deluxe.score
    assert not deluxe.breakdown["same_edition"]
    assert "another edition than the local one" in deluxe.breakdown["reasons"]
    assert decide([deluxe, plain]).auto_apply is plain


def test_plain_edition_wins_even_without_a_local_track_count() -> None:
    local = LocalAlbum("Plastic Beach", 2010)
    scored = [score_album(local, "Gorillaz", DELUXE), score_album(local, "Gorillaz", PLAIN)]
    assert decide(scored).auto_apply is scored[1]


def test_deluxe_alone_goes_to_review_not_auto_apply() -> None:
    scored = score_album(LocalAlbum("Plastic Beach", 2010, 16), "Gorillaz", DELUXE)
    decision = decide([scored])
    assert decision.auto_apply is None
    assert decision.candidates == [scored]


def test_title_and_artist_alone_are_not_enough_to_auto_apply() -> None:
    bare = album("pb", "Plastic Beach", artists=("Gorillaz",))
    scored = score_album(LocalAlbum("Plastic Beach"), "Gorillaz", bare)
    assert scored.breakdown["title"] == 1.0
    assert not scored.auto_eligible
    assert decide([scored], threshold=0.0, margin=0.0).auto_apply is None


def test_same_title_by_another_artist_is_not_the_album() -> None:
    other = album("x", "Plastic Beach", 2010, total_tracks=16, artists=("Someone Else",))
    scored = score_album(LocalAlbum("Plastic Beach", 2010, 16), "Gorillaz", other)
    assert not scored.auto_eligible
    assert scored.score < 0.5


@pytest.mark.parametrize(
    "title", ["Plastic Beach (Live)", "Plastic Beach Vol. 2", "Plastic Beach (Remixes)"]
)
def test_meaningful_variants_score_low(title: str) -> None:
    variant = album("v", title, 2010, total_tracks=16, artists=("Gorillaz",))
    scored = score_album(LocalAlbum("Plastic Beach", 2010, 16), "Gorillaz", variant)
    assert not scored.auto_eligible
    assert scored.score <= 0.5


def test_various_artists_compilations_match_only_compilations() -> None:
    comp = album("c", "Now That's What I Call Music! 50", 2001, artists=("Various Artists",))
    local = LocalAlbum("Now That's What I Call Music 50", 2001)
    assert score_album(local, "Various Artists", comp).auto_eligible
    assert score_album(local, "VA", comp).breakdown["artist"] == 1.0
    assert score_album(local, "Nirvana", comp).breakdown["artist"] == 0.0
    other = album("n", "Now That's What I Call Music! 51", 2001, artists=("Various Artists",))
    assert not score_album(local, "Various Artists", other).auto_eligible


def test_album_breakdown_is_plain_data() -> None:
    scored = score_album(LocalAlbum("Plastic Beach", 2010, 16), "Gorillaz", PLAIN)
    assert scored.breakdown == {
        "title": 1.0,
        "artist": 1.0,
        "year": 1.0,
        "tracks": 1.0,
        "same_edition": True,
        "album_type": "album",
        "secondary_types": [],
        "auto_eligible": True,
        "reasons": ["title similarity 1.00"],
    }
    assert scored.score == 1.0


# Titles as Spotify lists soundtracks and anthologies; local tags often carry the bare title.
SOUNDTRACKS = [
    album("ntd", "No Time To Die (Original Motion Picture Soundtrack)", 2021),
    album("httyd", "How To Train Your Dragon (Music From The Motion Picture)", 2010),
    album("httyd2", "How To Train Your Dragon 2 (Music From The Motion Picture)", 2014),
    album("mus", "Musique, Vol. 1: 1993–2005", 2006),
]


def test_a_soundtrack_is_found_under_its_bare_title_but_not_its_sequel() -> None:
    local = [
        LocalAlbum("No Time To Die", 2021),
        LocalAlbum("How To Train Your Dragon", 2010),
        LocalAlbum("Musique, Vol. 1", 2006),
    ]
    assert ids(match_albums(local, SOUNDTRACKS)) == {0: "ntd", 1: "httyd", 2: "mus"}
    assert ids(match_albums([LocalAlbum("How To Train Your Dragon 3")], SOUNDTRACKS)) == {}


def test_a_soundtrack_under_its_bare_title_may_auto_apply_with_its_year() -> None:
    local = LocalAlbum("No Time To Die", 2021)
    candidate = album("ntd", SOUNDTRACKS[0].title, 2021, artists=("Hans Zimmer",))
    assert score_album(local, "Hans Zimmer", candidate).auto_eligible


def _group(title: str, *secondary: str, year: int = 1991) -> AlbumInfo:
    return AlbumInfo(
        provider="musicbrainz",
        id=f"{title}-{'-'.join(secondary)}",
        title=title,
        year=year,
        album_type="album",
        secondary_types=tuple(secondary),
    )


@pytest.mark.parametrize("kind", ["Live", "Remix", "Demo", "DJ-mix"])
def test_a_live_or_remix_group_never_passes_for_the_studio_album(kind):
    discography = [_group("Nevermind", kind)]
    assert match_albums([LocalAlbum("Nevermind", 1991, 13)], discography) == {}
    scored = score_album(LocalAlbum("Nevermind", 1991, 13), "Nirvana", discography[0])
    assert not scored.auto_eligible and kind.lower() in " ".join(scored.breakdown["reasons"])


def test_the_studio_group_wins_over_its_live_namesake_and_a_live_album_finds_its_own():
    studio, live = _group("Unplugged"), _group("Unplugged", "Live", year=1994)
    matched = match_albums(
        [LocalAlbum("Unplugged", 1991, 10), LocalAlbum("Unplugged (Live)", 1994, 14)],
        [live, studio],
    )
    assert matched == {0: studio, 1: live}
    assert match_albums([LocalAlbum("Remixes 81-04", 2004, 20)], [_group("Remixes 81-04", "Remix")])
