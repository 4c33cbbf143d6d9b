"""Provider look-ups for one artist: search, discographies, scoring. No database here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from soulspot.matching import (
    Decision,
    LocalAlbum,
    LocalArtist,
    Scored,
    decide,
    is_placeholder,
    is_various_artists,
    match_albums,
    name_similarity,
    own_releases,
    score_album,
    score_artist,
)
from soulspot.matching.normalize import CLOSE
from soulspot.matching.vocabulary import VARIOUS_ARTISTS
from soulspot.models.kinds import EntityKind, ProviderKind
from soulspot.providers.types import AlbumInfo, ArtistInfo
from soulspot.services.enrichment.selection import LocalAlbumRow, WorkItem


class CatalogClient(Protocol):
    def search_artists(self, name: str, *, limit: int = ...) -> list[ArtistInfo]: ...

    def artist_albums(self, artist_id: str) -> list[AlbumInfo]: ...

    def search_albums(
        self, title: str, *, artist: str | None = None, limit: int = ...
    ) -> list[AlbumInfo]: ...


@dataclass(frozen=True)
class ProviderSide:
    """One provider's client and how its links are read: Spotify keeps URIs, Deezer ids."""

    provider: ProviderKind
    client: CatalogClient
    artist_link: Callable[[WorkItem], str | None]
    album_link: Callable[[LocalAlbumRow], str | None]
    id_of_link: Callable[[str], str]

    @property
    def name(self) -> str:
        return self.provider.value

    @property
    def queues_candidates(self) -> bool:
        return self.provider.queues_candidates

    def link_of(self, info: ArtistInfo | AlbumInfo) -> str:
        kind = EntityKind.ARTIST if isinstance(info, ArtistInfo) else EntityKind.ALBUM
        return self.provider.link_value(kind, info.id)


def spotify_side(client: CatalogClient) -> ProviderSide:
    return ProviderSide(
        provider=ProviderKind.SPOTIFY,
        client=client,
        artist_link=lambda item: item.spotify_uri,
        album_link=lambda album: album.spotify_uri,
        id_of_link=lambda uri: uri.rsplit(":", 1)[-1],
    )


def deezer_side(client: CatalogClient) -> ProviderSide:
    return ProviderSide(
        provider=ProviderKind.DEEZER,
        client=client,
        artist_link=lambda item: item.deezer_id,
        album_link=lambda album: album.deezer_id,
        id_of_link=str,
    )


#: Searches by alias an artist may cost when its own name finds no namesake.
MAX_ALIAS_SEARCHES = 2


@dataclass(frozen=True)
class MatchRules:
    threshold: float
    margin: float
    close_name: float = CLOSE
    max_discographies: int = 3
    max_album_searches: int = 5


@dataclass
class Lookup:
    """What one provider said about one artist, ready to be written."""

    side: ProviderSide
    artist_decision: Decision | None = None
    linked_artist: ArtistInfo | None = None
    album_links: list[tuple[LocalAlbumRow, AlbumInfo]] = field(default_factory=list)
    album_reviews: list[tuple[LocalAlbumRow, list[Scored]]] = field(default_factory=list)
    albums_unmatched: int = 0


def _local_artist(item: WorkItem) -> LocalArtist:
    albums = tuple(LocalAlbum(a.title, a.year, a.track_count) for a in item.albums)
    return LocalArtist(item.name, albums, item.genres, item.aliases)


def lookup_artist(side: ProviderSide, item: WorkItem, rules: MatchRules) -> Lookup:
    """Search, fetch close namesakes' discographies, score; then match the local albums."""
    lookup = Lookup(side)
    various = is_various_artists(item.name)
    linked_id = None if side.artist_link(item) is None else side.id_of_link(side.artist_link(item))
    discography: Sequence[AlbumInfo] | None = None
    # Retrying the other provider must not re-search a name whose candidates wait for review.
    in_review = side.queues_candidates and item.awaiting_review
    if linked_id is None and not is_placeholder(item.name) and not in_review:
        linked_id, discography = _find_artist(side, item, rules, lookup)
    pending = [a for a in item.albums if side.album_link(a) is None]
    if not pending:
        return lookup
    if linked_id is not None:
        if discography is None:
            discography = side.client.artist_albums(linked_id)
        matched = match_albums(
            [LocalAlbum(a.title, a.year, a.track_count) for a in pending],
            own_releases(linked_id, discography),
        )
        lookup.album_links += [(pending[index], info) for index, info in matched.items()]
        pending = [a for index, a in enumerate(pending) if index not in matched]
    if linked_id is None and not various:
        # The artist itself awaits review: its albums wait for that decision.
        lookup.albums_unmatched = len(pending)
        return lookup
    for album in pending[: rules.max_album_searches]:
        _search_album(side, album, item.name, rules, lookup)
    lookup.albums_unmatched += max(0, len(pending) - rules.max_album_searches)
    return lookup


def score_namesakes(
    client: CatalogClient,
    item: WorkItem,
    rules: MatchRules,
    excluded: Callable[[ArtistInfo], bool] = lambda info: False,
) -> tuple[Decision, dict[str, list[AlbumInfo]]]:
    """Search the artist's name, fetch the close namesakes' discographies and decide.

    Returns the decision and the discographies fetched, keyed by provider artist id.
    """
    names = (item.name, *item.aliases)

    def is_close(result: ArtistInfo) -> bool:
        theirs = (result.name, *result.aliases)
        return max(name_similarity(a, b) for a in names for b in theirs) >= rules.close_name

    close: list[ArtistInfo] = []
    # The name first; a MusicBrainz alias ("Ryuichi Sakamoto" for "坂本龍一") only when the
    # name finds no namesake, and at most MAX_ALIAS_SEARCHES of them.
    for query in (item.name, *item.aliases[:MAX_ALIAS_SEARCHES]):
        results = [r for r in client.search_artists(query, limit=10) if not excluded(r)]
        close = [r for r in results if is_close(r)]
        if close:
            break
    local = _local_artist(item)
    discographies = {r.id: client.artist_albums(r.id) for r in close[: rules.max_discographies]}
    scored = [score_artist(local, r, discographies.get(r.id)) for r in close]
    return decide(scored, threshold=rules.threshold, margin=rules.margin), discographies


def confident_artist(side: ProviderSide, item: WorkItem, rules: MatchRules) -> ArtistInfo | None:
    """The provider artist the rules would auto-apply for this local artist, else None.

    The entry point for any caller that needs "the provider entity of this artist" without
    running enrichment (artwork's API mode): same search, evidence, rejections and rules.
    """
    if is_placeholder(item.name):
        return None
    decision, _ = _score(side, item, rules)
    return decision.auto_apply.candidate if decision.auto_apply else None


def confident_album(
    side: ProviderSide, album: LocalAlbumRow, artist_name: str, rules: MatchRules
) -> AlbumInfo | None:
    """The provider album the rules would auto-apply for this local album, else None."""
    decision = _decide_album(side, album, artist_name, rules)
    return decision.auto_apply.candidate if decision.auto_apply else None


def _score(
    side: ProviderSide, item: WorkItem, rules: MatchRules
) -> tuple[Decision, dict[str, list[AlbumInfo]]]:
    return score_namesakes(
        side.client, item, rules, lambda info: side.link_of(info) in item.rejected_uris
    )


def _find_artist(
    side: ProviderSide, item: WorkItem, rules: MatchRules, lookup: Lookup
) -> tuple[str | None, Sequence[AlbumInfo] | None]:
    decision, discographies = _score(side, item, rules)
    lookup.artist_decision = decision
    if decision.auto_apply is None:
        return None, None
    best: ArtistInfo = decision.auto_apply.candidate
    lookup.linked_artist = best
    return best.id, discographies.get(best.id)


def decide_album(
    client: CatalogClient,
    local: LocalAlbum,
    artist_name: str,
    rules: MatchRules,
    excluded: Callable[[AlbumInfo], bool] = lambda info: False,
) -> Decision:
    """Search one album (by title, and artist unless Various Artists) and decide."""
    various = is_various_artists(artist_name)
    credit = VARIOUS_ARTISTS if various else artist_name
    results = client.search_albums(local.title, artist=None if various else artist_name, limit=10)
    scored = [score_album(local, credit, r) for r in results if not excluded(r)]
    return decide(scored, threshold=rules.threshold, margin=rules.margin)


def _decide_album(
    side: ProviderSide, album: LocalAlbumRow, artist_name: str, rules: MatchRules
) -> Decision:
    return decide_album(
        side.client,
        LocalAlbum(album.title, album.year, album.track_count),
        artist_name,
        rules,
        lambda info: side.link_of(info) in album.rejected_uris,
    )


def _search_album(
    side: ProviderSide, album: LocalAlbumRow, artist_name: str, rules: MatchRules, lookup: Lookup
) -> None:
    decision = _decide_album(side, album, artist_name, rules)
    if decision.auto_apply is not None:
        lookup.album_links.append((album, decision.auto_apply.candidate))
    elif decision.candidates and side.queues_candidates:
        lookup.album_reviews.append((album, decision.candidates))
    else:
        lookup.albums_unmatched += 1
