"""The plan of a whole-population run: the dates, the window of months and every parameter,
read once from :mod:`osms.rules.parameters`, that the SQL forms of the rules
(:mod:`osms.rules.coverage_sql`, :mod:`osms.rules.status_sql`) write into their text.

A month is its index ``year * 12 + month - 1`` (:attr:`osms.rules.month.Month.index`); the
window holds the months ``[window_start, window_end]``, month ``window_start + i`` being bit i
of a per-person integer.  The dated parameters (R-S-4…R-S-6) are read for the decided month
and must hold over every month a run decides; each must fit the bit layout, else
:class:`PlanError` says which.

Pending months (R-L-9) depend only on dates, so the plan computes them once in Python and the
SQL gets constants.  An employee's month, or a self-employed person's month from the regime's
start, that is not covered yet is *pending* while a payment made on its due date would not be
credited yet.  On a day x the pending months are the uncovered ones of [fp(x), month(x)], where
fp(x) is the later of the first month still pending on x
(:func:`osms.rules.pending.first_pending_month`) and the first month that can be pending for
the payer's kind.  Pending months are never gaps of R-S-5's look-back, so a month j decided on
day x sets aside the δ = j − fp(x) months just before it:

- how many months of [fp(d), M] are pending on the query date d (the debt months and the
  reason of month M);
- the *phases* of every month j of the window from M on: the days, from d for M and from the
  first day of j after it, on which δ changes (it only falls as days pass: fp grows), with
  their δ.  A month insured on its first phase can lose the status on a later one (a month
  before it stops being pending and becomes a gap), which ``insured_until`` must see (R-S-7);
- fp(x) for any day, as a list of credit days (the temporary-grant walk decides any day).

>>> employee = pending_kind("employee", date(2026, 11, 22), Month(2026, 11).index)
>>> employee.at_m  # October and November 2026 can still be paid on time
2
>>> employee.phases(Month(2026, 12).index)  # November pending until it is credited on 12-30
[(datetime.date(2026, 12, 1), 1), (datetime.date(2026, 12, 30), 0)]
>>> pending_kind("self_employed", date(2026, 1, 20), Month(2026, 1).index).at_m
1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from osms.rules import parameters
from osms.rules.choices import DEFAULT_CHOICES, RuleChoices
from osms.rules.errors import RuleError
from osms.rules.facts import PayerKind, latest_period
from osms.rules.month import Month
from osms.rules.pending import first_pending_month, pending_from, pending_until

__all__ = [
    "AMOUNT_BITS",
    "DAY_BITS",
    "EPOCH",
    "OPEN",
    "PENDING_KINDS",
    "PendingKind",
    "Plan",
    "PlanError",
    "pending_kind",
    "plan",
    "price_table",
]

OPEN = 10**7
"""A month index far in the future, standing for an open category period."""
_MAX_LOOKBACK = 14
"""R-S-5's look-back L: ``debt_mask`` (SMALLINT) holds the months M − L … M."""
_MAX_LONG_MONTHS = 62
"""R-S-6's months of contributions: those before the window travel in one BIGINT."""
_MAX_LEAD = 31
"""Months paid in advance (R-L-3's horizon) and the prepaid block's length, in 5 bits."""
AMOUNT_BITS = 30
DAY_BITS = 16
EPOCH = date(1970, 1, 1)


class PlanError(ValueError):
    """A whole-population run cannot answer this question (and says why)."""


# -- the plan: constants of one run ---------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Everything one run fixes: the dates, the window of months, prices, parameters."""

    on: date
    as_of: date
    decided_month: int
    """Month index of ``on`` (R-T-1)."""
    window_start: int
    window_end: int
    width: int
    int_type: str
    liable_from: int
    """2020-01: contributions are due from then (R-C-3, Q15)."""
    employer_from: int
    transitional: tuple[int, int]
    long_payer_from: int | None
    child_months: int
    horizon: int
    """R-L-3: a payment may be for at most this many months after the month paid."""
    grace: int
    """R-S-6's G (3), read from the parameters for M, as the four below."""
    lookback: int
    """R-S-5's look-back (12)."""
    prepaid: int
    """R-S-4's block length (12)."""
    long_grace: int
    """R-S-6's long payer's G (6; the plain G where the rule does not exist yet)."""
    long_months: int
    """R-S-6's months of contributions (60)."""
    single_payment: tuple[int, int]
    """R-L-2: the months an ЕСП item (КНП 183) may be for."""
    self_employed_from: int
    """R-L-6: from this month a self-employed person's КНП 122 covers like an employer's."""
    block_start: date
    """R-S-4: the first day a payment can be part of a prepaid block."""
    price_from: int
    """R-L-4: the first year a rate was in force (a month paid earlier is priced at it)."""
    pending: tuple[PendingKind, ...] = field(repr=False)
    """R-L-9: the payer kinds whose months can be pending, with their dates."""
    phases: Mapping[str, tuple[list[tuple[date, int]], ...]] = field(repr=False)
    """R-L-9: by payer kind, the phases of each month M … window_end
    (:meth:`PendingKind.phases`)."""
    prices: Mapping[str, Mapping[int, int]] = field(repr=False)

    @property
    def top(self) -> int:
        """The sentinel bit just above the window."""
        return self.width

    @property
    def decided_position(self) -> int:
        """Bit position of M: the window starts at M − L − 2 (R-S-5's look-back and the
        transition into it)."""
        return self.decided_month - self.window_start

    @property
    def lookback_mask(self) -> int:
        """The L + 1 months M − L … M."""
        return (1 << (self.lookback + 1)) - 1

    def lit(self, value: int) -> str:
        return f"{value}::{self.int_type}"

    def pos(self, month: int) -> int:
        return month - self.window_start

    def mask(self, first: int, last: int) -> int:
        """Bits of the months [first, last] (clipped to the window)."""
        lo = max(first, self.window_start) - self.window_start
        hi = min(last, self.window_end) - self.window_start
        if hi < lo:
            return 0
        return (1 << (hi + 1)) - (1 << lo)

    def months_mask(self, months: Iterable[int]) -> int:
        return sum(
            1 << (i - self.window_start)
            for i in months
            if self.window_start <= i <= self.window_end
        )

    @property
    def set_aside_max(self) -> int:
        """The most months set aside as pending (R-L-9) before a month of the window."""
        return max(
            (delta for phases in self.phases.values() for month in phases for _, delta in month),
            default=0,
        )

    def phase_starts(self, kind: str) -> dict[int, dict[int, date]]:
        """R-L-9: for each number of months set aside, the month (index) → the day it starts
        being decided with that many (the phases of :meth:`PendingKind.phases`)."""
        found: dict[int, dict[int, date]] = {}
        for offset, month in enumerate(self.phases[kind]):
            for day, delta in month:
                found.setdefault(delta, {})[self.decided_month + offset] = day
        return found


def _dated_rules(month: Month) -> tuple[int, int, int]:
    return (
        parameters.grace_months(month),
        parameters.lookback_months(month),
        parameters.prepayment_months(month),
    )


def _long_rule(month: Month) -> tuple[int, int] | None:
    grace = parameters.long_payer_grace_months(month)
    months = parameters.long_payer_months(month)
    if grace is None and months is None:
        return None
    if grace is None or months is None:
        raise PlanError(f"{month}: the long-payer rule has only one of its two parameters")
    return grace, months


def plan(on: date, as_of: date | None = None, settings: RuleChoices = DEFAULT_CHOICES) -> Plan:
    """The plan of a run on ``on`` as known on ``as_of`` (default ``on``).

    The dated parameters (R-S-4…R-S-6) are read for M and must hold over every month the run
    decides (M and the months ``insured_until`` looks at); each must fit the bit layout.
    """
    if settings != DEFAULT_CHOICES:
        raise PlanError("the batch engine implements the default rule settings only")
    known = on if as_of is None else as_of
    if known < on:
        raise PlanError(f"as_of {known} is before the date {on}")
    liable_from = parameters.liability_start().index
    month = Month.of(on)
    if month.index < liable_from:
        raise PlanError(f"dates before {parameters.liability_start()} are not supported")
    m = month.index
    horizons = {
        latest_period(day).index - Month.of(day).index  # type: ignore[union-attr]
        for day in (date(2017, 7, 1), known)
    }
    if len(horizons) != 1:
        raise PlanError(f"advance period horizon {sorted(horizons)} changes: not supported")
    horizon = horizons.pop()
    grace, lookback, prepaid = _dated_rules(month)
    known_m = max(m, Month.of(known).index)
    longs = {
        rule
        for index in range(m, known_m + horizon + 40)
        if (rule := _long_rule(Month.from_index(index))) is not None
    }
    if len(longs) > 1:
        raise PlanError(f"long payers {sorted(longs)} change over the run's months")
    long_grace, long_months = longs.pop() if longs else (grace, 0)
    _check_layout(grace, lookback, prepaid, long_grace, long_months, horizon)
    window_start = m - lookback - 2
    window_end = known_m + horizon + max(grace, long_grace) + 2
    width = window_end - window_start + 1
    if width <= 61:
        int_type = "BIGINT"
    elif width <= 124:
        int_type = "HUGEINT"
    else:
        raise PlanError(
            f"as_of {known} is too long after {on}: the window would be {width} months "
            "(at most 124: as_of at most about 7 years after the date)"
        )
    long_from: int | None = None
    for index in range(m, window_end + 1):
        mo = Month.from_index(index)
        values = _dated_rules(mo)
        if values != (grace, lookback, prepaid):
            raise PlanError(
                f"{mo}: grace/look-back/prepayment {values} differ from {month}'s "
                f"{(grace, lookback, prepaid)}: not supported"
            )
        if _long_rule(mo) is None:
            if long_from is not None:
                raise PlanError(f"{mo}: the long-payer rule stops; not supported")
        elif long_from is None:
            long_from = index
    prices = price_table()
    top_price = max(max(t.values(), default=0) for t in prices.values())
    if top_price >= 1 << AMOUNT_BITS:
        raise PlanError(f"a monthly price of {top_price / 100} tenge does not fit the layout")
    if (known - EPOCH).days >= 1 << DAY_BITS:
        raise PlanError(f"as_of {known} is past the last day the layout holds")
    first, last = parameters.transitional_window()
    esp_first, esp_last = parameters.single_payment_periods()
    pending = tuple(pending_kind(kind, on, m) for kind in PENDING_KINDS)
    return Plan(
        on=on,
        as_of=known,
        decided_month=m,
        window_start=window_start,
        window_end=window_end,
        width=width,
        int_type=int_type,
        liable_from=liable_from,
        employer_from=parameters.employer_liability_start().index,
        transitional=(first.index, last.index),
        long_payer_from=long_from,
        child_months=12 * parameters.child_category_until_age(),
        horizon=horizon,
        grace=grace,
        lookback=lookback,
        prepaid=prepaid,
        long_grace=long_grace,
        long_months=long_months,
        single_payment=(esp_first.index, esp_last.index),
        self_employed_from=parameters.self_employed_regime_start().index,
        block_start=parameters.prepaid_block_start(),
        price_from=min(min(t) for t in prices.values() if t),
        pending=pending,
        phases={k.kind: tuple(k.phases(i) for i in range(m, window_end + 1)) for k in pending},
        prices=prices,
    )


def _check_layout(
    grace: int, lookback: int, prepaid: int, long_grace: int, long_months: int, horizon: int
) -> None:
    """Every dated parameter within what the bit layout holds (else a clear refusal)."""
    problems = []
    if not 1 <= lookback <= _MAX_LOOKBACK:
        problems.append(f"look-back {lookback} outside 1…{_MAX_LOOKBACK}")
    if not 0 <= grace < lookback:
        problems.append(f"grace {grace} outside 0…{lookback - 1} (below the look-back)")
    if not grace <= long_grace <= lookback:
        problems.append(f"long payers' grace {long_grace} outside {grace}…{lookback}")
    if not 0 <= long_months <= _MAX_LONG_MONTHS:
        problems.append(f"long payers' months {long_months} outside 0…{_MAX_LONG_MONTHS}")
    if not 1 <= prepaid <= _MAX_LEAD:
        problems.append(f"prepaid block of {prepaid} months outside 1…{_MAX_LEAD}")
    if not 0 <= horizon <= _MAX_LEAD:
        problems.append(f"advance period horizon {horizon} outside 0…{_MAX_LEAD}")
    if problems:
        raise PlanError("parameters the batch layout cannot hold: " + "; ".join(problems))


# -- pending months (R-L-9) -----------------------------------------------------------------------


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
    decided_month: int
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
        start = self.on if month == self.decided_month else Month.from_index(month).first_day()
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


# -- prices (R-L-4) ------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def price_table(first_year: int = 2017, last_year: int = 2031) -> dict[str, dict[int, int]]:
    """Monthly self-payment prices in tiyn by payer kind and year (R-L-4, R-K-1).

    Years whose parameters are unknown are left out: a price asked for them is an error.
    Employees who pay a month themselves pay as self-payers.
    """
    table: dict[str, dict[int, int]] = {"self_payer": {}, "entrepreneur": {}, "employee": {}}
    for year in range(first_year, last_year + 1):
        try:
            own = int(parameters.self_payer_monthly(year) * 100)
            ie = int(parameters.entrepreneur_monthly(year) * 100)
        except RuleError:
            continue
        table["self_payer"][year] = own
        table["employee"][year] = own
        table["entrepreneur"][year] = ie
    return table


parameters.on_reload(price_table.cache_clear)  # a price override reaches the next plan (R-P-3)
