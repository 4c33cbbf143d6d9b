"""Search query pieces: quoted field filters (Spotify, Deezer) and Lucene phrases (MusicBrainz)."""

from __future__ import annotations

import re

_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def quoted(field: str, value: str) -> str:
    """`field:"value"`; Spotify and Deezer have no escape for a double quote, so drop them."""
    return f'{field}:"{" ".join(value.replace(chr(34), " ").split())}"'


def lucene_escape(text: str) -> str:
    """Backslash-escape Lucene's special characters."""
    return _LUCENE_SPECIAL.sub(r"\\\1", text)


def phrase(field: str, value: str) -> str:
    """A quoted Lucene field query: releasegroup:"OK Computer"."""
    return f'{field}:"{lucene_escape(value)}"'
