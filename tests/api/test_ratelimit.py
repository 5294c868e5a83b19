"""Rate limits: per IP on the public check, per client everywhere, 429 with Retry-After."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from osms.api.ratelimit import RateLimiter, ip_key
from osms.api.settings import ApiSettings
from osms.services.clients import revoke_client
from tests.api.conftest import PREPAID, SQLITE_ONLY, make_api

PUBLIC = f"/api/v1/status/{PREPAID}"


def test_a_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    assert [limiter.hit("k", 60) is None for _ in range(60)] == [True] * 60
    assert limiter.hit("k", 60) == pytest.approx(1.0)
    now[0] += 1.0
    assert limiter.hit("k", 60) is None
    assert limiter.hit("other", 60) is None  # buckets are separate


def test_the_oldest_buckets_are_dropped_first() -> None:
    limiter = RateLimiter(clock=lambda: 0.0, max_keys=2)
    for key in ("a", "b", "c"):
        assert limiter.hit(key, 1) is None
    assert limiter.hit("a", 1) is None  # "a" was dropped: a full bucket again
    assert limiter.hit("c", 1) is not None


def test_an_ipv6_subscriber_is_one_address() -> None:
    assert ip_key("2001:db8::1") == ip_key("2001:db8::ffff") != ip_key("2001:db8:0:1::1")
    assert ip_key("::ffff:192.0.2.1") == ip_key("192.0.2.1")


@SQLITE_ONLY
def test_the_public_check_is_limited_per_ip(engine: Engine) -> None:
    api = make_api(engine, public_limit=3)
    first = TestClient(api.app, client=("192.0.2.1", 5000))
    second = TestClient(api.app, client=("192.0.2.2", 5000))
    assert [first.get(PUBLIC).status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get(PUBLIC, headers={"Accept-Language": "ru"})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "20"  # 3 a minute: a token every 20 s
    problem = refused.json()
    assert (problem["code"], problem["lang"], problem["limit_per_minute"]) == (
        "rate.limited",
        "ru",
        3,
    )
    assert second.get(PUBLIC).status_code == 200  # another address has its own bucket
    api.clock.advance(20)
    assert first.get(PUBLIC).status_code == 200
    assert first.get(PUBLIC).status_code == 429


@SQLITE_ONLY
def test_malformed_iins_count_too(engine: Engine) -> None:
    """Walking through numbers costs the same whether they are valid or not."""
    api = make_api(engine, public_limit=2)
    codes = [api.client.get(f"/api/v1/status/90051530001{d}").status_code for d in range(3)]
    assert codes == [422, 422, 429]


@SQLITE_ONLY
def test_a_client_has_its_own_limit(engine: Engine) -> None:
    api = make_api(engine, public_limit=2)
    slow = api.key("Small clinic", ["status:read"], rate_limit=2)
    fast = api.key("Big bank", ["status:read"], rate_limit=100)
    detail = f"/api/v1/persons/{PREPAID}/calculator"
    assert [api.client.get(detail, headers=api.auth(slow)).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    assert api.client.get(PUBLIC, headers=api.auth(slow)).status_code == 429  # same bucket
    assert [api.client.get(PUBLIC, headers=api.auth(fast)).status_code for _ in range(5)] == [
        200
    ] * 5  # a client with a key is not limited as the public
    assert api.client.get(PUBLIC).status_code == 200  # nor is the public by the clients


@SQLITE_ONLY
def test_guessing_keys_counts_against_the_address(engine: Engine) -> None:
    api = make_api(engine, public_limit=2)
    wrong = {"X-API-Key": "osms_00000000_" + "y" * 43}
    codes = [api.client.get(PUBLIC, headers=wrong).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


@SQLITE_ONLY
def test_a_revoked_key_counts_against_the_address(engine: Engine) -> None:
    """A revoked key is a wrong key: it counts against the caller's address, as a guessed one
    does (it was answered 401 without end, each a look-up of the client, past the limit)."""
    api = make_api(engine, public_limit=2)
    key = api.key("Former bank", ["status:read"])
    with api.session() as session, session.begin():
        revoke_client(session, key, "op-1")
    revoked = api.auth(key)
    codes = [api.client.get(PUBLIC, headers=revoked).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    assert api.client.get(PUBLIC).status_code == 429  # the address's own bucket


def test_the_public_limit_comes_from_the_environment() -> None:
    assert ApiSettings.from_env({}).public_rate_limit_per_minute == 60
    settings = ApiSettings.from_env({"OSMS_PUBLIC_RATE_LIMIT": "5", "OSMS_MAX_REGISTER_MB": "2"})
    assert (settings.public_rate_limit_per_minute, settings.max_register_bytes) == (5, 2 << 20)
    for wrong in ("0", "many"):
        with pytest.raises(ValueError, match="OSMS_PUBLIC_RATE_LIMIT"):
            ApiSettings.from_env({"OSMS_PUBLIC_RATE_LIMIT": wrong})
