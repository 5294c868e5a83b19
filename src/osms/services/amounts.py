"""The Fund's two calculators as a use case: a month's amount, and an employer's penalty.

The doors (API, page, command line) hand over what the person typed; this module reads it
(:func:`parse_payer`, :func:`parse_year`, :func:`parse_money`, :func:`parse_period`,
:func:`parse_day`) and asks the rules (:func:`osms.rules.amounts.monthly_amount`, R-K-1;
:func:`osms.rules.calculator.employer_penalty`, R-K-4).  A value that cannot be read is a
:class:`~osms.services.errors.ServiceError` whose code names the input (``amount.kind``,
``amount.year``, ``amount.income``, ``penalty.arrears``, ``penalty.period``,
``penalty.paid_on``); what the rules refuse stays a rule error (``amount.not_due``,
``amount.income_required``, ``parameter.missing`` naming the day whose base rate is not
recorded).  Nothing is looked up by IIN and nothing is stored: no audit is due.

>>> str(amount_for("self_payer", "2024").amount)
'4250.00'
>>> str(amount_for("employer", 2026, "5 000 000").amount)
'102000.00'
>>> penalty = penalty_for("21000", "2023-06", "2023-08-04")
>>> penalty.days, str(penalty.amount)
(10, '120.46')
>>> amount_for("employer", "2026", "-5")
Traceback (most recent call last):
...
osms.services.errors.ServiceError: the income is an amount in tenge, zero or more: '-5'
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from osms.rules.amounts import INCOME_KINDS, MonthlyAmount, Payer, monthly_amount
from osms.rules.calculator import Penalty, employer_penalty
from osms.rules.month import InvalidMonth, Month
from osms.rules.parameters import employer_liability_start
from osms.services.errors import ServiceError

__all__ = [
    "FIRST_PAID_ON",
    "FIRST_YEAR",
    "LAST_DAY",
    "LAST_YEAR",
    "MAX_MONEY",
    "amount_for",
    "parse_day",
    "parse_money",
    "parse_payer",
    "parse_period",
    "parse_year",
    "penalty_for",
]

FIRST_YEAR: Final = 2000
"""Years before this are not years of OSMS at all (the Law is of 2015): a typing error."""
LAST_YEAR: Final = 2099
"""The last year answered, as the last date the API answers (2099-12-31)."""
FIRST_PAID_ON: Final = date(2017, 7, 1)
"""Employers' deductions start in July 2017 (T2): no penalty can be due before."""
LAST_DAY: Final = date(LAST_YEAR, 12, 31)
MAX_MONEY: Final = Decimal("1000000000000")
"""Amounts are below a trillion tenge, as the registers' lines (``line.amount_too_large``)."""

_MONEY: Final = re.compile(r"^\d{1,13}(?:[.,]\d{1,2})?$", re.ASCII)
_DAY: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_SPACES: Final = re.compile(r"[\s\u00a0\u202f\u2009']+")
_ECHO: Final = 40
"""At most this much of a refused value is repeated in the message."""


def _echo(value: object) -> str:
    return repr(str(value)[:_ECHO])


def parse_payer(value: str | Payer) -> Payer:
    """The payer kind by its code (``self_payer``, ``entrepreneur``, ``employer``,
    ``employee``, ``self_employed``); else ``amount.kind``.

    >>> parse_payer(" Employer ")
    <Payer.EMPLOYER: 'employer'>
    """
    if isinstance(value, Payer):
        return value
    try:
        return Payer(str(value).strip().lower())
    except ValueError:
        kinds = ", ".join(p.value for p in Payer)
        raise ServiceError(
            "amount.kind", f"unknown kind {_echo(value)}: one of {kinds}", field="kind"
        ) from None


def parse_year(value: str | int) -> int:
    """A year from :data:`FIRST_YEAR` to :data:`LAST_YEAR`; else ``amount.year``.

    >>> parse_year(" 2026 "), parse_year(2024)
    (2026, 2024)
    """
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise ServiceError("amount.year", f"not a year: {_echo(value)}", field="year")
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ServiceError(
            "amount.year", f"the year is from {FIRST_YEAR} to {LAST_YEAR}: {year}", field="year"
        )
    return year


def parse_money(value: str | Decimal, *, code: str, field: str, positive: bool = False) -> Decimal:
    """Tenge as people write them: ``250000``, ``250 000``, ``250000,50``; below
    :data:`MAX_MONEY`, at most two decimals, zero or more (more than zero when
    ``positive``); else ``code``.

    >>> parse_money("1 234 567,5", code="amount.income", field="income")
    Decimal('1234567.5')
    >>> parse_money("1e5", code="amount.income", field="income")
    Traceback (most recent call last):
    ...
    osms.services.errors.ServiceError: the income is an amount in tenge, zero or more: '1e5'
    """
    what = "more than zero" if positive else "zero or more"
    refused = ServiceError(
        code, f"the {field} is an amount in tenge, {what}: {_echo(value)}", field=field
    )
    if isinstance(value, Decimal):
        amount = value
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise refused
    else:
        text = _SPACES.sub("", str(value)[:64])
        if not _MONEY.match(text):
            raise refused
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise refused from None
    if amount < 0 or amount >= MAX_MONEY or (positive and amount == 0):
        raise refused
    return amount


def parse_period(value: str | Month) -> Month:
    """The month of the income (``YYYY-MM``, ``MM.YYYY``, ``MMYYYY``), from the first month
    of employers' deductions (2017-07) to 2099-12; else ``penalty.period``.

    >>> parse_period("06.2023")
    Month(2023, 6)
    """
    if isinstance(value, Month):
        month = value
    else:
        try:
            month = Month.parse(str(value).strip()[:16])
        except InvalidMonth:
            raise ServiceError(
                "penalty.period", f"not a month (YYYY-MM): {_echo(value)}", field="period"
            ) from None
    first = employer_liability_start()
    if not first <= month <= Month(LAST_YEAR, 12):
        raise ServiceError(
            "penalty.period",
            f"the period is from {first} to {LAST_YEAR}-12: {month}",
            field="period",
        )
    return month


def parse_day(value: str | date) -> date:
    """The payment date, ``YYYY-MM-DD`` from :data:`FIRST_PAID_ON` to :data:`LAST_DAY`; else
    ``penalty.paid_on``.

    >>> parse_day("2023-08-04")
    datetime.date(2023, 8, 4)
    """
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            if not _DAY.match(text):
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            raise ServiceError(
                "penalty.paid_on", f"not a date (YYYY-MM-DD): {_echo(value)}", field="paid_on"
            ) from None
    if not FIRST_PAID_ON <= day <= LAST_DAY:
        raise ServiceError(
            "penalty.paid_on",
            f"the payment date is from {FIRST_PAID_ON} to {LAST_DAY}: {day}",
            field="paid_on",
        )
    return day


def amount_for(
    kind: str | Payer, year: str | int, income: str | Decimal | None = None
) -> MonthlyAmount:
    """One month's amount (R-K-1).  ``income`` is read only for the kinds that pay a share of
    it (an empty text counts as none); the others ignore it."""
    payer = parse_payer(kind)
    asked = parse_year(year)
    given = None
    if payer in INCOME_KINDS and income is not None and str(income).strip():
        given = parse_money(income, code="amount.income", field="income")
    return monthly_amount(payer, asked, given)


def penalty_for(arrears: str | Decimal, period: str | Month, paid_on: str | date) -> Penalty:
    """The employer's penalty on ``arrears`` for the month ``period`` paid on ``paid_on``
    (R-K-4): raises :class:`~osms.rules.parameters.ParameterMissing` naming the first day
    whose base rate is not recorded."""
    amount = parse_money(arrears, code="penalty.arrears", field="arrears", positive=True)
    return employer_penalty(amount, parse_period(period), parse_day(paid_on))
