"""The URL policy: schemes, the host allowlist, private addresses, placeholders."""

from __future__ import annotations

import pytest

from soulspot.services.artwork.safety import ArtworkError, Reason, UrlPolicy

DNS = {
    "e-cdns-images.dzcdn.net": ["185.60.92.36"],
    "i.scdn.co": ["151.101.2.248", "2a04:4e42::760"],
    "evil.dzcdn.net": ["10.1.2.3"],
    "mixed.dzcdn.net": ["151.101.2.248", "127.0.0.1"],
    "linklocal.dzcdn.net": ["169.254.169.254"],
    "v6.dzcdn.net": ["::1"],
    "mapped.dzcdn.net": ["::ffff:192.168.0.1"],
    "cgnat.dzcdn.net": ["100.64.0.1"],
}


def resolver(host: str) -> list[str]:
    if host not in DNS:
        raise OSError(f"unknown host {host}")
    return DNS[host]


def policy(hosts: str = "i.scdn.co,*.dzcdn.net") -> UrlPolicy:
    return UrlPolicy.from_setting(hosts, resolver=resolver)


def reason_of(check: UrlPolicy, url: str) -> Reason:
    with pytest.raises(ArtworkError) as caught:
        check.check(url)
    return caught.value.reason


@pytest.mark.parametrize(
    "url",
    [
        "https://i.scdn.co/image/ab67",
        "http://e-cdns-images.dzcdn.net/images/cover/abc/500x500.jpg",
        "https://I.SCDN.CO./image/x",  # case and a trailing dot do not matter
    ],
)
def test_allowed_public_urls_pass(url: str) -> None:
    policy().check(url)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://i.scdn.co/x.jpg",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "i.scdn.co/x.jpg",
        "https:///x.jpg",
        "https://i.scdn.co:99999/x.jpg",
        "https://user:secret@i.scdn.co/x.jpg",
        "",
    ],
)
def test_malformed_or_non_http_urls_are_invalid(url: str) -> None:
    assert reason_of(policy(), url) is Reason.INVALID_URL


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x.jpg",
        "https://scdn.co.evil.com/x.jpg",
        "https://dzcdn.net/x.jpg",  # "*.dzcdn.net" needs a subdomain
        "https://i.scdn.co.attacker.net/x.jpg",
    ],
)
def test_hosts_off_the_allowlist_are_refused(url: str) -> None:
    assert reason_of(policy(), url) is Reason.HOST_NOT_ALLOWED


@pytest.mark.parametrize(
    "host",
    [
        "evil.dzcdn.net",
        "mixed.dzcdn.net",
        "linklocal.dzcdn.net",
        "v6.dzcdn.net",
        "mapped.dzcdn.net",
        "cgnat.dzcdn.net",
    ],
)
def test_wildcard_hosts_resolving_to_private_addresses_are_refused(host: str) -> None:
    assert reason_of(policy(), f"https://{host}/x.jpg") is Reason.HOST_NOT_ALLOWED


def test_ip_literals_matched_by_a_wildcard_are_still_checked() -> None:
    check = UrlPolicy.from_setting("*")  # real resolver: literals need no DNS
    for url in ("http://10.0.0.8/x.jpg", "http://127.0.0.1:8080/x.jpg", "http://[::1]/x.jpg"):
        assert reason_of(check, url) is Reason.HOST_NOT_ALLOWED


def test_an_exactly_listed_private_host_is_allowed() -> None:
    UrlPolicy.from_setting("127.0.0.1").check("http://127.0.0.1:5000/cdn/x.jpg")


def test_deezer_placeholders_are_refused_before_anything_else() -> None:
    url = "https://e-cdns-images.dzcdn.net/images/artist//500x500-000000-80-0-0.jpg"
    assert reason_of(policy(), url) is Reason.PLACEHOLDER
    cover = "https://e-cdns-images.dzcdn.net/images/cover//500x500-000000-80-0-0.jpg"
    assert reason_of(policy(), cover) is Reason.PLACEHOLDER


def test_an_unresolvable_host_is_a_server_error() -> None:
    assert reason_of(policy(), "https://gone.dzcdn.net/x.jpg") is Reason.SERVER_ERROR


def test_empty_allowlist_allows_nothing() -> None:
    assert reason_of(policy(""), "https://i.scdn.co/x.jpg") is Reason.HOST_NOT_ALLOWED
