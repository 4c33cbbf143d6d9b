"""Rows for the benches that build a big library straight through the tables (no scan)."""

from __future__ import annotations

import uuid
from typing import Any


def local_tracks(
    album_id: str, artist_id: str, where: str, count: int, stamps: dict[str, Any]
) -> list[dict[str, Any]]:
    """`count` tracks with files under /music/<where>/, numbered from 1."""
    return [
        {
            "id": str(uuid.uuid4()),
            "album_id": album_id,
            "artist_id": artist_id,
            "title": f"Track {number}",
            "track_number": number,
            "duration_ms": 180_000 + number * 1_000,
            "file_path": f"/music/{where}/{number}.flac",
            **stamps,
        }
        for number in range(1, count + 1)
    ]
