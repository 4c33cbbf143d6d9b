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
    BRACKET_CREDITS,
    CREDITS,
    DESCRIPTIVE_TRIGGERS,
    EDITION_FILLER,
    EDITION_TRIGGERS,
    NAME_RELEASE_TYPES,
    NUMBER_WORDS,
    QUALIFIERS,
    SEQUENCE_WORDS,
    UNKNOWN_KEYS,
    VARIOUS_KEYS,
)

#: Keys kept per cache: an artist's whole scoring (its names, its local titles, the candidates'
#: discographies) fits many times over. A key takes about 1 KB, so 65,536 of them grew a
#: 20,000-artist enrichment by 15 MB and kept growing (up to about 130 MB for the two caches);
#: names of different artists rarely repeat, so a bigger cache buys little.
_CACHE_SIZE = 4096
SURE = 0.9  # similarity from which two names or titles may be linked without review
CLOSE = 0.8  # similarity from which a name is a namesake whose discography is worth comparing
# Below this many letters a near miss ("Blur"/"Blue", "Love"/"Loved") is likely another entity.
_SHORT = 8
_SHORT_CAP = 0.85
# Transliteration folds homophones together ("坂本龍一"/"坂本竜一"): distinct originals stay apart.
_NON_LATIN_CAP = 0.85
# Titles differing in numbers or qualifiers ("Vol. 1"/"Vol. 2", "X"/"X (Live)") are other releases.
_MARKER_PENALTY = 0.5
# Share of the difference a bracket or subtitle makes that counts (as beets weighs brackets):
# a descriptive one ("Original Motion Picture Soundtrack") barely; any other half, which keeps
# "Fearless (Taylor's Version)" apart from "Fearless".
_DESCRIPTIVE_WEIGHT = 0.1
_SUBTITLE_WEIGHT = 0.5
# Version-like words that say nothing about which edition it is (for the plain-vs-deluxe choice).
_NEUTRAL_TRIGGERS = frozenset({"version", "single", "ep", "explicit", "mono", "stereo"})
_STOP = frozenset({"the", "a", "an", "and"})

# The kinds of a title's parts: the title itself, a subtitle, a description of the release.
_MAIN, _SUBTITLE, _DESCRIPTIVE = 0, 1, 2
_OPENERS, _CLOSERS = "([{", ")]}"
_BRACKET = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_ANY_BRACKET = re.compile(r"[()\[\]{}]")
_GROUP_CREDIT = re.compile(r"\s*(?:" + "|".join(sorted(BRACKET_CREDITS)) + r")\b")
_TITLE_SEPARATOR = re.compile(r"\s+-+\s+|\s*:\s+")  # "X - Subtitle", "X: Subtitle"
_NAME_RELEASE_TAIL = re.compile(r"\s+-+\s+(?:" + "|".join(sorted(NAME_RELEASE_TYPES)) + r")\s*$")
_THE_SUFFIX = re.compile(r"^(.*\S)\s*,\s*the$")
_GLUED_NUMBER = re.compile(r"(vol|volume|part|pt|cd|disc)(\d+)")
_ROMAN = re.compile(r"(x{0,3})(ix|iv|v?i{0,3})")
_YEAR = re.compile(r"(19|20)\d\d")
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)")
_WORD = re.compile(r"[a-z0-9]+")
# A lone surrogate (text from a file name read with surrogateescape) stands for no letter;
# unidecode drops it too, but with a RuntimeWarning per character.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Symbols standing for letters in a stylised name: "P!nk", "Ke$ha", "A$AP Rocky", "$uicideboy$".
_STYLISED = (
    (re.compile(r"(?<=[a-z])!(?=[a-z])|(?<!\S)!(?=[a-z])"), "i"),
    (re.compile(r"(?<=[a-z])\$|\$(?=[a-z])"), "s"),
    (re.compile(r"(?<=[a-z])@(?=[a-z])"), "a"),
)

Part = tuple[list[str], int]  # the words of one part of a name or title, and its kind


class Text(NamedTuple):
    """A normalised text with its space-free and sorted-words forms."""

    text: str
    compact: str
    tokens: tuple[str, ...]


def _text(text: str) -> Text:
    return Text(text, text.replace(" ", ""), tuple(sorted(text.split())))


class Key(NamedTuple):
    """A normalised name or title plus what comparing it needs, computed once.

    `plain` is the text without descriptive parts, `core` without any bracket or subtitle.
    """

    text: str
    compact: str
    tokens: tuple[str, ...]
    script: str
    markers: tuple[frozenset[str], frozenset[str]]
    edition: bool
    plain: Text
    core: Text


def _fold(text: str) -> str:
    return unidecode(unicodedata.normalize("NFKC", _SURROGATE.sub("", text)).casefold()).lower()


def _fallback(text: str) -> str:
    """Key of a name with no letter or digit ("!!!"): its casefolded self, never ""."""
    folded = unicodedata.normalize("NFKC", text)
    for _ in range(3):  # casefolding may denormalise ("ΐ"): repeat to a fixed point
        again = unicodedata.normalize("NFKC", folded.casefold())
        if again == folded:
            break
        folded = again
    return " ".join(folded.split())


def _non_latin(text: str) -> str:
    if text.isascii():
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        ch for ch in folded if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")
    )


def tokens(text: str) -> list[str]:
    """Folded ASCII word tokens: "&" and "+" read as "and", apostrophes and dots dropped."""
    return _words(_fold(text))


def _words(folded: str) -> list[str]:
    """The tokens of an already folded text."""
    folded = folded.replace("&", " and ").replace("+", " and ")
    folded = re.sub(r"(?<=\d)\.(?=\d)", " ", folded)
    return _WORD.findall(folded.replace("'", "").replace("`", "").replace(".", ""))


def _has_word(folded: str) -> bool:
    # No letter or digit at all ("+", "!!!"): "+" must not become the word "and"; "&" alone may.
    return bool(_WORD.search(folded)) or folded.strip() == "&"


def _key(
    raw: str,
    folded: str,
    words: list[tuple[str, int]],
    numbers: set[str] | frozenset[str] = frozenset(),
    qualifiers: set[str] | frozenset[str] = frozenset(),
    edition: bool = False,
) -> Key:
    """Build a key from the words of a name or title, each with the kind of part it is in."""
    if not words or not _has_word(folded):
        full = plain = core = _text(_fallback(raw))
    else:
        full = plain = core = _text(" ".join(word for word, _ in words))
        if any(kind != _MAIN for _, kind in words):
            plain = _text(" ".join(word for word, kind in words if kind != _DESCRIPTIVE))
            core = _text(" ".join(word for word, kind in words if kind == _MAIN))
    return Key(
        *full,
        script=_non_latin(raw),
        markers=(frozenset(numbers), frozenset(qualifiers)),
        edition=edition,
        plain=plain,
        core=core,
    )


def _each_bracket(folded: str, replace: Callable[[str], str]) -> str:
    """Rewrite bracketed groups innermost first, then their parents ("(feat. X (Y))")."""
    for _ in range(3):
        reduced = _BRACKET.sub(lambda m: replace(m.group(1)), folded)
        if reduced == folded:
            break
        folded = reduced
    return folded


def _pieces(text: str) -> list[tuple[str, bool]]:
    """The plain runs and top-level bracketed groups (their contents) of a text, in order.

    An unclosed bracket leaves the rest plain text; a stray closing one is plain text.
    """
    if not _ANY_BRACKET.search(text):
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    depth = start = 0
    for index, char in enumerate(text):
        if char in _OPENERS:
            if not depth:
                pieces.append((text[start:index], False))
                start = index + 1
            depth += 1
        elif char in _CLOSERS and depth:
            depth -= 1
            if not depth:
                pieces.append((text[start:index], True))
                start = index + 1
    pieces.append((text[start - 1 if depth else start :], False))
    return pieces


def _drop_credits(parts: list[Part]) -> list[Part]:
    """Cut "feat"/"ft"/"featuring" credits: the credited names run to the end of their part.

    A credit word needs a word before and after it ("Little Feat" keeps its name); one that
    ends its part credits the next part. Working on words, not text, keeps it idempotent.
    """
    if not any(CREDITS.intersection(words) for words, _ in parts):
        return parts
    parts = [(list(words), kind) for words, kind in parts]
    while True:
        flat = [(p, i) for p, (words, _) in enumerate(parts) for i in range(len(words))]
        cut = next(((p, i) for p, i in flat[1:-1] if parts[p][0][i] in CREDITS), None)
        if cut is None:
            return parts
        p, i = cut
        ends_part = i == len(parts[p][0]) - 1
        del parts[p][0][i:]
        if ends_part:
            following = next(q for q in range(p + 1, len(parts)) if parts[q][0])
            parts[following][0].clear()


def _all_words_if_empty(parts: list[Part], folded: str) -> list[Part]:
    """A name or title that is nothing but a credit or an edition ("(feat. X)", "- EP") keeps
    all its words: an empty key would match nothing, not even itself."""
    return parts if any(words for words, _ in parts) else [(_words(folded), _MAIN)]


def _destylise(name: str) -> str:
    for pattern, letter in _STYLISED:
        name = pattern.sub(letter, name)
    return name


def _name_group(content: str) -> str | None:
    """A bracketed group of a name: None when it is a credit or a release type ("(EP)")."""
    inner = _each_bracket(content, lambda text: " " if _GROUP_CREDIT.match(text) else f" {text} ")
    if _GROUP_CREDIT.match(inner) or set(_words(inner)) <= NAME_RELEASE_TYPES:
        return None
    return inner


@lru_cache(maxsize=_CACHE_SIZE)
def name_key(name: str) -> Key:
    """The comparison key of an artist name."""
    # "¡" folds to "!" but never stands for a letter ("¡Forward, Russia!").
    folded = _destylise(_fold(name.replace("¡", " ")))
    trimmed = _THE_SUFFIX.sub(r"the \1", _NAME_RELEASE_TAIL.sub("", folded).strip())
    parts: list[Part] = []
    for text, group in _pieces(trimmed):
        kept = _name_group(text) if group else text
        if kept is not None:
            parts.append((_words(kept), _MAIN))
    parts = _all_words_if_empty(parts, folded)
    words = [word for part, _ in _drop_credits(parts) for word in part]
    # "Guns N' Roses" / "Guns 'n' Roses" / "Rock & Roll": an inner "n" is an "and".
    words = ["and" if w == "n" and 0 < i < len(words) - 1 else w for i, w in enumerate(words)]
    if (
        len(words) > 1
        and words[0] == "the"
        and words[1] != "the"
        and any(w not in _STOP for w in words[1:])
    ):
        words = words[1:]
    return _key(name, folded, [(word, _MAIN) for word in words])


def _is_filler(word: str) -> bool:
    return word in EDITION_FILLER or bool(_YEAR.fullmatch(word) or _ORDINAL.fullmatch(word))


def _reduce(fragment: str) -> tuple[str, bool]:
    """A cosmetic fragment without its edition words; (fragment, False) when not cosmetic."""
    words = _words(fragment)
    dropped = {w for w in words if w in EDITION_TRIGGERS}
    if not dropped:
        return fragment, False
    kept = [w for w in words if not _is_filler(w)]
    return " ".join(kept), bool(dropped - _NEUTRAL_TRIGGERS)


def _edition_tail(words: list[str]) -> tuple[list[str] | None, bool]:
    """A dash or colon tail that is an edition phrase ("- 2011 Remaster", "- Live Remastered"):
    its words that still matter and whether it names an edition; (None, False) for a subtitle.
    """
    triggers = set(words) & EDITION_TRIGGERS
    rest = [w for w in words if not _is_filler(w)]
    if not triggers or not all(w in QUALIFIERS or w in SEQUENCE_WORDS or w.isdigit() for w in rest):
        return None, False
    return rest, bool(triggers - _NEUTRAL_TRIGGERS)


def _describes(words: list[str]) -> bool:
    """Whether a bracket or subtitle describes the release rather than names it."""
    return bool(set(words) & DESCRIPTIVE_TRIGGERS) or (
        bool(words) and all(_YEAR.fullmatch(w) for w in words)
    )


def _strip_trailing(words: list[str]) -> tuple[int, bool]:
    """How many words a bare trailing edition run leaves ("Abbey Road Remastered", "Meanwhile
    EP"), and whether it named an edition."""
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
        return len(words), False
    return end, bool(run - _NEUTRAL_TRIGGERS)


def _sequence_numbers(words: list[str]) -> tuple[list[str], list[bool]]:
    """Spell sequence numbers one way: "Vol. II", "Volume Two", "vol 02" all end as "vol 2".

    Also says which words follow a sequence word: those numbers count wherever they are.
    """
    out: list[str] = []
    after: list[bool] = []
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
        after.append(after_sequence)
    return out, after


def _roman_value(numeral: str) -> int:
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " ", strict=True):
        total += -values[ch] if values.get(nxt, 0) > values[ch] else values[ch]
    return total


def _title_segments(folded: str) -> list[list[tuple[str, bool]]]:
    """The title and its dash or colon tails, each as plain runs and bracketed groups."""
    segments: list[list[tuple[str, bool]]] = [[]]
    for text, group in _pieces(folded):
        if group:
            segments[-1].append((text, True))
            continue
        head, *tails = _TITLE_SEPARATOR.split(text)
        segments[-1].append((head, False))
        segments += [[(tail, False)] for tail in tails]
    return segments


def _split_glued(words: list[str]) -> list[str]:
    """Split a sequence word glued to its number: "vol2", "cd1"."""
    out: list[str] = []
    for word in words:
        glued = _GLUED_NUMBER.fullmatch(word)
        out += glued.groups() if glued else [word]
    return out


@lru_cache(maxsize=_CACHE_SIZE)
def title_key(title: str) -> Key:
    """The comparison key of an album title (cosmetic edition suffixes removed)."""
    edition = False

    def reduced(inner: str) -> str | None:
        nonlocal edition
        if _GROUP_CREDIT.match(inner) or _YEAR.fullmatch(inner.strip()):
            return None  # a credit, or "Nevermind (1991)": a tagger's habit
        kept, cosmetic = _reduce(inner)
        edition = edition or cosmetic
        return kept

    def group(content: str) -> Part | None:
        kept = reduced(_each_bracket(content, lambda inner: f" {reduced(inner) or ''} "))
        if kept is None:
            return None
        words = _words(kept)
        return words, _DESCRIPTIVE if _describes(words) else _SUBTITLE

    folded = _fold(title)
    parts: list[Part] = []
    for index, segment in enumerate(_title_segments(folded)):
        kind = _MAIN
        if index:  # a tail: all of it, brackets included, decides what it is
            words = _words(" ".join(text for text, _ in segment))
            kept, cosmetic = _edition_tail(words)
            edition = edition or cosmetic
            if kept is not None:
                parts.append((kept, _SUBTITLE))
                continue
            kind = _DESCRIPTIVE if _describes(words) else _SUBTITLE
        for text, is_group in segment:
            part = group(text) if is_group else (_words(text), kind)
            if part is not None:
                parts.append(part)
    words = [
        (word, kind, len(part) == 1)
        for part, kind in _drop_credits(_all_words_if_empty(parts, folded))
        for word in _split_glued(part)
    ]
    end, cosmetic = _strip_trailing([word for word, _, _ in words])
    words = words[:end]
    texts, sequence = _sequence_numbers([word for word, _, _ in words])
    # A number counts in the title itself, after "Vol."/"Part", or alone in a subtitle ("- II");
    # a year or number elsewhere in a subtitle ("Vol. 1: 1993-2005") does not.
    numbers = {
        text
        for text, (_, kind, alone), after in zip(texts, words, sequence, strict=True)
        if text.isdigit() and (kind == _MAIN or after or (alone and kind == _SUBTITLE))
    }
    return _key(
        title,
        folded,
        [(text, kind) for text, (_, kind, _) in zip(texts, words, strict=True)],
        numbers=numbers,
        qualifiers={QUALIFIERS[text] for text in texts if text in QUALIFIERS},
        edition=edition or cosmetic,
    )


def normalize_name(name: str) -> str:
    """Artist name key: "The Beatles", "Beatles, The" and "BEATLES" give "beatles"."""
    return name_key(name).text


def normalize_title(title: str) -> str:
    """Album title key: "Nevermind (Remastered 2011)" gives "nevermind", "X (Live)" "x live"."""
    return title_key(title).text


def _compact_key(name: str) -> str:
    return "".join(tokens(name))


@lru_cache(maxsize=4096)
def is_various_artists(name: str) -> bool:
    """Whether a name is a "Various Artists" placeholder ("VA", "V/A", "Varios artistas", ...)."""
    return _compact_key(name) in VARIOUS_KEYS


@lru_cache(maxsize=4096)
def is_unknown_artist(name: str) -> bool:
    """Whether a name says no artist is known: empty, "[unknown]", "Unknown Artist", ..."""
    return not name.strip() or _compact_key(name) in UNKNOWN_KEYS


def is_placeholder(name: str) -> bool:
    """Whether a name stands for no artist of its own (Various Artists or unknown): such a
    name is never searched and never linked to an artist."""
    return is_various_artists(name) or is_unknown_artist(name)


def _similarity(a: Key | Text, b: Key | Text, floor: float) -> float:
    """Similarity of two texts; 0.0 when it is surely below `floor`."""
    if a.text == b.text:
        return 1.0
    if a.compact == b.compact:
        return 0.95
    if a.tokens == b.tokens:
        return 0.9
    matcher = SequenceMatcher(None, a.text, b.text, autojunk=False)
    if floor and (matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor):
        return 0.0
    value = matcher.ratio()
    if min(len(a.compact), len(b.compact)) < _SHORT:
        value = min(value, _SHORT_CAP)
    return value


def _weighted(a: Key, b: Key, floor: float) -> float:
    """Similarity where brackets and subtitles weigh less than the title (as beets does it):
    each step that drops a kind of part keeps only a share of the difference it made."""
    levels = [
        (x, y, weight)
        for x, y, weight in (
            (a, b, 0.0),
            (a.plain, b.plain, _DESCRIPTIVE_WEIGHT),
            (a.core, b.core, _SUBTITLE_WEIGHT),
        )
        if x.text and y.text
    ]
    # The result is at most the best level's similarity: below the floor at each, it is 0.
    similarities = [_similarity(x, y, floor) for x, y, _ in levels]
    if not any(similarities):
        return 0.0
    value = penalty = 0.0
    for index, (x, y, weight) in enumerate(levels):
        similarity = similarities[index] or _similarity(x, y, 0.0)
        if index and similarity > value:
            penalty += weight * (similarity - value)
        value = max(value, similarity)
    return value - penalty


def key_similarity(a: Key, b: Key, floor: float = 0.0) -> float:
    """Similarity in [0, 1] of two keys; 1.0 only when the normalised texts are equal.

    With `floor`, a pair that cannot reach it may answer 0.0 without the costly comparison.
    """
    if not a.text or not b.text:
        return 0.0
    if floor > _MARKER_PENALTY and a.markers != b.markers:
        return 0.0
    if a.plain is a.core and b.plain is b.core:  # neither has a part that weighs less
        value = _similarity(a, b, floor)
    else:
        value = _weighted(a, b, floor)
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
