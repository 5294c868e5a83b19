"""Properties where the rules meet arbitrary data (hypothesis)."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from osms.rules.calendar import credit_date
from osms.rules.coverage import Ledger
from osms.rules.facts import KNP, PayerKind, PaymentItem, PersonFacts
from osms.rules.month import Month
from osms.rules.parameters import liability_start, lookback_months
from osms.rules.pricing import month_price
from osms.rules.status import Reason, decide, is_insured

from .strategies import payments, people, query_dates

# OSMS_PROPERTY_EXAMPLES=5000 for a deeper search than the default run's.
FEW = settings(max_examples=int(os.environ.get("OSMS_PROPERTY_EXAMPLES", "150")), deadline=None)


def _pay(facts: PersonFacts, months: list[Month], paid_on: date) -> PersonFacts:
    credited = credit_date(paid_on)
    extra = tuple(
        PaymentItem(
            period=m,
            amount=month_price(facts.kind, m, paid_on),
            paid_on=paid_on,
            credited_on=credited,
            knp=KNP.CONTRIBUTION,
            payer=facts.iin,
        )
        for m in months
    )
    return replace(facts, payments=facts.payments + extra)


@FEW
@given(people(), query_dates)
def test_paying_every_debt_month_of_the_year_insures_once_credited(
    facts: PersonFacts, on: date
) -> None:
    """R-S-5 + R-K-2 clear_debt: pay each liable unpaid month of [M − 12, M] in full.

    Nothing else may change before the new items are credited: a refund of an older item
    in between would open a new debt month (found by this test with a deeper search). The
    months still pending on the day (R-L-9) are paid too: one can turn late before the new
    items are credited (an employee's November, due on 27 December 2021, is late by the
    30th; found by this test).
    """
    credited = credit_date(on)
    assume(not any(i.refunded_on and on < i.refunded_on <= credited for i in facts.payments))
    decision = decide(facts, on)
    debts = [d.month for d in decision.debt_months]
    debts += [p.month for p in decision.pending_months]
    paid = _pay(facts, debts, on)
    assert is_insured(paid, credited), (debts, decide(paid, credited))


def _leaves_unpaid_months_behind(facts: PersonFacts, item: PaymentItem, known_on: date) -> bool:
    """Whether a liable month in the look-back before ``item``'s month is unpaid (R-S-5)."""
    ledger = Ledger(facts)
    month = item.period.index
    first = month - lookback_months(max(item.period, liability_start()))
    return any(ledger.uncovered_liable(index, known_on) for index in range(first, month))


@FEW
@given(people(), query_dates, st.data())
def test_adding_a_payment_never_turns_a_person_uninsured(
    facts: PersonFacts, on: date, data: st.DataObject
) -> None:
    """Except where R-S-5 says otherwise: "grace months left unpaid block status once later
    months are paid" (a student until 2020-04 is in grace on 2020-07-01 and, once June is
    paid, in debt for May; found by this test)."""
    as_of = on + timedelta(days=data.draw(st.integers(0, 400)))
    item = data.draw(payments(facts.iin, facts.kind))
    assume(not _leaves_unpaid_months_behind(facts, item, as_of))
    before = decide(facts, on, as_of)
    after = decide(replace(facts, payments=(*facts.payments, item)), on, as_of)
    if before.insured:
        assert after.insured, (item, before.reason, after)
        if before.insured_until is not None and after.insured_until is not None:
            assert after.insured_until >= before.insured_until


@FEW
@given(people(), query_dates, st.randoms(use_true_random=False))
def test_the_order_of_ledger_items_never_changes_a_decision(
    facts: PersonFacts, on: date, random: st.SearchStrategy[object]
) -> None:
    shuffled = list(facts.payments)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    a = decide(facts, on)
    b = decide(replace(facts, payments=tuple(shuffled)), on)
    assert (a.status, a.reason, a.debt_months, a.insured_until, a.loses_status_next_month) == (
        b.status,
        b.reason,
        b.debt_months,
        b.insured_until,
        b.loses_status_next_month,
    )
    assert [sorted(map(repr, line.items)) for line in a.payments] == [
        sorted(map(repr, line.items)) for line in b.payments
    ]


@FEW
@given(people(max_payments=15), st.data())
def test_every_date_inside_a_prepaid_run_is_insured(
    facts: PersonFacts, data: st.DataObject
) -> None:
    """R-S-4: twelve (or more) months paid in one go before the first of them, from the
    mechanism's start (2022-09-05; the first block drawn starts in November 2022, paid from
    4 October on), insure every day of those months once the payment is credited (R-T-3)."""
    start = Month.from_index(data.draw(st.integers(Month(2022, 11).index, Month(2026, 12).index)))
    length = data.draw(st.integers(12, 14))
    paid_on = start.first_day() - timedelta(days=data.draw(st.integers(1, 28)))
    horizon = Month.of(paid_on) + 13  # R-L-3: no period beyond month(paid_on) + 12
    months = list(Month.range(start, min(start + length, horizon)))
    assert len(months) >= 12
    # R-L-6: a self-employed person's 2026 КНП 122 is the platform's, no prepayment
    assume(facts.kind is not PayerKind.SELF_EMPLOYED or months[-1] < Month(2026, 1))
    paid = _pay(facts, months, paid_on)
    offset = data.draw(st.integers(0, (months[-1].last_day() - start.first_day()).days))
    day = max(start.first_day() + timedelta(days=offset), credit_date(paid_on))
    decision = decide(paid, day)
    assert decision.insured, decision
    assert decision.reason in {
        Reason.PREPAID,
        Reason.REGULAR,
        Reason.CATEGORY,
        Reason.GRACE,
        Reason.TEMPORARY,
    }


@FEW
@given(people(max_payments=6), st.data())
def test_twelve_months_paid_one_by_one_are_never_a_prepaid_block(
    facts: PersonFacts, data: st.DataObject
) -> None:
    """R-S-4 (§12 Q20): each month paid in its own month is a monthly payer, whatever the
    length of the run: `prepaid` never answers for it."""
    start = Month.from_index(data.draw(st.integers(Month(2020, 1).index, Month(2026, 6).index)))
    months = list(Month.range(start, start + data.draw(st.integers(12, 18))))
    paid = facts
    for month in months:
        paid = _pay(
            paid, [month], month.first_day() + timedelta(days=data.draw(st.integers(0, 27)))
        )
    day = data.draw(st.dates(start.first_day(), (months[-1] + 3).last_day()))
    assert decide(paid, day).reason is not Reason.PREPAID


@FEW
@given(people(), query_dates)
def test_insured_until_agrees_with_the_status_of_later_days(facts: PersonFacts, on: date) -> None:
    """R-S-7: insured through insured_until and not the day after, as known on the day asked."""
    decision = decide(facts, on)
    if not decision.insured or decision.insured_until is None:
        return
    until = decision.insured_until
    assert until >= on
    assert is_insured(facts, until, as_of=on)
    assert not is_insured(facts, until + timedelta(days=1), as_of=on)
    next_month = (decision.month + 1).first_day()
    assert decision.loses_status_next_month == (not is_insured(facts, next_month, as_of=on))


@FEW
@given(people(), query_dates)
def test_debt_is_shown_only_for_regular_grace_and_debt(facts: PersonFacts, on: date) -> None:
    """R-S-7: debt months are liable unpaid months of [M − 12, M] for those reasons only."""
    decision = decide(facts, on)
    if decision.reason not in (Reason.REGULAR, Reason.GRACE, Reason.DEBT):
        assert decision.debt_months == ()
    months = [d.month for d in decision.debt_months]
    assert months == sorted(months)
    assert all(decision.month - 12 <= m <= decision.month for m in months)
    if decision.reason is Reason.REGULAR:
        assert months == []
    assert all(d.amount > 0 for d in decision.debt_months)
