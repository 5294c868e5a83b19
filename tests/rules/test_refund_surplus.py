"""The surplus of an overpayment agrees with the status engine (R-R-1, R-L-5): refunding it
leaves the month self-covered, refunding a tiyn more does not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from osms.rules.calendar import credit_date
from osms.rules.coverage import Ledger
from osms.rules.facts import KNP, PayerKind, PaymentItem, PersonFacts
from osms.rules.iin import birth_date
from osms.rules.month import Month
from osms.rules.refunds import overpayment_surplus, refunded_items

ADULT = "900515300018"
MONTH = Month(2023, 3)
TIYN = Decimal("0.01")


@st.composite
def month_payments(draw: st.DrawFn) -> PersonFacts:
    """Several own payments for one month, paid on various days, some in advance (R-L-4)."""
    items = []
    for _ in range(draw(st.integers(1, 4))):
        paid_on = draw(st.dates(date(2022, 9, 1), date(2023, 6, 30)))
        amount = Decimal(draw(st.integers(100, 500_000))) / 100
        items.append(PaymentItem(MONTH, amount, paid_on, credit_date(paid_on), KNP.CONTRIBUTION))
    kind = draw(st.sampled_from([PayerKind.SELF_PAYER, PayerKind.ENTREPRENEUR]))
    return PersonFacts(ADULT, birth_date(ADULT), kind, payments=tuple(items))


def _after(facts: PersonFacts, position: int, amount: Decimal, on: date) -> PersonFacts:
    item = facts.payments[position]
    parts = refunded_items(item, on, amount)
    payments = (*facts.payments[:position], *parts, *facts.payments[position + 1 :])
    return replace(facts, payments=payments)


@settings(max_examples=300, deadline=None)
@given(facts=month_payments(), pick=st.integers(0, 3))
def test_the_surplus_is_the_most_a_refund_may_return(facts: PersonFacts, pick: int) -> None:
    position = pick % len(facts.payments)
    item = facts.payments[position]
    on = date(2023, 7, 20)
    surplus = overpayment_surplus(facts, item, on)
    assert surplus is not None and Decimal(0) <= surplus <= item.amount
    covered = Ledger(facts).self_covered(MONTH.index, on)
    if not covered:
        assert surplus == 0
        return
    if surplus > 0:
        assert Ledger(_after(facts, position, surplus, on)).self_covered(MONTH.index, on)
    if surplus < item.amount:
        more = surplus + TIYN
        assert not Ledger(_after(facts, position, more, on)).self_covered(MONTH.index, on)
    # before the refund date nothing changes
    earlier = on - timedelta(days=1)
    assert Ledger(_after(facts, position, item.amount, on)).self_covered(MONTH.index, earlier)


def test_an_employers_item_has_no_surplus_the_fund_can_know() -> None:
    item = PaymentItem(
        MONTH, Decimal("9000"), date(2023, 4, 20), date(2023, 4, 25), KNP.EMPLOYER_DEDUCTION,
        payer="160440007161",
    )  # fmt: skip
    facts = PersonFacts(ADULT, birth_date(ADULT), payments=(item,))
    assert overpayment_surplus(facts, item, date(2023, 5, 1)) is None
