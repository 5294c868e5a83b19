"""The facts the rules decide on: one person, their category periods, grants and ledger.

These are plain values.  The registry loads them from the database, the scenario runner from
YAML; the rules engine never asks where they came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from osms.rules import parameters
from osms.rules.bin import ENTITY_TYPES
from osms.rules.month import InvalidMonth, Month

__all__ = [
    "CHANNELS",
    "KNP",
    "CategoryPeriod",
    "Channel",
    "ItemCover",
    "PayerKind",
    "PaymentItem",
    "PersonFacts",
    "TemporaryGrant",
    "earliest_period",
    "latest_period",
    "period_problem",
]


class PayerKind(StrEnum):
    """How a person pays for themselves (R-K-1): it sets the price of a self-paid month."""

    SELF_PAYER = "self_payer"
    ENTREPRENEUR = "entrepreneur"
    EMPLOYEE = "employee"
    SELF_EMPLOYED = "self_employed"
    """The 2026 special tax regime (R-L-6, R-L-9); a self-payer for earlier months."""


class KNP(StrEnum):
    """Payment purpose codes (R-L-2).  121, 122 and the ЕСП's 183 cover a month."""

    EMPLOYER_DEDUCTION = "121"
    CONTRIBUTION = "122"
    DEDUCTION_PENALTY = "123"
    CONTRIBUTION_PENALTY = "124"
    SINGLE_PAYMENT = "183"
    """The single aggregate payment (ЕСП), periods 2019-01 … 2023-12 (R-L-2)."""

    @property
    def covers_a_month(self) -> bool:
        return self in (KNP.EMPLOYER_DEDUCTION, KNP.CONTRIBUTION, KNP.SINGLE_PAYMENT)


class Channel(StrEnum):
    """Where a payment came from (R-L-1)."""

    BANK_BRANCH = "bank_branch"
    BANK_APP = "bank_app"
    TERMINAL = "terminal"
    KAZPOST = "kazpost"
    EMPLOYER = "employer"
    STATE_BUDGET = "state_budget"


CHANNELS = tuple(c.value for c in Channel)


@dataclass(frozen=True, slots=True)
class PaymentItem:
    """One ledger item: one person, one month, one amount (R-L-1).

    ``credited_on`` is the day the item becomes visible to the status engine; when the
    intake record does not carry it, it is ``paid_on`` + 3 working days (R-T-3) and is
    filled in by whoever builds the item (see :func:`osms.rules.calendar.credit_date`).
    """

    period: Month
    amount: Decimal
    paid_on: date
    credited_on: date
    knp: KNP = KNP.CONTRIBUTION
    payer: str | None = None
    channel: Channel | None = None
    refunded_on: date | None = None
    reference: str | None = None
    split: bool = field(default=False, repr=False, compare=False)
    """One of the two parts an overpayment refund makes of one payment, the kept and the
    refunded (:func:`osms.rules.refunds.refunded_items`); shown as one while both count."""
    covers: ItemCover = field(init=False, repr=False, compare=False)
    """What the item can cover, fixed when it is made: ``employer``, ``self`` or ``none``."""

    def __post_init__(self) -> None:
        covers = _covers(self.knp, self.payer)
        if period_problem(self.period, self.knp, self.paid_on) is not None:
            covers = ItemCover.NONE  # R-L-3: intake rejects it; it never covers a month
        object.__setattr__(self, "covers", covers)

    def counts_on(self, known_on: date) -> bool:
        """R-S-0: credited by the knowledge date and not refunded by it."""
        return self.credited_on <= known_on and (
            self.refunded_on is None or self.refunded_on > known_on
        )

    @property
    def paid_by_organisation(self) -> bool:
        """True when the payer is a BIN (R-BIN-1: the 5th digit is 4, 5 or 6)."""
        return _is_bin(self.payer)


class ItemCover(StrEnum):
    """What a payment item can cover (R-L-2, R-L-6)."""

    EMPLOYER = "employer"
    SELF = "self"
    NONE = "none"


def _is_bin(payer: str | None) -> bool:
    """Whether a stored payer is a BIN: 12 digits with an entity type as digit 5 (R-BIN-1)."""
    return payer is not None and len(payer) == 12 and payer[4] in ENTITY_TYPES


@lru_cache(maxsize=8)
def earliest_period(knp: KNP) -> Month:
    """The first month a payment with this КНП may be for (R-L-3, §12 Q15).

    Contributions (122) and their penalties (124) from 2020-01; employer deductions (121) and
    their penalties (123) from 2017-07: a penalty follows its principal.

    The ЕСП (183) from its first month, 2019-01 (R-L-2).

    >>> earliest_period(KNP.CONTRIBUTION), earliest_period(KNP.EMPLOYER_DEDUCTION)
    (Month(2020, 1), Month(2017, 7))
    >>> earliest_period(KNP.SINGLE_PAYMENT)
    Month(2019, 1)
    """
    if knp in (KNP.EMPLOYER_DEDUCTION, KNP.DEDUCTION_PENALTY):
        return parameters.employer_liability_start()
    if knp is KNP.SINGLE_PAYMENT:
        return parameters.single_payment_periods()[0]
    return parameters.liability_start()


@lru_cache(maxsize=4096)
def latest_period(paid_on: date) -> Month | None:
    """The last month a payment made on ``paid_on`` may be for: month(paid_on) + 12 (R-L-3).

    None past the end of the calendar (year 9999), where there is no bound, and before the
    first OSMS payment (2017-07), where the bound is not defined: intake refuses such dates.

    >>> latest_period(date(2025, 6, 25))
    Month(2026, 6)
    >>> latest_period(date(2001, 1, 1)) is None
    True
    """
    horizon = parameters.load_parameters().get("advance_period_horizon_months")
    try:
        return Month.of(paid_on) + horizon.int_at(paid_on)
    except (InvalidMonth, parameters.ParameterMissing):
        return None


def period_problem(period: Month, knp: KNP, paid_on: date) -> str | None:
    """R-L-3: why a payment's period cannot be accepted, as a stable code, or None.

    >>> period_problem(Month(2023, 11), KNP.CONTRIBUTION, date(2022, 10, 17))
    'line.period_too_late'
    >>> period_problem(Month(2023, 10), KNP.CONTRIBUTION, date(2022, 10, 17)) is None
    True
    >>> period_problem(Month(2019, 12), KNP.CONTRIBUTION, date(2020, 1, 10))
    'line.period_too_early'
    >>> period_problem(Month(2019, 12), KNP.EMPLOYER_DEDUCTION, date(2020, 1, 10)) is None
    True
    >>> period_problem(Month(2024, 1), KNP.SINGLE_PAYMENT, date(2024, 1, 10))
    'line.period_outside_esp'
    """
    if knp is KNP.SINGLE_PAYMENT:
        esp_first, esp_last = parameters.single_payment_periods()
        if not esp_first <= period <= esp_last:
            return "line.period_outside_esp"
    elif period < earliest_period(knp):
        return "line.period_too_early"
    last = latest_period(paid_on)
    if last is not None and period > last:
        return "line.period_too_late"
    return None


def _covers(knp: KNP, payer: str | None) -> ItemCover:
    """КНП 121, 183 (ЕСП), or 122 paid by a BIN, cover like the employer's (R-L-6); other 122
    the person's own; penalties (123, 124) never cover (R-L-2).  A ``self_employed`` person's
    own 122 from 2026 is the employer kind too: the ledger decides that, knowing the kind."""
    if knp is KNP.EMPLOYER_DEDUCTION or knp is KNP.SINGLE_PAYMENT:
        return ItemCover.EMPLOYER
    if knp is KNP.CONTRIBUTION:
        return ItemCover.EMPLOYER if _is_bin(payer) else ItemCover.SELF
    return ItemCover.NONE


@dataclass(frozen=True, slots=True)
class CategoryPeriod:
    """A state-paid category period, months inclusive; ``last`` None means still open."""

    category: str
    first: Month
    last: Month | None = None

    def contains(self, month: Month) -> bool:
        return self.first <= month and (self.last is None or month <= self.last)


@dataclass(frozen=True, slots=True)
class TemporaryGrant:
    """An approved one-month temporary status (R-TMP-1), valid on [granted_on, ends_on)."""

    category: str
    granted_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.granted_on <= day < self.ends_on


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """Everything the rules need to know about one person."""

    iin: str
    birth_date: date
    kind: PayerKind = PayerKind.SELF_PAYER
    categories: tuple[CategoryPeriod, ...] = ()
    temporary: tuple[TemporaryGrant, ...] = ()
    payments: tuple[PaymentItem, ...] = field(default=())

    @classmethod
    def in_order(
        cls,
        iin: str,
        birth_date: date,
        kind: PayerKind,
        categories: Iterable[CategoryPeriod],
        temporary: Iterable[TemporaryGrant],
        payments: Iterable[PaymentItem],
    ) -> PersonFacts:
        """The facts of stored rows, whatever order they came in: the category periods by
        first month, category and last month, the grants by grant day, end and category (the
        registry's and the batch tables' readers give equal facts for equal rows).

        >>> student = CategoryPeriod("student", Month(2021, 9))
        >>> disabled = CategoryPeriod("disabled", Month(2020, 1))
        >>> facts = PersonFacts.in_order(
        ...     "900515300018", date(1990, 5, 15), PayerKind.SELF_PAYER, [student, disabled], [], []
        ... )
        >>> [c.category for c in facts.categories]
        ['disabled', 'student']
        """
        return cls(
            iin=iin,
            birth_date=birth_date,
            kind=kind,
            categories=tuple(
                sorted(categories, key=lambda c: (c.first, c.category, c.last or c.first))
            ),
            temporary=tuple(sorted(temporary, key=lambda g: (g.granted_on, g.ends_on, g.category))),
            payments=tuple(payments),
        )
