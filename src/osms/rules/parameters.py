"""Dated parameters: amounts, rates and periods the law sets, as data with their references.

Each parameter is one YAML file in ``data/parameters/`` (the file stem is its name)::

    description: Minimum monthly wage (МЗП / ЕТЖ)
    unit: KZT
    until: 2026-12-31          # last date the values are known; or null with `open_ended: <why>`
    carried_forward: "..."     # optional: after `until` the last value holds, provisionally
    values:
      - from: 2024-01-01
        value: 85000
        reference: "Law ... (SOURCES.md T1, W24 ...)"
        last_checked: 2026-11-22

A value is in force from its ``from`` date up to the next value's ``from`` (or ``until``).
Rates, shares, caps and terms set by the Law have ``until: null`` and say why in
``open_ended``: they hold until the Law changes them (R-P-1).  A yearly amount has an
``until`` date, the last day its values are known.  Past ``until``:

- with ``carried_forward`` (the minimum wage, R-P-1, §12 Q22) the last published value keeps
  applying and is *provisional* (:meth:`Parameter.is_provisional`,
  :func:`minimum_wage_is_provisional`): no query fails because a year is not published yet;
- otherwise asking raises :class:`ParameterMissing`, never a stale value; ``incomplete``
  says the later values are known to be missing from the sources (:func:`check_coverage`
  then does not report them).

A value written ``value: null`` opens a gap: from its ``from`` to the next value's nothing is
known, and its ``reference`` says why (the NBK base-rate decisions of 2017-2020, R-K-4).
Asking before the first ``from`` or inside a gap raises :class:`ParameterMissing` naming the
day.  Files are validated on load; a :class:`ParameterFileError` names the file and field.
Optional top-level fields besides those: ``notes``.

Value types by unit: ``KZT``, ``rate`` (a fraction, ``"0.05"``), ``percent`` (``"16.75"``)
and ``multiplier`` load as :class:`~decimal.Decimal` (write non-integers as quoted decimal
text: YAML floats are rejected to keep values exact); ``months``, ``count``,
``working_days``, ``day_of_month`` and ``years`` as :class:`int`; ``date`` as
:class:`~datetime.date`; ``month`` (``"2020-01"``) as :class:`~osms.rules.month.Month`;
``month_range`` (``{first: "2020-01", last: "2020-06"}``) as an inclusive pair of months.

Adding a published change without a release (R-P-3)
----------------------------------------------------

The environment variable ``OSMS_PARAMETERS_DIR`` names a folder that extends the packaged
parameters: a new MW, a base-rate decision or a decree of transfers is data with its source.

- ``<folder>/<name>.yaml`` is validated exactly like a packaged file (every value needs its
  ``reference`` and ``last_checked``), then merged with the packaged parameter of the same
  name by ``from`` date: a value with the same ``from`` replaces the packaged one, others are
  added.  The header fields the file gives replace the packaged ones, except ``until``, which
  becomes the later of the two (an override never shortens what is known); the units must
  agree.  A name the package lacks is a new parameter.
- ``<folder>/calendar/*.yaml`` are calendar corrections in the format of the packaged
  ``data/calendar/kz_corrections.yaml`` (see :mod:`osms.rules.calendar`): an entry replaces
  the packaged one of the same date, and ``checked_through`` becomes the later of the two.

The folder is read with the packaged files, once per process.  :func:`reload` forgets every
loaded parameter and calendar year (tests point the variable at a temporary folder and call
it; an operator restarts the service).  A broken file raises :class:`ParameterFileError` (or
``CalendarDataError``) naming it; a setting that names no folder is such an error too.

>>> minimum_wage(2024)
Decimal('85000')
>>> load_parameters().get("employer_rate").at(date(2040, 1, 1))
Decimal('0.03')
>>> grace_months(Month(2026, 1)), long_payer_grace_months(Month(2026, 1))
(3, 6)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache, wraps
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, TypeAlias, TypeVar, cast, get_args

import yaml

from osms.rules.errors import RuleError
from osms.rules.month import InvalidMonth, Month

__all__ = [
    "PARAMETERS_DIR_ENV",
    "UNITS",
    "Parameter",
    "ParameterFileError",
    "ParameterMissing",
    "ParameterValue",
    "Parameters",
    "Unit",
    "UnknownParameter",
    "Value",
    "check_coverage",
    "child_category_until_age",
    "credit_delay_working_days",
    "employee_max_monthly",
    "employer_liability_start",
    "employer_max_monthly",
    "entrepreneur_monthly",
    "grace_months",
    "liability_start",
    "load_parameters",
    "load_parameters_from",
    "long_payer_grace_months",
    "long_payer_months",
    "lookback_months",
    "minimum_wage",
    "minimum_wage_is_provisional",
    "on_reload",
    "override_folder",
    "prepaid_block_start",
    "prepayment_months",
    "reload",
    "self_employed_regime_start",
    "self_payer_monthly",
    "single_payment_periods",
    "temporary_status_months",
    "transitional_window",
]

PARAMETERS_DIR_ENV = "OSMS_PARAMETERS_DIR"
"""The environment variable naming the folder that extends the packaged parameters (R-P-3)."""

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
_DECIMAL_UNITS = frozenset({"KZT", "rate", "percent", "multiplier"})
_INT_UNITS = frozenset({"months", "count", "working_days", "day_of_month", "years"})

Value: TypeAlias = Decimal | int | date | Month | tuple[Month, Month]
"""What a parameter value loads as (see the module text for the type of each unit)."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_HEADER_FIELDS = (
    "description",
    "unit",
    "until",
    "open_ended",
    "carried_forward",
    "incomplete",
    "notes",
)
_TOP_FIELDS = frozenset(_HEADER_FIELDS)
_VALUE_FIELDS = ("from", "value", "reference", "last_checked")


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


_Fail: TypeAlias = Callable[[str, str], "ParameterFileError"]


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

        >>> wage = load_parameters().get("minimum_wage")
        >>> wage.is_provisional(date(2026, 12, 31)), wage.is_provisional(date(2027, 1, 1))
        (False, True)
        """
        return self.carried_forward is not None and self.until is not None and day > self.until

    def entry_at(self, day: date) -> ParameterValue:
        """The value record in force on ``day`` (raises :class:`ParameterMissing`).

        >>> wage = load_parameters().get("minimum_wage")
        >>> wage.entry_at(date(2019, 6, 1)).value
        Decimal('42500')
        >>> wage.entry_at(date(2015, 12, 31))
        Traceback (most recent call last):
        ...
        osms.rules.parameters.ParameterMissing: parameter 'minimum_wage' has no value for \
2015-12-31: before its first value (from 2016-01-01)
        """
        if self.until is not None and day > self.until:
            if self.carried_forward is not None:
                return self.values[-1]
            why = f"after the last date its values are known (until {self.until})"
            if self.incomplete:
                why += f"; {self.incomplete}"
            raise ParameterMissing(self.name, day, why)
        i = _bisect_right(self.starts, day) - 1
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

        >>> load_parameters().get("monthly_calculation_index").at(date(2022, 4, 1))
        Decimal('3180')
        """
        return self.entry_at(day).value

    def for_month(self, month: Month) -> Any:
        """The value in force on the first day of ``month``.

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


def _bisect_right(starts: tuple[date, ...], day: date) -> int:
    low, high = 0, len(starts)
    while low < high:
        middle = (low + high) // 2
        if day < starts[middle]:
            high = middle
        else:
            low = middle + 1
    return low


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


# -- loading, validation and the override folder (R-P-3) --------------------------------------

_Documents: TypeAlias = dict[str, tuple[object, str]]
"""Parameter name → (the loaded YAML document, the label errors name it by)."""


def _read_documents(directory: Traversable, label: Callable[[Traversable], str]) -> _Documents:
    documents: _Documents = {}
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if not entry.is_file() or not entry.name.endswith(".yaml"):
            continue
        try:
            document = yaml.safe_load(entry.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ParameterFileError(label(entry), "(yaml)", f"not valid YAML: {error}") from None
        documents[entry.name.removesuffix(".yaml")] = (document, label(entry))
    return documents


def load_parameters_from(
    directory: Traversable, overrides: Traversable | None = None
) -> Parameters:
    """Load and validate every ``*.yaml`` file of ``directory`` (a path or a package folder),
    then merge in the files of ``overrides`` (R-P-3, see the module text)."""
    packaged = _read_documents(directory, lambda entry: f"{directory.name}/{entry.name}")
    loaded = {name: _parse(name, document, label) for name, (document, label) in packaged.items()}
    if overrides is not None:
        for name, (document, label) in _read_documents(overrides, str).items():
            own = _parse(name, document, label)  # validated exactly like a packaged file
            if name in packaged:
                base = loaded[name]
                if own.unit != base.unit:
                    raise ParameterFileError(
                        label, "unit", f"{own.unit} differs from the packaged {base.unit}"
                    )
                merged = _merge(cast(dict[str, Any], packaged[name][0]), document)
                own = _parse(name, merged, f"{label} (merged with the packaged {name}.yaml)")
            loaded[name] = own
    return Parameters(loaded.values())


def _merge(packaged: Mapping[str, Any], override: Any) -> dict[str, Any]:
    """The packaged document with the override's header fields and values (by ``from``)."""
    merged = {key: value for key, value in packaged.items() if key != "values"}
    merged.update({key: override[key] for key in _HEADER_FIELDS if key in override})
    until, later = packaged["until"], override["until"]
    merged["until"] = None if until is None or later is None else max(until, later)
    if merged["until"] is None:
        for key in ("incomplete", "carried_forward"):
            merged.pop(key, None)
    else:
        merged.pop("open_ended", None)
    by_start = {value["from"]: value for value in packaged["values"]}
    by_start.update({value["from"]: value for value in override["values"]})
    merged["values"] = [by_start[start] for start in sorted(by_start)]
    return merged


def override_folder() -> Path | None:
    """The folder named by ``OSMS_PARAMETERS_DIR``, or ``None`` when it is not set."""
    raw = os.environ.get(PARAMETERS_DIR_ENV, "").strip()
    if not raw:
        return None
    folder = Path(raw).expanduser()
    if not folder.is_dir():
        raise ParameterFileError(raw, PARAMETERS_DIR_ENV, "not a folder")
    return folder


@lru_cache(maxsize=1)
def load_parameters() -> Parameters:
    """The packaged parameters with those of ``OSMS_PARAMETERS_DIR`` (read and validated once;
    :func:`reload` reads them again)."""
    return load_parameters_from(files("osms.rules") / "data" / "parameters", override_folder())


_RELOAD_HOOKS: list[Callable[[], None]] = []


def on_reload(hook: Callable[[], None]) -> Callable[[], None]:
    """Call ``hook`` on :func:`reload`: for a module that keeps what it derived from the
    parameters (the calendar's years registers here)."""
    _RELOAD_HOOKS.append(hook)
    return hook


def reload() -> None:
    """Forget every loaded parameter, derived amount and calendar year: the next query reads
    the packaged files and ``OSMS_PARAMETERS_DIR`` again (R-P-3)."""
    for hook in _RELOAD_HOOKS:
        hook()


def check_coverage(years: Iterable[int], parameters: Parameters | None = None) -> list[str]:
    """:meth:`Parameters.check_coverage` on the loaded parameters (or on ``parameters``).

    >>> check_coverage(range(2020, 2027))
    []
    >>> check_coverage([2027])
    ['monthly_calculation_index: no value from 2027-01-01 (year 2027 asked; values known until \
2026-12-31)']
    """
    table = parameters if parameters is not None else load_parameters()
    return table.check_coverage(years)


def _parse(name: str, document: object, label: str) -> Parameter:
    def fail(field: str, problem: str) -> ParameterFileError:
        return ParameterFileError(label, field, problem)

    if not _NAME.match(name):
        raise fail("(file name)", "must be lower_snake_case.yaml")
    if not isinstance(document, dict):
        raise fail("(document)", "must be a mapping of fields")
    for key in document:
        if key not in _TOP_FIELDS and key != "values":
            raise fail(str(key), "unknown field")
    description = _text(document.get("description"), "description", fail)
    unit = document.get("unit")
    if unit not in UNITS:
        raise fail("unit", f"must be one of {' | '.join(UNITS)}, got {unit!r}")
    if "until" not in document:
        raise fail("until", "required: the last date the values are known, or null")
    until = document["until"]
    open_ended = None
    if until is None:
        open_ended = _text(
            document.get("open_ended"), "open_ended", fail, "required with until: null"
        )
        if unit == "KZT":
            raise fail("until", "a KZT amount is set for a period: give the last date known")
    else:
        until = _date(until, "until", fail)
        if "open_ended" in document:
            raise fail("open_ended", "only allowed with until: null")
    incomplete = None
    if "incomplete" in document:
        if until is None:
            raise fail("incomplete", "only allowed with an until date")
        incomplete = _text(document["incomplete"], "incomplete", fail)
    carried_forward = None
    if "carried_forward" in document:
        if until is None:
            raise fail("carried_forward", "only allowed with an until date")
        if incomplete is not None:
            raise fail("carried_forward", "a parameter is either incomplete or carried forward")
        carried_forward = _text(document["carried_forward"], "carried_forward", fail)
    if "notes" in document:
        _text(document["notes"], "notes", fail)
    raw_values = document.get("values")
    if not isinstance(raw_values, list) or not raw_values:
        raise fail("values", "must be a non-empty list")
    values: list[ParameterValue] = []
    for i, raw in enumerate(raw_values):
        where = f"values[{i}]"
        if not isinstance(raw, dict):
            raise fail(where, "must be a mapping with from, value, reference, last_checked")
        for key in raw:
            if key not in _VALUE_FIELDS:
                raise fail(f"{where}.{key}", "unknown field")
        for key in _VALUE_FIELDS:
            if key not in raw:
                raise fail(f"{where}.{key}", "required")
        start = _date(raw["from"], f"{where}.from", fail)
        if values and start <= values[-1].start:
            raise fail(
                f"{where}.from",
                f"{start} must be after the previous value's from ({values[-1].start})",
            )
        value: Value | None = None
        if raw["value"] is not None:
            value = _value(cast(Unit, unit), raw["value"], f"{where}.value", fail)
        elif i == 0 or i == len(raw_values) - 1:
            raise fail(
                f"{where}.value",
                "a gap (null) lies between two values; before the first or after the last "
                "nothing is known anyway (use until)",
            )
        reference = _text(raw["reference"], f"{where}.reference", fail)
        last_checked = _date(raw["last_checked"], f"{where}.last_checked", fail)
        values.append(ParameterValue(start, value, reference, last_checked))
    if until is not None and until < values[-1].start:
        raise fail("until", f"{until} is before the last value's from ({values[-1].start})")
    return Parameter(
        name=name,
        description=description,
        unit=cast(Unit, unit),
        until=until,
        open_ended=open_ended,
        incomplete=incomplete,
        values=tuple(values),
        starts=tuple(v.start for v in values),
        carried_forward=carried_forward,
    )


def _text(raw: object, field: str, fail: _Fail, problem: str = "must be a non-empty text") -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise fail(field, problem)
    return raw.strip()


def _date(raw: object, field: str, fail: _Fail) -> date:
    if not isinstance(raw, date) or isinstance(raw, datetime):
        raise fail(field, f"must be a date YYYY-MM-DD, got {raw!r}")
    return raw


def _value(unit: Unit, raw: object, field: str, fail: _Fail) -> Value:
    if unit in _DECIMAL_UNITS:
        return _decimal(unit, raw, field, fail)
    if unit in _INT_UNITS:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise fail(field, f"must be a whole number ≥ 0 for unit {unit}, got {raw!r}")
        if unit == "day_of_month" and not 1 <= raw <= 31:
            raise fail(field, f"must be a day of the month 1..31, got {raw}")
        return raw
    if unit == "date":
        return _date(raw, field, fail)
    if unit == "month":
        return _month(raw, field, fail)
    # month_range
    if not isinstance(raw, dict) or set(raw) != {"first", "last"}:
        raise fail(field, "must be a mapping {first: YYYY-MM, last: YYYY-MM}")
    first = _month(raw["first"], f"{field}.first", fail)
    last = _month(raw["last"], f"{field}.last", fail)
    if last < first:
        raise fail(f"{field}.last", f"{last} is before first {first}")
    return (first, last)


def _decimal(unit: str, raw: object, field: str, fail: _Fail) -> Decimal:
    if isinstance(raw, float):
        raise fail(field, f'write {raw!r} as quoted decimal text (e.g. "0.05") to keep it exact')
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise fail(field, f"must be a number for unit {unit}, got {raw!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise fail(field, f"not a decimal number: {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise fail(field, f"must be a finite number ≥ 0, got {raw!r}")
    if unit == "rate" and value > 1:
        raise fail(field, f"a rate is a fraction ≤ 1 (5 % is 0.05), got {raw!r}")
    if unit == "percent" and value > 100:
        raise fail(field, f"a percent is ≤ 100, got {raw!r}")
    return value


def _month(raw: object, field: str, fail: _Fail) -> Month:
    if not isinstance(raw, str):
        raise fail(field, f'must be a month as text "YYYY-MM", got {raw!r}')
    try:
        return Month.parse(raw)
    except InvalidMonth as error:
        raise fail(field, str(error)) from None


# -- typed, cached accessors for the engine's hot paths ---------------------------------------


@lru_cache(maxsize=8192)
def _decimal_at(name: str, day: date) -> Decimal:
    return load_parameters().get(name).decimal_at(day)


@lru_cache(maxsize=8192)
def _int_at(name: str, day: date) -> int:
    return load_parameters().get(name).int_at(day)


def _int_since(name: str, day: date) -> int | None:
    """The value on ``day``, or ``None`` before the parameter's first value."""
    if day < load_parameters().get(name).since:
        return None
    return _int_at(name, day)


_R = TypeVar("_R")


def _per_month(function: Callable[[Month], _R]) -> Callable[[Month], _R]:
    """Cache a month's value by its index: the status engine asks these in its inner loops."""
    cache: dict[int, _R] = {}
    on_reload(cache.clear)

    @wraps(function)
    def cached(month: Month) -> _R:
        try:
            return cache[month.index]
        except KeyError:
            value = cache[month.index] = function(month)
            return value

    return cached


def _money(amount: Decimal) -> Decimal:
    """Whole tenge stay whole (``Decimal('4250')``); anything else is rounded to 0.01."""
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def minimum_wage(year: int) -> Decimal:
    """The minimum monthly wage (МЗП) of ``year``, as in force on 1 January (T1).

    For a year whose MW is not published yet, the last published MW (R-P-1, §12 Q22): check
    :func:`minimum_wage_is_provisional` to say so.  Before the first recorded year it raises
    :class:`ParameterMissing`.

    >>> minimum_wage(2022), minimum_wage(2026)
    (Decimal('60000'), Decimal('85000'))
    >>> minimum_wage(2027), minimum_wage_is_provisional(2027)
    (Decimal('85000'), True)
    >>> minimum_wage(2015)
    Traceback (most recent call last):
    ...
    osms.rules.parameters.ParameterMissing: parameter 'minimum_wage' has no value for \
2015-01-01: before its first value (from 2016-01-01)
    """
    return _decimal_at("minimum_wage", date(year, 1, 1))


def minimum_wage_is_provisional(year: int) -> bool:
    """Is :func:`minimum_wage` of ``year`` the last published MW carried forward (R-P-1)?

    False for every year whose MW is recorded (and for years before the first one, which
    have no MW at all).

    >>> minimum_wage_is_provisional(2026), minimum_wage_is_provisional(2027)
    (False, True)
    """
    return load_parameters().get("minimum_wage").is_provisional(date(year, 1, 1))


@lru_cache(maxsize=1024)
def _self_payer_monthly(year: int) -> Decimal:
    day = date(year, 1, 1)
    return _money(_decimal_at("self_payer_rate", day) * minimum_wage(year))


def self_payer_monthly(year: int) -> Decimal:
    """R-L-4, R-K-1: a self-payer's monthly contribution, 5 % of the year's МЗП.

    >>> [str(self_payer_monthly(y)) for y in (2020, 2022, 2023, 2024)]
    ['2125', '3000', '3500', '4250']
    """
    return _self_payer_monthly(year)


@lru_cache(maxsize=1024)
def _entrepreneur_monthly(year: int) -> Decimal:
    day = date(year, 1, 1)
    rate = _decimal_at("entrepreneur_rate", day)
    if rate == 0:  # 2018-2019: IEs exempt (W4); no base needed
        return Decimal(0)
    base = _decimal_at("entrepreneur_base_multiplier", day) * minimum_wage(year)
    return _money(rate * base)


def entrepreneur_monthly(year: int) -> Decimal:
    """R-L-4, R-K-1: an individual entrepreneur's monthly contribution, 5 % of 1.4 × МЗП.

    >>> [str(entrepreneur_monthly(y)) for y in (2019, 2021, 2022, 2023, 2026)]
    ['0', '2975', '4200', '4900', '5950']
    """
    return _entrepreneur_monthly(year)


def employer_max_monthly(month: Month) -> Decimal:
    """R-K-1: the largest employer deduction (КНП 121) per employee for ``month``:
    rate × cap (in МЗП) × МЗП (T3).

    >>> employer_max_monthly(Month(2024, 1)), employer_max_monthly(Month(2026, 1))
    (Decimal('25500'), Decimal('102000'))
    """
    day = month.first_day()
    cap = _decimal_at("employer_cap_mw", day) * minimum_wage(month.year)
    return _money(_decimal_at("employer_rate", day) * cap)


def employee_max_monthly(month: Month) -> Decimal:
    """R-K-1: the largest employee contribution (КНП 122) for ``month``, over all jobs (T3).

    >>> employee_max_monthly(Month(2025, 12)), employee_max_monthly(Month(2026, 1))
    (Decimal('17000'), Decimal('34000'))
    """
    day = month.first_day()
    cap = _decimal_at("employee_cap_mw", day) * minimum_wage(month.year)
    return _money(_decimal_at("employee_rate", day) * cap)


@_per_month
def grace_months(month: Month) -> int:
    """R-S-6: the grace length G for status in ``month`` (3).

    >>> grace_months(Month(2025, 10))
    3
    """
    return _int_at("grace_months", month.first_day())


@_per_month
def long_payer_grace_months(month: Month) -> int | None:
    """R-S-6: the long payer's grace length (6 from 2026-01), ``None`` before it existed.

    >>> long_payer_grace_months(Month(2025, 12)) is None, long_payer_grace_months(Month(2026, 1))
    (True, 6)
    """
    return _int_since("long_payer_grace_months", month.first_day())


@_per_month
def long_payer_months(month: Month) -> int | None:
    """R-S-6: the months of contributions that make a long payer (60 from 2026-01), ``None``
    before the rule existed.

    >>> long_payer_months(Month(2026, 7))
    60
    """
    return _int_since("long_payer_months", month.first_day())


@_per_month
def lookback_months(month: Month) -> int:
    """R-S-5: how many months before ``month`` must be free of debt (12, Law Art. 5 p. 3).

    >>> lookback_months(Month(2023, 3))
    12
    """
    return _int_at("lookback_months", month.first_day())


@_per_month
def prepayment_months(month: Month) -> int:
    """R-S-4: the length of a prepaid run (12, Law Art. 5 p. 3-2).

    >>> prepayment_months(Month(2022, 10))
    12
    """
    return _int_at("prepayment_months", month.first_day())


def credit_delay_working_days(day: date) -> int:
    """R-T-3: working days from payment to credit for a payment made on ``day`` (3).

    >>> credit_delay_working_days(date(2022, 10, 17))
    3
    """
    return _int_at("credit_delay_working_days", day)


def temporary_status_months(day: date) -> int:
    """R-TMP-1: how many calendar months a temporary grant made on ``day`` lasts (1).

    >>> temporary_status_months(date(2025, 3, 3))
    1
    """
    return _int_at("temporary_status_months", day)


@lru_cache(maxsize=1)
def child_category_until_age() -> int:
    """R-C-2: a child is state-paid through the month of this birthday (18).

    >>> child_category_until_age()
    18
    """
    return int(load_parameters().get("child_category_until_age").latest())


@lru_cache(maxsize=1)
def liability_start() -> Month:
    """R-C-3, §12 Q15: the first month individuals' contributions are due.

    >>> liability_start()
    Month(2020, 1)
    """
    return cast(Month, load_parameters().get("liability_start").latest())


@lru_cache(maxsize=1)
def employer_liability_start() -> Month:
    """R-L-3: the first month employers' deductions (КНП 121) are due.

    >>> employer_liability_start()
    Month(2017, 7)
    """
    return cast(Month, load_parameters().get("employer_liability_start").latest())


@lru_cache(maxsize=1)
def single_payment_periods() -> tuple[Month, Month]:
    """R-L-2, R-L-3: the months, inclusive, an ЕСП item (КНП 183) may be for.

    >>> single_payment_periods()
    (Month(2019, 1), Month(2023, 12))
    """
    return cast(tuple[Month, Month], load_parameters().get("single_payment_periods").latest())


@lru_cache(maxsize=1)
def prepaid_block_start() -> date:
    """R-S-4, §12 Q20: the first day a payment can be part of a prepaid block.

    >>> prepaid_block_start()
    datetime.date(2022, 9, 5)
    """
    return cast(date, load_parameters().get("prepaid_block_start").latest())


@lru_cache(maxsize=1)
def self_employed_regime_start() -> Month:
    """R-L-6, R-L-9: the first month of the special tax regime for the self-employed.

    >>> self_employed_regime_start()
    Month(2026, 1)
    """
    return cast(Month, load_parameters().get("self_employed_regime_start").latest())


@lru_cache(maxsize=1)
def transitional_window() -> tuple[Month, Month]:
    """R-S-1: the months, inclusive, in which everyone had access regardless of payments.

    >>> transitional_window()
    (Month(2020, 1), Month(2020, 6))
    """
    return cast(tuple[Month, Month], load_parameters().get("transitional_access").latest())


for _cached in (
    load_parameters,
    _decimal_at,
    _int_at,
    _self_payer_monthly,
    _entrepreneur_monthly,
    child_category_until_age,
    liability_start,
    employer_liability_start,
    single_payment_periods,
    prepaid_block_start,
    self_employed_regime_start,
    transitional_window,
):
    on_reload(_cached.cache_clear)
