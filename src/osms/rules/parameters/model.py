"""The parameter model: a parameter's dated values and the errors of asking for one.

:class:`Parameter` answers "the value in force on this day" by binary search over the
``from`` dates; :class:`Parameters` is the table of all of them, by name.  Loading and
checking the YAML files is :mod:`osms.rules.parameters.loader`; callers import both through
:mod:`osms.rules.parameters`, whose ``__all__`` is the public list.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeAlias, get_args

from osms.rules.errors import RuleError
from osms.rules.month import Month

Unit = Literal[
    "KZT",
    "rate",
    "months",
    "count",
    "percent",
    "date",
    "month",
    "month_range",
    "working_days",
    "multiplier",
    "day_of_month",
    "years",
]
UNITS: tuple[Unit, ...] = get_args(Unit)
DECIMAL_UNITS = frozenset({"KZT", "rate", "percent", "multiplier"})
INT_UNITS = frozenset({"months", "count", "working_days", "day_of_month", "years"})

Value: TypeAlias = Decimal | int | date | Month | tuple[Month, Month]
"""What a parameter value loads as (see the module text for the type of each unit)."""


class ParameterMissing(RuleError):
    """No value is known for the parameter on the day asked."""

    code = "parameter.missing"

    def __init__(self, parameter: str, day: date, why: str) -> None:
        super().__init__(f"parameter {parameter!r} has no value for {day}: {why}")
        self.parameter = parameter
        self.day = day


class UnknownParameter(RuleError):
    """No parameter of that name exists."""

    code = "parameter.unknown"

    def __init__(self, parameter: str) -> None:
        super().__init__(f"unknown parameter {parameter!r}")
        self.parameter = parameter


class ParameterFileError(RuleError):
    """A parameter file breaks the schema; the message names the file and the field."""

    code = "parameter.schema"

    def __init__(self, file: str, field: str, problem: str) -> None:
        super().__init__(f"{file}: {field}: {problem}", field=field)
        self.file = file


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """One dated value: in force from ``start`` until the next value (or the parameter's end).

    ``value`` is ``None`` for a gap: nothing is known from ``start`` to the next value, and
    ``reference`` says why.
    """

    start: date
    value: Value | None
    reference: str
    last_checked: date


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter's history, loaded from one YAML file (and its override, R-P-3)."""

    name: str
    description: str
    unit: Unit
    until: date | None
    open_ended: str | None
    incomplete: str | None
    values: tuple[ParameterValue, ...]
    starts: tuple[date, ...]
    """The ``from`` dates of :attr:`values`, for the binary search."""
    carried_forward: str | None = None
    """Why the last value still applies, provisionally, after :attr:`until` (R-P-1)."""

    @property
    def since(self) -> date:
        """The first day a value is known."""
        return self.starts[0]

    def is_provisional(self, day: date) -> bool:
        """Is the value on ``day`` the last published one carried past :attr:`until` (R-P-1)?

        >>> from osms.rules.parameters import load_parameters
        >>> wage = load_parameters().get("minimum_wage")
        >>> wage.is_provisional(date(2026, 12, 31)), wage.is_provisional(date(2027, 1, 1))
        (False, True)
        """
        return self.carried_forward is not None and self.until is not None and day > self.until

    def entry_at(self, day: date) -> ParameterValue:
        """The value record in force on ``day`` (raises :class:`ParameterMissing`).

        >>> from osms.rules.parameters import load_parameters
        >>> wage = load_parameters().get("minimum_wage")
        >>> wage.entry_at(date(2019, 6, 1)).value
        Decimal('42500')
        >>> wage.entry_at(date(2015, 12, 31))
        Traceback (most recent call last):
        ...
        osms.rules.parameters.model.ParameterMissing: parameter 'minimum_wage' has no value for \
2015-12-31: before its first value (from 2016-01-01)
        """
        if self.until is not None and day > self.until:
            if self.carried_forward is not None:
                return self.values[-1]
            why = f"after the last date its values are known (until {self.until})"
            if self.incomplete:
                why += f"; {self.incomplete}"
            raise ParameterMissing(self.name, day, why)
        i = bisect_right(self.starts, day) - 1
        if i < 0:
            raise ParameterMissing(self.name, day, f"before its first value (from {self.since})")
        entry = self.values[i]
        if entry.value is None:
            following = self.values[i + 1].start
            raise ParameterMissing(
                self.name,
                day,
                f"not known from {entry.start} to {following - timedelta(days=1)}: "
                f"{entry.reference}",
            )
        return entry

    def at(self, day: date) -> Any:
        """The value in force on ``day`` (typed by :attr:`unit`, see the module text).

        >>> from osms.rules.parameters import load_parameters
        >>> load_parameters().get("monthly_calculation_index").at(date(2022, 4, 1))
        Decimal('3180')
        """
        return self.entry_at(day).value

    def for_month(self, month: Month) -> Any:
        """The value in force on the first day of ``month``.

        >>> from osms.rules.parameters import load_parameters
        >>> load_parameters().get("employee_cap_mw").for_month(Month(2026, 1))
        Decimal('20')
        """
        return self.entry_at(month.first_day()).value

    def reference_at(self, day: date) -> str:
        """The legal reference of the value in force on ``day``."""
        return self.entry_at(day).reference

    def latest(self) -> Any:
        """The last value: the current statute's answer, for parameters that describe a fixed
        point in time (the start of liability, the transitional window, an age limit)."""
        return self.values[-1].value

    def decimal_at(self, day: date) -> Decimal:
        """:meth:`at` for the decimal units, with a precise type."""
        value = self.at(day)
        if not isinstance(value, Decimal):
            raise TypeError(f"parameter {self.name!r} is {self.unit}, not a decimal")
        return value

    def int_at(self, day: date) -> int:
        """:meth:`at` for the integer units, with a precise type."""
        value = self.at(day)
        if not isinstance(value, int):
            raise TypeError(f"parameter {self.name!r} is {self.unit}, not an integer")
        return value

    def coverage_problems(self, year: int) -> list[str]:
        """Why some day of ``year`` from :attr:`since` on has no value (empty when none).

        Not reported: a value carried forward (it is provisional, not missing) and the days
        of a parameter marked ``incomplete``.
        """
        first_day, last_day = date(year, 1, 1), date(year, 12, 31)
        if self.since > last_day or self.incomplete or self.carried_forward:
            return []
        problems = [
            f"{self.name}: no value from {max(entry.start, first_day)} (year {year} asked; "
            f"{entry.reference})"
            for entry, following in zip(self.values, self.values[1:], strict=False)
            if entry.value is None and entry.start <= last_day and following.start > first_day
        ]
        if self.until is not None and self.until < last_day:
            first_missing = max(self.until + timedelta(days=1), first_day)
            problems.append(
                f"{self.name}: no value from {first_missing} (year {year} asked; "
                f"values known until {self.until})"
            )
        return problems


class Parameters:
    """All parameters, by name."""

    __slots__ = ("_by_name",)

    def __init__(self, parameters: Iterable[Parameter]) -> None:
        self._by_name: dict[str, Parameter] = {p.name: p for p in parameters}

    def get(self, name: str) -> Parameter:
        """The parameter called ``name`` (raises :class:`UnknownParameter`)."""
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownParameter(name) from None

    def names(self) -> tuple[str, ...]:
        """The parameter names, sorted."""
        return tuple(sorted(self._by_name))

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __len__(self) -> int:
        return len(self._by_name)

    def check_coverage(self, years: Iterable[int]) -> list[str]:
        """Problems: a parameter without a value for a day of an asked year that should have
        one, i.e. after its first value, in a gap or past its ``until`` (unless marked
        ``incomplete`` or ``carried_forward``).
        """
        asked = sorted(set(years))
        return [
            problem
            for name in self.names()
            for year in asked
            for problem in self._by_name[name].coverage_problems(year)
        ]
