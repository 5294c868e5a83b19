"""What one self-paid month costs (R-L-4, R-K-1).

>>> from datetime import date
>>> str(month_price(PayerKind.SELF_PAYER, Month(2023, 1), paid_on=date(2022, 10, 17)))
'3000'
>>> str(month_price(PayerKind.SELF_PAYER, Month(2023, 1), paid_on=date(2023, 2, 1)))
'3500'
>>> str(month_price(PayerKind.ENTREPRENEUR, Month(2024, 5), paid_on=date(2024, 5, 3)))
'5950'
>>> str(month_price(PayerKind.ENTREPRENEUR, Month(2020, 2), paid_on=date(2019, 12, 20)))
'2975'
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from osms.rules import parameters
from osms.rules.choices import DEFAULT_CHOICES, AdvancePrice, RuleChoices
from osms.rules.facts import PayerKind
from osms.rules.month import Month

__all__ = ["debt_price", "month_price", "price_year"]


def price_year(month: Month, paid_on: date, settings: RuleChoices = DEFAULT_CHOICES) -> int:
    """The year whose rate prices ``month`` when paid on ``paid_on``.

    A month paid before it starts is due at the rate in force on the day paid (R-L-4, §12 Q3),
    or at the first rate in force when it was paid before any was (2019 for 2020 months); any
    other month at its own year's rate.

    >>> price_year(Month(2023, 1), date(2022, 10, 17))
    2022
    >>> price_year(Month(2020, 3), date(2019, 12, 2))
    2020
    """
    if settings.advance_price is AdvancePrice.ON_PAYMENT_DAY and paid_on.year < month.year:
        return max(paid_on.year, parameters.liability_start().year)
    return month.year


def yearly_price(kind: PayerKind, year: int) -> Decimal:
    """The monthly amount a person of ``kind`` pays for themselves in ``year`` (R-K-1).

    Employees and the self-employed who pay a month themselves pay as self-payers (R-K-2).
    """
    if kind is PayerKind.ENTREPRENEUR:
        return parameters.entrepreneur_monthly(year)
    return parameters.self_payer_monthly(year)


def month_price(
    kind: PayerKind, month: Month, paid_on: date, settings: RuleChoices = DEFAULT_CHOICES
) -> Decimal:
    """The amount due for ``month`` when paid on ``paid_on`` (R-L-4)."""
    return yearly_price(kind, price_year(month, paid_on, settings))


def debt_price(kind: PayerKind, month: Month) -> Decimal:
    """The price of a month owed: its own year's rate (R-S-7)."""
    return yearly_price(kind, month.year)
