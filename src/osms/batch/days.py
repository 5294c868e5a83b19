"""Day and price tables for vectorised work: the Kazakh working-day calendar (R-T-2, R-T-3)
read once from :mod:`osms.rules` into arrays, and the monthly self-payment prices (R-L-4) of
:func:`osms.rules.plan.price_table`.

Days are ``int32`` counts since 1970-01-01 (numpy's ``datetime64[D]``); a month is its index
``year * 12 + month - 1`` (as :attr:`osms.rules.month.Month.index`) or its ``YYYYMM`` integer.

>>> from datetime import date
>>> t = day_tables()
>>> to_date(t.credit(day_number(date(2022, 10, 21))))
datetime.date(2022, 10, 27)
>>> yyyymm(month_index(202210)), month_index(202001)
(202210, 24240)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from osms.rules.calendar import credit_date, is_working_day
from osms.rules.plan import price_table

__all__ = [
    "EPOCH",
    "FIRST_DAY",
    "LAST_DAY",
    "DayTables",
    "day_number",
    "day_tables",
    "first_day_of_month",
    "month_index",
    "month_of_day",
    "price_table",
    "to_date",
    "yyyymm",
]

EPOCH = date(1970, 1, 1)
FIRST_DAY = date(2017, 7, 1)
LAST_DAY = date(2031, 12, 31)

IntArray = npt.NDArray[np.int64]


def day_number(day: date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def to_date(number: int | np.integer[Any]) -> date:
    return EPOCH + timedelta(days=int(number))


def month_index(value: Any) -> Any:
    """``YYYYMM`` → month index (works on ints and arrays)."""
    return (value // 100) * 12 + value % 100 - 1


def yyyymm(index: Any) -> Any:
    """Month index → ``YYYYMM`` (works on ints and arrays)."""
    return (index // 12) * 100 + index % 12 + 1


def first_day_of_month(index: IntArray) -> IntArray:
    """The day number of the first day of each month index."""
    months = (np.asarray(index, dtype=np.int64) - 1970 * 12).astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64)


def month_of_day(day: IntArray) -> IntArray:
    """The month index of each day number."""
    days = np.asarray(day, dtype=np.int64).astype("datetime64[D]")
    return days.astype("datetime64[M]").astype(np.int64) + 1970 * 12


@dataclass(frozen=True)
class DayTables:
    """Per-day lookups over [FIRST_DAY, LAST_DAY]."""

    first: int
    credit_days: IntArray
    """R-T-3: the credit day of a payment made on each day."""
    previous_working: IntArray
    """The day itself when a working day, else the last working day before it."""

    def _offset(self, day: npt.ArrayLike) -> IntArray:
        offset = np.asarray(day, dtype=np.int64) - self.first
        if offset.size and (offset.min() < 0 or offset.max() >= len(self.credit_days)):
            raise ValueError(f"day outside the calendar tables ({FIRST_DAY}..{LAST_DAY})")
        return offset

    def credit(self, day: npt.ArrayLike) -> IntArray:
        return self.credit_days[self._offset(day)]

    def working_on_or_before(self, day: npt.ArrayLike) -> IntArray:
        return self.previous_working[self._offset(day)]


@lru_cache(maxsize=1)
def day_tables() -> DayTables:
    first = day_number(FIRST_DAY)
    count = (LAST_DAY - FIRST_DAY).days + 1
    credit = np.empty(count, dtype=np.int64)
    previous = np.empty(count, dtype=np.int64)
    last_working = first - 1
    for offset in range(count):
        day = FIRST_DAY + timedelta(days=offset)
        credit[offset] = day_number(credit_date(day))
        if is_working_day(day):
            last_working = first + offset
        previous[offset] = last_working
    return DayTables(first=first, credit_days=credit, previous_working=previous)
