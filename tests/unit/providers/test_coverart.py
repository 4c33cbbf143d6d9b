"""CoverArtClient: the Location of the front image, never followed."""

from __future__ import annotations

import pytest

from soulspot.providers.coverart import CoverArtClient
from soulspot.providers.errors import Unavailable

API = "https://caa.test"
IMAGE = "https://archive.test/release/1/front.jpg"


@pytest.fixture
def client(make_http) -> CoverArtClient:  # noqa: ANN001
    return CoverArtClient(make_http("coverart", API))


def test_release_group_front_is_the_redirect_location(requests_mock, client) -> None:
    requests_mock.get(
        f"{API}/release-group/rg1/front", status_code=307, headers={"Location": IMAGE}
    )
    assert client.release_group_front("rg1") == IMAGE
    assert requests_mock.call_count == 1  # not followed


def test_release_front_with_a_thumbnail_size(requests_mock, client) -> None:
    requests_mock.get(f"{API}/release/r1/front-500", status_code=307, headers={"Location": IMAGE})
    assert client.release_front("r1", size=500) == IMAGE


def test_no_front_image_is_none(requests_mock, client) -> None:
    requests_mock.get(f"{API}/release-group/rg1/front", status_code=404, text="Not Found")
    assert client.release_group_front("rg1") is None


def test_unsupported_size_is_refused(client) -> None:
    with pytest.raises(ValueError):
        client.release_group_front("rg1", size=640)


def test_server_errors_are_retried_then_typed(requests_mock, client) -> None:
    requests_mock.get(f"{API}/release-group/rg1/front", status_code=503)
    with pytest.raises(Unavailable):
        client.release_group_front("rg1")
    assert requests_mock.call_count == 4
