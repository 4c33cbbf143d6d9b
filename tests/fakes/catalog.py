"""The fake providers' data: artists and albums built by code, with stable ids per provider."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

ALL_PROVIDERS = ("spotify", "deezer", "musicbrainz")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MB_NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")  # uuid.NAMESPACE_URL
SPOTIFY_IMAGE_SIZES = (640, 300, 64)
DEEZER_IMAGE_SIZES = (56, 250, 500, 1000)
CAA_SIZES = (250, 500, 1200)
CAA_FULL_SIZE = 1200
GRAM = 3  # searches narrow by substrings of this length


def spotify_id(kind: str, seq: int) -> str:
    """A 22-character base62 id, stable for (kind, seq)."""
    number = int.from_bytes(hashlib.sha256(f"{kind}:{seq}".encode()).digest()[:17], "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return "".join(chars)


def musicbrainz_id(kind: str, seq: int | str) -> str:
    return str(uuid.uuid5(_MB_NAMESPACE, f"fake:{kind}:{seq}"))


def md5_of(kind: str, seq: int) -> str:
    return hashlib.md5(f"{kind}:{seq}".encode()).hexdigest()


def spotify_url(kind: str, entity_id: str) -> str:
    """The open.spotify.com page of an artist or album, as MusicBrainz stores it."""
    return f"https://open.spotify.com/{kind}/{entity_id}"


def deezer_url(kind: str, entity_id: int | str) -> str:
    """The deezer.com page of an artist or album, as MusicBrainz stores it."""
    return f"https://www.deezer.com/{kind}/{entity_id}"


@dataclass
class FakeUrlRelation:
    """A url relation MusicBrainz sends with inc=url-rels (on an artist, or an album's release)."""

    url: str
    ended: bool = False
    relation_type: str = "free streaming"


def deezer_image_path(kind: str, md5: str, size: int) -> str:
    """Deezer's CDN layout; an empty md5 gives the placeholder form `/images/artist//...`."""
    return f"/cdn/images/{kind}/{md5}/{size}x{size}-000000-80-0-0.jpg"


@dataclass
class FakeTrack:
    seq: int
    title: str
    number: int
    duration_ms: int
    spotify_id: str
    deezer_id: int
    isrc: str


@dataclass
class FakeArtist:
    seq: int
    name: str
    genres: tuple[str, ...]
    popularity: int | None
    fans: int | None
    disambiguation: str | None
    aliases: tuple[str, ...]
    image: bool
    providers: frozenset[str]
    albums: list[FakeAlbum] = field(default_factory=list)
    musicbrainz_links: bool = False  # url-rels to its own Spotify/Deezer twins
    musicbrainz_urls: list[FakeUrlRelation] = field(default_factory=list)  # more url-rels

    @property
    def url_relations(self) -> list[FakeUrlRelation]:
        return _url_relations(self, "artist")

    @property
    def spotify_id(self) -> str:
        return spotify_id("artist", self.seq)

    @property
    def deezer_id(self) -> int:
        return 1000 + self.seq

    @property
    def mbid(self) -> str:
        return musicbrainz_id("artist", self.seq)

    @property
    def deezer_md5(self) -> str:
        return md5_of("deezer-artist", self.seq) if self.image else ""

    def image_paths(self, provider: str) -> list[str]:
        """CDN paths of this artist's pictures on `provider`, largest first."""
        if provider == "spotify":
            return _spotify_paths(self.spotify_id) if self.image else []
        if provider == "deezer":
            sizes = sorted(DEEZER_IMAGE_SIZES, reverse=True)
            return [deezer_image_path("artist", self.deezer_md5, size) for size in sizes]
        return []


@dataclass
class FakeAlbum:
    seq: int
    artist: FakeArtist
    title: str
    year: int | None
    release_date: str | None
    album_type: str
    tracks: list[FakeTrack]
    image: bool
    providers: frozenset[str]
    genres: tuple[str, ...] = ()
    secondary_types: tuple[str, ...] = ()  # MusicBrainz's, e.g. ("Live",)
    musicbrainz_links: bool = False  # url-rels of its release to its Spotify/Deezer twins
    musicbrainz_urls: list[FakeUrlRelation] = field(default_factory=list)  # more url-rels

    @property
    def url_relations(self) -> list[FakeUrlRelation]:
        """The url relations of the album's one release."""
        return _url_relations(self, "album")

    @property
    def spotify_id(self) -> str:
        return spotify_id("album", self.seq)

    @property
    def deezer_id(self) -> int:
        return 100000 + self.seq

    @property
    def mbid(self) -> str:
        """The release group id."""
        return musicbrainz_id("release-group", self.seq)

    @property
    def release_mbid(self) -> str:
        """The id of the release group's one release."""
        return musicbrainz_id("release", self.seq)

    @property
    def deezer_md5(self) -> str:
        return md5_of("deezer-cover", self.seq) if self.image else ""

    def image_paths(self, provider: str) -> list[str]:
        """CDN paths of this album's cover on `provider`, largest first."""
        if provider == "spotify":
            return _spotify_paths(self.spotify_id) if self.image else []
        if provider == "deezer":
            sizes = sorted(DEEZER_IMAGE_SIZES, reverse=True)
            return [deezer_image_path("cover", self.deezer_md5, size) for size in sizes]
        if provider == "musicbrainz":
            return [f"/cdn/caa/{self.mbid}.jpg"] if self.image else []
        return []


def _url_relations(entity: FakeArtist | FakeAlbum, kind: str) -> list[FakeUrlRelation]:
    """Links to the entity's own twins on the providers it is on, then the added ones."""
    own = []
    if entity.musicbrainz_links and "spotify" in entity.providers:
        own.append(FakeUrlRelation(spotify_url(kind, entity.spotify_id)))
    if entity.musicbrainz_links and "deezer" in entity.providers:
        own.append(FakeUrlRelation(deezer_url(kind, entity.deezer_id)))
    return own + entity.musicbrainz_urls


def _spotify_paths(entity_id: str) -> list[str]:
    return [f"/cdn/spotify/{entity_id}.jpg"] + [
        f"/cdn/spotify/{entity_id}-{size}.jpg" for size in SPOTIFY_IMAGE_SIZES[1:]
    ]


class FakeCatalog:
    """Artists and albums the fake serves; every image path it hands out is served by the CDN."""

    def __init__(self) -> None:
        self.artists: list[FakeArtist] = []
        self.albums: list[FakeAlbum] = []
        self._seq = 0
        self._images: dict[str, int] = {}
        # Indexes kept by add_artist/add_album, so a request costs O(matches), not O(catalog).
        self._by_seq: dict[int, FakeArtist | FakeAlbum] = {}
        self._artists_on: dict[str, list[FakeArtist]] = defaultdict(list)
        self._albums_on: dict[str, list[FakeAlbum]] = defaultdict(list)
        self._artist_ids: dict[str, dict[str, FakeArtist]] = defaultdict(dict)
        self._album_ids: dict[str, dict[str, FakeAlbum]] = defaultdict(dict)
        self._artist_names = _Grams()
        self._artist_aliases = _Grams()
        self._album_titles = _Grams()
        self._album_artists = _Grams()  # by the album's artist's name

    def add_artist(
        self,
        name: str,
        *,
        genres: Sequence[str] = (),
        popularity: int | None = None,
        fans: int | None = None,
        disambiguation: str | None = None,
        aliases: Sequence[str] = (),
        image: bool = True,
        providers: Iterable[str] = ALL_PROVIDERS,
        musicbrainz_links: bool = False,
    ) -> FakeArtist:
        """An artist; `musicbrainz_links` has MusicBrainz link its Spotify/Deezer twins."""
        artist = FakeArtist(
            seq=self._next(),
            name=name,
            genres=tuple(genres),
            popularity=popularity,
            fans=fans,
            disambiguation=disambiguation,
            aliases=tuple(aliases),
            image=image,
            providers=frozenset(providers),
            musicbrainz_links=musicbrainz_links,
        )
        self.artists.append(artist)
        self._by_seq[artist.seq] = artist
        for provider in artist.providers:
            self._artists_on[provider].append(artist)
            self._artist_ids[provider].setdefault(_ids(artist, provider), artist)
        self._artist_names.add(artist.seq, [artist.name])
        self._artist_aliases.add(artist.seq, artist.aliases)
        self._register_images(artist.image_paths("spotify"), SPOTIFY_IMAGE_SIZES)
        self._register_images(
            artist.image_paths("deezer"), sorted(DEEZER_IMAGE_SIZES, reverse=True)
        )
        return artist

    def add_album(
        self,
        artist: FakeArtist,
        title: str,
        *,
        year: int | None = None,
        release_date: str | None = None,
        album_type: str = "album",
        tracks: int | Sequence[str] = 10,
        image: bool = True,
        providers: Iterable[str] | None = None,
        genres: Sequence[str] | None = None,
        secondary_types: Sequence[str] = (),
        musicbrainz_links: bool = False,
    ) -> FakeAlbum:
        """An album of `artist`; `tracks` is a count or the list of titles.

        `genres` default to the artist's, most voted first. `secondary_types` are
        MusicBrainz's ("Live", "Remix", ...); a "compilation" is one there anyway.
        `musicbrainz_links` has MusicBrainz link its Spotify/Deezer twins from its release.
        """
        seq = self._next()
        titles = [f"Track {n}" for n in range(1, tracks + 1)] if isinstance(tracks, int) else tracks
        album = FakeAlbum(
            seq=seq,
            artist=artist,
            title=title,
            year=year,
            release_date=release_date or (str(year) if year else None),
            album_type=album_type,
            tracks=[_track(seq, number, title) for number, title in enumerate(titles, 1)],
            image=image,
            providers=frozenset(providers) if providers is not None else artist.providers,
            genres=tuple(genres) if genres is not None else artist.genres,
            secondary_types=tuple(secondary_types),
            musicbrainz_links=musicbrainz_links,
        )
        artist.albums.append(album)
        self.albums.append(album)
        self._by_seq[album.seq] = album
        for provider in album.providers:
            self._albums_on[provider].append(album)
            for entity_id in (_ids(album, provider), album.release_mbid):
                self._album_ids[provider].setdefault(entity_id, album)
        self._album_titles.add(album.seq, [album.title])
        self._album_artists.add(album.seq, [artist.name])
        self._register_images(album.image_paths("spotify"), SPOTIFY_IMAGE_SIZES)
        self._register_images(album.image_paths("deezer"), sorted(DEEZER_IMAGE_SIZES, reverse=True))
        self._register_images(album.image_paths("musicbrainz"), (CAA_FULL_SIZE,))
        for size in CAA_SIZES if image else ():
            self._images[f"/cdn/caa/{album.mbid}-{size}.jpg"] = size
        return album

    def add_musicbrainz_url(
        self,
        entity: FakeArtist | FakeAlbum,
        url: str,
        *,
        ended: bool = False,
        relation_type: str = "free streaming",
    ) -> FakeUrlRelation:
        """One more url relation MusicBrainz sends for `entity` (an album: on its release).

        For refusal tests: `spotify_url("artist", other.spotify_id)` links another artist;
        the twin id of an entity not on Spotify, or `spotify_id("artist", 0)` (no entity has
        seq 0), is one the fake Spotify answers 404 for, as for a deleted page.
        """
        relation = FakeUrlRelation(url, ended=ended, relation_type=relation_type)
        entity.musicbrainz_urls.append(relation)
        return relation

    def artists_on(
        self, provider: str, *, name: Sequence[str] = (), alias: Sequence[str] = ()
    ) -> list[FakeArtist]:
        """The artists on `provider`, in catalog order.

        Needles narrow them to those whose name (or one alias) may contain each needle,
        casefolded: a superset of the substring matches, which the caller still tests.
        """
        seqs = self._artist_names.narrow(None, name)
        seqs = self._artist_aliases.narrow(seqs, alias)
        return self._pick(self._artists_on[provider], seqs, provider)

    def albums_on(
        self,
        provider: str,
        *,
        title: Sequence[str] = (),
        artist: Sequence[str] = (),
        title_or_artist: Sequence[str] = (),
    ) -> list[FakeAlbum]:
        """The albums on `provider`, in catalog order, narrowed as `artists_on` does: by
        needles of the title, of the artist's name, and of either (whitespace-free words
        of a "title artist" text)."""
        seqs = self._album_titles.narrow(None, title)
        seqs = self._album_artists.narrow(seqs, artist)
        for needle in title_or_artist:
            # A needle with whitespace could span the title and the name: it cannot narrow.
            if any(char.isspace() for char in needle.casefold()):
                continue
            either = _union(
                self._album_titles.narrow(None, [needle]),
                self._album_artists.narrow(None, [needle]),
            )
            if either is not None:
                seqs = either if seqs is None else seqs & either
        return self._pick(self._albums_on[provider], seqs, provider)

    def find_artist(self, provider: str, entity_id: str) -> FakeArtist | None:
        return self._artist_ids[provider].get(entity_id)

    def find_album(self, provider: str, entity_id: str) -> FakeAlbum | None:
        """An album by its provider id (a MusicBrainz release id also finds its group)."""
        return self._album_ids[provider].get(entity_id)

    def _pick(self, on_provider: list[Any], seqs: set[int] | None, provider: str) -> list[Any]:
        """All of `on_provider`, or the entities of `seqs` on `provider`, in catalog order."""
        if seqs is None:
            return list(on_provider)
        picked = (self._by_seq[seq] for seq in sorted(seqs))
        return [entity for entity in picked if provider in entity.providers]

    def image_size(self, path: str) -> int | None:
        """The pixel size of a catalog image at `path`, None when the catalog has none there."""
        return self._images.get(path)

    def _register_images(self, paths: list[str], sizes: Sequence[int]) -> None:
        for path, size in zip(paths, sizes, strict=False):
            self._images[path] = size

    def _next(self) -> int:
        self._seq += 1
        return self._seq


class _Grams:
    """Which entities' casefolded texts hold each GRAM-long substring.

    Every GRAM-long piece of a needle is in any text that contains the needle, so the
    entities holding all of a needle's pieces are a superset of its substring matches.
    """

    def __init__(self) -> None:
        self._postings: dict[str, set[int]] = defaultdict(set)

    def add(self, seq: int, texts: Iterable[str]) -> None:
        for text in texts:
            for gram in _grams(text.casefold()):
                self._postings[gram].add(seq)

    def narrow(self, seqs: set[int] | None, needles: Iterable[str]) -> set[int] | None:
        """`seqs` (None: all) cut to the entities that may contain every needle; a needle
        shorter than GRAM cannot narrow."""
        grams = set().union(*(_grams(needle.casefold()) for needle in needles))
        for posting in sorted((self._postings.get(gram, _NONE) for gram in grams), key=len):
            seqs = set(posting) if seqs is None else seqs & posting
            if not seqs:
                break
        return seqs


_NONE: frozenset[int] = frozenset()


def _grams(text: str) -> set[str]:
    return {text[start : start + GRAM] for start in range(len(text) - GRAM + 1)}


def _union(first: set[int] | None, second: set[int] | None) -> set[int] | None:
    return None if first is None or second is None else first | second


def _ids(entity: FakeArtist | FakeAlbum, provider: str) -> str:
    return {
        "spotify": entity.spotify_id,
        "deezer": str(entity.deezer_id),
        "musicbrainz": entity.mbid,
    }[provider]


def _track(album_seq: int, number: int, title: str) -> FakeTrack:
    seq = album_seq * 1000 + number
    return FakeTrack(
        seq=seq,
        title=title,
        number=number,
        duration_ms=180_000 + number * 1000,
        spotify_id=spotify_id("track", seq),
        deezer_id=3_000_000 + seq,
        isrc=f"XXFAK{seq:07d}",
    )
