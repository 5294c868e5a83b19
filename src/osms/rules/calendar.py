"""The Kazakh working-day calendar (R-T-2) and the credit date of a payment (R-T-3).

A working day is Monday to Friday, minus public holidays and decreed days off, plus decreed
working Saturdays and Sundays.  The holiday law comes from :class:`holidays.Kazakhstan`; the
project's sourced corrections (SOURCES.md T7: 2022-2026 transfers, the 2026 production
calendar) are data in ``data/calendar/kz_corrections.yaml`` and take precedence over the
package.  Each year is computed once and kept as a sorted tuple of working days, so the hot
paths (:func:`credit_date`, :func:`add_working_days`) are a cache hit or a binary search.

Corrections published later (a decree of transfers for the next year) are added without a
release in ``$OSMS_PARAMETERS_DIR/calendar/*.yaml``, in the same format (R-P-3; see
:mod:`osms.rules.parameters`): an entry replaces the packaged one of its date and
``checked_through`` becomes the later of the two.  A year not checked through its last day is
*provisional* (:func:`is_provisional`): its statutory holidays and the weekend rule apply, its
decreed transfers are not known yet (R-T-2, R-P-2).

>>> is_working_day(date(2022, 10, 22))  # Saturday, decreed working day
True
>>> is_working_day(date(2026, 8, 31))  # Constitution Day moved to 15 March from 2026 on
True
>>> day_off_reason(date(2027, 3, 15))
'Constitution Day'
>>> credit_date(date(2022, 10, 21))
datetime.date(2022, 10, 27)
>>> is_provisional(2026), is_provisional(2027)
(False, True)
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Literal, cast

import yaml
from holidays.countries.kazakhstan import Kazakhstan

from osms.rules import parameters
from osms.rules.errors import RuleError

__all__ = [
    "CalendarData",
    "CalendarDataError",
    "Correction",
    "CorrectionKind",
    "add_working_days",
    "calendar_data",
    "checked_through",
    "credit_date",
    "day_off_reason",
    "is_provisional",
    "is_working_day",
    "merge_corrections",
    "parse_corrections",
    "working_days_between",
]

CorrectionKind = Literal["day_off", "working_day", "holiday"]
_KINDS: tuple[CorrectionKind, ...] = ("day_off", "working_day", "holiday")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarDataError(RuleError):
    """The corrections file breaks its schema; the message names the file and the field."""

    code = "calendar.data"


@dataclass(frozen=True, slots=True)
class Correction:
    """One sourced calendar fact that overrides the ``holidays`` package."""

    day: date
    kind: CorrectionKind
    name: str
    source: str


@dataclass(frozen=True, slots=True)
class CalendarData:
    """The corrections, by date, and the last date they were checked against the sources."""

    corrections: Mapping[date, Correction]
    checked_through: date


def parse_corrections(document: object, origin: str) -> CalendarData:
    """Validate a loaded corrections document (see ``kz_corrections.yaml`` for the schema).

    >>> parse_corrections({"checked_through": date(2026, 12, 31), "entries": [
    ...     {"date": date(2026, 8, 31), "kind": "off", "name": "x", "source": "y"}]}, "f.yaml")
    Traceback (most recent call last):
    ...
    osms.rules.calendar.CalendarDataError: f.yaml: entries[0].kind: must be one of day_off, \
working_day, holiday, got 'off'
    """

    def fail(field: str, problem: str) -> CalendarDataError:
        return CalendarDataError(f"{origin}: {field}: {problem}", field=field)

    if not isinstance(document, dict):
        raise fail("(document)", "must be a mapping")
    unknown = set(document) - {"country", "checked_through", "entries"}
    if unknown:
        raise fail(str(sorted(map(str, unknown))[0]), "unknown field")
    through = document.get("checked_through")
    if not isinstance(through, date):
        raise fail("checked_through", "must be a date YYYY-MM-DD")
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise fail("entries", "must be a list")
    corrections: dict[date, Correction] = {}
    for i, entry in enumerate(entries):
        where = f"entries[{i}]"
        if not isinstance(entry, dict):
            raise fail(where, "must be a mapping")
        extra = set(entry) - {"date", "kind", "name", "source"}
        if extra:
            raise fail(f"{where}.{sorted(map(str, extra))[0]}", "unknown field")
        day = entry.get("date")
        if not isinstance(day, date):
            raise fail(f"{where}.date", "must be a date YYYY-MM-DD")
        kind = entry.get("kind")
        if kind not in _KINDS:
            raise fail(f"{where}.kind", f"must be one of {', '.join(_KINDS)}, got {kind!r}")
        for key in ("name", "source"):
            text = entry.get(key)
            if not isinstance(text, str) or not text.strip():
                raise fail(f"{where}.{key}", "must be a non-empty text")
        if day in corrections:
            raise fail(f"{where}.date", f"{day} is listed twice")
        if day > through:
            raise fail(f"{where}.date", f"{day} is after checked_through {through}")
        corrections[day] = Correction(
            day, cast(CorrectionKind, kind), str(entry["name"]), str(entry["source"])
        )
    return CalendarData(corrections, through)


def _read(resource: Traversable, origin: str) -> CalendarData:
    try:
        document = yaml.safe_load(resource.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CalendarDataError(
            f"{origin}: (yaml): not valid YAML: {error}", field="(yaml)"
        ) from None
    except UnicodeDecodeError as error:
        where = f"byte 0x{error.object[error.start]:02x} at offset {error.start}"
        raise CalendarDataError(f"{origin}: (yaml): not UTF-8: {where}", field="(yaml)") from None
    return parse_corrections(document, origin)


def merge_corrections(base: CalendarData, *later: CalendarData) -> CalendarData:
    """``base`` with the entries of ``later`` (by date, the last one wins) and the latest
    ``checked_through``."""
    corrections = dict(base.corrections)
    through = base.checked_through
    for data in later:
        corrections.update(data.corrections)
        through = max(through, data.checked_through)
    return CalendarData(corrections, through)


@lru_cache(maxsize=1)
def calendar_data() -> CalendarData:
    """The packaged corrections with those of ``$OSMS_PARAMETERS_DIR/calendar/`` (read once;
    :func:`osms.rules.parameters.reload` reads them again)."""
    resource = files("osms.rules") / "data" / "calendar" / "kz_corrections.yaml"
    packaged = _read(resource, "calendar/kz_corrections.yaml")
    folder = parameters.override_folder()
    if folder is None or not (folder / "calendar").is_dir():
        return packaged
    added = [_read(path, str(path)) for path in sorted((folder / "calendar").glob("*.yaml"))]
    return merge_corrections(packaged, *added)


def checked_through() -> date:
    """The last date the calendar data was checked against the sources (SOURCES.md T7).

    Later dates follow the ``holidays`` package alone (see SOURCES.md §12 Q12).

    >>> checked_through()
    datetime.date(2026, 12, 31)
    """
    return calendar_data().checked_through


def is_provisional(year: int) -> bool:
    """Is ``year``'s calendar provisional: not checked through its last day, so its decree of
    transfers is not recorded and only the statutory holidays and the weekend rule apply
    (R-T-2, R-P-2)?

    >>> is_provisional(2026), is_provisional(2027)
    (False, True)
    """
    return checked_through() < date(year, 12, 31)


@dataclass(frozen=True, slots=True)
class _Year:
    working: tuple[int, ...]
    """Ordinals of the year's working days, ascending."""
    working_set: frozenset[int]
    off_reasons: Mapping[int, str]
    """Ordinal → reason for every holiday or decreed day off of the year (weekends excluded)."""


_YEARS: dict[int, _Year] = {}


def _year(year: int) -> _Year:
    found = _YEARS.get(year)
    if found is None:
        found = _YEARS[year] = _build_year(year)
    return found


def _build_year(year: int) -> _Year:
    # Neighbouring years too: a transfer decreed for one year may move a day of the next
    # (the package files 2013-12-28 under 2014).
    library = Kazakhstan(years=range(max(year - 1, 1), year + 2), language="en_US")
    off = {day.toordinal(): name for day, name in library.items() if day.year == year}
    forced = {day.toordinal() for day in library.weekend_workdays if day.year == year}
    for correction in calendar_data().corrections.values():
        if correction.day.year != year:
            continue
        ordinal = correction.day.toordinal()
        if correction.kind == "working_day":
            off.pop(ordinal, None)
            forced.add(ordinal)
        else:
            off[ordinal] = correction.name
            forced.discard(ordinal)
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    working = tuple(
        ordinal
        for ordinal in range(first, last + 1)
        if ordinal in forced or (ordinal not in off and (ordinal - 1) % 7 < 5)
    )
    return _Year(working, frozenset(working), off)


def is_working_day(day: date) -> bool:
    """R-T-2: is ``day`` a working day in Kazakhstan?

    >>> is_working_day(date(2025, 1, 5))  # Sunday, worked for the 3 January day off
    True
    >>> is_working_day(date(2026, 5, 27))  # Kurban Ait
    False
    >>> is_working_day(date(2024, 6, 17))  # Kurban Ait 2024-06-16 fell on a Sunday: no transfer
    True
    """
    return day.toordinal() in _year(day.year).working_set


def day_off_reason(day: date) -> str | None:
    """Why ``day`` is not a working day, or ``None`` when it is one.

    >>> day_off_reason(date(2026, 3, 24))
    'Nauryz (Saturday 2026-03-21) moved to Tuesday'
    >>> day_off_reason(date(2025, 1, 7))
    'Orthodox Christmas'
    >>> day_off_reason(date(2024, 6, 15))
    'Saturday'
    >>> day_off_reason(date(2022, 10, 22)) is None
    True
    """
    ordinal = day.toordinal()
    year = _year(day.year)
    if ordinal in year.working_set:
        return None
    return year.off_reasons.get(ordinal) or _WEEKDAY_NAMES[day.weekday()]


def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day after ``day``, counting from the next day (R-T-3).

    ``n = 0`` gives ``day`` itself; a negative ``n`` counts back from the day before.

    >>> add_working_days(date(2024, 12, 31), 3)
    datetime.date(2025, 1, 8)
    >>> add_working_days(date(2025, 1, 8), -3)
    datetime.date(2024, 12, 31)
    """
    if n == 0:
        return day
    ordinal = day.toordinal()
    year = day.year
    if n > 0:
        while True:
            working = _year(year).working
            i = bisect_right(working, ordinal)
            if n <= len(working) - i:
                return date.fromordinal(working[i + n - 1])
            n -= len(working) - i
            year += 1
    n = -n
    while True:
        working = _year(year).working
        i = bisect_left(working, ordinal)
        if n <= i:
            return date.fromordinal(working[i - n])
        n -= i
        year -= 1


def working_days_between(start: date, end: date) -> int:
    """The number of working days in the half-open interval [start, end).

    Negative when ``end`` is before ``start``.

    >>> working_days_between(date(2026, 3, 20), date(2026, 3, 31))  # 20, 26, 27, 30
    4
    >>> working_days_between(date(2026, 3, 31), date(2026, 3, 20))
    -4
    """
    if end < start:
        return -working_days_between(end, start)
    low, high = start.toordinal(), end.toordinal()
    total = 0
    for year in range(start.year, end.year + 1):
        working = _year(year).working
        total += bisect_left(working, high) - bisect_left(working, low)
    return total


_CREDITED: dict[date, date] = {}


def credit_date(paid_on: date) -> date:
    """R-T-3: the day a payment made on ``paid_on`` is credited.

    It is the ``credit_delay_working_days``-th (3rd) working day after ``paid_on``, counting
    from the next day; the delay is the dated parameter of that name.

    >>> credit_date(date(2022, 10, 17))
    datetime.date(2022, 10, 20)
    >>> credit_date(date(2026, 3, 20))  # 23 Mar Nauryz, 24-25 Mar transferred days off
    datetime.date(2026, 3, 30)
    """
    found = _CREDITED.get(paid_on)
    if found is None:
        delay = parameters.credit_delay_working_days(paid_on)
        found = _CREDITED[paid_on] = add_working_days(paid_on, delay)
    return found


def _forget() -> None:
    calendar_data.cache_clear()
    _YEARS.clear()
    _CREDITED.clear()


parameters.on_reload(_forget)
