"""The calendar month, the unit in which OSMS status is decided (R-T-1).

A :class:`Month` is a value: it is compared, hashed, added to and subtracted
from like a number, and it knows its first and last day.  Internally it is
the count of months since year 0, which keeps the rules engine's arithmetic
on plain integers.

>>> Month.parse("2022-10")
Month(2022, 10)
>>> Month.parse("10.2022") == Month.parse("102022") == Month(2022, 10)
True
>>> Month(2022, 10) + 3
Month(2023, 1)
>>> Month(2023, 1) - Month(2022, 10)
3
>>> Month(2024, 2).last_day()
datetime.date(2024, 2, 29)
>>> str(Month.of(date(2025, 12, 31)))
'2025-12'
>>> [str(m) for m in Month.range(Month(2022, 11), Month(2023, 2))]
['2022-11', '2022-12', '2023-01']
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date
from functools import total_ordering
from typing import overload

from osms.rules.errors import RuleError

__all__ = ["InvalidMonth", "Month", "add_months"]


class InvalidMonth(RuleError):
    """A text or number that does not name a calendar month."""

    code = "month.invalid"


_ISO = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{4})$", re.ASCII)
_MT102 = re.compile(r"^(\d{2})(\d{4})$", re.ASCII)


@total_ordering
class Month:
    """A calendar month, e.g. ``Month(2022, 10)`` for October 2022."""

    __slots__ = ("index",)

    index: int

    def __init__(self, year: int, month: int) -> None:
        if not 1 <= month <= 12:
            raise InvalidMonth(f"month must be 1..12, got {month}")
        if not 1 <= year <= 9999:
            raise InvalidMonth(f"year must be 1..9999, got {year}")
        object.__setattr__(self, "index", year * 12 + month - 1)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Month is immutable")

    @classmethod
    def from_index(cls, index: int) -> Month:
        """The month with the given count of months since year 0.

        >>> Month.from_index(Month(2020, 1).index + 13)
        Month(2021, 2)
        """
        if not 12 <= index < 120000:
            raise InvalidMonth(f"month index out of range: {index}")
        month = object.__new__(cls)  # the hot path of the rules engine: skip re-validation
        object.__setattr__(month, "index", index)
        return month

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a date falls in."""
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str | Month) -> Month:
        """Read ``2022-10``, ``10.2022`` or the MT102 ``/PERIOD/`` form ``102022``.

        >>> Month.parse("2022-13")
        Traceback (most recent call last):
        ...
        osms.rules.month.InvalidMonth: month must be 1..12, got 13
        >>> Month.parse("October")
        Traceback (most recent call last):
        ...
        osms.rules.month.InvalidMonth: not a month: 'October' (expected YYYY-MM, MM.YYYY or MMYYYY)
        >>> Month.parse("\u0662\u0660\u0662\u0665-\u0660\u0665")  # Arabic-Indic digits: no month
        Traceback (most recent call last):
        ...
        osms.rules.month.InvalidMonth: not a month: '٢٠٢٥-٠٥' (expected YYYY-MM, MM.YYYY or MMYYYY)
        """
        if isinstance(text, Month):
            return text
        value = str(text).strip()
        if m := _ISO.match(value):
            return cls(int(m.group(1)), int(m.group(2)))
        if (m := _DOTTED.match(value)) or (m := _MT102.match(value)):
            return cls(int(m.group(2)), int(m.group(1)))
        raise InvalidMonth(f"not a month: {value!r} (expected YYYY-MM, MM.YYYY or MMYYYY)")

    @staticmethod
    def range(start: Month, stop: Month) -> Iterator[Month]:
        """The months from ``start`` up to, not including, ``stop`` (half-open)."""
        for index in range(start.index, stop.index):
            yield Month.from_index(index)

    @property
    def year(self) -> int:
        return self.index // 12

    @property
    def month(self) -> int:
        return self.index % 12 + 1

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def mt102(self) -> str:
        """The MT102 ``/PERIOD/`` form, MMYYYY.

        >>> Month(2025, 5).mt102()
        '052025'
        """
        return f"{self.month:02d}{self.year:04d}"

    def __add__(self, months: int) -> Month:
        if not isinstance(months, int):
            return NotImplemented
        return Month.from_index(self.index + months)

    @overload
    def __sub__(self, other: Month) -> int: ...
    @overload
    def __sub__(self, other: int) -> Month: ...
    def __sub__(self, other: int | Month) -> Month | int:
        if isinstance(other, Month):
            return self.index - other.index
        if isinstance(other, int):
            return Month.from_index(self.index - other)
        return NotImplemented

    def minus(self, months: int) -> Month:
        """``self - months`` with a precise type, for typed code."""
        return Month.from_index(self.index - months)

    def months_since(self, other: Month) -> int:
        """``self - other`` in months, with a precise type."""
        return self.index - other.index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Month) and other.index == self.index

    def __lt__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return self.index < other.index

    def __hash__(self) -> int:
        return hash(self.index)

    def __repr__(self) -> str:
        return f"Month({self.year}, {self.month})"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __reduce__(self) -> tuple[type[Month], tuple[int, int]]:
        return (Month, (self.year, self.month))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, clamped to the month's end.

    >>> add_months(date(2025, 3, 3), 1)
    datetime.date(2025, 4, 3)
    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    target = Month.of(day) + months
    return date(target.year, target.month, min(day.day, target.last_day().day))
