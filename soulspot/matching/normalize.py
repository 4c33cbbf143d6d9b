"""Normalised keys and similarity scores for artist names and album titles (pure, cached)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from unidecode import unidecode

from soulspot.matching.vocabulary import (
    EDITION_FILLER,
    EDITION_TRIGGERS,
    NUMBER_WORDS,
    QUALIFIERS,
    SEQUENCE_WORDS,
    VARIOUS_ARTISTS,
)

_CACHE_SIZE = 1 << 16
SURE = 0.9  # similarity from which two names or titles may be linked without review
# Below this many letters a near miss ("Blur"/"Blue", "Love"/"Loved") is likely another entity.
_SHORT = 8
_SHORT_CAP = 0.85
# Transliteration folds homophones together ("坂本龍一"/"坂本竜一"): distinct originals stay apart.
_NON_LATIN_CAP = 0.85
# Titles differing in numbers or qualifiers ("Vol. 1"/"Vol. 2", "X"/"X (Live)") are other releases.
_MARKER_PENALTY = 0.5
# Version-like words that say nothing about which edition it is (for the plain-vs-deluxe choice).
_NEUTRAL_TRIGGERS = frozenset({"version", "single", "ep", "explicit", "mono", "stereo"})
_STOP = frozenset({"the", "a", "an", "and"})

_BRACKET = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_FEAT_GROUP = re.compile(r"\s*(?:feat|ft|featuring|with)\b")
_FEAT_TAIL = re.compile(r"(?<=\S)\s+(?:feat\.|ft\.|featuring)\s+\S.*?(?=\s+-+\s+|[(\[{]|$)")
_DASH = re.compile(r"\s+-+\s+")
_THE_SUFFIX = re.compile(r"^(.*\S)\s*,\s*the$")
_GLUED_NUMBER = re.compile(r"\b(vol|volume|part|pt|cd|disc)\.?(\d+)\b")
_ROMAN = re.compile(r"(x{0,3})(ix|iv|v?i{0,3})")
_YEAR = re.compile(r"(19|20)\d\d")
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)")
_WORD = re.compile(r"[a-z0-9]+")


class Key(NamedTuple):
    """A normalised name or title plus what comparing it needs, computed once."""

    text: str
    compact: str
    tokens: tuple[str, ...]
    script: str
    markers: tuple[frozenset[str], frozenset[str]]
    edition: bool


def _fold(text: str) -> str:
    return unidecode(unicodedata.normalize("NFKC", text).casefold()).lower()


def _fallback(text: str) -> str:
    """Key of a name with no letter or digit ("!!!"): its casefolded self, never ""."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _non_latin(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        ch for ch in folded if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")
    )


def tokens(text: str) -> list[str]:
    """Folded ASCII word tokens: "&" and "+" read as "and", apostrophes and dots dropped."""
    folded = _fold(text).replace("&", " and ").replace("+", " and ")
    folded = re.sub(r"(?<=\d)\.(?=\d)", " ", folded)
    return _WORD.findall(folded.replace("'", "").replace("`", "").replace(".", ""))


def _key(
    raw: str,
    words: list[str],
    numbers: set[str] | frozenset[str] = frozenset(),
    qualifiers: set[str] | frozenset[str] = frozenset(),
    edition: bool = False,
) -> Key:
    # No letter or digit at all ("+", "!!!"): "&"/"+" must not become the word "and".
    text = " ".join(words) if words and _WORD.search(_fold(raw)) else _fallback(raw)
    return Key(
        text=text,
        compact=text.replace(" ", ""),
        tokens=tuple(sorted(text.split())),
        script=_non_latin(raw),
        markers=(frozenset(numbers), frozenset(qualifiers)),
        edition=edition,
    )


def _each_bracket(folded: str, replace: Callable[[str], str]) -> str:
    """Rewrite bracketed groups innermost first, then their parents ("(feat. X (Y))")."""
    for _ in range(3):
        reduced = _BRACKET.sub(lambda m: replace(m.group(1)), folded)
        if reduced == folded:
            break
        folded = reduced
    return folded


def _drop_feat(inner: str) -> str:
    return " " if _FEAT_GROUP.match(inner) else f" {inner} "


@lru_cache(maxsize=_CACHE_SIZE)
def name_key(name: str) -> Key:
    """The comparison key of an artist name."""
    folded = _each_bracket(_FEAT_TAIL.sub("", _fold(name)), _drop_feat)
    words = tokens(_THE_SUFFIX.sub(r"the \1", folded.strip()))
    # "Guns N' Roses" / "Guns 'n' Roses" / "Rock & Roll": an inner "n" is an "and".
    words = ["and" if w == "n" and 0 < i < len(words) - 1 else w for i, w in enumerate(words)]
    if words and words[0] == "the" and any(w not in _STOP for w in words[1:]):
        words = words[1:]
    return _key(name, words)


def _reduce(fragment: str) -> tuple[str, bool]:
    """A cosmetic fragment without its edition words; (fragment, False) when not cosmetic."""
    words = tokens(fragment)
    dropped = {w for w in words if w in EDITION_TRIGGERS}
    if not dropped:
        return fragment, False
    kept = [
        w
        for w in words
        if w not in EDITION_FILLER and not _YEAR.fullmatch(w) and not _ORDINAL.fullmatch(w)
    ]
    return " ".join(kept), bool(dropped - _NEUTRAL_TRIGGERS)


def _strip_trailing(words: list[str]) -> tuple[list[str], bool]:
    """Drop a bare trailing edition run ("Abbey Road Remastered", "Meanwhile EP")."""
    end = len(words)
    while end > 0:
        word = words[end - 1]
        if word in EDITION_FILLER or (
            _ORDINAL.fullmatch(word) and words[end : end + 1] == ["anniversary"]
        ):
            end -= 1
        else:
            break
    run = set(words[end:]) & EDITION_TRIGGERS
    if not run or not any(w not in _STOP for w in words[:end]):
        return words, False
    return words[:end], bool(run - _NEUTRAL_TRIGGERS)


def _sequence_numbers(words: list[str]) -> list[str]:
    """Spell sequence numbers one way: "Vol. II", "Volume Two", "vol 02" all end as "vol 2"."""
    out: list[str] = []
    for word in words:
        after_sequence = bool(out) and out[-1] in SEQUENCE_WORDS.values()
        word = SEQUENCE_WORDS.get(word, word)
        if word.isdigit():
            word = str(int(word))
        elif after_sequence and word in NUMBER_WORDS:
            word = NUMBER_WORDS[word]
        elif (after_sequence or len(word) > 1) and word and _ROMAN.fullmatch(word):
            word = str(_roman_value(word))
        out.append(word)
    return out


def _roman_value(numeral: str) -> int:
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " ", strict=True):
        total += -values[ch] if values.get(nxt, 0) > values[ch] else values[ch]
    return total


@lru_cache(maxsize=_CACHE_SIZE)
def title_key(title: str) -> Key:
    """The comparison key of an album title (cosmetic edition suffixes removed)."""
    folded = _FEAT_TAIL.sub("", _GLUED_NUMBER.sub(r"\1 \2", _fold(title)))
    edition = False

    def group(inner: str) -> str:
        nonlocal edition
        if _FEAT_GROUP.match(inner):
            return " "
        if _YEAR.fullmatch(inner.strip()):  # "Nevermind (1991)": a tagger's habit
            return " "
        kept, cosmetic = _reduce(inner)
        edition = edition or cosmetic
        return f" {kept} "

    folded = _each_bracket(folded, group)
    head, *tails = _DASH.split(folded)
    parts = [head]
    for tail in tails:
        kept, cosmetic = _reduce(tail)
        edition = edition or cosmetic
        parts.append(kept)
    words, cosmetic = _strip_trailing(tokens(" ".join(parts)))
    words = _sequence_numbers(words)
    return _key(
        title,
        words,
        numbers={w for w in words if w.isdigit()},
        qualifiers={QUALIFIERS[w] for w in words if w in QUALIFIERS},
        edition=edition or cosmetic,
    )


def normalize_name(name: str) -> str:
    """Artist name key: "The Beatles", "Beatles, The" and "BEATLES" give "beatles"."""
    return name_key(name).text


def normalize_title(title: str) -> str:
    """Album title key: "Nevermind (Remastered 2011)" gives "nevermind", "X (Live)" "x live"."""
    return title_key(title).text


@lru_cache(maxsize=4096)
def is_various_artists(name: str) -> bool:
    """Whether a name is a "Various Artists" placeholder ("VA", "V/A", "Varios artistas", ...)."""
    return "".join(tokens(name)) in VARIOUS_ARTISTS


def key_similarity(a: Key, b: Key, floor: float = 0.0) -> float:
    """Similarity in [0, 1] of two keys; 1.0 only when the normalised texts are equal.

    With `floor`, a pair that cannot reach it may answer 0.0 without the costly comparison.
    """
    if not a.text or not b.text:
        return 0.0
    if floor > _MARKER_PENALTY and a.markers != b.markers:
        return 0.0
    if a.text == b.text:
        value = 1.0
    elif a.compact == b.compact:
        value = 0.95
    elif a.tokens == b.tokens:
        value = 0.9
    else:
        matcher = SequenceMatcher(None, a.text, b.text, autojunk=False)
        if floor and (matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor):
            return 0.0
        value = matcher.ratio()
        if min(len(a.compact), len(b.compact)) < _SHORT:
            value = min(value, _SHORT_CAP)
    if a.script and b.script and a.script != b.script:
        value = min(value, _NON_LATIN_CAP)
    if a.markers != b.markers:
        value *= _MARKER_PENALTY
    return value


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two artist names."""
    return key_similarity(name_key(a), name_key(b))


def title_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two album titles; other numbers or qualifiers halve it."""
    return key_similarity(title_key(a), title_key(b))
