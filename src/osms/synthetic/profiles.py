"""The one profile vocabulary of the synthetic populations, and what each profile is built to get.

A *profile* says who a synthetic person is: a regular self-payer, an employee, a child...  Both
generators draw from this vocabulary: :mod:`osms.synthetic.people` (one person at a time, with
names and a story, each built to get the decision of :data:`EXPECTATIONS`: the demo) and
:mod:`osms.synthetic.generate` (whole arrays, a wider and messier mix: the batch engine and the
benchmarks).  A profile only the vectorised generator draws has no entry in
:data:`EXPECTATIONS`: its people are drawn to vary (some leave grace, some pay short), not to
get one decision; of the profiles both draw, the vectorised generator keeps children,
pensioners, debtors and those who never paid to their expectation and varies the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from osms.rules.parameters import long_payer_grace_months
from osms.rules.status import Decision, Reason, Status

__all__ = ["EXPECTATIONS", "Expectation", "Profile"]


@dataclass(frozen=True, slots=True)
class Expectation:
    """What :func:`~osms.rules.status.decide` says on ``today`` for a person of a profile."""

    status: Status
    reasons: frozenset[Reason]
    category: str | None = None
    loses_status_next_month: bool | None = None
    long_payer_grace: bool = False
    """Whether the grace is the long payer's (R-S-6: its length in the decision's month)."""
    pending: bool | None = None
    """Whether the decision lists pending months (R-L-9)."""

    def problems(self, decision: Decision) -> list[str]:
        """How ``decision`` differs from the expectation (empty when it meets it)."""
        found = []
        if decision.status is not self.status:
            found.append(f"status {decision.status.value}, expected {self.status.value}")
        if decision.reason not in self.reasons:
            expected = "/".join(sorted(r.value for r in self.reasons))
            found.append(f"reason {decision.reason.value}, expected {expected}")
        if self.category is not None and decision.category != self.category:
            found.append(f"category {decision.category}, expected {self.category}")
        if (
            self.loses_status_next_month is not None
            and decision.loses_status_next_month is not self.loses_status_next_month
        ):
            found.append(
                f"loses_status_next_month {decision.loses_status_next_month}, "
                f"expected {self.loses_status_next_month}"
            )
        long_grace = long_payer_grace_months(decision.month)
        if self.long_payer_grace and decision.grace_months != long_grace:
            found.append(f"grace_months {decision.grace_months}, expected {long_grace}")
        if self.pending is not None and bool(decision.pending_months) is not self.pending:
            months = ", ".join(str(p.month) for p in decision.pending_months) or "none"
            found.append(f"pending months {months}, expected {'some' if self.pending else 'none'}")
        return found

    def met_by(self, decision: Decision) -> bool:
        return not self.problems(decision)


class Profile(StrEnum):
    """Who a synthetic person is."""

    # paying, or paid for
    REGULAR_PAYER = "regular_payer"
    """Pays their own contribution every month (R-L-4 price of the day)."""
    PREPAYER = "prepayer"
    """Paid twelve months at once: a prepaid block (R-S-4)."""
    ONE_BY_ONE = "one_by_one"
    """After months unpaid, pays month by month: no prepaid block (R-S-4, R-S-5)."""
    IN_GRACE = "in_grace"
    """Stopped paying one to three months ago: in grace (R-S-6)."""
    LAST_GRACE_MONTH = "last_grace_month"
    """In the last month of grace: status ends next month (R-S-6)."""
    LONG_PAYER = "long_payer"
    """Sixty months paid, then stopped: the long payer's grace (R-S-6)."""
    EMPLOYEE = "employee"
    """The employer pays КНП 121 and 122 by the 25th of the next month (R-K-4)."""
    EMPLOYEE_ON_DUE_DATE = "employee_on_due_date"
    """The employer pays on the due date itself: pending months (R-L-9)."""
    SELF_EMPLOYED = "self_employed"
    """A platform pays 1 % of the month's income (R-L-6, from 2026)."""
    ESP_PAYER = "esp_payer"
    """Paid the single aggregate payment, КНП 183 (R-L-2)."""
    ENTREPRENEUR = "entrepreneur"
    """An individual entrepreneur paying the IE price (R-L-4)."""
    REFUNDED = "refunded"
    """Paid the wrong year, got it refunded, paid again (R-R-1)."""
    TURNED_18 = "turned_18"
    """Left the child category lately, nothing paid yet: in grace (R-C-2)."""
    # outside
    DEBTOR = "debtor"
    """Paid for a while, stopped long ago: debt (R-S-5)."""
    NEVER_PAID = "never_paid"
    """Liable, never paid: debt (R-C-3)."""
    EMPLOYEE_LATE_EMPLOYER = "employee_late_employer"
    """The employer left months unpaid: the employee's debt (R-S-5)."""
    GAP_PAYER = "gap_payer"
    """Pays monthly but left months unpaid in the last year (R-S-5)."""
    PARTIAL_PAYER = "partial_payer"
    """Paid short, some topping up later: the running sum (R-L-5)."""
    # state-paid, each named after its category (R-CAT-1) when it holds one
    CHILD = "child"
    """Under the child category's age, from the IIN's birth date (R-C-2)."""
    STUDENT = "student"
    """A full-time student."""
    PENSIONER = "pensioner"
    """A pension recipient."""
    UNEMPLOYED = "unemployed"
    """Registered unemployed (R-CAT-2)."""
    DISABLED = "disabled"
    """A person with a disability."""
    PARENTAL_LEAVE = "parental_leave"
    """On leave to care for a young child."""
    MOTHER_OF_MANY = "mother_of_many"
    """A mother of many children."""
    SOCIAL_ASSISTANCE = "social_assistance"
    """Receiving targeted social assistance."""
    PREGNANT = "pregnant"
    """Pregnant, some with a temporary grant before the category arrives (R-S-3)."""
    CARER_DISABLED_CHILD = "carer_disabled_child"
    """Caring for a disabled child."""
    PRISONER = "prisoner"
    """Serving a sentence."""
    TEMPORARY_GRANT = "temporary_grant"
    """Granted temporary status on a document (R-TMP-1)."""
    OTHER_CATEGORY = "other_category"
    """One of the categories no other profile holds, taking turns."""


_IN, _OUT = Status.INSURED, Status.UNINSURED
_REGULAR, _GRACE = frozenset({Reason.REGULAR}), frozenset({Reason.GRACE})
_CATEGORY, _DEBT = frozenset({Reason.CATEGORY}), frozenset({Reason.DEBT})

EXPECTATIONS: Final[Mapping[Profile, Expectation]] = {
    Profile.REGULAR_PAYER: Expectation(_IN, _REGULAR, loses_status_next_month=False),
    Profile.PREPAYER: Expectation(_IN, frozenset({Reason.PREPAID}), loses_status_next_month=False),
    Profile.DEBTOR: Expectation(_OUT, _DEBT),
    Profile.IN_GRACE: Expectation(_IN, _GRACE, loses_status_next_month=False),
    Profile.LAST_GRACE_MONTH: Expectation(_IN, _GRACE, loses_status_next_month=True),
    # The employer pays month m by the 25th of m + 1: the current month, and before the 25th
    # (plus 3 working days) the previous one, are not credited yet (SOURCES.md §10 #18): they
    # are pending, not debt, and a run made only of them is no grace (R-L-9).  On 1 March
    # three months can be pending (January's payment is credited on 2 March): if nothing more
    # were paid the run would be 4 on 1 April, so the warning may be on.
    Profile.EMPLOYEE: Expectation(_IN, _REGULAR, pending=True),
    Profile.EMPLOYEE_LATE_EMPLOYER: Expectation(_OUT, _DEBT),
    Profile.EMPLOYEE_ON_DUE_DATE: Expectation(_IN, _REGULAR, pending=True),
    # A platform pays the self-employed's month by its due date (R-L-6, R-L-9).
    Profile.SELF_EMPLOYED: Expectation(_IN, _REGULAR, pending=True),
    # 60 months of ЕСП (R-L-2) and own contributions make a long payer (R-S-6).
    Profile.ESP_PAYER: Expectation(
        _IN, _GRACE, loses_status_next_month=False, long_payer_grace=True
    ),
    Profile.ENTREPRENEUR: Expectation(_IN, _REGULAR, loses_status_next_month=False),
    Profile.STUDENT: Expectation(_IN, _CATEGORY, category="student"),
    Profile.PENSIONER: Expectation(_IN, _CATEGORY, category="pensioner"),
    Profile.CHILD: Expectation(_IN, _CATEGORY, category="child"),
    Profile.TURNED_18: Expectation(_IN, _GRACE),
    Profile.UNEMPLOYED: Expectation(_IN, _CATEGORY, category="unemployed"),
    Profile.DISABLED: Expectation(_IN, _CATEGORY, category="disabled"),
    Profile.REFUNDED: Expectation(_IN, _REGULAR, loses_status_next_month=False),
    Profile.TEMPORARY_GRANT: Expectation(_IN, frozenset({Reason.TEMPORARY}), category="pregnant"),
    Profile.LONG_PAYER: Expectation(_IN, _GRACE, long_payer_grace=True),
    Profile.NEVER_PAID: Expectation(_OUT, _DEBT),
    # Each in one of the categories no other profile holds (R-CAT-1), taking turns.
    Profile.OTHER_CATEGORY: Expectation(_IN, _CATEGORY),
}
"""The decision each profile of :mod:`osms.synthetic.people` is built to get on ``today``."""
