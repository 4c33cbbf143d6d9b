"""Normalisation and similarity traps: cosmetic vs meaningful suffixes, degenerate names, VA."""

from __future__ import annotations

import pytest

from soulspot.matching.albums import TITLE_MATCH
from soulspot.matching.normalize import (
    is_placeholder,
    is_various_artists,
    name_key,
    name_similarity,
    normalize_name,
    normalize_title,
    title_key,
    title_similarity,
)

# A pair scoring at or above this is treated as the same thing by the matcher.
SAME = TITLE_MATCH


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Beatles", "Beatles, The"),
        ("The Beatles", "BEATLES"),
        ("Beyoncé", "Beyonce"),
        ("Mötley Crüe", "Motley Crue"),
        ("Sigur Rós", "SIGUR ROS"),
        ("Simon & Garfunkel", "Simon and Garfunkel"),
        ("Florence + The Machine", "Florence and the Machine"),
        ("Guns N' Roses", "Guns 'n' Roses"),
        ("Guns N' Roses", "Guns & Roses"),
        ("R.E.M.", "REM"),
        ("  Daft   Punk ", "Daft Punk"),
        ("Ｄａｆｔ Ｐｕｎｋ", "Daft Punk"),  # full-width forms fold under NFKC
        ("Straße", "STRASSE"),  # casefold, not lower
        ("Jay-Z feat. Alicia Keys", "Jay-Z"),
        ("Jay-Z ft. Alicia Keys", "Jay Z"),
        ("Calvin Harris (feat. Rihanna)", "Calvin Harris"),
        ("Calvin Harris [with Dua Lipa]", "Calvin Harris"),
        ("Artist featuring Someone Else", "Artist"),
        ("Artist (feat. Someone (of Band))", "Artist"),
        ("The Bird and the Bee", "Bird and the Bee"),
    ],
)
def test_equivalent_artist_names_share_a_key(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)
    assert name_similarity(a, b) == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Little Feat", "Little"),  # "feat" ends the name: it is the name
        ("Florence and the Machine", "Florence"),
        ("Between the Buried and Me", "Between the Buried"),  # a bare "with"/"and" stays
        ("Simon & Garfunkel", "Simon"),
        ("The Who", "Who Made Who"),
    ],
)
def test_names_keep_what_is_part_of_the_name(a: str, b: str) -> None:
    assert normalize_name(a) != normalize_name(b)
    assert name_similarity(a, b) < 0.9


def test_names_differing_only_in_spacing_are_close_but_not_identical() -> None:
    assert name_similarity("AC/DC", "ACDC") == pytest.approx(0.95)
    assert normalize_name("AC/DC") != normalize_name("ACDC")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nevermind", "Nevermind (Remastered 2011)"),
        ("Nevermind", "Nevermind [2009 Remaster]"),
        ("Nevermind", "Nevermind - Remastered"),
        ("Nevermind", "Nevermind - 2011 Remaster"),
        ("Nevermind", "Nevermind (20th Anniversary Edition)"),
        ("Nevermind", "Nevermind (Super Deluxe Edition)"),
        ("Nevermind", "Nevermind 20th Anniversary Deluxe Edition"),
        ("Abbey Road", "Abbey Road Remastered"),
        ("Plastic Beach", "Plastic Beach (Deluxe)"),
        ("Storytone", "Storytone (Deluxe Version)"),
        ("Parklife", "Parklife [Special Edition]"),
        ("Born in the U.S.A.", "Born in the U.S.A. (Legacy Edition)"),
        ("Pet Sounds", "Pet Sounds (Expanded)"),
        ("Ten", "Ten (Bonus Track Version)"),
        ("Rumours", "Rumours (Collector's Edition)"),
        ("Under the Westway", "Under the Westway - Single"),
        ("Meanwhile", "Meanwhile EP"),
        ("Get Lucky", "Get Lucky (feat. Pharrell Williams & Nile Rodgers)"),
        ("Songs of Love and Praise", "Songs Of Love & Praise"),
        ("Part II", "Part 2"),
        ("Vol. 2", "Volume Two"),
        ("Vol. 2", "vol.02"),
        ("Led Zeppelin IV", "Led Zeppelin 4"),
        ("Nevermind (1991)", "Nevermind"),
        ("Get Lucky (feat. Pharrell Williams (N.E.R.D.))", "Get Lucky"),
        ("Get Lucky feat. Pharrell Williams (Live)", "Get Lucky (Live)"),
        ("Get Lucky (feat. Pharrell Williams (N.E.R.D.)) - Vol. 1", "Get Lucky Vol 1"),
        ("Nevermind [Deluxe Edition (2011 Remaster)] Vol. 1", "Nevermind Vol. 1"),
    ],
)
def test_cosmetic_suffixes_do_not_change_a_title(a: str, b: str) -> None:
    assert normalize_title(a) == normalize_title(b)
    assert title_similarity(a, b) == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Vol. 1", "Vol. 2"),
        ("Greatest Hits Vol. 1", "Greatest Hits Vol. 2"),
        ("Greatest Hits, Volume One", "Greatest Hits, Volume Two"),
        ("Part II", "Part III"),
        ("Led Zeppelin II", "Led Zeppelin III"),
        ("1999", "2000"),
        ("Alive 1997", "Alive 2007"),
        ("Live at Leeds", "Leeds"),
        ("Demon Days", "Demon Days Live at the Manchester Opera House"),
        ("Nevermind", "Nevermind (Live)"),
        ("Nevermind", "Nevermind (Live) [Remastered]"),
        ("Nevermind (Remastered)", "Nevermind (Live Remastered)"),
        ("Human After All", "Human After All (Remixes)"),
        ("Technologic", "Technologic (Radio Edit)"),
        ("Nebraska", "Nebraska (Demos)"),
        ("Ok Computer", "Ok Computer (Instrumental)"),
        ("Unplugged", "Plugged"),
        ("Harder, Better, Faster, Stronger", "Harder, Better, Faster, Stronger (Live)"),
        ("Get Lucky", "Get Lucky feat. Pharrell Williams (Live)"),
        ("Harder, Better, Faster, Stronger", "Harder, Better, Faster, Stronger (Acoustic Version)"),
    ],
)
def test_meaningful_differences_keep_titles_apart(a: str, b: str) -> None:
    assert normalize_title(a) != normalize_title(b)
    assert title_similarity(a, b) <= 0.6
    assert title_similarity(a, b) < SAME


def test_a_re_recording_is_not_a_remaster() -> None:
    assert title_similarity("Fearless", "Fearless (Taylor's Version)") < SAME


def test_numbered_volumes_score_well_below_the_match_threshold() -> None:
    assert title_similarity("Musique, Vol. 1", "Musique, Vol. 2") <= 0.5
    assert title_similarity("Part II", "Part III") <= 0.5


def test_live_qualifier_spelt_differently_still_matches() -> None:
    local = "MTV Unplugged in New York"
    assert title_similarity(local, "MTV Unplugged In New York (25th Anniversary – Live)") >= SAME


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Love", "Loved"),
        ("Blur", "Blue"),
        ("13", "12"),
        ("X", "XX"),
        ("Incesticide", "Insecticide"),
    ],
)
def test_short_or_near_miss_titles_are_not_the_same(a: str, b: str) -> None:
    assert title_similarity(a, b) < SAME


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("!!!", "!!!"),
        ("...", "..."),
        ("+", "+"),
        ("÷", "÷"),
        ("The", "the"),
        ("The The", "the the"),
    ],
)
def test_degenerate_names_fall_back_to_a_distinctive_key(name: str, key: str) -> None:
    assert normalize_name(name) == key
    assert normalize_title(name) == key


def test_degenerate_names_only_match_themselves() -> None:
    assert name_similarity("!!!", "!!!") == 1.0
    assert name_similarity("!!!", "...") == 0.0
    assert name_similarity("!!!", "Chk Chk Chk") == 0.0
    assert name_similarity("The The", "The") < 0.9
    assert name_similarity("The The", "The The") == 1.0
    assert name_similarity("X", "XX") < 0.9
    assert name_similarity("X", "X") == 1.0
    assert title_similarity("+", "×") == 0.0
    assert title_similarity("+", "and") < SAME  # "+" alone is not the word "and"


@pytest.mark.parametrize("empty", ["", "   ", "\t\n"])
def test_empty_names_match_nothing_not_everything(empty: str) -> None:
    assert normalize_name(empty) == ""
    assert name_similarity(empty, empty) == 0.0
    assert name_similarity(empty, "Nirvana") == 0.0
    assert title_similarity(empty, "") == 0.0
    assert not is_various_artists(empty)


def test_non_latin_names_are_transliterated_not_emptied() -> None:
    assert normalize_name("Мумий Тролль") == "mumii troll"
    assert normalize_name("Σωκράτης Μάλαμας") == "sokrates malamas"
    assert normalize_name("坂本龍一") != ""
    assert name_similarity("Мумий Тролль", "Мумий Тролль") == 1.0
    assert name_similarity("Мумий Тролль", "Mumii Troll") == 1.0
    assert name_similarity("Мумий Тролль", "Сплин") < 0.5
    assert name_similarity("坂本龍一", "坂本龍一") == 1.0
    assert name_similarity("坂本龍一", "久石譲") < 0.5
    assert name_similarity("Σωκράτης Μάλαμας", "Μάλαμας") < 0.9


def test_distinct_originals_stay_apart_when_transliteration_collides() -> None:
    # Both transliterate to "ban ben long yi": the originals differ, so no sure match.
    assert normalize_name("坂本龍一") == normalize_name("坂本竜一")
    assert name_similarity("坂本龍一", "坂本竜一") < 0.9


@pytest.mark.parametrize(
    "name",
    [
        "Various Artists",
        "VARIOUS ARTISTS",
        "Various",
        "VA",
        "V.A.",
        "V/A",
        "<Various Artists>",
        "Various Artist",
        "Verschiedene Interpreten",
        "Verschiedene Künstler",
        "Artistes divers",
        "Artistes variés",
        "Varios artistas",
        "Vários Artistas",
    ],
)
def test_various_artists_spellings_are_recognised(name: str) -> None:
    assert is_various_artists(name)


@pytest.mark.parametrize(
    "name", ["Vanessa Carlton", "Various Cruelties", "Vast", "Diverse", "The Various", "Va Va Voom"]
)
def test_ordinary_names_are_not_various_artists(name: str) -> None:
    assert not is_various_artists(name)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Alice feat Bob", "Alice"),
        ("Alice ft Bob", "Alice"),
        ("Eminem ft Rihanna", "Eminem"),
        ("David Guetta feat Sia", "David Guetta"),
        ("Jay-Z ft Kanye West & Rihanna", "Jay-Z"),
        ("Mark Ronson FEAT Bruno Mars (Live)", "Mark Ronson (Live)"),
    ],
)
def test_featuring_credits_without_a_full_stop_end_a_name(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)
    assert name_similarity(a, b) == 1.0


@pytest.mark.parametrize(
    ("title", "bare"),
    [
        ("Song 1 feat Bob", "Song 1"),
        ("Uptown Funk ft Bruno Mars", "Uptown Funk"),
        ("Get Lucky feat Pharrell Williams (Live)", "Get Lucky (Live)"),
        ("Stay ft Mikky Ekko - Single", "Stay"),
    ],
)
def test_featuring_credits_without_a_full_stop_end_a_title(title: str, bare: str) -> None:
    assert normalize_title(title) == normalize_title(bare)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Alice defeat Bob", "alice defeat bob"),
        ("Draft Punk", "draft punk"),
        ("Left Boy", "left boy"),
        ("Soft Cell", "soft cell"),
        ("Gift of Gab", "gift of gab"),
        ("Featurecast", "featurecast"),
        ("Ft Lauderdale", "ft lauderdale"),  # nothing before it: not a credit
        ("Little Feat", "little feat"),  # nothing after it: the name itself
    ],
)
def test_credit_words_inside_or_at_the_edge_of_a_name_are_the_name(name: str, key: str) -> None:
    assert normalize_name(name) == key
    assert normalize_title(name) == key


@pytest.mark.parametrize(
    ("dashed", "other"),
    [
        (
            "Bob Dylan - 30th Anniversary Concert Celebration",
            "Bob Dylan: 30th Anniversary Concert Celebration",
        ),
        (
            "Woodstock - 40th Anniversary: Back to Yasgur's Farm",
            "Woodstock: 40th Anniversary: Back to Yasgur's Farm",
        ),
        ("Nevermind - 2011 Remaster (Live)", "Nevermind (Live)"),
        ("Abbey Road - 50th Anniversary Super Deluxe Edition", "Abbey Road"),
        ("Rumours - 2004 Remaster", "Rumours"),
        ("Nevermind - Deluxe Edition (Remastered)", "Nevermind"),  # its bracket belongs to it
        ("Thriller: 25th Anniversary Edition", "Thriller"),
    ],
)
def test_a_dash_tail_is_dropped_only_when_all_of_it_is_an_edition(dashed: str, other: str) -> None:
    assert normalize_title(dashed) == normalize_title(other)
    assert title_similarity(dashed, other) == 1.0


def test_a_dash_subtitle_keeps_its_words() -> None:
    assert normalize_title("Bob Dylan - 30th Anniversary Concert Celebration") == (
        "bob dylan 30th anniversary concert celebration"
    )
    assert (
        title_similarity("Woodstock - 40th Anniversary Back to Yasgur's Farm", "Woodstock") < SAME
    )


@pytest.mark.parametrize(
    ("title", "bare"),
    [
        ("No Time To Die (Original Motion Picture Soundtrack)", "No Time To Die"),
        ("How To Train Your Dragon (Music From The Motion Picture)", "How To Train Your Dragon"),
        ("Encanto (Bande Originale Française du Film)", "Encanto"),
        ("Hamilton (Original Broadway Cast Recording)", "Hamilton"),
        ("Stranger Things (Music from the Netflix Original Series)", "Stranger Things"),
        ("Coco (Banda Sonora Original en Español)", "Coco"),
        ("Frozen (Original Motion Picture Soundtrack) [Deluxe Edition]", "Frozen"),
    ],
)
def test_descriptive_brackets_weigh_little_against_the_title(title: str, bare: str) -> None:
    assert title_similarity(title, bare) >= 0.9


def test_a_bracketed_part_counts_less_than_the_same_words_outside_brackets() -> None:
    assert title_similarity("One (Two)", "One") > title_similarity("One Two", "One")
    assert title_similarity("Blue Lines (Massive)", "Blue Lines") > title_similarity(
        "Blue Lines Massive", "Blue Lines"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Frozen II (Original Motion Picture Soundtrack)",
            "Frozen (Original Motion Picture Soundtrack)",
        ),
        (
            "Guardians of the Galaxy Vol. 2 (Original Motion Picture Soundtrack)",
            "Guardians of the Galaxy (Original Motion Picture Soundtrack)",
        ),
        ("Kill Bill Vol. 1 (Original Soundtrack)", "Kill Bill Vol. 2 (Original Soundtrack)"),
        ("Blackstar (Live)", "Blackstar"),
        ("Random Access Memories (Remixes)", "Random Access Memories"),
        ("Nebraska (Demo)", "Nebraska"),
        ("Speak Now (Taylor's Version)", "Speak Now"),
        ("Musique, Vol. 1: 1993–2005", "Musique, Vol. 2: 1993–2005"),
        ("Star Wars: Episode IV", "Star Wars: Episode V"),
        ("The Dark Side of the Moon - Live at Wembley 1974", "The Dark Side of the Moon"),
    ],
)
def test_meaningful_brackets_and_subtitles_stay_meaningful(a: str, b: str) -> None:
    assert title_similarity(a, b) < SAME


@pytest.mark.parametrize(
    ("title", "bare"),
    [
        ("Musique, Vol. 1: 1993–2005", "Musique, Vol. 1"),
        (
            "We Are One (Ole Ola) [The Official 2014 FIFA World Cup Song]",
            "We Are One (Ole Ola)",
        ),
        (
            "Waka Waka (This Time for Africa) [The Official 2010 FIFA World Cup Song]",
            "Waka Waka (This Time for Africa)",
        ),
        ("Chronicles (1977-1986)", "Chronicles"),
        ("Anthology: 1965–1975", "Anthology"),
    ],
)
def test_years_inside_a_subtitle_are_not_release_numbers(title: str, bare: str) -> None:
    assert title_similarity(title, bare) >= 0.9


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Best of 1980–1990", "The Best of 1990–2000"),  # the title's own years
        ("Live 1975–85", "Live"),
        ("Now That's What I Call Music! 50", "Now That's What I Call Music! 51"),
        ("Led Zeppelin - II", "Led Zeppelin - III"),  # a subtitle that is only a number
    ],
)
def test_numbers_of_the_title_itself_stay_decisive(a: str, b: str) -> None:
    assert title_similarity(a, b) <= 0.5


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("P!nk", "Pink"),
        ("Ke$ha", "Kesha"),
        ("A$AP Rocky", "ASAP Rocky"),
        ("Travi$ Scott", "Travis Scott"),
        ("$uicideboy$", "Suicideboys"),
        ("Ty Dolla $ign", "Ty Dolla Sign"),
        ("!llmind", "Illmind"),
        ("Panic! at the Disco", "Panic at the Disco"),  # a trailing "!" is punctuation
        ("¡Forward, Russia!", "Forward Russia"),
    ],
)
def test_symbols_standing_for_letters_are_name_variants(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_digits_and_bare_symbols_are_not_letters() -> None:
    assert name_similarity("M83", "M") < 0.9
    assert normalize_name("M83") == "m83"
    assert normalize_name("!!!") == "!!!"
    assert normalize_name("Wham!") == "wham"


def test_an_ampersand_alone_is_the_word_and() -> None:
    assert normalize_name("&") == normalize_name("and") == "and"
    assert title_similarity("&", "and") == 1.0
    assert normalize_name("+") == "+"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Alice (EP)", "Alice"),
        ("Alice - EP", "Alice"),
        ("Alice - Single", "Alice"),
        ("Alice [Single]", "Alice"),
    ],
)
def test_release_type_suffixes_are_cosmetic_in_names(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Meanwhile (EP)", "Meanwhile"), ("Meanwhile - EP", "Meanwhile"), ("Hurt - Single", "Hurt")],
)
def test_release_type_suffixes_are_cosmetic_in_titles(a: str, b: str) -> None:
    assert normalize_title(a) == normalize_title(b)


def test_release_type_words_inside_a_name_are_the_name() -> None:
    assert normalize_name("Single Mothers") == "single mothers"
    assert normalize_name("The EP Collection") == "ep collection"


@pytest.mark.parametrize(
    "name",
    [
        "[unknown]",
        "unknown",
        "Unknown Artist",
        "<Unknown>",
        "",
        "   ",
        "Various Artists",
        "VA",
        "V.A.",
        "Varios Artistas",
        "Divers",
    ],
)
def test_placeholders_are_recognised(name: str) -> None:
    assert is_placeholder(name)


@pytest.mark.parametrize(
    "name", ["Unknown Mortal Orchestra", "The Unknowns", "Nirvana", "!!!", "Various Cruelties"]
)
def test_ordinary_names_are_not_placeholders(name: str) -> None:
    assert not is_placeholder(name)


def test_an_unknown_artist_is_not_a_compilation_artist() -> None:
    assert not is_various_artists("[unknown]")
    assert not is_various_artists("Unknown Artist")
    assert is_various_artists("Divers")


def test_the_key_caches_stay_small_over_a_big_library() -> None:
    """A 20,000-artist run computes about 100,000 distinct keys of about 1 KB each: the caches
    must stop growing long before (bench/scale.py draws the enrichment's RSS)."""
    for number in range(10_000):
        name_key(f"Cache Probe Artist {number}")
        title_key(f"Cache Probe Album {number}")
    for key_function in (name_key, title_key):
        info = key_function.cache_info()
        assert info.maxsize is not None and info.currsize <= info.maxsize <= 8192
