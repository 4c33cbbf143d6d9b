"""When two albums are the same one: the matcher's title rules, years within a year."""

from __future__ import annotations

import pytest

from soulspot.matching import LocalAlbum
from soulspot.services.album_identity import join_albums, library_entry, same_album


@pytest.mark.parametrize(
    "title, year, other, other_year, same",
    [
        ("Nevermind (Remastered)", 1991, "Nevermind", 1991, True),
        ("Nevermind", 1991, "Nevermind (2011 Remaster)", 1992, True),  # within a year
        ("Nevermind", None, "Nevermind (Deluxe Edition)", 2011, True),  # unknown agrees
        ("Weezer", 2008, "Weezer", 1994, False),  # another year is another album
        ("In Utero", 1993, "Nevermind", 1993, False),
        ("Greatest Hits", 2004, "Greatest Hits Vol. 2", 2004, False),
    ],
)
def test_same_album(title, year, other, other_year, same) -> None:
    found = same_album(LocalAlbum(title, year), [library_entry("x", other, other_year)])
    assert (found is not None) is same


def test_same_album_picks_the_entry_of_the_right_year() -> None:
    entries = [library_entry(str(year), "Weezer", year) for year in (1994, 2001, 2008)]
    assert same_album(LocalAlbum("Weezer", 2001), entries).id == "2001"


def test_join_albums_is_one_to_one_and_drops_pairs_whose_years_disagree() -> None:
    albums = [LocalAlbum("Nevermind", 1991), LocalAlbum("Weezer", 2008)]
    entries = [
        library_entry("a", "Nevermind (Remastered)", 1991),
        library_entry("b", "Nevermind", 1991),
        library_entry("c", "Weezer", 1994),
    ]
    assert {index: entry.id for index, entry in join_albums(albums, entries).items()} == {0: "b"}
