"""Album folders and album years: split albums whose folders hold different releases.

An album without a release-group id is its title plus year, and the folder breaks ties:
docs/scanning.md spells the rule out with examples.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from soulspot.models import Track
from soulspot.services.scanning.housekeeping import chunks
from soulspot.services.scanning.index import LibraryIndex

# "CD1", "cd 02", "Disc 2", "Disk3", "Disc 1 - Live": a disc of the album in the folder above.
_DISC_FOLDER = re.compile(r"(?:cd|dis[ck])\s*[-_.]?\s*\d{1,3}(?:\D.*)?", re.IGNORECASE)


@lru_cache(maxsize=65536)
def album_folder(directory: str) -> str:
    """The folder an album lives in: the directory, or its parent for a disc folder."""
    parent, _, name = directory.rpartition(os.sep)
    if parent and _DISC_FOLDER.fullmatch(name):
        return parent
    return directory


def folder_of(path: str) -> str:
    """The album folder of a file path."""
    return album_folder(path.rpartition(os.sep)[0])


def main_year(years: Iterable[int | None]) -> int | None:
    """The most common known year, the earliest on a tie; None when no year is known."""
    counts = Counter(year for year in years if year is not None)
    if not counts:
        return None
    return min(counts, key=lambda year: (-counts[year], year))


class _Placed(NamedTuple):
    id: str
    album_id: str
    file_path: str
    year: int | None
    unread: bool  # stored before track years were, so its year is not known yet


def regroup(
    session: Session, index: LibraryIndex, album_ids: set[str], arrived: set[str]
) -> set[str]:
    """Give these albums the year of their main folder; split off folders of other years.

    The main folder is the one holding most of the album's local tracks (ties: the first
    path) among the folders it held before this batch, so the album keeps its id there;
    `arrived` are the tracks new to their album in this batch. Without a release-group id,
    another folder stays only if its main year is the same known year (a second disc
    folder, a copy); otherwise its tracks move to the same-titled album of that year,
    created if needed.
    Albums with tracks not read since track years were added are left for a later batch.
    Returns the albums that received tracks.
    """
    folders: dict[str, dict[str, list[_Placed]]] = {}
    for batch in chunks(album_ids):
        rows = session.execute(
            select(
                Track.id,
                Track.album_id,
                Track.file_path,
                Track.release_year,
                Track.file_mtime.is_(None),
            ).where(Track.album_id.in_(batch), Track.file_path.is_not(None))
        )
        for row in rows:
            placed = _Placed(*row)
            by_folder = folders.setdefault(placed.album_id, {})
            by_folder.setdefault(folder_of(placed.file_path), []).append(placed)
    receivers: set[str] = set()
    for album_id, by_folder in folders.items():
        home = min(by_folder, key=lambda folder: _rank(folder, by_folder[folder], arrived))
        year = main_year(track.year for track in by_folder[home])
        index.set_album_year(album_id, year)
        album = index.album_row(album_id)
        if album is None or album.mbid or len(by_folder) == 1:
            continue
        if any(track.unread for tracks in by_folder.values() for track in tracks):
            continue
        for folder, tracks in by_folder.items():
            other_year = main_year(track.year for track in tracks)
            if folder == home or (other_year is not None and other_year == year):
                continue
            target = index.album_for_split(album, other_year)
            ids = [track.id for track in tracks]
            for batch in chunks(ids):
                session.execute(
                    update(Track).where(Track.id.in_(batch)).values(album_id=target),
                    execution_options={"synchronize_session": False},
                )
            index.moved(folder, album.artist_id, album_id, target, len(ids))
            receivers.add(target)
    return receivers


def _rank(folder: str, tracks: list[_Placed], arrived: set[str]) -> tuple[bool, int, str]:
    # A folder that joined an album in this batch (by title and year) never takes it over.
    joined = all(track.id in arrived for track in tracks)
    return joined, -len(tracks), folder
