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
from osms.rules.choices import DEFAULT_CHOICES, RuleChoices
from osms.rules.facts import ItemCover, PayerKind, PaymentItem, PersonFacts
from osms.rules.month import Month
from osms.rules.pending import first_pending_month, pending_from
from osms.rules.pricing import month_price

__all__ = ["CHILD", "Cover", "Ledger", "MonthCover"]

CHILD = "child"
"""The state-paid category every person is in from birth through the month they turn 18."""

_OPEN = 10**9
_ZERO = Decimal(0)


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


_PRICE_TABLES: dict[tuple[PayerKind, RuleChoices], dict[int, Decimal]] = {}


def _price_table(kind: PayerKind, settings: RuleChoices) -> dict[int, Decimal]:
    """Month prices by ``year * 10000 + year paid``, shared by every ledger of a kind.

    Prices depend only on the kind, the settings and the two years (R-L-4), and parameters
    are fixed for the life of the process; sharing the table spares each new ledger (one per
    request) from pricing its months again.
    """
    return _PRICE_TABLES.setdefault((kind, settings), {})


class Ledger:
    """One person's facts, compiled for fast month-by-month questions."""

    __slots__ = (
        "_categories",
        "_items",
        "_known_on",
        "_last_known",
        "_paid",
        "_paid_day",
        "_prices",
        "_unpaid",
        "child_last",
        "contributions_from",
        "facts",
        "liable_from",
        "long_payer_memo",
        "pending_from",
        "platform_from",
        "settings",
    )

    def __init__(self, facts: PersonFacts, settings: RuleChoices = DEFAULT_CHOICES) -> None:
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
        self.contributions_from = parameters.liability_start().index
        self.liable_from = max(self.contributions_from, self.child_last + 1)
        # R-L-6: from the regime's start a self-employed person's КНП 122 is the platform's.
        self.platform_from = (
            parameters.self_employed_regime_start().index
            if facts.kind is PayerKind.SELF_EMPLOYED
            else _OPEN
        )
        # R-L-9: the months an employer or a platform may still be about to pay.
        first_pending = pending_from(facts.kind)
        self.pending_from = _OPEN if first_pending is None else first_pending.index
        self._items: dict[int, list[PaymentItem]] | None = None
        self._last_known: int | None = None
        self._known_on: date | None = None
        self._paid: dict[int, Cover] = {}
        self._paid_day: dict[int, date | None] = {}
        self._prices = _price_table(facts.kind, settings)
        self._unpaid: dict[int, bool] = {}
        self.long_payer_memo: dict[int, bool] = {}

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
        self._at(known_on)
        paid = self._paid.get(index)
        # A month the person paid in full stays self-covered inside a category too, so that
        # a category starting mid-way never breaks a prepaid run (R-S-4).
        if paid is Cover.SELF:
            return paid
        for first, last, _ in self._categories:
            if first <= index <= last:
                return Cover.CATEGORY
        if paid is not None:
            return paid
        return Cover.UNPAID if index >= self.liable_from else Cover.NOT_LIABLE

    def _at(self, known_on: date) -> None:
        """Make the coverage of ``known_on`` current (the memo loops read it directly)."""
        if known_on != self._known_on:
            self._snapshot(known_on)

    def _snapshot(self, known_on: date) -> None:
        """Which months the ledger covers as known on ``known_on``, in one pass (R-S-0).

        Employer items (КНП 121, ЕСП 183, 122 paid by a BIN, and a self-employed person's 122
        from the regime's start) cover a month whatever the amount (R-L-6); the person's own
        КНП 122 items cover it once they reach its price (R-L-5); penalties never cover (R-L-2).
        """
        employer = Cover.EMPLOYER
        self_cover = Cover.SELF
        own_item = ItemCover.SELF
        employer_item = ItemCover.EMPLOYER
        zero = _ZERO
        start = self.contributions_from  # no contributions before 2020-01 (Q15, R-L-3)
        platform_from = self.platform_from
        prices = self._prices
        paid: dict[int, Cover] = {}
        partial: dict[int, list[PaymentItem]] = {}
        for item in self.facts.payments:
            if item.credited_on > known_on or item.amount <= zero:
                continue
            refunded_on = item.refunded_on
            if refunded_on is not None and refunded_on <= known_on:
                continue
            covers = item.covers
            index = item.period.index
            if covers is own_item and index >= platform_from:
                covers = employer_item
            if covers is own_item:
                if index < start:
                    continue
                price = prices.get(index // 12 * 10000 + item.paid_on.year)
                if price is None:
                    price = self._price(index, item.paid_on)
                if item.amount >= price:
                    paid[index] = self_cover  # this item alone reaches the price (R-L-5)
                else:
                    partial.setdefault(index, []).append(item)
            elif covers is employer_item and paid.get(index) is not self_cover:
                paid[index] = employer
        for index, items in partial.items():
            if paid.get(index) is not self_cover and self._self_covered(index, items):
                paid[index] = self_cover
        self._paid = paid
        self._known_on = known_on
        self._paid_day = {}
        self._unpaid = {}
        self.long_payer_memo = {}

    def _price(self, index: int, paid_on: date) -> Decimal:
        """The month's price when paid on ``paid_on`` (R-L-4), cached by the two years."""
        key = index // 12 * 10000 + paid_on.year
        price = self._prices.get(key)
        if price is None:
            price = self._prices[key] = month_price(
                self.kind, Month.from_index(index), paid_on, self.settings
            )
        return price

    def _self_covered(self, index: int, own: list[PaymentItem]) -> bool:
        """R-L-5: the credited self-payments reach the amount due (priced per R-L-4).

        Items are added in the order paid; the month is covered once the running sum reaches
        the price in force on the day of the item that completed it.
        """
        total = Decimal(0)
        for item in sorted(own, key=lambda item: item.paid_on):
            total += item.amount
            if total >= self._price(index, item.paid_on):
                return True
        return False

    def covered(self, index: int, known_on: date) -> bool:
        return self.cover(index, known_on) in _COVERED

    def uncovered_liable(self, index: int, known_on: date) -> bool:
        """Liable and not covered (R-C-3): the month the look-back rules count.

        Memoised per knowledge date: walking ``insured_until`` asks the same months again for
        each month ahead (R-S-5's look-back windows overlap).
        """
        self._at(known_on)
        unpaid = self._unpaid.get(index)
        if unpaid is None:
            unpaid = self._unpaid[index] = self.cover(index, known_on) is Cover.UNPAID
        return unpaid

    def unpaid_run(self, index: int, known_on: date, limit: int) -> int:
        """How many months up to ``index`` are liable and unpaid in a row (at most
        ``limit`` + 1): R-S-5's trailing run."""
        self._at(known_on)
        memo, unpaid = self._unpaid, self.uncovered_liable
        run = 0
        while run <= limit:
            hit = memo.get(index - run)
            if not (unpaid(index - run, known_on) if hit is None else hit):
                break
            run += 1
        return run

    def any_unpaid(self, first: int, last: int, known_on: date) -> bool:
        """Whether a month of [first, last] is liable and unpaid (R-S-5's look-back)."""
        self._at(known_on)
        memo, unpaid = self._unpaid, self.uncovered_liable
        for i in range(first, last + 1):
            hit = memo.get(i)
            if unpaid(i, known_on) if hit is None else hit:
                return True
        return False

    def self_covered(self, index: int, known_on: date) -> bool:
        return self.cover(index, known_on) is Cover.SELF

    # -- prepaid blocks (R-S-4) -----------------------------------------------------------

    def block_paid_day(self, index: int, known_on: date) -> date | None:
        """The day a self-covered month was paid for a prepaid block (R-S-4): the day of the
        item whose addition, in the order paid, first reached the price (R-L-5), counting only
        items paid from the mechanism's start; None when those never reach it."""
        self._at(known_on)
        if index in self._paid_day:
            return self._paid_day[index]
        day = None
        if self._paid.get(index) is Cover.SELF:
            opens = parameters.prepaid_block_start()
            total = Decimal(0)
            own = (
                item
                for item in self._by_month().get(index, ())
                if item.covers is ItemCover.SELF
                and item.paid_on >= opens
                and item.counts_on(known_on)
            )
            for item in sorted(own, key=lambda item: item.paid_on):
                total += item.amount
                if total >= self._price(index, item.paid_on):
                    day = item.paid_on
                    break
        self._paid_day[index] = day
        return day

    def starts_block(self, first: int, months: int, known_on: date) -> bool:
        """R-S-4: months ``first`` … ``first + months − 1`` were each paid in advance as one
        block: on or after the mechanism's start and by the last day of month ``first``."""
        closes = Month.from_index(first).last_day()
        for index in range(first, first + months):
            day = self.block_paid_day(index, known_on)
            if day is None or day > closes:
                return False
        return True

    # -- pending months (R-L-9) -----------------------------------------------------------

    @property
    def has_pending_months(self) -> bool:
        """An employee or a self-employed person: unpaid months can be pending (R-L-9)."""
        return self.pending_from != _OPEN

    def first_pending(self, on: date) -> int:
        """The first month that can be pending on ``on`` (every one from it through the
        month of ``on``), or a month past any date for a payer whose months never are."""
        if self.pending_from == _OPEN:
            return _OPEN
        return max(self.pending_from, first_pending_month(on).index)

    def contributions_cover(self, first: int, last: int, known_on: date) -> bool:
        """Every month of [first, last] is covered by contributions, self or employer (R-S-6).

        Category months do not count unless the Q5 setting says they do.
        """
        if self.settings.category_months_make_long_payer:
            return all(self.covered(i, known_on) for i in range(first, last + 1))
        self._at(known_on)
        paid = self._paid
        return all(i in paid for i in range(last, first - 1, -1))

    def contribution_covered(self, index: int, known_on: date) -> bool:
        """Covered by contributions, self or employer (R-S-6's long-payer months)."""
        cover = self.cover(index, known_on)
        if self.settings.category_months_make_long_payer:
            return cover in _COVERED
        return cover is Cover.SELF or cover is Cover.EMPLOYER

    def _by_month(self) -> dict[int, list[PaymentItem]]:
        """The items by month, without those of no amount: intake refuses them (R-L-3), and
        where facts come from elsewhere they pay towards nothing, in both engines."""
        if self._items is None:
            items: dict[int, list[PaymentItem]] = {}
            for item in self.facts.payments:
                if item.amount > 0:
                    items.setdefault(item.period.index, []).append(item)
            self._items = items
        return self._items

    def self_paid(self, index: int, known_on: date) -> Decimal:
        """What the person paid themselves towards the month (for partial debts, R-L-5)."""
        if index >= self.platform_from:
            return Decimal(0)  # any КНП 122 item covers the month there (R-L-6)
        return sum(
            (
                item.amount
                for item in self._by_month().get(index, ())
                if item.covers is ItemCover.SELF and item.counts_on(known_on)
            ),
            Decimal(0),
        )

    def month_cover(self, month: Month, known_on: date) -> MonthCover:
        """The month's coverage with its counted items, for the payments view (R-S-7)."""
        index = month.index
        items = tuple(
            sorted(
                (i for i in self._by_month().get(index, ()) if i.counts_on(known_on)),
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
        """The latest month any fact speaks of: a payment, or a category's start or end.

        After it, every month is liable and unpaid, which lets the engine count ahead.
        """
        if self._last_known is None:
            self._last_known = max(
                self.child_last,
                max((first if last == _OPEN else last for first, last, _ in self._categories)),
                max((item.period.index for item in self.facts.payments), default=0),
            )
        return self._last_known

    def items(self) -> Iterable[PaymentItem]:
        return self.facts.payments


_COVERED = frozenset({Cover.CATEGORY, Cover.SELF, Cover.EMPLOYER})
