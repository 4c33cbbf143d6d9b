"""Cover Art Archive client: where the front image of a release group or release lives."""

from __future__ import annotations

from soulspot.providers.http import ProviderClient

SIZES = (250, 500, 1200)


class CoverArtClient(ProviderClient):
    """Front-image URLs without downloading them: the archive answers 307 + Location."""

    def release_group_front(self, mbid: str, *, size: int | None = None) -> str | None:
        """The front image URL of a release group, or None when it has none."""
        return self.http.get_location(_front_path("release-group", mbid, size))

    def release_front(self, mbid: str, *, size: int | None = None) -> str | None:
        """The front image URL of a release, or None when it has none."""
        return self.http.get_location(_front_path("release", mbid, size))


def _front_path(entity: str, mbid: str, size: int | None) -> str:
    if size is None:
        return f"{entity}/{mbid}/front"
    if size not in SIZES:
        raise ValueError(f"Cover Art Archive thumbnails are {SIZES}, got {size}")
    return f"{entity}/{mbid}/front-{size}"
