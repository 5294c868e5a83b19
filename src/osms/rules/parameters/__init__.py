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

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache, wraps
from typing import TypeVar, cast

from osms.rules.month import Month
from osms.rules.parameters.loader import (
    PARAMETERS_DIR_ENV,
    check_coverage,
    load_parameters,
    load_parameters_from,
    on_reload,
    override_folder,
    reload,
)
from osms.rules.parameters.model import (
    UNITS,
    Parameter,
    ParameterFileError,
    ParameterMissing,
    Parameters,
    ParameterValue,
    Unit,
    UnknownParameter,
    Value,
)

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
    osms.rules.parameters.model.ParameterMissing: parameter 'minimum_wage' has no value for \
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
