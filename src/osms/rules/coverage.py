"""Which months are covered, and which are liable (R-L-5, R-L-6, R-C-1…R-C-4).

A :class:`Ledger` is one person's facts arranged for the status engine: the items grouped by
month, the category periods as month-index intervals, the child category read from the IIN's
birth date.  Coverage is asked per month and per knowledge date (R-S-0) and computed lazily, so
a decision touches only the months it needs, whatever the length of the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from osms.rules import parameters
from osms.rules.facts import KNP, PayerKind, PaymentItem, PersonFacts
from osms.rules.month import Month
from osms.rules.pricing import month_price
from osms.rules.settings import DEFAULT_SETTINGS, RuleSettings

__all__ = ["CHILD", "Cover", "Ledger", "MonthCover"]

CHILD = "child"
"""The state-paid category every person is in from birth through the month they turn 18."""

_OPEN = 10**9


class Cover(StrEnum):
    """How a month is covered (R-C-1), or why it is not."""

    CATEGORY = "category"
    SELF = "self"
    EMPLOYER = "employer"
    UNPAID = "unpaid"
    """Liable and not covered: a debt month."""
    NOT_LIABLE = "not_liable"
    """Before liability started (R-C-3, Q15): never debt."""


@dataclass(frozen=True, slots=True)
class MonthCover:
    """The coverage of one month as known on a date, with what was paid towards it."""

    month: Month
    cover: Cover
    category: str | None
    self_paid: Decimal
    items: tuple[PaymentItem, ...]


class Ledger:
    """One person's facts, compiled for fast month-by-month questions."""

    __slots__ = (
        "_cache",
        "_categories",
        "_items",
        "_known_on",
        "child_last",
        "facts",
        "liable_from",
        "settings",
    )

    def __init__(self, facts: PersonFacts, settings: RuleSettings = DEFAULT_SETTINGS) -> None:
        self.facts = facts
        self.settings = settings
        birth = Month.of(facts.birth_date)
        # R-C-2: child from birth through the month of the 18th birthday.
        self.child_last = birth.index + 12 * parameters.child_category_until_age()
        categories: list[tuple[int, int, str]] = [(birth.index, self.child_last, CHILD)]
        for period in facts.categories:
            last = _OPEN if period.last is None else period.last.index
            categories.append((period.first.index, last, period.category))
        self._categories = tuple(categories)
        # R-C-3: liable from 2020-01 (Q15) and after the child category.
        self.liable_from = max(parameters.liability_start().index, self.child_last + 1)
        items: dict[int, list[PaymentItem]] = {}
        for item in facts.payments:
            items.setdefault(item.period.index, []).append(item)
        self._items = items
        self._known_on: date | None = None
        self._cache: dict[int, Cover] = {}

    @property
    def kind(self) -> PayerKind:
        return self.facts.kind

    # -- categories and liability ---------------------------------------------------------

    def category_of(self, index: int) -> str | None:
        """The state-paid category covering the month (R-C-1, R-C-2), if any."""
        for first, last, name in self._categories:
            if first <= index <= last:
                return name
        return None

    def category_is_open(self, index: int) -> bool:
        """True when a category covers the month and has no known end."""
        return any(first <= index and last == _OPEN for first, last, _ in self._categories)

    def liable(self, index: int) -> bool:
        """R-C-3: on or after the liability start, after childhood, in no category."""
        return index >= self.liable_from and self.category_of(index) is None

    # -- coverage -------------------------------------------------------------------------

    def cover(self, index: int, known_on: date) -> Cover:
        """How month ``index`` is covered as known on ``known_on`` (R-S-0, R-C-1)."""
        if known_on != self._known_on:
            self._known_on = known_on
            self._cache = {}
        cached = self._cache.get(index)
        if cached is not None:
            return cached
        result = self._cover(index, known_on)
        self._cache[index] = result
        return result

    def _cover(self, index: int, known_on: date) -> Cover:
        if self.category_of(index) is not None:
            return Cover.CATEGORY
        items = self._items.get(index)
        if items:
            paid = self._payments_cover(index, items, known_on)
            if paid is not None:
                return paid
        return Cover.UNPAID if index >= self.liable_from else Cover.NOT_LIABLE

    def _payments_cover(self, index: int, items: list[PaymentItem], known_on: date) -> Cover | None:
        own: list[PaymentItem] = []
        for item in items:
            if not item.counts_on(known_on) or item.amount <= 0:
                continue
            if item.knp is KNP.EMPLOYER_DEDUCTION or (
                item.knp is KNP.CONTRIBUTION and item.paid_by_organisation
            ):
                return Cover.EMPLOYER  # R-L-6
            if item.knp is KNP.CONTRIBUTION:
                own.append(item)
        if not own:
            return None
        return Cover.SELF if self._self_covered(Month.from_index(index), own) else None

    def _self_covered(self, month: Month, own: list[PaymentItem]) -> bool:
        """R-L-5: the credited self-payments reach the amount due (priced per R-L-4).

        Items are added in the order paid; the month is covered once the running sum reaches
        the price in force on the day of the item that completed it.
        """
        if len(own) > 1:
            own = sorted(own, key=lambda item: item.paid_on)
        total = Decimal(0)
        for item in own:
            total += item.amount
            if total >= month_price(self.kind, month, item.paid_on, self.settings):
                return True
        return False

    def covered(self, index: int, known_on: date) -> bool:
        return self.cover(index, known_on) in _COVERED

    def uncovered_liable(self, index: int, known_on: date) -> bool:
        return self.cover(index, known_on) is Cover.UNPAID

    def self_covered(self, index: int, known_on: date) -> bool:
        return self.cover(index, known_on) is Cover.SELF

    def contribution_covered(self, index: int, known_on: date) -> bool:
        """Covered by contributions, self or employer (R-S-6's long-payer months)."""
        cover = self.cover(index, known_on)
        if self.settings.category_months_make_long_payer:
            return cover in _COVERED
        return cover is Cover.SELF or cover is Cover.EMPLOYER

    def self_paid(self, index: int, known_on: date) -> Decimal:
        """What the person paid themselves towards the month (for partial debts, R-L-5)."""
        return sum(
            (
                item.amount
                for item in self._items.get(index, ())
                if item.knp is KNP.CONTRIBUTION
                and not item.paid_by_organisation
                and item.counts_on(known_on)
            ),
            Decimal(0),
        )

    def month_cover(self, month: Month, known_on: date) -> MonthCover:
        """The month's coverage with its counted items, for the payments view (R-S-7)."""
        index = month.index
        items = tuple(
            sorted(
                (i for i in self._items.get(index, ()) if i.counts_on(known_on)),
                key=lambda i: (i.paid_on, i.credited_on),
            )
        )
        return MonthCover(
            month=month,
            cover=self.cover(index, known_on),
            category=self.category_of(index),
            self_paid=self.self_paid(index, known_on),
            items=items,
        )

    def last_known_month(self) -> int:
        """The latest month any fact speaks of (payments or a closed category)."""
        latest = self.child_last
        for _, last, _ in self._categories:
            if last != _OPEN:
                latest = max(latest, last)
        if self._items:
            latest = max(latest, max(self._items))
        return latest

    def items(self) -> Iterable[PaymentItem]:
        return self.facts.payments


_COVERED = frozenset({Cover.CATEGORY, Cover.SELF, Cover.EMPLOYER})
