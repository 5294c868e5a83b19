"""Column types shared by the models: months, money, short enum codes and UTC timestamps.

A month is stored as the integer ``YYYYMM`` so that SQL compares and sorts it like a number
and a person reads it at a glance:

>>> month_to_int(Month(2022, 10))
202210
>>> int_to_month(202210)
Month(2022, 10)

Money is ``NUMERIC(14, 2)`` and always comes back as :class:`~decimal.Decimal`.  PostgreSQL
keeps it exactly.  SQLite has no decimal storage and keeps a ``REAL``; a value of at most 14
significant digits (12 before the point, 2 after) survives the binary double exactly (a double
holds 15), so :class:`Money` refuses anything finer than a tiyn or larger than the column, and
sums are done in Python or on PostgreSQL, never by SQLite.

>>> Money().process_bind_param(Decimal("4505.6"), None)
Decimal('4505.60')
>>> Money().process_bind_param(Decimal("0.001"), None)
Traceback (most recent call last):
...
ValueError: money has at most 2 decimal places (tiyn): 0.001
>>> Money().process_bind_param(0.1, None)
Traceback (most recent call last):
...
TypeError: money must be a Decimal or an int, never float: 0.1
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import DateTime, Integer, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from osms.rules.month import Month

__all__ = [
    "MONEY_PRECISION",
    "MONEY_SCALE",
    "EnumText",
    "Money",
    "MonthType",
    "UTCDateTime",
    "int_to_month",
    "month_to_int",
    "one_of",
    "utc_now",
]

MONEY_PRECISION = 14
MONEY_SCALE = 2
_TIYN = Decimal("0.01")
_MONEY_LIMIT = Decimal(10) ** (MONEY_PRECISION - MONEY_SCALE)

E = TypeVar("E", bound=StrEnum)


def month_to_int(month: Month) -> int:
    """The ``YYYYMM`` integer of a month."""
    return month.year * 100 + month.month


def int_to_month(value: int) -> Month:
    """The month of a ``YYYYMM`` integer (raises :class:`~osms.rules.month.InvalidMonth`)."""
    return Month(value // 100, value % 100)


def utc_now() -> datetime:
    """Now, timezone-aware, in UTC: the default of every timestamp column."""
    return datetime.now(UTC)


def one_of(column: str, values: type[StrEnum] | tuple[str, ...]) -> str:
    """The SQL text of a CHECK that ``column`` holds one of ``values``.

    >>> one_of("status", ("applied", "approved"))
    "status IN ('applied', 'approved')"
    """
    items = tuple(v.value for v in values) if isinstance(values, type) else values
    return f"{column} IN ({', '.join(repr(str(v)) for v in items)})"


class MonthType(TypeDecorator[Month]):
    """A :class:`Month` stored as the integer ``YYYYMM``."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Month | None, dialect: Dialect | None) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Month):
            raise TypeError(f"expected a Month, got {value!r}")
        return month_to_int(value)

    def process_result_value(self, value: Any | None, dialect: Dialect | None) -> Month | None:
        return None if value is None else int_to_month(int(value))


class Money(TypeDecorator[Decimal]):
    """An amount in tenge with tiyn, ``NUMERIC(14, 2)``, exact in and out (never a float)."""

    impl = Numeric
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(MONEY_PRECISION, MONEY_SCALE, asdecimal=True)

    def process_bind_param(
        self, value: Decimal | int | None, dialect: Dialect | None
    ) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise TypeError(f"money must be a Decimal or an int, never float: {value!r}")
        amount = Decimal(value)
        if not amount.is_finite():
            raise ValueError(f"money must be finite: {amount}")
        exact = amount.quantize(_TIYN)
        if exact != amount:
            raise ValueError(f"money has at most 2 decimal places (tiyn): {amount}")
        if abs(exact) >= _MONEY_LIMIT:
            raise ValueError(f"money must be below {_MONEY_LIMIT} in absolute value: {amount}")
        return exact

    def process_result_value(self, value: Any | None, dialect: Dialect | None) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, float):  # a driver that hands back REAL: 14 digits are exact
            return Decimal(f"{value:.{MONEY_SCALE}f}")
        return Decimal(value).quantize(_TIYN)


class EnumText(TypeDecorator[E], Generic[E]):
    """A :class:`~enum.StrEnum` stored as its short text value (the CHECK is on the table)."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        longest = max(len(member.value) for member in enum)
        if longest > length:
            raise ValueError(f"{enum.__name__} has a value of {longest} characters > {length}")
        super().__init__(length)
        self.enum = enum
        self.length = length

    def process_bind_param(self, value: E | str | None, dialect: Dialect | None) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any | None, dialect: Dialect | None) -> E | None:
        return None if value is None else self.enum(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored as UTC (``timestamptz`` on PostgreSQL).

    SQLite has no time zones: the UTC wall time is stored and UTC is put back on reading.
    A naive datetime is refused rather than guessed.
    """

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect | None
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"timestamps must be timezone-aware: {value!r}")
        utc = value.astimezone(UTC)
        if dialect is not None and dialect.name == "sqlite":
            return utc.replace(tzinfo=None)
        return utc

    def process_result_value(self, value: Any | None, dialect: Dialect | None) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
