"""The Fund's contributions calculator: the monthly amount by payer, year and income (R-K-1).

Like fms.kz's «МӘМС калькуляторы» (SOURCES.md §7): who pays, the year and, for the kinds
that pay a share of income, the monthly income give the amount of one month, with the rate,
the base it applies to and the cap of that base (SOURCES.md T1-T3):

- a self-payer pays 5 % of the MW, an individual entrepreneur 5 % of 1.4 MW
  (:func:`osms.rules.pricing.yearly_price`);
- an employer deducts 3 % of the employee's income (КНП 121) and withholds the employee's
  2 % (КНП 122), each base capped at 10 MW through 2025; from 2026 the employer's base at
  40 MW and the employee's at 20 MW, summed over all jobs
  (:func:`osms.rules.calculator.employer_monthly`);
- a person under the special tax regime for the self-employed pays 1 % of income, the base
  capped at 20 MW, from 2026 (SOURCES.md R4.7, T2).

A year whose MW is not published yet is priced with the last published MW and the amount says
it is ``provisional`` (R-P-1, §12 Q22).  A year before a kind paid anything is refused with
:class:`AmountNotDue` (``amount.not_due``), never answered with a guess.

>>> str(monthly_amount(Payer.SELF_PAYER, 2024).amount)
'4250.00'
>>> str(monthly_amount(Payer.ENTREPRENEUR, 2024).amount)
'5950.00'
>>> cap = monthly_amount(Payer.EMPLOYER, 2025, Decimal("1000000"))
>>> str(cap.amount), str(cap.base), cap.capped
('25500.00', '850000.00', True)
>>> str(monthly_amount(Payer.EMPLOYER, 2026, Decimal("5000000")).amount)
'102000.00'
>>> str(monthly_amount(Payer.EMPLOYEE, 2026, Decimal("5000000")).amount)
'34000.00'
>>> str(monthly_amount(Payer.SELF_EMPLOYED, 2026, Decimal("300000")).amount)
'3000.00'
>>> monthly_amount(Payer.SELF_PAYER, 2027).provisional
True
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from osms.rules import parameters
from osms.rules.calculator import Penalty, PenaltyPart, employer_monthly
from osms.rules.errors import RuleError
from osms.rules.facts import KNP, PayerKind
from osms.rules.month import Month
from osms.rules.pricing import yearly_price

__all__ = [
    "INCOME_KINDS",
    "AmountNotDue",
    "IncomeRequired",
    "InvalidIncome",
    "MonthlyAmount",
    "Payer",
    "first_month",
    "monthly_amount",
    "part_amount",
    "per_day",
]


class Payer(StrEnum):
    """Who pays, as the Fund's calculator asks it (SOURCES.md §7, T2)."""

    SELF_PAYER = "self_payer"
    ENTREPRENEUR = "entrepreneur"
    EMPLOYER = "employer"
    """The employer's own deduction for one employee (КНП 121)."""
    EMPLOYEE = "employee"
    """The employee's contribution the employer withholds (КНП 122)."""
    SELF_EMPLOYED = "self_employed"
    """The special tax regime for the self-employed, from 2026 (R-L-6)."""


INCOME_KINDS: frozenset[Payer] = frozenset({Payer.EMPLOYER, Payer.EMPLOYEE, Payer.SELF_EMPLOYED})
"""The kinds that pay a share of a monthly income; the others pay a fixed amount."""


class AmountNotDue(RuleError):
    """Nothing of this kind was due in the year asked: it started later."""

    code = "amount.not_due"

    def __init__(self, payer: Payer, year: int, first: Month) -> None:
        super().__init__(
            f"no {payer.value} contribution is due in {year}: it is due from {first}",
            field="year",
        )
        self.payer = payer
        self.year = year
        self.first = first


class IncomeRequired(RuleError):
    """A kind that pays a share of income was asked without the income."""

    code = "amount.income_required"

    def __init__(self, payer: Payer) -> None:
        super().__init__(f"the {payer.value} amount is a share of income: give it", field="income")
        self.payer = payer


class InvalidIncome(RuleError):
    """An income below zero, or not a number."""

    code = "amount.income"

    def __init__(self, income: Decimal) -> None:
        super().__init__(f"an income is zero or more, not {income}", field="income")


@dataclass(frozen=True, slots=True)
class MonthlyAmount:
    """One month's amount for a payer in a year, and how it is made (R-K-1)."""

    payer: Payer
    year: int
    month: Month
    """The month priced: January, or the first month the kind was due in that year."""
    knp: KNP
    amount: Decimal
    """rate × base, in tenge with two decimals."""
    rate: Decimal
    """A fraction: ``0.05`` is 5 %."""
    base: Decimal
    """What the rate applies to: the MW, 1.4 MW, or the income up to the cap."""
    minimum_wage: Decimal
    income: Decimal | None = None
    """The monthly income given (the income kinds only)."""
    cap: Decimal | None = None
    """The largest base, in tenge (the income kinds only)."""
    cap_mw: Decimal | None = None
    """The same cap counted in minimum wages (10, 20, 40)."""
    provisional: bool = False
    """The year's MW is not published yet: the last published one is used (R-P-1)."""

    @property
    def capped(self) -> bool:
        """The income is above the cap: the amount is the largest one of the year."""
        return self.income is not None and self.cap is not None and self.income > self.cap

    @property
    def maximum(self) -> Decimal | None:
        """The largest amount of the month, rate × cap (SOURCES.md T3)."""
        return None if self.cap is None else _money(self.rate * self.cap)


_KNP = {Payer.EMPLOYER: KNP.EMPLOYER_DEDUCTION}
_RATE = {
    Payer.SELF_PAYER: "self_payer_rate",
    Payer.ENTREPRENEUR: "entrepreneur_rate",
    Payer.EMPLOYER: "employer_rate",
    Payer.EMPLOYEE: "employee_rate",
    Payer.SELF_EMPLOYED: "self_employed_rate",
}
_CAP = {
    Payer.EMPLOYER: "employer_cap_mw",
    Payer.EMPLOYEE: "employee_cap_mw",
    Payer.SELF_EMPLOYED: "self_employed_cap_mw",
}


def first_month(payer: Payer) -> Month:
    """The first month anything of ``payer``'s kind was due.

    Individuals from 2020-01 (§12 Q15; IEs were exempt in 2018-2019), employers from
    2017-07, the self-employed regime from 2026-01.

    >>> [str(first_month(p)) for p in Payer]
    ['2020-01', '2020-01', '2017-07', '2020-01', '2026-01']
    """
    if payer is Payer.EMPLOYER:
        return parameters.employer_liability_start()
    if payer is Payer.SELF_EMPLOYED:
        return parameters.self_employed_regime_start()
    return parameters.liability_start()


def monthly_amount(payer: Payer, year: int, income: Decimal | None = None) -> MonthlyAmount:
    """What ``payer`` pays for one month of ``year`` (R-K-1; SOURCES.md T1-T3).

    ``income`` is the month's income for :data:`INCOME_KINDS` (an employee's summed over all
    jobs, R-K-1) and is ignored for the others.  Raises :class:`AmountNotDue` for a year
    before the kind was due, :class:`IncomeRequired` without an income where one is needed,
    :class:`InvalidIncome` for an income below zero (or not finite).

    >>> early = monthly_amount(Payer.EMPLOYER, 2017, Decimal("100000"))
    >>> str(early.month), str(early.rate), str(early.amount), str(early.cap)
    ('2017-07', '0.01', '1000.00', '366885.00')
    >>> str(monthly_amount(Payer.EMPLOYEE, 2020, Decimal("100000")).amount)
    '1000.00'
    >>> str(monthly_amount(Payer.EMPLOYEE, 2023, Decimal("900000")).amount)  # T3: 14 000
    '14000.00'
    >>> monthly_amount(Payer.SELF_PAYER, 2019)
    Traceback (most recent call last):
    ...
    osms.rules.amounts.AmountNotDue: no self_payer contribution is due in 2019: it is due from \
2020-01
    >>> monthly_amount(Payer.EMPLOYEE, 2024)
    Traceback (most recent call last):
    ...
    osms.rules.amounts.IncomeRequired: the employee amount is a share of income: give it
    """
    start = first_month(payer)
    if year < start.year:
        raise AmountNotDue(payer, year, start)
    month = max(Month(year, 1), start)
    on = month.first_day()
    table = parameters.load_parameters()
    wage = parameters.minimum_wage(year)
    rate = table.get(_RATE[payer]).decimal_at(on)
    provisional = parameters.minimum_wage_is_provisional(year)
    cap_mw: Decimal | None = None
    cap: Decimal | None = None
    if payer not in INCOME_KINDS:
        income = None  # a fixed price: the income given does not enter it
        kind = PayerKind.ENTREPRENEUR if payer is Payer.ENTREPRENEUR else PayerKind.SELF_PAYER
        base = wage
        if payer is Payer.ENTREPRENEUR:
            base = wage * table.get("entrepreneur_base_multiplier").decimal_at(on)
        amount = _money(yearly_price(kind, year))
    else:
        if income is None:
            raise IncomeRequired(payer)
        if not income.is_finite() or income < 0:
            raise InvalidIncome(income)
        cap_mw = table.get(_CAP[payer]).decimal_at(on)
        cap = wage * cap_mw
        base = min(income, cap)
        if payer is Payer.SELF_EMPLOYED:
            amount = _money(base * rate)
        else:
            monthly = employer_monthly(income, month)
            amount = monthly.deduction if payer is Payer.EMPLOYER else monthly.contribution
    return MonthlyAmount(
        payer=payer,
        year=year,
        month=month,
        knp=_KNP.get(payer, KNP.CONTRIBUTION),
        amount=amount,
        rate=rate,
        base=_money(base),
        minimum_wage=wage,
        income=income,
        cap=None if cap is None else _money(cap),
        cap_mw=cap_mw,
        provisional=provisional,
    )


def per_day(penalty: Penalty, part: PenaltyPart) -> Decimal:
    """The penalty of one day of ``part``: arrears × base rate % / 100 × multiplier / 365
    (R-K-4; the "interest charged per day" of the Fund's penalty calculator, SOURCES.md §7).

    >>> from datetime import date
    >>> from osms.rules.calculator import employer_penalty
    >>> penalty = employer_penalty(Decimal("21000"), Month(2023, 6), date(2023, 8, 4))
    >>> [(str(p.first), p.days, str(per_day(penalty, p))) for p in penalty.parts]
    [('2023-07-26', 10, '12.05')]
    """
    return _money(_daily(penalty.arrears, part))


def part_amount(penalty: Penalty, part: PenaltyPart) -> Decimal:
    """The penalty of all the days of ``part``, rounded once.

    The penalty's own :attr:`~osms.rules.calculator.Penalty.amount` is the exact sum over
    every day rounded once, so the parts' rounded amounts may differ from it by a tiyn.

    >>> from datetime import date
    >>> from osms.rules.calculator import employer_penalty
    >>> penalty = employer_penalty(Decimal("100000"), Month(2023, 7), date(2023, 9, 5))
    >>> [(str(p.base_rate), p.days, str(part_amount(penalty, p))) for p in penalty.parts]
    [('16.75', 2, '114.73'), ('16.5', 9, '508.56')]
    >>> str(penalty.amount)
    '623.29'
    """
    return _money(_daily(penalty.arrears, part) * part.days)


def _daily(arrears: Decimal, part: PenaltyPart) -> Decimal:
    return arrears * part.base_rate / 100 * part.multiplier / 365


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
