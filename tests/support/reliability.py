"""The reliability suites' small world: one catalog, one library, and a canonical snapshot of
the library's state (names, not ids) to compare a faulted-then-retried run with a clean one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from soulspot.models import Album, Artist, Candidate, EntityKind, Job, QueuedWork, Track
from soulspot.models.jobs import ACTIVE_STATUSES
from soulspot.services.artwork.records import is_failed_marker
from tests.factories import add_album, add_artist
from tests.fakes.server import FakeProviders

#: name -> albums (title, year, tracks), each on every provider; "Rarities" only remote.
WORLD: dict[str, list[tuple[str, int, int]]] = {
    "Amber Lanterns": [("Amber Sessions", 2001, 4), ("Night Lanterns", 2005, 3)],
    "Basalt Choir": [("Basalt Hymns", 1998, 3), ("Choir of Ash", 2003, 4)],
    "Cobalt Orchard": [("Orchard Lights", 2011, 3), ("Cobalt Nights", 2014, 2)],
}
REMOTE_ONLY = ("Rarities", 2020, 2)


def seed_catalog(fake: FakeProviders) -> dict[str, Any]:
    """The WORLD on Spotify, Deezer and MusicBrainz (with url relations), images included."""
    artists = {}
    for n, (name, albums) in enumerate(WORLD.items()):
        artist = fake.catalog.add_artist(
            name, genres=("indie",), popularity=40 + n, fans=5000 + n, musicbrainz_links=True
        )
        for title, year, tracks in [*albums, REMOTE_ONLY]:
            fake.catalog.add_album(
                artist,
                f"{name} {title}" if title == REMOTE_ONLY[0] else title,
                year=year,
                tracks=tracks,
                musicbrainz_links=True,
            )
        artists[name] = artist
    return artists


def seed_library(
    session: Session, fake: FakeProviders, remote: dict[str, Any], *, linked: bool = False
) -> None:
    """The WORLD's local albums; `linked`: with their Deezer and Spotify ids and image URLs
    (as enrichment leaves them), for the jobs that start from links."""
    for name, albums in WORLD.items():
        fields: dict[str, Any] = {}
        if linked:
            twin = remote[name]
            fields = {
                "deezer_id": str(twin.deezer_id),
                "spotify_uri": f"spotify:artist:{twin.spotify_id}",
                "image_url": f"{fake.url}{twin.image_paths('spotify')[0]}",
            }
        artist = add_artist(session, name, **fields)
        for title, year, tracks in albums:
            album_fields: dict[str, Any] = {"release_year": year}
            if linked:
                twin = next(a for a in fake.catalog.albums_on("deezer") if a.title == title)
                album_fields.update(
                    deezer_id=str(twin.deezer_id),
                    spotify_uri=f"spotify:album:{twin.spotify_id}",
                    cover_url=f"{fake.url}{twin.image_paths('spotify')[0]}",
                )
            add_album(session, artist, title, tracks=tracks, **album_fields)
    session.commit()


def _image(entity: Artist | Album, artwork_dir: Path) -> str:
    kind = EntityKind.ARTIST if isinstance(entity, Artist) else EntityKind.ALBUM
    path = getattr(entity, kind.image_path_column.key)
    if path is None:
        return "none"
    if is_failed_marker(path):
        return path.rsplit("|", 1)[0]  # without its timestamp
    assert (artwork_dir / path).is_file(), f"{path} is recorded but not stored"
    return "stored"


def snapshot(session: Session, artwork_dir: Path, *, idle: bool = True) -> dict[str, Any]:
    """The library's state by names; asserts no duplicates, no stray artwork file and (when
    `idle`: not right after a crash) no job left PENDING or RUNNING."""
    session.expire_all()
    active = session.scalars(select(Job).where(Job.status.in_(ACTIVE_STATUSES))).all()
    assert not idle or active == [], [(job.type, job.status) for job in active]
    names = {artist.id: artist.name for artist in session.scalars(select(Artist))}
    albums: dict[str, str] = {}
    state: dict[str, Any] = {"artists": {}, "albums": {}}
    for artist in session.scalars(select(Artist)):
        state["artists"][artist.name] = {
            "links": (artist.spotify_uri, artist.deezer_id, artist.musicbrainz_id),
            "image_url": artist.image_url is not None,  # whose image: see test_fault_matrix
            "image": _image(artist, artwork_dir),
        }
    for album in session.scalars(select(Album)):
        key = f"{names[album.artist_id]} / {album.title} / {album.release_year}"
        assert key not in state["albums"], f"duplicate album {key}"
        albums[album.id] = key
        tracks = session.scalars(select(Track).where(Track.album_id == album.id)).all()
        numbered = Counter((t.disc_number or 1, t.track_number, t.title) for t in tracks)
        assert all(n == 1 for n in numbered.values()), f"duplicate tracks in {key}"
        state["albums"][key] = {
            "local": album.has_local_files,
            "links": (album.spotify_uri, album.deezer_id, album.musicbrainz_id),
            "image_url": album.cover_url is not None,
            "image": _image(album, artwork_dir),
            "tracks": len(tracks),
        }
    candidates = [
        (
            names.get(c.artist_id) or albums.get(c.album_id),
            c.provider,
            c.spotify_uri,
            c.status.value,
        )
        for c in session.scalars(select(Candidate))
    ]
    assert len(candidates) == len(set(candidates)), "duplicate candidates"
    state["candidates"] = sorted(candidates)
    state["queued_work"] = sorted(
        (w.work.value, names.get(w.entity_id) or albums.get(w.entity_id) or w.entity_id)
        for w in session.scalars(select(QueuedWork))
    )
    files = sorted(p.relative_to(artwork_dir) for p in artwork_dir.rglob("*") if p.is_file())
    stored = {a.image_path for a in session.scalars(select(Artist))}
    stored |= {a.cover_path for a in session.scalars(select(Album))}
    assert {str(p) for p in files} <= stored, f"orphan or partial artwork files: {files}"
    state["artwork_files"] = len(files)
    return state


def differences(got: dict[str, Any], expected: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(where, got, expected) for every leaf that differs: a readable diff of two snapshots."""
    found = []
    for section in sorted(set(got) | set(expected)):
        left, right = got.get(section), expected.get(section)
        if isinstance(left, dict) and isinstance(right, dict):
            for key in sorted(set(left) | set(right)):
                a, b = left.get(key), right.get(key)
                if isinstance(a, dict) and isinstance(b, dict):
                    found += [
                        (f"{section}[{key}].{k}", a.get(k), b.get(k))
                        for k in sorted(set(a) | set(b))
                        if a.get(k) != b.get(k)
                    ]
                elif a != b:
                    found.append((f"{section}[{key}]", a, b))
        elif left != right:
            found.append((section, left, right))
    return found
