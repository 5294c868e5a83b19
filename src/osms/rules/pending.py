"""Pending months: an employer's or a platform's month not yet due (R-L-9, §12 Q21).

An employer pays a month by the 25th of the next month (a platform withholding for the
self-employed likewise); a payment made on that day is credited three working days later
(R-T-3).  Until then an unpaid month is *pending*: it counts as uncovered inside R-S-5's
trailing run, but it is not debt and no calculator option bills it.

>>> due_date(Month(2026, 10))
datetime.date(2026, 11, 25)
>>> pending_until(Month(2026, 10))
datetime.date(2026, 11, 30)
>>> first_pending_month(date(2026, 11, 22))
Month(2026, 10)
>>> first_pending_month(date(2026, 12, 7))
Month(2026, 11)
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from osms.rules import parameters
from osms.rules.calendar import credit_date, is_working_day
from osms.rules.facts import PayerKind
from osms.rules.month import Month

__all__ = ["due_date", "first_pending_month", "pending_from", "pending_until"]


@lru_cache(maxsize=4096)
def due_date(month: Month) -> date:
    """The last day to pay ``month`` without lateness: the 25th of the next month, or the
    next working day when the 25th is not one (R-L-9, R-K-4)."""
    day_of_month = parameters.load_parameters().get("employer_due_day")
    due = (month + 1).first_day()
    due = due.replace(day=day_of_month.int_at(due))
    while not is_working_day(due):
        due += timedelta(days=1)
    return due


@lru_cache(maxsize=4096)
def pending_until(month: Month) -> date:
    """The day a payment made on the due date would be credited: ``month`` is pending
    before it (R-L-9, R-T-3)."""
    return credit_date(due_date(month))


@lru_cache(maxsize=4096)
def first_pending_month(on: date) -> Month:
    """The earliest month still pending on ``on``: every month from it through the month of
    ``on`` is (``pending_until`` grows with the month)."""
    month = Month.of(on) - 4
    while pending_until(month) <= on:
        month += 1
    return month


def pending_from(kind: PayerKind) -> Month | None:
    """The first month whose unpaid months can be pending for a payer of ``kind``: every
    month for an employee, the regime's months for the self-employed, none for the others."""
    if kind is PayerKind.EMPLOYEE:
        return Month(1, 1)
    if kind is PayerKind.SELF_EMPLOYED:
        return parameters.self_employed_regime_start()
    return None
