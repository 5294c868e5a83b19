"""Pending months (R-L-9) as constants for the batch engine's SQL.

An employee's month, or a self-employed person's month from the regime's start, that is not
covered yet is *pending* while a payment made on its due date would not be credited yet.  On a
day x the pending months are the uncovered ones of [fp(x), month(x)], where fp(x) is the later
of the first month still pending on x (:func:`osms.rules.pending.first_pending_month`) and the
first month that can be pending for the payer's kind.  Pending months are never gaps of R-S-5's
look-back, so a month j decided on day x sets aside the δ = j − fp(x) months just before it.
Everything here depends only on dates, so the plan computes it once in Python and the SQL gets
constants:

- how many months of [fp(d), M] are pending on the query date d (the debt months and the
  reason of month M);
- the *phases* of every month j of the window from M on: the days, from d for M and from the
  first day of j after it, on which δ changes (it only falls as days pass: fp grows), with
  their δ.  A month insured on its first phase can lose the status on a later one (a month
  before it stops being pending and becomes a gap), which ``insured_until`` must see (R-S-7);
- fp(x) for any day, as a list of credit days (the temporary-grant walk decides any day).

>>> from datetime import date
>>> from osms.rules.month import Month
>>> employee = pending_kind("employee", date(2026, 11, 22), Month(2026, 11).index)
>>> employee.at_m  # October and November 2026 can still be paid on time
2
>>> employee.phases(Month(2026, 12).index)  # November pending until it is credited on 12-30
[(datetime.date(2026, 12, 1), 1), (datetime.date(2026, 12, 30), 0)]
>>> pending_kind("self_employed", date(2026, 1, 20), Month(2026, 1).index).at_m
1
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from osms.rules.facts import PayerKind
from osms.rules.month import Month
from osms.rules.pending import first_pending_month, pending_from, pending_until

__all__ = ["PENDING_KINDS", "PendingKind", "pending_kind"]

PENDING_KINDS = (PayerKind.EMPLOYEE.value, PayerKind.SELF_EMPLOYED.value)
"""The payer kinds whose months can be pending (R-L-9)."""

_LOOK_BEHIND = 4
"""Months before a day's month whose credit day can still be ahead (the calendar has 2)."""


@dataclass(frozen=True)
class PendingKind:
    """The pending months of one payer kind for one plan."""

    kind: str
    since: int
    """The first month index that can be pending (an employee's: every month)."""
    on: date
    m: int
    at_m: int
    """Months of [fp(d), M] (R-S-7 lists those unpaid apart from the debt months)."""

    def first(self, day: date) -> int:
        """fp(day): the first month that can be pending on ``day``."""
        return max(self.since, first_pending_month(day).index)

    def set_aside(self, month: int, day: date) -> int:
        """How many months just before ``month`` are pending when it is decided on ``day``:
        never gaps of R-S-5's look-back."""
        return max(0, month - self.first(day))

    def phases(self, month: int) -> list[tuple[date, int]]:
        """(first day, months set aside) of each stretch of days of ``month`` (from d for M)
        with the same pending months, in order; the number set aside only falls."""
        start = self.on if month == self.m else Month.from_index(month).first_day()
        last = Month.from_index(month).last_day()
        found = [(start, self.set_aside(month, start))]
        changes = sorted(
            {
                day
                for i in range(month - _LOOK_BEHIND, month + 1)
                if start < (day := pending_until(Month.from_index(i))) <= last
            }
        )
        for day in changes:
            delta = self.set_aside(month, day)
            if delta != found[-1][1]:
                found.append((day, delta))
        return found

    def credit_days(self, first: int, last: int) -> list[date]:
        """pending_until of the months [first, last]: fp(x) = first + how many are ≤ x (for a
        day x with pending_until(first) ≤ x ≤ pending_until(last))."""
        return [pending_until(Month.from_index(i)) for i in range(first, last + 1)]


def pending_kind(kind: str, on: date, m: int) -> PendingKind:
    """The pending months of payers of ``kind`` for a plan on ``on`` (month index ``m``)."""
    since = pending_from(PayerKind(kind))
    if since is None:
        raise ValueError(f"months of a {kind} are never pending")
    draft = PendingKind(kind, since.index, on, m, 0)
    return PendingKind(kind, since.index, on, m, max(0, m - draft.first(on) + 1))
