"""R-T-4: one clock, the date in Kazakhstan (UTC+5) whatever the server's zone."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from osms import clock


def test_evening_in_utc_is_the_next_day_in_kazakhstan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2026, 12, 6, 19, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 12, 7)
    assert clock.now().utcoffset() == timedelta(hours=5)


def test_before_midnight_in_kazakhstan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2026, 12, 6, 18, 59, tzinfo=UTC))
    assert clock.today() == date(2026, 12, 6)


def test_a_naive_instant_is_utc() -> None:
    assert clock.date_in_kazakhstan(datetime(2026, 12, 31, 19, 0)) == date(2027, 1, 1)


@pytest.fixture
def server_zone() -> Iterator[None]:
    """Run with the process in a zone far from Kazakhstan (and an old +6 for Almaty)."""
    if not hasattr(time, "tzset"):  # pragma: no cover - Windows
        pytest.skip("time.tzset is POSIX only")
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.mark.usefixtures("server_zone")
def test_the_server_zone_never_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2026, 12, 6, 19, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 12, 7)


def test_today_is_close_to_utc_now() -> None:
    real = datetime.now(UTC)
    assert clock.today() in {(real + timedelta(hours=5, seconds=s)).date() for s in (-5, 0, 5)}
