"""The one clock of every door (R-T-4): "today" is the date in Kazakhstan.

Kazakhstan has one time zone, UTC+5, since 1 March 2024 (Asia/Almaty moved from UTC+6).  The
offset is fixed here rather than read from the machine's time-zone database: an older tz
database still gives Asia/Almaty +6, and a server's own zone must never decide a date.

The API, the citizen page, the bot, its reminders, the command line and operators' decisions
take their default date from :func:`today`; each keeps an injectable ``today`` callable for
tests, defaulting to this one.

>>> date_in_kazakhstan(datetime(2026, 12, 6, 19, 30, tzinfo=UTC))
datetime.date(2026, 12, 7)
>>> date_in_kazakhstan(datetime(2026, 12, 6, 18, 59, tzinfo=UTC))
datetime.date(2026, 12, 6)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

__all__ = ["KAZAKHSTAN", "date_in_kazakhstan", "now", "today"]

KAZAKHSTAN = timezone(timedelta(hours=5), "Asia/Almaty")
"""Kazakhstan's single time zone, UTC+5 (Asia/Almaty since 2024-03-01)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def date_in_kazakhstan(instant: datetime) -> date:
    """The date in Kazakhstan at ``instant`` (an aware datetime; a naive one is read as UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(KAZAKHSTAN).date()


def now() -> datetime:
    """The current instant in Kazakhstan's time zone."""
    return _utc_now().astimezone(KAZAKHSTAN)


def today() -> date:
    """Today's date in Kazakhstan, whatever the server's own time zone (R-T-4)."""
    return date_in_kazakhstan(_utc_now())
