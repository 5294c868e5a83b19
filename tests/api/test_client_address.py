"""X-Forwarded-For is believed only from configured proxies: no caller escapes the per-address
limit or writes a made-up address into the audit trail by sending it (RULES.md §11)."""

from __future__ import annotations

import ipaddress

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from osms.api.app import create_app
from osms.api.proxies import client_address, parse_networks
from osms.api.settings import ApiSettings
from osms.registry.db import make_session_factory
from osms.registry.models import AuditEvent
from tests.api.conftest import PREPAID, SQLITE_ONLY, TODAY, Clock

PUBLIC = f"/api/v1/status/{PREPAID}"


def _client(engine: Engine, peer: str, trusted: str = "", limit: int = 3) -> TestClient:
    settings = ApiSettings(
        public_rate_limit_per_minute=limit,
        today=lambda: TODAY,
        clock=Clock(),
        trusted_proxies=parse_networks(trusted),
    )
    return TestClient(create_app(engine, settings), client=(peer, 40000))


def _actors(engine: Engine) -> list[str]:
    with make_session_factory(engine)() as session:
        query = select(AuditEvent.actor).where(AuditEvent.iin == PREPAID).order_by(AuditEvent.id)
        return list(session.scalars(query))


@SQLITE_ONLY
def test_a_forged_header_from_an_untrusted_peer_changes_nothing(engine: Engine) -> None:
    """The issue's case: a caller on loopback rotating X-Forwarded-For past the limit."""
    client = _client(engine, "127.0.0.1")
    codes = [
        client.get(PUBLIC, headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]  # one bucket: the peer's
    assert _actors(engine) == ["public:127.0.0.1"] * 3  # the real address, never a forged one


@SQLITE_ONLY
def test_a_trusted_proxy_names_the_client(engine: Engine) -> None:
    proxy = _client(engine, "10.0.0.2", trusted="10.0.0.0/24", limit=2)
    first = {"X-Forwarded-For": "198.51.100.1"}
    second = {"X-Forwarded-For": "198.51.100.2"}
    assert [proxy.get(PUBLIC, headers=first).status_code for _ in range(3)] == [200, 200, 429]
    assert proxy.get(PUBLIC, headers=second).status_code == 200  # another client, own bucket
    assert _actors(engine) == ["public:198.51.100.1"] * 2 + ["public:198.51.100.2"]


@SQLITE_ONLY
def test_behind_a_proxy_what_the_client_wrote_is_not_read(engine: Engine) -> None:
    """The proxy appends the address it saw; a client's own left-hand entries are ignored."""
    proxy = _client(engine, "10.0.0.2", trusted="10.0.0.0/24", limit=2)
    codes = [
        proxy.get(PUBLIC, headers={"X-Forwarded-For": f"192.0.2.{n}, 198.51.100.7"}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert set(_actors(engine)) == {"public:198.51.100.7"}


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("127.0.0.1", "203.0.113.9", "127.0.0.1"),  # nothing trusted by default
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),
        ("10.0.0.2", "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two proxies
        ("10.0.0.2", "10.0.0.8, 10.0.0.7", "10.0.0.8"),  # proxies all the way: the farthest
        ("10.0.0.2", "evil, 10.0.0.7", "10.0.0.7"),  # not an address: stop at the proxy
        ("10.0.0.2", "", "10.0.0.2"),
        ("::ffff:10.0.0.2", "2001:db8::5", "2001:db8::5"),  # a mapped IPv4 proxy
        (None, "203.0.113.9", None),
    ],
)
def test_client_address(peer: str | None, header: str, expected: str | None) -> None:
    trusted = parse_networks("10.0.0.0/24") if peer != "127.0.0.1" else ()
    assert client_address(peer, header, trusted) == expected


def test_trusted_proxies_come_from_the_environment() -> None:
    assert ApiSettings.from_env({}).trusted_proxies == ()
    settings = ApiSettings.from_env({"OSMS_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    assert settings.trusted_proxies == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    )
    with pytest.raises(ValueError, match="OSMS_TRUSTED_PROXIES: not an IP address"):
        ApiSettings.from_env({"OSMS_TRUSTED_PROXIES": "proxy.local"})
