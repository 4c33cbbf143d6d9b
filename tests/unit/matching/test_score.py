"""Artist scoring and the auto-apply decision: namesakes, tributes, name-only evidence, VA."""

from __future__ import annotations

import json

import pytest

from soulspot.matching import LocalAlbum, LocalArtist, Scored, decide, score_artist
from soulspot.providers.types import AlbumInfo, ArtistInfo

UK_NIRVANA = [
    ("The Story of Simon Simopath", 1967),
    ("All of Us", 1968),
    ("To Markos III", 1970),
    ("Local Anaesthetic", 1971),
    ("Songs of Love and Praise", 1972),
]
GRUNGE_NIRVANA = [
    ("Bleach", 1989),
    ("Nevermind", 1991),
    ("Incesticide", 1992),
    ("In Utero", 1993),
    ("MTV Unplugged in New York", 1994),
]


def artist(
    ident: str, name: str, popularity: int | None = None, provider: str = "spotify", **kw
) -> ArtistInfo:
    return ArtistInfo(provider=provider, id=ident, name=name, popularity=popularity, **kw)


def album(ident: str, title: str, year: int | None = None, **kw) -> AlbumInfo:
    kw.setdefault("album_type", "album")
    return AlbumInfo(provider="spotify", id=ident, title=title, year=year, **kw)


def discography(prefix: str, titles: list[tuple[str, int]]) -> list[AlbumInfo]:
    return [album(f"{prefix}{i}", title, year) for i, (title, year) in enumerate(titles)]


def local_artist(name: str, titles: list[tuple[str, int | None]], genres=()) -> LocalArtist:
    albums = tuple(LocalAlbum(title, year) for title, year in titles)
    return LocalArtist(name, albums, tuple(genres))


GRUNGE = artist("grunge", "Nirvana", 80, genres=("grunge", "rock"))
UK = artist("uk", "Nirvana", 20, genres=("psychedelic rock",))
GRUNGE_DISCOGRAPHY = [
    *discography("g", GRUNGE_NIRVANA),
    album("g-deluxe", "Nevermind (Deluxe Edition)", 1991),
    album("g-live", "Live at Reading", 2009),
]
UK_DISCOGRAPHY = discography("u", UK_NIRVANA)


def test_uk_nirvana_library_never_gets_the_popular_grunge_band() -> None:
    local = local_artist("Nirvana", UK_NIRVANA, genres=["Psychedelic Rock"])
    grunge = score_artist(local, GRUNGE, GRUNGE_DISCOGRAPHY)
    uk = score_artist(local, UK, UK_DISCOGRAPHY)
    assert not grunge.auto_eligible
    assert uk.score > grunge.score + 0.1
    decision = decide([grunge, uk])
    assert decision.auto_apply is uk


def test_uk_band_still_wins_in_review_when_years_are_unknown_and_one_album_is_missing() -> None:
    local = local_artist("Nirvana", [(title, None) for title, _ in UK_NIRVANA])
    partial = score_artist(local, UK, UK_DISCOGRAPHY[:1])
    grunge = score_artist(local, GRUNGE, GRUNGE_DISCOGRAPHY)
    decision = decide([grunge, partial])
    assert decision.auto_apply is None
    assert decision.candidates[0] is partial


def test_grunge_library_auto_applies_the_grunge_band() -> None:
    local = local_artist("Nirvana", GRUNGE_NIRVANA, genres=["Grunge"])
    grunge = score_artist(local, GRUNGE, GRUNGE_DISCOGRAPHY)
    uk = score_artist(local, UK, UK_DISCOGRAPHY)
    assert grunge.breakdown["albums_matched"] == 5
    assert decide([uk, grunge]).auto_apply is grunge


def test_name_only_evidence_never_auto_applies_whatever_the_threshold() -> None:
    local = local_artist("Nirvana", UK_NIRVANA)
    alone = score_artist(local, GRUNGE, GRUNGE_DISCOGRAPHY)
    assert alone.breakdown["name"] == 1.0
    assert alone.breakdown["albums_matched"] == 0
    assert not alone.auto_eligible
    assert alone.score < 0.6
    assert decide([alone], threshold=0.0, margin=0.0).auto_apply is None
    assert decide([alone]).candidates == [alone]  # still offered for review


@pytest.mark.parametrize(
    ("albums", "disco"),
    [([], None), ([], GRUNGE_DISCOGRAPHY), ([("Nevermind", 1991)], None)],
)
def test_without_a_discography_or_local_albums_nothing_auto_applies(albums, disco) -> None:
    scored = score_artist(local_artist("Nirvana", albums), GRUNGE, disco)
    assert not scored.auto_eligible
    assert scored.breakdown["albums_matched"] == 0
    assert decide([scored], threshold=0.0, margin=0.0).auto_apply is None


def test_exact_name_and_four_of_five_albums_auto_applies_without_years_or_genres() -> None:
    titles = [title for title, _ in GRUNGE_NIRVANA]
    local = local_artist("Nirvana", [(t, None) for t in titles])
    candidate = artist("d1", "Nirvana", provider="deezer")
    disco = [album(f"a{i}", t) for i, t in enumerate(titles[:4])]
    scored = score_artist(local, candidate, disco)
    assert scored.breakdown["albums_matched"] == 4
    assert scored.breakdown["discography_overlap"] == pytest.approx(0.8)
    assert scored.score >= 0.9
    assert decide([scored]).auto_apply is scored


def test_one_of_five_albums_is_not_enough_for_auto_apply() -> None:
    local = local_artist("Nirvana", GRUNGE_NIRVANA)
    scored = score_artist(local, GRUNGE, discography("g", GRUNGE_NIRVANA[:1]))
    assert scored.score < 0.9
    assert decide([scored]).auto_apply is None


def test_single_album_artist_needs_the_year_to_agree() -> None:
    candidate = artist("x", "Boards of Canada")
    disco = [album("m", "Music Has the Right to Children", 1998)]
    with_year = local_artist("Boards of Canada", [("Music Has the Right to Children", 1998)])
    without = local_artist("Boards of Canada", [("Music Has the Right to Children", None)])
    assert decide([score_artist(with_year, candidate, disco)]).auto_apply is not None
    assert decide([score_artist(without, candidate, disco)]).auto_apply is None


def test_a_shared_self_titled_album_does_not_prove_identity() -> None:
    local = local_artist("Nirvana", [("Nirvana", 1996), ("Greatest Hits", 2001)])
    namesake = score_artist(
        local, GRUNGE, [album("n", "Nirvana", 1996), album("h", "Greatest Hits")]
    )
    assert namesake.breakdown["albums_matched"] == 2
    assert not namesake.auto_eligible
    assert namesake.score < 0.9


@pytest.mark.parametrize(
    "name", ["Nirvana Tribute", "The Nirvana Experience", "Nirvana Tribute Band"]
)
def test_tribute_bands_do_not_score_as_the_real_band(name: str) -> None:
    local = local_artist("Nirvana", GRUNGE_NIRVANA)
    # A tribute act that "released" the very same album titles, and is more popular.
    tribute = score_artist(local, artist("t", name, 90), discography("t", GRUNGE_NIRVANA))
    real = score_artist(local, GRUNGE, GRUNGE_DISCOGRAPHY)
    assert not tribute.auto_eligible
    assert tribute.score < 0.6
    assert decide([tribute]).auto_apply is None
    assert decide([tribute, real]).auto_apply is real


def test_very_short_titles_are_weak_evidence() -> None:
    local = local_artist("Blur", [("13", 1999)])
    scored = score_artist(local, artist("b", "Blur"), [album("t", "13", 1999)])
    assert scored.breakdown["albums_matched"] == 1
    assert not scored.auto_eligible


def test_year_agreement_counts_only_albums_with_known_years() -> None:
    local = local_artist("Nirvana", [("Bleach", 1989), ("Nevermind", None), ("In Utero", 1993)])
    scored = score_artist(local, GRUNGE, GRUNGE_DISCOGRAPHY)
    assert scored.breakdown["albums_matched"] == 3
    assert scored.breakdown["year"] == 1.0
    reissued = [album("b", "Bleach", 2009), album("i", "In Utero", 1993)]
    assert score_artist(local, GRUNGE, reissued).breakdown["year"] == 0.5


def test_a_band_whose_own_name_has_tribute_words_is_not_penalised() -> None:
    local = local_artist("The Jimi Hendrix Experience", [("Are You Experienced", 1967)])
    candidate = artist("h", "The Jimi Hendrix Experience")
    scored = score_artist(local, candidate, [album("a", "Are You Experienced", 1967)])
    assert scored.auto_eligible
    assert scored.breakdown["name"] == 1.0


def test_popularity_only_breaks_ties() -> None:
    local = local_artist("Nirvana", UK_NIRVANA)
    popular = score_artist(local, artist("p", "Nirvana", 95), [])
    obscure = score_artist(local, artist("o", "Nirvana", 5), [])
    assert popular.score > obscure.score
    assert popular.score - obscure.score <= 0.01
    decision = decide([obscure, popular])
    assert decision.auto_apply is None
    assert decision.candidates == [popular, obscure]
    # Evidence outweighs any popularity.
    evidenced = score_artist(local, artist("e", "Nirvana", 0), UK_DISCOGRAPHY)
    assert decide([popular, evidenced]).auto_apply is evidenced


def test_fans_stand_in_for_popularity_and_absence_is_neutral() -> None:
    local = local_artist("Nirvana", UK_NIRVANA)
    many = score_artist(local, artist("m", "Nirvana", provider="deezer", fans=2_000_000), [])
    none = score_artist(local, artist("n", "Nirvana", provider="deezer"), [])
    assert many.breakdown["popularity"] > 0.8
    assert none.breakdown["popularity"] is None
    assert 0 < many.score - none.score <= 0.01


def test_two_equally_supported_candidates_go_to_review() -> None:
    local = local_artist("Nirvana", UK_NIRVANA)
    first = score_artist(local, artist("a", "Nirvana"), UK_DISCOGRAPHY)
    duplicate = score_artist(local, artist("b", "Nirvana"), UK_DISCOGRAPHY)
    assert first.auto_eligible and duplicate.auto_eligible
    decision = decide([first, duplicate])
    assert decision.auto_apply is None
    assert [s.candidate.id for s in decision.candidates] == ["a", "b"]


def test_the_same_candidate_twice_is_not_its_own_runner_up() -> None:
    local = local_artist("Nirvana", UK_NIRVANA)
    first, again = score_artist(local, UK, UK_DISCOGRAPHY), score_artist(local, UK, UK_DISCOGRAPHY)
    assert first is not again
    assert decide([first, again]).auto_apply in (first, again)


def test_albums_credited_to_other_artists_are_not_evidence() -> None:
    local = local_artist("Nirvana", UK_NIRVANA)
    appears_on = [
        album(f"c{i}", title, year, artist_ids=("someone-else",), artists=("Someone Else",))
        for i, (title, year) in enumerate(UK_NIRVANA)
    ]
    compilations = [
        album(f"v{i}", title, year, artists=("Various Artists",))
        for i, (title, year) in enumerate(UK_NIRVANA)
    ]
    for disco in (appears_on, compilations):
        scored = score_artist(local, UK, disco)
        assert scored.breakdown["albums_matched"] == 0
        assert not scored.auto_eligible
    own = [album("o", UK_NIRVANA[0][0], 1967, artist_ids=("uk",), artists=("Nirvana",))]
    assert score_artist(local, UK, own).breakdown["albums_matched"] == 1


@pytest.mark.parametrize(
    ("local_name", "candidate_name"),
    [
        ("Various Artists", "Various Artists"),
        ("VA", "Nirvana"),
        ("Nirvana", "Various Artists"),
        ("Verschiedene Interpreten", "Various Artists"),
    ],
)
def test_various_artists_are_never_linked(local_name: str, candidate_name: str) -> None:
    local = local_artist(local_name, UK_NIRVANA)
    scored = score_artist(local, artist("va", candidate_name), UK_DISCOGRAPHY)
    assert scored.score == 0.0
    assert not scored.auto_eligible
    assert decide([scored]).candidates == []
    assert "Various Artists" in json.dumps(scored.breakdown["reasons"])
    assert scored.breakdown["albums_matched"] == 0


def test_degenerate_names_need_the_same_name_and_albums() -> None:
    exclaim = local_artist("!!!", [("Myth Takes", 2007), ("Strange Weather, Isn't It?", 2010)])
    disco = [album("m", "Myth Takes", 2007), album("s", "Strange Weather, Isn't It?", 2010)]
    assert decide([score_artist(exclaim, artist("c", "!!!"), disco)]).auto_apply is not None
    assert score_artist(exclaim, artist("d", "..."), disco).score == 0.0

    the_the = local_artist("The The", [("Soul Mining", 1983), ("Infected", 1986)])
    theirs = [album("s", "Soul Mining", 1983), album("i", "Infected", 1986)]
    wrong = score_artist(the_the, artist("t", "The"), theirs)
    assert not wrong.auto_eligible
    assert score_artist(the_the, artist("tt", "The The"), theirs).auto_eligible

    x = local_artist("X", [("Los Angeles", 1980), ("Wild Gift", 1981)])
    xx = score_artist(x, artist("xx", "XX"), [album("l", "Los Angeles", 1980)])
    assert not xx.auto_eligible


def test_non_latin_artists_match_on_their_own_script() -> None:
    local = local_artist("Мумий Тролль", [("Морская", 1997), ("Икра", 1998)])
    disco = [album("m", "Морская", 1997), album("i", "Икра", 1998)]
    same = score_artist(local, artist("r", "Мумий Тролль"), disco)
    other = score_artist(local, artist("s", "Сплин"), disco)
    assert decide([same, other]).auto_apply is same
    assert other.score < 0.5

    sakamoto = local_artist("坂本龍一", [("音楽図鑑", 1984)])
    homophone = score_artist(sakamoto, artist("h", "坂本竜一"), [album("o", "音楽図鑑", 1984)])
    assert not homophone.auto_eligible


def test_aliases_count_as_names() -> None:
    local = local_artist("Ryuichi Sakamoto", [("Ongaku Zukan", 1984), ("Beauty", 1989)])
    candidate = artist("mb", "坂本龍一", provider="musicbrainz", aliases=("Ryuichi Sakamoto",))
    scored = score_artist(
        local, candidate, [album("o", "Ongaku Zukan", 1984), album("b", "Beauty")]
    )
    assert scored.breakdown["name"] == 1.0
    assert scored.auto_eligible


def test_breakdown_is_json_serialisable_and_explains_the_score() -> None:
    local = local_artist("Nirvana", GRUNGE_NIRVANA, genres=["Grunge"])
    scored = score_artist(local, GRUNGE, GRUNGE_DISCOGRAPHY)
    data = json.loads(json.dumps(scored.breakdown))
    assert data["name"] == 1.0
    assert (data["albums_matched"], data["albums_local"]) == (5, 5)
    assert data["discography_overlap"] == 1.0
    assert data["year"] == 1.0
    assert data["genres"] == pytest.approx(0.5)
    assert data["popularity"] == pytest.approx(0.8)
    assert {m["local"] for m in data["matched"]} == {t for t, _ in GRUNGE_NIRVANA}
    assert data["reasons"]
    assert 0.0 <= scored.score <= 1.0


def test_decide_keeps_at_most_five_candidates_above_the_floor_best_first() -> None:
    local = local_artist("Nirvana", UK_NIRVANA)
    names = ["Nirvana", "Nirvana", "Nirvana", "Nirvana", "Nirvana", "Nirvana", "Nirvanna", "Nir"]
    scored = [score_artist(local, artist(str(i), n, i * 10), []) for i, n in enumerate(names)]
    decision = decide(scored)
    assert decision.auto_apply is None
    assert len(decision.candidates) == 5
    assert all(s.score >= 0.5 for s in decision.candidates)
    assert [s.score for s in decision.candidates] == sorted(
        (s.score for s in decision.candidates), reverse=True
    )
    assert "7" not in {s.candidate.id for s in decision.candidates}  # "Nir" is below the floor
    assert decide(scored, max_candidates=2, min_score=0.0).candidates == decision.candidates[:2]


def test_threshold_and_margin_are_parameters() -> None:
    local = local_artist("Nirvana", UK_NIRVANA)
    uk = score_artist(local, UK, UK_DISCOGRAPHY)
    partial = score_artist(local, artist("p", "Nirvana"), UK_DISCOGRAPHY[:2])
    assert decide([uk, partial]).auto_apply is uk
    assert decide([uk, partial], threshold=0.99).auto_apply is None
    assert decide([uk, partial], margin=uk.score - partial.score + 0.01).auto_apply is None
    assert decide([]).auto_apply is None and decide([]).candidates == []


@pytest.mark.parametrize(
    "kwargs",
    [{"threshold": 1.5}, {"threshold": -0.1}, {"margin": -0.1}, {"max_candidates": -1}],
)
def test_decide_rejects_nonsense_parameters(kwargs) -> None:
    with pytest.raises(ValueError):
        decide([], **kwargs)


def test_scored_is_what_the_caller_stores() -> None:
    local = local_artist("Nirvana", UK_NIRVANA)
    scored = score_artist(local, UK, UK_DISCOGRAPHY)
    assert isinstance(scored, Scored)
    assert scored.candidate is UK
    assert scored.breakdown["auto_eligible"] is scored.auto_eligible


VANDELLAS = [
    ("Come and Get These Memories", 1963),
    ("Heat Wave", 1963),
    ("Dance Party", 1965),
    ("Watchout!", 1966),
]


def test_a_stylised_spelling_is_the_same_name() -> None:
    albums = [("Missundaztood", 2001), ("Funhouse", 2008)]
    local = local_artist("Pink", albums)
    scored = score_artist(local, artist("p", "P!nk", 85), discography("p", albums))
    assert scored.breakdown["name"] == 1.0
    assert decide([scored]).auto_apply is scored


def test_a_close_name_confirmed_by_its_discography_auto_applies() -> None:
    # Renamed in 1967: the same group, a name similar but not sure.
    local = local_artist("Martha and the Vandellas", VANDELLAS)
    renamed = artist("m", "Martha Reeves & the Vandellas", 40)
    namesake = artist("n", "Martha and the Vandella", 10)  # a closer name, nothing of theirs
    scored = score_artist(local, renamed, discography("m", VANDELLAS[:3]))
    other = score_artist(local, namesake, discography("n", [("Summer Nights", 2019)]))
    assert 0.8 <= scored.breakdown["name"] < 0.9
    assert scored.breakdown["name_confirmed"] and scored.auto_eligible
    assert other.breakdown["name"] > scored.breakdown["name"] and not other.auto_eligible
    assert decide([other, scored]).auto_apply is scored


def test_the_mamas_and_the_papas_are_confirmed_by_three_distinctive_albums() -> None:
    albums = [
        ("If You Can Believe Your Eyes and Ears", 1966),
        ("The Mamas & The Papas", 1966),  # self-titled: not distinctive
        ("Deliver", 1967),
        ("The Papas & The Mamas", 1968),
    ]
    local = local_artist("The Mamas & the Papas", albums)
    candidate = artist("mp", "Mamas and Papas")
    assert score_artist(local, candidate, discography("mp", albums)).auto_eligible
    without_self_titled = [albums[0], albums[1], albums[2]]  # only two distinctive ones
    scored = score_artist(local, candidate, discography("mp", without_self_titled))
    assert not scored.auto_eligible


@pytest.mark.parametrize(
    "found",
    [
        VANDELLAS[:2],  # two albums are not overwhelming
        [(title, None) for title, _ in VANDELLAS],  # years unknown
        [(title, year + 10) for title, year in VANDELLAS],  # years disagree (reissues)
    ],
)
def test_a_close_name_without_overwhelming_evidence_goes_to_review(found) -> None:
    local = local_artist("Martha and the Vandellas", VANDELLAS)
    scored = score_artist(
        local, artist("m", "Martha Reeves & the Vandellas"), discography("m", found)
    )
    assert not scored.auto_eligible
    assert not scored.breakdown["name_confirmed"]
    assert decide([scored], threshold=0.0, margin=0.0).auto_apply is None


@pytest.mark.parametrize(
    "name",
    ["Kesha", "Keisha"],  # "Keisha" is a close name: as sure as a namesake, no surer
)
def test_a_namesake_without_evidence_never_auto_applies(name: str) -> None:
    local = local_artist("Kesha", [("Animal", 2010), ("Warrior", 2012), ("Rainbow", 2017)])
    scored = score_artist(local, artist("k", name, 90), discography("k", [("Other", 2010)]))
    assert not scored.auto_eligible
    assert decide([scored], threshold=0.0, margin=0.0).auto_apply is None


def test_a_tribute_act_with_the_same_albums_and_years_is_never_confirmed() -> None:
    local = local_artist("Martha and the Vandellas", VANDELLAS)
    tribute = artist("t", "Martha & the Vandellas Tribute Band", 90)
    scored = score_artist(local, tribute, discography("t", VANDELLAS))
    assert not scored.auto_eligible and not scored.breakdown["name_confirmed"]


@pytest.mark.parametrize(
    ("local_name", "candidate_name"),
    [("[unknown]", "[unknown]"), ("Unknown Artist", "Unknown"), ("", "Nirvana"), ("Nirvana", "")],
)
def test_unknown_artist_placeholders_are_never_linked(local_name: str, candidate_name: str) -> None:
    local = local_artist(local_name, UK_NIRVANA)
    scored = score_artist(local, artist("u", candidate_name), UK_DISCOGRAPHY)
    assert scored.score == 0.0 and not scored.auto_eligible
    assert decide([scored]).candidates == []
