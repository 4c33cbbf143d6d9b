"""Properties of the normaliser on generated names and titles (hypothesis)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from soulspot.matching.normalize import normalize_name, normalize_title

# Fragments that exercise every rule: credits, articles, editions, numbers, brackets,
# separators, stylised symbols, placeholders and scripts that fold or casefold oddly.
FRAGMENTS = [
    "The", "the", "feat", "Feat.", "ft", "featuring", "with", "Vol.", "volume", "part", "II",
    "IV", "xx", "two", "n", "N'", "&", "+", "and", "a", "EP", "Single", "Remastered", "2011",
    "1999", "20th", "Anniversary", "Deluxe", "Edition", "Live", "Remix", "Demo", "Soundtrack",
    "Official", "Version", "Taylor's", "P!nk", "Ke$ha", "A$AP", "!", "$", "@", "¡", "-", "–",
    "—", ":", ",", ".", "'", "(", ")", "[", "]", "{", "}", "vol2", "vol.2", "Beatles,",
    "[unknown]", "Various", "!!!", "÷", "Mötley", "Crüe", "Beyoncé", "Σωκράτης", "ΐ", "坂本",
    "Мумий", "ß", "İ", "ı", "ﬁ", "Ⅳ", "½", "\u0345", " ", "\t",
]  # fmt: skip
fragments = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=10)
texts = st.one_of(fragments.map("".join), fragments.map(" ".join), st.text(max_size=30))
# Latin letters with and without diacritics (Latin-1, Extended-A, Extended Additional).
latin = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x17F, exclude_categories=("Cc",))
    | st.characters(min_codepoint=0x1E00, max_codepoint=0x1EFF),
    max_size=30,
)

# Fragments without a lone combining mark ("\u0345" casefolds to a letter of its own).
SPELLED = [f for f in FRAGMENTS if not any(unicodedata.combining(ch) for ch in f)]

# Deterministic: the same examples every run, so a failure is never a flake.
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@PROPERTY
@given(texts)
def test_normalising_never_raises_and_a_name_never_becomes_empty(text: str) -> None:
    for normalize in (normalize_name, normalize_title):
        key = normalize(text)
        assert isinstance(key, str)
        assert bool(key) == bool(text.strip())


@PROPERTY
@given(texts)
def test_normalising_is_idempotent(text: str) -> None:
    for normalize in (normalize_name, normalize_title):
        key = normalize(text)
        assert normalize(key) == key


@PROPERTY
@given(texts)
def test_keys_do_not_depend_on_case(text: str) -> None:
    for normalize in (normalize_name, normalize_title):
        assert normalize(text.upper()) == normalize(text.lower()) == normalize(text)


@PROPERTY
@given(st.one_of(latin, st.lists(st.sampled_from(SPELLED) | latin, max_size=6).map(" ".join)))
def test_keys_do_not_depend_on_diacritics_or_their_encoding(text: str) -> None:
    for normalize in (normalize_name, normalize_title):
        key = normalize(text)
        assert normalize(unicodedata.normalize("NFD", text)) == key
        if any(not unicodedata.combining(ch) for ch in _without_marks(text).strip()):
            assert normalize(_without_marks(text)) == key
