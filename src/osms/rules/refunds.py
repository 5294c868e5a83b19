"""Refunds in the ledger's terms (R-R-1, R-L-5): when an application must be decided, what an
overpayment refund may return, and how a refunded item reads to the status engine.

The ledger is append-only (R-L-8): a refund is a new fact.  Refunded whole, an item stops
counting from the refund date (R-S-0).  An overpayment refund returns only the surplus above
the month's amount due, so the engine reads the item from the refund date as the part kept:
:func:`refunded_items` gives the item as two, the kept part (never refunded) and the refunded
part (refunded on the refund date).  Before the refund date both count, their sum the item's
amount; from it, the kept part alone.

>>> from osms.rules.facts import PaymentItem
>>> item = PaymentItem(Month(2025, 3), Decimal("8500"), date(2025, 3, 3), date(2025, 3, 6))
>>> kept, refunded = refunded_items(item, date(2025, 4, 1), Decimal("4250"))
>>> (kept.amount, kept.refunded_on), (refunded.amount, refunded.refunded_on)
((Decimal('4250'), None), (Decimal('4250'), datetime.date(2025, 4, 1)))
>>> refunded_items(item, date(2025, 4, 1), None)[0].refunded_on
datetime.date(2025, 4, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from osms.rules import parameters
from osms.rules.calendar import add_working_days
from osms.rules.choices import DEFAULT_CHOICES, RuleChoices
from osms.rules.facts import ItemCover, PayerKind, PaymentItem, PersonFacts
from osms.rules.month import Month
from osms.rules.pricing import month_price

__all__ = ["as_paid", "decision_due_by", "overpayment_surplus", "refunded_items"]

_ZERO = Decimal(0)


def decision_due_by(applied_on: date) -> date:
    """R-R-1: the day a refund application must be decided by (15 working days later).

    >>> decision_due_by(date(2026, 3, 16))  # 23 Mar Nauryz and the 24-25 Mar days off
    datetime.date(2026, 4, 9)
    """
    days = parameters.load_parameters().get("refund_decision_working_days").int_at(applied_on)
    return add_working_days(applied_on, days)


def refunded_items(
    item: PaymentItem, refunded_on: date, amount: Decimal | None
) -> tuple[PaymentItem, ...]:
    """The item as the engine reads it once ``amount`` of it is refunded on ``refunded_on``.

    ``amount`` None, or the whole amount: the item leaves coverage from that day (R-S-0).
    Less: the kept part (``item.amount − amount``, never refunded) and the refunded part.
    """
    if amount is None or amount >= item.amount:
        return (replace(item, refunded_on=refunded_on),)
    return (
        replace(item, amount=item.amount - amount, refunded_on=None, split=True),
        replace(item, amount=amount, refunded_on=refunded_on, split=True),
    )


def as_paid(items: Sequence[PaymentItem]) -> tuple[PaymentItem, ...]:
    """The counted items as they were paid: the two parts :func:`refunded_items` made of one
    payment are one item again while both count (before the refund date), so an answer as
    known on an earlier day shows the payment it always showed (R-S-0).  Two payments alike
    in every field stay two.

    >>> item = PaymentItem(Month(2025, 3), Decimal("8500"), date(2025, 3, 3), date(2025, 3, 6))
    >>> [i.amount for i in as_paid(refunded_items(item, date(2025, 4, 1), Decimal("4250")))]
    [Decimal('8500')]
    >>> [i.amount for i in as_paid([item, item])]
    [Decimal('8500'), Decimal('8500')]
    """
    joined: list[PaymentItem] = []
    for item in items:
        before = joined[-1] if joined else None
        if before is not None and _parts_of_one(before, item):
            joined[-1] = replace(
                before, amount=before.amount + item.amount, refunded_on=None, split=False
            )
        else:
            joined.append(item)
    return tuple(joined)


def _parts_of_one(first: PaymentItem, second: PaymentItem) -> bool:
    """The kept part followed by the refunded part of one payment."""
    return (
        first.split
        and second.split
        and first.refunded_on is None
        and second.refunded_on is not None
        and replace(first, amount=second.amount, refunded_on=second.refunded_on) == second
    )


def overpayment_surplus(
    facts: PersonFacts,
    item: PaymentItem,
    known_on: date,
    settings: RuleChoices = DEFAULT_CHOICES,
) -> Decimal | None:
    """How much of ``item`` can be refunded, as known on ``known_on``, with its month staying
    self-covered (R-L-5, R-R-1); zero when the month's own payments are not above its amount due.

    None when the amount due is not the Fund's to know: ``item`` is not a self-payment the
    engine prices (an employer's or a platform's item covers whatever its amount, R-L-6; a
    month before contributions began), or it does not count on ``known_on``.

    The month is self-covered when, adding the items in the order paid, the running sum reaches
    the price in force on the day of the item that completed it (R-L-4, R-L-5).  Taking ``x``
    from ``item`` lowers every running sum from ``item`` on by ``x``: the largest ``x`` that
    leaves one sum at its price is the surplus.
    """
    if item not in facts.payments:
        raise ValueError("the item is not one of the person's payments")
    if not _own(facts, item, known_on):
        return None
    month: Month = item.period
    position = facts.payments.index(item)
    own = sorted(
        (
            (i, other)
            for i, other in enumerate(facts.payments)
            if other.period == month and _own(facts, other, known_on)
        ),
        key=lambda pair: pair[1].paid_on,
    )
    best: Decimal | None = None
    total = _ZERO
    passed = False
    for i, other in own:
        total += other.amount
        passed = passed or i == position
        due = month_price(facts.kind, month, other.paid_on, settings)
        if passed:
            room = total - due
        elif total >= due:
            room = item.amount  # covered before the item: all of it is surplus
        else:
            continue
        best = room if best is None else max(best, room)
    if best is None or best <= _ZERO:
        return _ZERO
    return min(best, item.amount)


def _own(facts: PersonFacts, item: PaymentItem, known_on: date) -> bool:
    """An item the engine adds up against the month's price (R-L-5), counting on ``known_on``."""
    if item.covers is not ItemCover.SELF or item.amount <= _ZERO or not item.counts_on(known_on):
        return False
    if item.period < parameters.liability_start():
        return False
    return not (
        facts.kind is PayerKind.SELF_EMPLOYED
        and item.period >= parameters.self_employed_regime_start()
    )
