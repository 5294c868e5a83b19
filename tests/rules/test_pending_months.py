"""R-L-9: an employer's or a platform's months not yet due are pending, never debt."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given

from osms.rules.calculator import calculate
from osms.rules.calendar import credit_date
from osms.rules.facts import KNP, PayerKind, PaymentItem, PersonFacts
from osms.rules.month import Month
from osms.rules.pending import due_date, first_pending_month, pending_until
from osms.rules.status import Reason, decide

from .strategies import people, query_dates
from .test_status_properties import FEW

EMPLOYER = "210660011118"


def _on_schedule(kind: PayerKind, first: Month, last: Month) -> PersonFacts:
    """A person whose employer (or platform) pays every month on its due date."""
    items = tuple(
        PaymentItem(
            period=m,
            amount=Decimal(9000 if kind is PayerKind.EMPLOYEE else 700),
            paid_on=due_date(m),
            credited_on=credit_date(due_date(m)),
            knp=KNP.EMPLOYER_DEDUCTION if kind is PayerKind.EMPLOYEE else KNP.CONTRIBUTION,
            payer=EMPLOYER if kind is PayerKind.EMPLOYEE else "880101300111",
        )
        for m in Month.range(first, last + 1)
    )
    return PersonFacts(iin="880101300111", birth_date=date(1988, 1, 1), kind=kind, payments=items)


@pytest.mark.parametrize(
    ("kind", "year"),
    [(PayerKind.EMPLOYEE, 2026), (PayerKind.EMPLOYEE, 2027), (PayerKind.SELF_EMPLOYED, 2026)],
)
def test_paid_on_schedule_is_regular_with_no_debt_on_every_day_of_a_year(
    kind: PayerKind, year: int
) -> None:
    """The issue's promise: an employer paying on schedule never makes a debtor."""
    first = Month(2025, 1) if kind is PayerKind.EMPLOYEE else Month(2026, 1)
    facts = _on_schedule(kind, first, Month(year + 1, 12))
    if kind is PayerKind.SELF_EMPLOYED:  # 2025: a self-payer's months (R-L-6)
        own = tuple(
            PaymentItem(m, Decimal(4250), date(2025, 1, 13), credit_date(date(2025, 1, 13)))
            for m in Month.range(Month(2025, 1), Month(2026, 1))
        )
        facts = PersonFacts(facts.iin, facts.birth_date, kind=kind, payments=own + facts.payments)
    day = date(year, 1, 1)
    while day.year == year:
        decision = decide(facts, day)
        assert (decision.status.value, decision.reason, decision.debt_months) == (
            "insured",
            Reason.REGULAR,
            (),
        ), day
        assert decision.pending_months, day  # at least this month is pending
        calculation = calculate(facts, day)
        assert not any(
            item.period <= Month.of(day) for option in calculation.options for item in option.plan
        ), day
        day += timedelta(days=1)


def test_first_pending_month_moves_on_the_day_the_payment_would_count() -> None:
    october = Month(2026, 10)
    assert pending_until(october) == date(2026, 11, 30)  # due Wed 25 Nov, counts Mon 30 Nov
    assert first_pending_month(date(2026, 11, 29)) == october
    assert first_pending_month(date(2026, 11, 30)) == october + 1


@FEW
@given(people(), query_dates)
def test_pending_months_are_never_debt_and_never_billed(facts: PersonFacts, on: date) -> None:
    """R-L-9, R-K-2: the pending and debt months never meet, and no option bills a pending one."""
    decision = decide(facts, on)
    pending = {p.month for p in decision.pending_months}
    assert not pending & {d.month for d in decision.debt_months}
    if facts.kind not in (PayerKind.EMPLOYEE, PayerKind.SELF_EMPLOYED):
        assert not pending
    for p in decision.pending_months:
        assert on < p.expected_by
    if decision.reason is Reason.REGULAR:  # a run made only of pending months is no grace
        assert decision.debt_months == ()
    billed = {item.period for option in calculate(facts, on).options for item in option.plan}
    assert not pending & billed
