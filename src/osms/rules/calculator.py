"""What to pay to become insured, and the employer's penalty (R-K-1…R-K-4).

Every option is priced at R-L-4 as if paid on the query date and then put through the status
engine itself with the new items credited on the credit date (R-T-3): the calculator never
re-implements a status rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml

from osms.rules import bin as kzbin
from osms.rules import parameters
from osms.rules.calendar import credit_date
from osms.rules.choices import DEFAULT_CHOICES, RuleChoices
from osms.rules.coverage import Cover, Ledger
from osms.rules.facts import KNP, Channel, PaymentItem, PersonFacts
from osms.rules.month import Month
from osms.rules.pricing import month_price, price_year
from osms.rules.status import (
    Finding,
    decide,
    is_insured,
    provisional_finding,
    provisional_years,
)

__all__ = [
    "FUND",
    "Calculation",
    "FundDetails",
    "Option",
    "OptionName",
    "Penalty",
    "PenaltyPart",
    "PlanItem",
    "calculate",
    "employer_monthly",
    "employer_penalty",
    "fund_details",
]


@dataclass(frozen=True, slots=True)
class FundDetails:
    """Where contributions are paid (R-K-3), from ``data/fund.yaml`` with its reference."""

    start: date
    iik: str
    bin: str
    bic: str
    beneficiary: str
    reference: str


@cache
def _fund_history() -> tuple[FundDetails, ...]:
    text = resources.files("osms.rules").joinpath("data/fund.yaml").read_text("utf-8")
    return tuple(
        FundDetails(
            start=entry["from"],
            iik=str(entry["iik"]),
            bin=kzbin.validate(str(entry["bin"])),
            bic=str(entry["bic"]),
            beneficiary=str(entry["beneficiary"]),
            reference=str(entry["reference"]),
        )
        for entry in yaml.safe_load(text)
    )


def fund_details(on: date) -> FundDetails:
    """The Fund's bank details in force on ``on`` (R-K-3), dated data like the parameters.

    >>> fund_details(date(2024, 5, 2)).bin
    '160440007161'
    """
    history = _fund_history()
    in_force = [details for details in history if details.start <= on]
    if not in_force:
        raise ValueError(f"no bank details of the Fund are recorded for {on}")
    return in_force[-1]


FUND = _fund_history()[-1]
"""The details in force now: the last entry of ``data/fund.yaml`` (R-K-3)."""


class OptionName(StrEnum):
    """The calculator's options (R-K-2)."""

    CLEAR_DEBT = "clear_debt"
    MINIMUM_NOW = "minimum_now"
    PREPAY_NOW = "prepay_now"
    PREPAY_NEXT = "prepay_next"


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One separate payment of a plan (R-K-3, R-L-1): one person, one month, КНП 122."""

    iin: str
    period: Month
    amount: Decimal
    knp: KNP = KNP.CONTRIBUTION


@dataclass(frozen=True, slots=True)
class Option:
    """One way to become insured, with its payment plan (R-K-2, R-K-3)."""

    name: OptionName
    plan: tuple[PlanItem, ...]
    status_from: date | None
    insured_until: date | None
    provisional_note: Finding | None = None
    """R-P-1: an amount of the plan rests on a minimum wage not yet published."""
    span: tuple[Month, ...] = ()
    """The months the option is about (``prepay_now``: M … M + 11), billed or not."""

    @property
    def months(self) -> tuple[Month, ...]:
        return tuple(item.period for item in self.plan)

    @property
    def not_billed(self) -> tuple[Month, ...]:
        """The option's months left out of the plan: covered already (paid, by an employer, by
        the state) or pending (R-L-9): "12 months from this month" may bill eleven."""
        billed = set(self.months)
        return tuple(m for m in self.span if m not in billed)

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.plan), Decimal(0))

    def cost_per_day(self) -> Decimal | None:
        """Total per insured day from ``status_from`` through ``insured_until``."""
        if self.status_from is None:
            return None
        if self.insured_until is None:
            return Decimal(0)
        days = (self.insured_until - self.status_from).days + 1
        return self.total / days if days > 0 else None


@dataclass(frozen=True, slots=True)
class Calculation:
    """The calculator's answer for a person on a date."""

    iin: str
    on: date
    paid_on: date
    credited_on: date
    options: tuple[Option, ...]
    recommended: OptionName | None
    insured: bool = False
    """Insured on the query date: then the answer says until when (R-K-2), never "to be
    insured now"; the options keep or extend the status."""
    insured_until: date | None = None
    """The last insured day if nothing more is paid, when insured (None: no end known)."""
    in_debt: bool = False
    """The decision on the query date lists debt months (R-S-7).  Without them (a temporary
    status, a prepaid run, R-S-4, §12 Q6) ``clear_debt`` still pays the unpaid months of
    [M − 12, M], but no door may call them a debt."""
    fund: FundDetails = FUND

    @property
    def provisional_note(self) -> Finding | None:
        """R-P-1: an option's amount rests on a minimum wage not yet published; every door that
        shows the amounts shows this note (it names every such year of all the options)."""
        notes = [o.provisional_note for o in self.options if o.provisional_note is not None]
        return provisional_finding(year for note in notes for year in provisional_years(note))

    @property
    def provisional(self) -> bool:
        """An option's amount rests on a minimum wage not yet published (R-P-1, R-S-7)."""
        return self.provisional_note is not None

    def restricted_to(self, names: Iterable[OptionName]) -> Calculation:
        """The same answer with only the options ``names``, the recommendation among them
        (R-K-2)."""
        wanted = set(names)
        kept = [o for o in self.options if o.name in wanted]
        return replace(self, options=tuple(kept), recommended=_recommend(kept))

    def option(self, name: OptionName | str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    def lapses_before(self, option: Option) -> bool:
        """Whether a person insured today is uninsured for some days before ``option`` insures
        (their status ends before its credit date, R-T-3): then the option does not keep them
        insured, it insures them again."""
        return self.insured and self.status_from_shown(option) is not None

    def status_from_shown(self, option: Option) -> date | None:
        """When ``option`` insures from, as a door says it: never to a person insured today
        without a break until then (R-K-2: "never told 'to be insured now'"), always when the
        status lapses first (a status ending before the credit date, R-T-3)."""
        if option.status_from is None or not self.insured:
            return option.status_from
        if self.insured_until is None or option.status_from <= self.insured_until + timedelta(1):
            return None
        return option.status_from


def calculate(facts: PersonFacts, on: date, settings: RuleChoices = DEFAULT_CHOICES) -> Calculation:
    """The options to become insured when paying on ``on`` (R-K-2).

    No option bills a covered month, a state-paid one or a pending one (R-L-9); a person who
    is insured on ``on`` gets the options that keep or extend the status, with
    :attr:`Calculation.insured_until`.
    """
    # What is paid by ``on`` (nothing later is known on ``on``) counts by the credit date, as
    # the options' own payments do (R-T-3): a month paid yesterday is not billed again.
    paid_by_then = tuple(i for i in facts.payments if i.paid_on <= on)
    ledger = Ledger(replace(facts, payments=paid_by_then), settings)
    month = Month.of(on)
    lookback = parameters.lookback_months(month)
    horizon = parameters.prepayment_months(month)
    credited_on = credit_date(on)
    first_pending = ledger.first_pending(on)
    unpaid = [
        Month.from_index(i)
        for i in range(month.index - lookback, min(month.index, first_pending - 1) + 1)
        if ledger.cover(i, credited_on) is Cover.UNPAID
    ]

    def billable(m: Month) -> bool:
        return not first_pending <= m.index <= month.index  # pending months are not billed

    def evaluate(name: OptionName, months: Iterable[Month]) -> Option:
        span = tuple(months)
        plan = tuple(
            PlanItem(facts.iin, m, amount)
            for m in span
            if billable(m) and (amount := _amount_to_pay(ledger, m, on, credited_on)) > 0
        )
        with_plan = _with_payments(facts, plan, on, credited_on)
        status_from = _status_from(with_plan, credited_on, settings)
        until = None
        if status_from is not None:
            until = decide(with_plan, status_from, settings=settings).insured_until
        note = provisional_finding(price_year(item.period, on, settings) for item in plan)
        return Option(name, plan, status_from, until, note, span)

    now = decide(ledger, on)
    options: list[Option] = []
    if unpaid:
        options.append(evaluate(OptionName.CLEAR_DEBT, unpaid))
    if unpaid and _status_from(facts, credited_on, settings) != credited_on:
        # R-K-2: offered when the person would not be insured on the credit date without
        # paying (also one insured today whose grace ends before it); the search starts at zero.
        for count in range(1, len(unpaid) + 1):
            candidate = evaluate(OptionName.MINIMUM_NOW, unpaid[:count])
            if candidate.status_from is not None and candidate.status_from <= credited_on:
                if count < len(unpaid):
                    options.append(candidate)
                break
    options.append(evaluate(OptionName.PREPAY_NOW, Month.range(month, month + horizon)))
    options.append(evaluate(OptionName.PREPAY_NEXT, Month.range(month + 1, month + 1 + horizon)))
    options = [
        o
        for o in options
        if o.plan and (not now.insured or _extends(o, now.insured_until, credited_on))
    ]
    return Calculation(
        iin=facts.iin,
        on=on,
        paid_on=on,
        credited_on=credited_on,
        options=tuple(options),
        recommended=_recommend(options),
        insured=now.insured,
        insured_until=now.insured_until,
        in_debt=bool(now.debt_months),
        fund=fund_details(on),
    )


def _extends(option: Option, insured_until: date | None, credited_on: date) -> bool:
    """R-K-2: what an insured person is offered keeps or extends the status: insured from the
    credit date (R-T-3) on, and to a later day than without paying.

    An employee's own prepayment may end the status sooner, since a month the employer has not
    paid yet blocks later paid months once it is no longer pending (R-S-5, R-L-9); paying this
    month alone may turn last months' grace into gaps until a later block starts (R-S-4); a
    status with no end (an open category) is extended by nothing.
    """
    if insured_until is None or option.status_from is None or option.status_from > credited_on:
        return False
    return option.insured_until is None or option.insured_until > insured_until


def _amount_to_pay(ledger: Ledger, month: Month, paid_on: date, credited_on: date) -> Decimal:
    """What a new payment on ``paid_on`` must bring for ``month`` to be self-covered when it is
    credited, with what was paid before it (R-L-4, R-L-5)."""
    cover = ledger.cover(month.index, credited_on)
    if cover in (Cover.SELF, Cover.CATEGORY, Cover.EMPLOYER):
        return Decimal(0)
    price = month_price(ledger.kind, month, paid_on, ledger.settings)
    return max(price - ledger.self_paid(month.index, credited_on), Decimal(0))


def _with_payments(
    facts: PersonFacts, plan: tuple[PlanItem, ...], paid_on: date, credited_on: date
) -> PersonFacts:
    extra = tuple(
        PaymentItem(
            period=item.period,
            amount=item.amount,
            paid_on=paid_on,
            credited_on=credited_on,
            knp=KNP.CONTRIBUTION,
            payer=facts.iin,
            channel=Channel.BANK_APP,
        )
        for item in plan
    )
    return replace(facts, payments=facts.payments + extra)


def _status_from(facts: PersonFacts, credited_on: date, settings: RuleChoices) -> date | None:
    """The first day from the credit date on when the person is insured (R-K-2)."""
    ledger = Ledger(facts, settings)
    if is_insured(ledger, credited_on):
        return credited_on
    month = Month.of(credited_on)
    for ahead in range(1, parameters.prepayment_months(month) + 2):
        first = (month + ahead).first_day()
        if is_insured(ledger, first):
            return first
    return None


def _recommend(options: list[Option]) -> OptionName | None:
    """Among the options insured soonest, the lowest total per insured day (R-K-2)."""
    reachable = [o for o in options if o.status_from is not None]
    if not reachable:
        return None
    soonest = min(o.status_from for o in reachable if o.status_from is not None)
    best = min(
        (o for o in reachable if o.status_from == soonest),
        key=lambda o: (o.cost_per_day() or Decimal(0), o.total),
    )
    return best.name


# -- employers --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmployerMonthly:
    """What an employer pays for one employee's month (R-K-1; SOURCES.md T2, T3)."""

    deduction: Decimal
    """Employer's deduction, КНП 121: rate × income up to the cap."""
    contribution: Decimal
    """Employee's contribution withheld, КНП 122: rate × income up to the cap."""


def employer_monthly(income: Decimal, month: Month) -> EmployerMonthly:
    """Deduction and withheld contribution on one employee's monthly income (R-K-1).

    The employee cap applies to the income summed over all jobs; pass that sum here.
    """
    on = month.first_day()
    wage = parameters.minimum_wage(month.year)
    table = parameters.load_parameters()
    employer_base = min(income, wage * table.get("employer_cap_mw").at(on))
    deduction = employer_base * table.get("employer_rate").at(on)
    try:
        employee_rate = table.get("employee_rate").at(on)
        employee_base = min(income, wage * table.get("employee_cap_mw").at(on))
        contribution = employee_base * employee_rate
    except parameters.ParameterMissing:
        contribution = Decimal(0)  # employees' contributions started in 2020
    return EmployerMonthly(_money(deduction), _money(contribution))


@dataclass(frozen=True, slots=True)
class PenaltyPart:
    """Consecutive penalty days charged at one base rate and one multiplier (R-K-4)."""

    first: date
    last: date
    base_rate: Decimal
    """The NBK base rate, percent per year."""
    multiplier: Decimal

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True, slots=True)
class Penalty:
    """An employer's penalty for late deductions or contributions (R-K-4)."""

    arrears: Decimal
    due_on: date
    paid_on: date
    days: int
    multiplier: Decimal
    """The multiplier in force on the payment day (each part has its own)."""
    amount: Decimal
    parts: tuple[PenaltyPart, ...] = ()
    """The days by base rate and multiplier, in order."""


def employer_penalty(
    arrears: Decimal, period: Month, paid_on: date, base_rate: Decimal | None = None
) -> Penalty:
    """R-K-4: Σ over the late days of arrears × base rate % / 100 × multiplier / 365.

    Days run from the day after the due date (the 25th of the next month) up to and including
    the payment day, each day at the NBK base rate and the multiplier in force that day (2.5
    before 2018, 1.25 from 2018-01-01, §12 Q23), or at ``base_rate`` when given.  A day whose
    base rate is not recorded raises :class:`~osms.rules.parameters.ParameterMissing` naming
    that day (``parameter.missing``), never a guess.

    >>> penalty = employer_penalty(Decimal("21000"), Month(2023, 6), date(2023, 8, 4))
    >>> penalty.days, penalty.amount
    (10, Decimal('120.46'))
    >>> employer_penalty(Decimal("21000"), Month(2024, 1), date(2024, 3, 1))
    Traceback (most recent call last):
    ...
    osms.rules.parameters.model.ParameterMissing: parameter 'base_rate' has no value for \
2024-02-26: after the last date its values are known (until 2024-02-25); ...
    """
    table = parameters.load_parameters()
    month_after = (period + 1).first_day()
    due_on = month_after.replace(day=table.get("employer_due_day").int_at(month_after))
    rates = table.get("base_rate")
    multipliers = table.get("penalty_multiplier")
    parts: list[PenaltyPart] = []
    total = Decimal(0)
    day = due_on + timedelta(days=1)
    while day <= paid_on:
        rate = base_rate if base_rate is not None else rates.decimal_at(day)
        multiplier = multipliers.decimal_at(day)
        total += arrears * rate / 100 * multiplier / 365
        last = parts[-1] if parts else None
        if last and (last.base_rate, last.multiplier) == (rate, multiplier):
            parts[-1] = replace(last, last=day)
        else:
            parts.append(PenaltyPart(day, day, rate, multiplier))
        day += timedelta(days=1)
    return Penalty(
        arrears=arrears,
        due_on=due_on,
        paid_on=paid_on,
        days=sum(part.days for part in parts),
        multiplier=multipliers.decimal_at(paid_on),
        amount=_money(total),
        parts=tuple(parts),
    )


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
