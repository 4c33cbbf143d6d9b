"""Confidence of provider artists for a local artist, and the auto-apply-or-review decision."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from soulspot.matching.albums import match_albums, years_agree
from soulspot.matching.normalize import (
    CLOSE,
    SURE,
    Key,
    is_placeholder,
    is_various_artists,
    key_similarity,
    name_key,
    title_key,
    tokens,
)
from soulspot.matching.types import Decision, LocalArtist, Scored
from soulspot.matching.vocabulary import GENERIC_PREFIXES, GENERIC_TITLES, TRIBUTE_WORDS
from soulspot.providers.types import AlbumInfo, ArtistInfo

GENERIC_WEIGHT = 0.25  # "Greatest Hits" or a self-titled album barely tells namesakes apart
YEAR_BONUS = 0.5  # extra support points of a found album whose year agrees (within a year)
SUPPORT_POINTS = 1.5  # support points that saturate the evidence (1 album + year, or 2 albums)
OVERLAP_SLACK = 0.3  # a share of 70 % found counts fully: local rarities are often missing
# Distinctive local albums, years agreeing, in a candidate's own discography that confirm a
# close but unsure name ("Martha Reeves & the Vandellas" for "Martha and the Vandellas").
CONFIRMING_ALBUMS = 3
_EPSILON = 1e-9
_PLACEHOLDER_REASON = "a placeholder (Various Artists, unknown artist) is never linked to an artist"


def _is_generic(key: Key, artist: str) -> bool:
    # Self-titled as a title too: name keys drop a leading "The", title keys keep it.
    return (
        key.text in GENERIC_TITLES
        or key.text.startswith(GENERIC_PREFIXES)
        or key.compact in (name_key(artist).compact, title_key(artist).compact)
        or len(key.compact) <= 2
    )


def _evidence(local: LocalArtist, own: Sequence[AlbumInfo]) -> dict[str, Any]:
    """What the candidate's discography says: share found, support points, year agreement."""
    matches = match_albums(local.albums, own)
    groups: dict[str, tuple[Key, list[int]]] = {}  # "X" and "X (Deluxe)" count once
    for index, album in enumerate(local.albums):
        key = title_key(album.title)
        groups.setdefault(key.text, (key, []))[1].append(index)
    total = found = points = 0.0
    compared = agreed = distinct = matched = confirming = 0
    for key, members in groups.values():
        weight = GENERIC_WEIGHT if _is_generic(key, local.name) else 1.0
        total += weight
        hits = [i for i in members if i in matches]
        if not hits:
            continue
        verdicts = [years_agree(local.albums[i].year, matches[i]) for i in hits]
        compared += any(v is not None for v in verdicts)
        agreed += any(verdicts)
        matched += 1
        found += weight
        distinct += weight == 1.0
        confirming += weight == 1.0 and any(verdicts)
        points += weight * (1 + YEAR_BONUS * any(verdicts))
    overlap = found / total
    support = min(1.0, points / SUPPORT_POINTS)
    return {
        "evidence": support * min(1.0, overlap + OVERLAP_SLACK),
        "discography_overlap": round(overlap, 3),
        "albums_matched": matched,
        "albums_local": len(groups),
        "distinct_matched": distinct,
        "confirming": confirming,
        "year": round(agreed / compared, 3) if compared else None,
        "matched": [
            {"local": local.albums[i].title, "title": album.title, "id": album.id}
            for i, album in sorted(matches.items())
        ],
    }


def _genre_overlap(local: Sequence[str], candidate: Sequence[str]) -> float | None:
    ours = {t for genre in local for t in tokens(genre)} - {"music", "and", "the"}
    theirs = {t for genre in candidate for t in tokens(genre)} - {"music", "and", "the"}
    return len(ours & theirs) / len(ours | theirs) if ours and theirs else None


def _popularity(candidate: ArtistInfo) -> float | None:
    if candidate.popularity is not None:
        return min(1.0, max(0.0, candidate.popularity / 100))
    if candidate.fans is not None:
        return min(1.0, math.log10(max(candidate.fans, 0) + 1) / 7)
    return None


def _tribute(local: Key, candidate: ArtistInfo) -> bool:
    """Whether the candidate's name adds tribute/cover words the local name lacks."""
    return bool((set(name_key(candidate.name).tokens) - set(local.tokens)) & TRIBUTE_WORDS)


def _no_evidence(local: LocalArtist) -> dict[str, Any]:
    return {
        "evidence": 0.0,
        "discography_overlap": None,
        "albums_matched": 0,
        "albums_local": len(local.albums),
        "distinct_matched": 0,
        "confirming": 0,
        "year": None,
        "matched": [],
    }


def _breakdown(name: float, facts: dict[str, Any], **rest: Any) -> dict[str, Any]:
    evidence = facts.pop("evidence")
    facts.pop("distinct_matched")
    facts.pop("confirming")
    return {"name": round(name, 3), "evidence": round(evidence, 3), **facts, **rest}


def own_releases(artist_id: str, discography: Sequence[AlbumInfo]) -> list[AlbumInfo]:
    """The artist's own entries: no appears-on releases of others, no Various Artists ones."""
    return [
        album
        for album in discography
        if (not album.artist_ids or artist_id in album.artist_ids)
        and not any(is_various_artists(artist) for artist in album.artists)
    ]


def score_artist(
    local: LocalArtist, candidate: ArtistInfo, discography: Sequence[AlbumInfo] | None
) -> Scored:
    """Score a provider artist for a local one; `discography` None means "not fetched".

    score = name * (0.50 + 0.44 * evidence + 0.05 * genres) + 0.01 * popularity, where
    evidence = support * min(1, overlap + 0.3): overlap is the (weighted) share of local
    albums found in the candidate's own discography, support = min(1, points / 1.5) with
    1 point per album found (0.25 for a generic or self-titled title), +50 % when its year
    agrees. Unknown genres count 0.5, unknown popularity 0. The candidate may auto-apply
    with a name similarity >= SURE and at least one distinctive local album found, or with a
    name >= CLOSE that CONFIRMING_ALBUMS distinctive albums with agreeing years confirm; a
    confirmed name counts 1.0 in the score. A tribute act's name is halved, so never is.
    """
    if is_placeholder(local.name) or is_placeholder(candidate.name):
        facts = _no_evidence(local)
        breakdown = _breakdown(0.0, facts, auto_eligible=False, reasons=[_PLACEHOLDER_REASON])
        return Scored(0.0, breakdown, candidate)
    local_key = name_key(local.name)
    name = max(
        key_similarity(name_key(mine), name_key(theirs))
        for mine in (local.name, *local.aliases)
        for theirs in (candidate.name, *candidate.aliases)
    )
    reasons = [f"name similarity {name:.2f}"]
    if _tribute(local_key, candidate):  # halved: it can then never auto-apply
        name *= 0.5
        reasons.append("the name reads as a tribute or cover act")
    if discography is None or not local.albums:
        facts = _no_evidence(local)
        reasons.append("no discography to compare" if local.albums else "no local albums")
    else:
        facts = _evidence(local, own_releases(candidate.id, discography))
        reasons.append(f"{facts['albums_matched']} of {facts['albums_local']} local albums found")
    confirmed = name >= CLOSE and facts["confirming"] >= CONFIRMING_ALBUMS
    if confirmed:
        reasons.append(f"{facts['confirming']} distinctive albums with agreeing years confirm it")
    genres = _genre_overlap(local.genres, candidate.genres)
    popularity = _popularity(candidate)
    weight = 1.0 if confirmed else name
    score = weight * (0.50 + 0.44 * facts["evidence"] + 0.05 * (0.5 if genres is None else genres))
    score = min(1.0, score + 0.01 * (popularity or 0.0))
    eligible = confirmed or (name >= SURE and facts["distinct_matched"] > 0)
    if not eligible:
        reasons.append("not enough evidence to link without review")
    breakdown = _breakdown(
        name,
        facts,
        name_confirmed=confirmed,
        genres=None if genres is None else round(genres, 3),
        popularity=None if popularity is None else round(popularity, 3),
        auto_eligible=eligible,
        reasons=reasons,
    )
    return Scored(round(score, 4), breakdown, candidate, eligible)


def decide(
    scored: Sequence[Scored],
    threshold: float = 0.9,
    margin: float = 0.1,
    max_candidates: int = 5,
    min_score: float = 0.5,
) -> Decision:
    """Auto-apply the best only when eligible, >= threshold and ahead of the next by margin."""
    if not (0.0 <= threshold <= 1.0 and 0.0 <= min_score <= 1.0 and margin >= 0.0):
        raise ValueError("threshold and min_score must be in [0, 1], margin >= 0")
    if max_candidates < 0:
        raise ValueError("max_candidates must be >= 0")
    best_of: dict[tuple[str, str], Scored] = {}
    for item in scored:  # the same entity twice must not count as its own runner-up
        ident = (item.candidate.provider, item.candidate.id)
        if ident not in best_of or item.score > best_of[ident].score:
            best_of[ident] = item
    ranked = sorted(
        best_of.values(), key=lambda s: (-s.score, s.candidate.provider, s.candidate.id)
    )
    if ranked:
        best = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if (
            best.auto_eligible
            and best.score >= threshold - _EPSILON
            and best.score - runner_up >= margin - _EPSILON
        ):
            return Decision(best, [])
    kept = [s for s in ranked if s.score >= min_score - _EPSILON]
    return Decision(None, kept[:max_candidates])
