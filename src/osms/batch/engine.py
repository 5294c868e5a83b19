"""Status for every person on a date, as known on a date: R-S-0…R-S-7 in DuckDB SQL.

The per-person engine (:mod:`osms.rules.status`) walks months one at a time.  Here the same
rules run over whole tables, a *step* of parts at a time (:mod:`osms.batch.schema`), in a
few SQL statements:

1. **Ledger → per-person month bitmasks, one pass.**  Items credited by the knowledge date k
   and not refunded by it (R-S-0), valid under R-L-3 (period from 2020-01 for КНП 122, from
   2017-07 for 121, within 2019-01…2023-12 for the ЕСП's 183, at most 12 months after the
   month paid), aggregated per person into integers whose bit i is month ``ws + i`` of a
   window ``[M − L − 2, max(M, month(k)) + horizon + G₆ + 2]``: S, the self-covered months,
   and P, the contribution months (self or employer), plus the contribution months of the 60
   before the window.  An employer item (R-L-6: КНП 121, ЕСП 183, 122 paid by a BIN, and
   from 2026-01 a self-employed person's 122) covers its month whatever the amount; an own
   КНП 122 item that reaches its price (R-L-4: the rate of the day paid, not before the first
   rate in force) covers it (R-L-5).  Own items below the price travel in a short list with
   the day paid; months paid in several of them are summed in the order paid (R-L-5's
   running sum, a window function over those few items).
2. **Prepaid blocks (R-S-4)**, for the few who paid a month at least 11 months ahead: F
   starts a block when each month F + t (t < 12) is self-covered and its own items paid from
   2022-09-05 on reached the price (running sum in the order paid) at least t months ahead.
3. **Categories and grants**, per person: CAT over the same window (registered periods and
   the child category from the birth date, R-C-2), the category of month M, the first open
   category, the grants known by k.
4. **The verdict of every month of the window at once** (bit-parallel): U = liable and
   uncovered (R-C-3); a month is insured by R-S-5 when no uncovered month of its 12 previous
   ones is followed by a covered one (the "gaps"), the pending months just before it aside
   (R-L-9: an employee's or, from 2026, a self-employed person's unpaid months whose due date
   has not yet been credited, :mod:`osms.batch.pending`), and the trailing run is ≤ 3, or ≤ 6
   for a long payer from 2026 (60 contribution months before the run, R-S-6); by R-S-4 when a
   block starts within its run of self-covered months, or it is covered and a block starts
   the month after; by R-S-1 and R-S-2 directly.  The status is M's verdict on d;
   ``insured_until`` is the day before the first day from d that is not insured (R-S-7):
   each month is decided from its first day, and again from each day a month before it stops
   being pending (it then becomes a gap, so a status can end in the middle of a month), with
   temporary grants (R-S-3) walked day by day for the few who have one, and, past the window
   where only categories remain, a walk over the merged category periods (a closed category
   leaves G months of grace unless an unpaid month lies in the 12 before).

Every field equals :func:`osms.rules.status.decide` for every person (``tests/batch``).  Only
the default :class:`~osms.rules.choices.RuleChoices` are implemented.  The dated parameters
(grace, look-back, prepayment, long payers) are read for M from :mod:`osms.rules.parameters`,
must hold over every month the run decides, and must fit the bit layout (else
:class:`BatchError` says which).
"""

from __future__ import annotations

import queue
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from osms.batch.days import price_table
from osms.batch.pending import PENDING_KINDS, PendingKind, pending_kind
from osms.batch.schema import CATEGORIES, GRANTS, PAYMENTS, PEOPLE, missing_files, paths
from osms.rules import parameters
from osms.rules.choices import DEFAULT_CHOICES, RuleChoices
from osms.rules.facts import latest_period
from osms.rules.month import Month

__all__ = [
    "LANES",
    "PARTS_PER_STEP",
    "SNAPSHOT_SCHEMA",
    "BatchError",
    "Plan",
    "connect",
    "decide_parts",
    "part_count",
    "plan",
    "snapshot",
    "snapshot_tables",
    "steps",
]

_OPEN = 10**7
"""A month index far in the future, standing for an open category period."""
_MAX_LOOKBACK = 14
"""R-S-5's look-back L: ``debt_mask`` (SMALLINT) holds the months M − L … M."""
_MAX_LONG_MONTHS = 62
"""R-S-6's months of contributions: those before the window travel in one BIGINT."""
_MAX_LEAD = 31
"""Months paid in advance (R-L-3's horizon) and the prepaid block's length, in 5 bits."""
_AMOUNT_BITS = 30
_DAY_BITS = 16
_EPOCH = date(1970, 1, 1)

PARTS_PER_STEP = 8
"""Parts (262 144 people each) decided together: about 2 million people a step.  Larger
steps amortise each statement's fixed cost; memory grows with the step (times ``LANES``),
not the population (measured in ``docs/scale-out.md``)."""

LANES = 2
"""Steps running at once: two steps of 8 parts beat one of 16 by about 12 % on two cores
(one step's serial phases overlap the other's scan) and use less memory."""

SNAPSHOT_SCHEMA = pa.schema(
    [
        ("iin", pa.string()),
        ("kind", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("category", pa.string()),
        ("insured_until", pa.date32()),
        ("debt_months", pa.int16()),
        ("debt_total", pa.decimal128(14, 2)),
        ("debt_mask", pa.int16()),
        ("grace", pa.bool_()),
        ("loses_status_next_month", pa.bool_()),
        ("grace_months", pa.int8()),
        ("pending_months", pa.int8()),
    ]
)
"""One row per person.  ``debt_mask`` bit i is month M − 12 + i (R-S-7's debt months, the
pending ones aside); ``pending_months`` counts the months of [M − 12, M] an employer or a
platform may still pay on time (R-L-9), shown with the debt months."""


class BatchError(ValueError):
    """The batch engine cannot answer this question (and says why)."""


# -- the plan: constants of one run ---------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Everything one run fixes: the dates, the window of months, prices, parameters."""

    on: date
    as_of: date
    m: int
    """Month index of ``on`` (R-T-1)."""
    ws: int
    we: int
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
    """R-L-9: by payer kind, the phases of each month M … we (:meth:`PendingKind.phases`)."""
    prices: Mapping[str, Mapping[int, int]] = field(repr=False)

    @property
    def top(self) -> int:
        """The sentinel bit just above the window."""
        return self.width

    @property
    def m_pos(self) -> int:
        """Bit position of M: the window starts at M − L − 2 (R-S-5's look-back and the
        transition into it)."""
        return self.m - self.ws

    @property
    def lb_mask(self) -> int:
        """The L + 1 months M − L … M."""
        return (1 << (self.lookback + 1)) - 1

    def lit(self, value: int) -> str:
        return f"{value}::{self.int_type}"

    def pos(self, month: int) -> int:
        return month - self.ws

    def mask(self, first: int, last: int) -> int:
        """Bits of the months [first, last] (clipped to the window)."""
        lo = max(first, self.ws) - self.ws
        hi = min(last, self.we) - self.ws
        if hi < lo:
            return 0
        return (1 << (hi + 1)) - (1 << lo)

    def months_mask(self, months: Iterable[int]) -> int:
        return sum(1 << (i - self.ws) for i in months if self.ws <= i <= self.we)

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
                found.setdefault(delta, {})[self.m + offset] = day
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
        raise BatchError(f"{month}: the long-payer rule has only one of its two parameters")
    return grace, months


def plan(on: date, as_of: date | None = None, settings: RuleChoices = DEFAULT_CHOICES) -> Plan:
    """The plan of a run on ``on`` as known on ``as_of`` (default ``on``).

    The dated parameters (R-S-4…R-S-6) are read for M and must hold over every month the run
    decides (M and the months ``insured_until`` looks at); each must fit the bit layout.
    """
    if settings != DEFAULT_CHOICES:
        raise BatchError("the batch engine implements the default rule settings only")
    known = on if as_of is None else as_of
    if known < on:
        raise BatchError(f"as_of {known} is before the date {on}")
    liable_from = parameters.liability_start().index
    month = Month.of(on)
    if month.index < liable_from:
        raise BatchError(f"dates before {parameters.liability_start()} are not supported")
    m = month.index
    horizons = {
        latest_period(day).index - Month.of(day).index  # type: ignore[union-attr]
        for day in (date(2017, 7, 1), known)
    }
    if len(horizons) != 1:
        raise BatchError(f"advance period horizon {sorted(horizons)} changes: not supported")
    horizon = horizons.pop()
    grace, lookback, prepaid = _dated_rules(month)
    known_m = max(m, Month.of(known).index)
    longs = {
        rule
        for index in range(m, known_m + horizon + 40)
        if (rule := _long_rule(Month.from_index(index))) is not None
    }
    if len(longs) > 1:
        raise BatchError(f"long payers {sorted(longs)} change over the run's months")
    long_grace, long_months = longs.pop() if longs else (grace, 0)
    _check_layout(grace, lookback, prepaid, long_grace, long_months, horizon)
    ws = m - lookback - 2
    we = known_m + horizon + max(grace, long_grace) + 2
    width = we - ws + 1
    if width <= 61:
        int_type = "BIGINT"
    elif width <= 124:
        int_type = "HUGEINT"
    else:
        raise BatchError(
            f"as_of {known} is too long after {on}: the window would be {width} months "
            "(at most 124: as_of at most about 7 years after the date)"
        )
    long_from: int | None = None
    for index in range(m, we + 1):
        mo = Month.from_index(index)
        values = _dated_rules(mo)
        if values != (grace, lookback, prepaid):
            raise BatchError(
                f"{mo}: grace/look-back/prepayment {values} differ from {month}'s "
                f"{(grace, lookback, prepaid)}: not supported"
            )
        if _long_rule(mo) is None:
            if long_from is not None:
                raise BatchError(f"{mo}: the long-payer rule stops; not supported")
        elif long_from is None:
            long_from = index
    prices = price_table()
    top_price = max(max(t.values(), default=0) for t in prices.values())
    if top_price >= 1 << _AMOUNT_BITS:
        raise BatchError(f"a monthly price of {top_price / 100} tenge does not fit the layout")
    if (known - _EPOCH).days >= 1 << _DAY_BITS:
        raise BatchError(f"as_of {known} is past the last day the layout holds")
    first, last = parameters.transitional_window()
    esp_first, esp_last = parameters.single_payment_periods()
    pending = tuple(pending_kind(kind, on, m) for kind in PENDING_KINDS)
    return Plan(
        on=on,
        as_of=known,
        m=m,
        ws=ws,
        we=we,
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
        phases={k.kind: tuple(k.phases(i) for i in range(m, we + 1)) for k in pending},
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
        raise BatchError("parameters the batch layout cannot hold: " + "; ".join(problems))


# -- SQL building blocks --------------------------------------------------------------------------


class _Bits:
    """SQL text for bit operations on one window, never overflowing the integer type."""

    def __init__(self, p: Plan) -> None:
        self.p = p
        self.w = p.width
        self.t = p.int_type
        self.wm = p.lit((1 << p.width) - 1)

    def lit(self, value: int) -> str:
        return self.p.lit(value)

    def shl(self, x: str, k: int) -> str:
        if k == 0:
            return x
        if k >= self.w:
            return self.lit(0)
        return f"(({x} & {self.lit((1 << (self.w - k)) - 1)}) << {k})"

    def shr(self, x: str, k: int) -> str:
        return x if k == 0 else f"({x} >> {k})"

    def bit(self, pos: str) -> str:
        return f"(1::{self.t} << ({pos}))"

    def span(self, lo: str, hi: str) -> str:
        """Bits lo..hi (positions, 0 ≤ lo ≤ hi + 1 ≤ width)."""
        return f"((1::{self.t} << (({hi}) + 1)) - (1::{self.t} << ({lo})))"

    def test(self, x: str, pos: int | str) -> str:
        return f"((({x}) >> ({pos})) & 1 = 1)"

    def ctz(self, x: str) -> str:
        """Index of the lowest set bit of a non-zero x."""
        return f"bit_count(~({x}) & (({x}) - 1))"


def _price_case(p: Plan, kind_is_ie: str, year: str) -> str:
    """The monthly price in tiyn for ``year`` (NULL where unknown), by kind (R-L-4).

    A constant list indexed by the year: one lookup per row, where a ``CASE`` over the years
    compared every branch (a third of the ledger pass at 4 million people).
    """
    first = min(min(t) for t in p.prices.values())
    last = max(max(t) for t in p.prices.values())

    def by_year(table: Mapping[int, int]) -> str:
        return "[" + ", ".join(str(table.get(y, "NULL")) for y in range(first, last + 1)) + "]"

    return (
        f"(CASE WHEN ({year}) BETWEEN {first} AND {last} "
        f"THEN (CASE WHEN {kind_is_ie} THEN {by_year(p.prices['entrepreneur'])} "
        f"ELSE {by_year(p.prices['self_payer'])} END)[({year}) - {first - 1}] END)"
    )


def _midx(yyyymm: str) -> str:
    return f"(({yyyymm}) // 100 * 12 + ({yyyymm}) % 100 - 1)"


def _month_start(index: str) -> str:
    return f"make_date(({index}) // 12, ({index}) % 12 + 1, 1)"


def _yyyymm(index: int) -> int:
    return (index // 12) * 100 + index % 12 + 1


def _dlit(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


# -- the pipeline ---------------------------------------------------------------------------------


def _day(day: date) -> int:
    return (day - _EPOCH).days


def _partial_base(p: Plan) -> int:
    """The month of offset 0 in a partial item (the first month R-S-6 may look at)."""
    return p.ws - p.long_months


def _items_sql(p: Plan) -> str:
    """The ledger items that count on k (R-S-0) and are valid (R-L-3), with the person's kind.

    Valid: period from 2020-01 for КНП 122, from 2017-07 for 121, within 2019-01…2023-12 for
    the ЕСП's 183, at most ``horizon`` months after the month paid.  ``emp``: an item that
    covers like the employer's whatever the amount (R-L-6: КНП 121, ЕСП 183, 122 paid by a
    BIN, and a self-employed person's 122 from the regime's start).  ``paid_full``: an own
    item that reaches the price of its month on its own (R-L-4: the rate of the year paid if
    paid in an earlier year, but not before the first rate in force, else the month's; the IE
    rate for an IE).  ``lead``: how many months before its month the item was paid.
    """
    k = _dlit(p.as_of)
    b = _Bits(p)
    # R-BIN-1: digit 5 of the payer is 4, 5 or 6, i.e. payer mod 10^8 in [4·10^7, 7·10^7)
    by_bin = "coalesce(payer % 100000000 BETWEEN 40000000 AND 69999999, false)"
    price = _price_case(p, "ie", f"greatest(least(pm // 12, py), {p.price_from})")
    esp_first, esp_last = p.single_payment
    return f"""
        SELECT iin, mi, emp, wb, bb, paid_full, lead, paid_on,
               CASE WHEN NOT emp AND NOT paid_full
                    THEN ((mi - {_partial_base(p)})::BIGINT << {_AMOUNT_BITS + _DAY_BITS})
                         | (CAST(paid_on - {_dlit(_EPOCH)} AS BIGINT) << {_AMOUNT_BITS})
                         | amt END AS item
        FROM (
            SELECT iin, mi, emp,
                   CASE WHEN mi >= {p.ws} THEN {b.bit(f"mi - {p.ws}")} ELSE {b.lit(0)} END AS wb,
                   CASE WHEN mi < {p.ws} THEN 1::BIGINT << ({p.ws - 1} - mi) ELSE 0 END AS bb,
                   NOT emp AND coalesce(amt >= {price}, false) AS paid_full,
                   mi - pm AS lead, amt, paid_on
            FROM (
                SELECT i.iin, mi, py, pm, paid_on, coalesce(k.ie, false) AS ie,
                       CAST(amount * 100 AS BIGINT) AS amt,
                       emp_item OR coalesce(k.se AND mi >= {p.self_employed_from}, false) AS emp
                FROM (
                    SELECT iin, mi, py, pm, paid_on, amount,
                           knp <> 122 OR {by_bin} AS emp_item
                    FROM (
                        SELECT iin, {_midx("period")} AS mi, period // 100 AS py, period, knp,
                               payer, paid_on, amount,
                               year(paid_on) * 12 + month(paid_on) - 1 AS pm
                        FROM payments_src
                        WHERE credited_on <= {k}
                          AND (refunded_on IS NULL OR refunded_on > {k})
                          AND amount > 0
                          AND knp IN (121, 122, 183)
                          AND period BETWEEN {_yyyymm(p.ws - p.long_months)} AND {_yyyymm(p.we)}
                    )
                    WHERE mi <= pm + {p.horizon}
                      AND period >= CASE knp WHEN 121 THEN {_yyyymm(p.employer_from)}
                                             WHEN 183 THEN {_yyyymm(esp_first)}
                                             ELSE {_yyyymm(p.liable_from)} END
                      AND (knp <> 183 OR period <= {_yyyymm(esp_last)})
                ) i
                -- the few entrepreneurs (R-L-4's IE price) and self-employed (R-L-6): a
                -- small hash table to probe
                LEFT JOIN (
                    SELECT iin, kind = 'entrepreneur' AS ie, kind = 'self_employed' AS se
                    FROM people_t WHERE kind IN ('entrepreneur', 'self_employed')
                ) k ON k.iin = i.iin
            )
        )
    """


def _since_block_start(p: Plan) -> str:
    """R-S-4: only items paid from the prepayment mechanism's start count towards a block (a
    condition only where a month of the window can have been paid before it)."""
    if p.ws > Month.of(p.block_start).index + p.horizon:
        return "true"
    return f"paid_on >= {_dlit(p.block_start)}"


def _ledger_sql(p: Plan) -> str:
    """Steps 1 and 2: one parallel pass over the ledger as known on k, per person.

    Employer items set their month's bit whatever the amount (R-L-6); an own КНП 122 item
    that reaches its price covers its month (R-L-5).  Own items below the price are kept
    (``partials``, with the day paid): months paid in several of them are summed in the order
    paid (R-L-5's running sum), and they give what was paid towards the debt months (R-S-7).
    For R-S-4's blocks, among the own items paid from the mechanism's start (the only ones a
    block counts): ``ontime``, the months such an item paid by the end of the month covers
    alone; ``adv``, (lead, month) of those paid before their month that cover it alone (rare:
    prepayers and the few who pay a few days early).  A month's block paid day is the earliest
    of those items' days, or the day the running sum of the partial ones paid from the start
    reached the price if earlier (:func:`_masks_sql`).
    """
    b = _Bits(p)
    zero = b.lit(0)
    since = _since_block_start(p)
    return f"""
    CREATE OR REPLACE TEMP TABLE people_t AS
    SELECT iin, kind, year(birth_date) * 12 + month(birth_date) - 1 AS birth_mi
    FROM people_src;

    CREATE OR REPLACE TEMP TABLE led0 AS
    SELECT iin,
           bit_or(CASE WHEN paid_full THEN wb ELSE {zero} END) AS sm,
           bit_or(CASE WHEN emp OR paid_full THEN wb ELSE {zero} END) AS pmask,
           bit_or(CASE WHEN emp OR paid_full THEN bb ELSE 0 END) AS pb,
           bit_or(CASE WHEN paid_full AND lead >= 0 AND {since} THEN wb ELSE {zero} END)
               AS ontime,
           list(item) FILTER (WHERE item IS NOT NULL) AS partials,
           list(lead * 1024 + mi - {p.ws})
               FILTER (WHERE paid_full AND lead >= 1 AND mi >= {p.ws} AND {since}) AS adv
    FROM ({_items_sql(p)})
    GROUP BY iin;

    CREATE OR REPLACE TEMP TABLE partials AS
    SELECT iin,
           CAST((item >> {_AMOUNT_BITS + _DAY_BITS}) + {_partial_base(p)} AS INTEGER) AS mi,
           CAST(((item >> {_AMOUNT_BITS + _DAY_BITS}) + {_partial_base(p)}) // 12 AS INTEGER)
               AS py,
           CAST((item >> {_AMOUNT_BITS}) & {(1 << _DAY_BITS) - 1} AS INTEGER) AS day,
           item & {(1 << _AMOUNT_BITS) - 1} AS amt
    FROM (SELECT iin, unnest(partials) AS item FROM led0 WHERE partials IS NOT NULL);
    """


def _masks_sql(p: Plan) -> str:
    """Per person: the window bitmasks S (self-covered) and P (contribution months) and the
    contribution months just before the window, with the months paid in several partial
    items (R-L-5's running sum, in the order paid, each against the price of its own day),
    and ``reach_bs``, the day the running sum of those paid from the prepayment mechanism's
    start reached the price (R-S-4's block paid day); then the block starts
    (:func:`_blocks_sql`)."""
    b = _Bits(p)
    zero = b.lit(0)
    win = f"mi >= {p.ws}"
    bit = b.bit(f"mi - {p.ws}")
    before = f"1::BIGINT << ({p.ws - 1} - mi)"
    ie = "kind = 'entrepreneur'"
    year = f"greatest(least(year({_dlit(_EPOCH)} + day), py), {p.price_from})"
    return f"""
    CREATE OR REPLACE TEMP TABLE reached AS
    SELECT iin, mi, reach, reach_bs FROM (
        SELECT iin, mi, min(day) FILTER (WHERE cum >= price) AS reach,
               min(day) FILTER (WHERE day >= {_day(p.block_start)} AND cum_bs >= price)
                   AS reach_bs
        FROM (
            SELECT x.iin, x.mi, x.day,
                   sum(x.amt) OVER (PARTITION BY x.iin, x.mi ORDER BY x.day
                                    ROWS UNBOUNDED PRECEDING) AS cum,
                   sum(CASE WHEN x.day >= {_day(p.block_start)} THEN x.amt ELSE 0 END)
                       OVER (PARTITION BY x.iin, x.mi ORDER BY x.day
                             ROWS UNBOUNDED PRECEDING) AS cum_bs,
                   count(*) OVER (PARTITION BY x.iin, x.mi) AS n,
                   {_price_case(p, ie, year)} AS price
            FROM partials x JOIN people_t pe ON pe.iin = x.iin
        )
        WHERE n > 1 AND mi >= {p.liable_from}
        GROUP BY iin, mi
    )
    WHERE reach IS NOT NULL;

    CREATE OR REPLACE TEMP TABLE split AS
    SELECT iin,
           bit_or(CASE WHEN {win} THEN {bit} END) AS sw,
           bit_or(CASE WHEN NOT {win} THEN {before} END) AS sb
    FROM reached
    GROUP BY iin;

    CREATE OR REPLACE TEMP TABLE led AS
    SELECT l.iin,
           coalesce(l.sm, {zero}) | coalesce(s.sw, {zero}) AS sm,
           coalesce(l.pmask, {zero}) | coalesce(s.sw, {zero}) AS pmask,
           coalesce(l.pb, 0::BIGINT) | coalesce(s.sb, 0::BIGINT) AS pb,
           l.ontime, l.adv
    FROM led0 l
    LEFT JOIN split s ON s.iin = l.iin;

    {_blocks_sql(p)}
    """


def _blocks_sql(p: Plan) -> str:
    """R-S-4: the months F that start a block, for the few who paid a month at least
    P − 1 months ahead (the last month of a block must have been).

    F starts a block when every month F + t (t = 0 … P − 1) is self-covered and its block
    paid day (:func:`_ledger_sql`: only items paid from the mechanism's start count) is at
    least t months before it (by the end of month F).  ``c_t``: the months so paid at least t
    months before them.
    """
    b = _Bits(p)
    zero = b.lit(0)
    needed = p.prepaid - 1
    bit = b.bit(f"mi - {p.ws}")
    reach_month = f"year({_dlit(_EPOCH)} + reach_bs) * 12 + month({_dlit(_EPOCH)} + reach_bs) - 1"
    leads = ", ".join(
        f"bit_or(CASE WHEN lead >= {t} THEN {bit} ELSE {zero} END) AS c{t}"
        for t in range(p.prepaid)
    )
    ok = "l.sm"
    starts = " & ".join(
        [f"({ok} & (coalesce(l.ontime, {zero}) | c.c0))"]
        + [b.shr(f"({ok} & c.c{t})", t) for t in range(1, p.prepaid)]
    )
    return f"""
    CREATE OR REPLACE TEMP TABLE block_entries AS
    SELECT iin, mi, lead
    FROM (
        SELECT iin, CAST(item & 1023 AS INTEGER) + {p.ws} AS mi,
               CAST(item >> 10 AS INTEGER) AS lead
        FROM (SELECT iin, unnest(adv) AS item FROM led
              WHERE adv IS NOT NULL
                AND (list_max(adv) >> 10 >= {needed}
                     OR iin IN (SELECT iin FROM reached
                                WHERE mi >= {p.ws} AND reach_bs IS NOT NULL
                                  AND mi - ({reach_month}) >= {needed})))
    )
    UNION ALL
    SELECT iin, mi, mi - ({reach_month}) AS lead
    FROM reached
    WHERE mi >= {p.ws} AND reach_bs IS NOT NULL;

    CREATE OR REPLACE TEMP TABLE blocks AS
    SELECT c.iin, ({starts}) & {b.wm} AS blk
    FROM (
        SELECT iin,
               {leads}
        FROM block_entries
        WHERE iin IN (SELECT iin FROM block_entries GROUP BY iin HAVING max(lead) >= {needed})
        GROUP BY iin
    ) c
    JOIN led l ON l.iin = c.iin;
    """


def _categories_sql(p: Plan) -> str:
    b = _Bits(p)
    lo = f"greatest(f, {p.ws}) - {p.ws}"
    hi = f"least(l, {p.we}) - {p.ws}"
    return f"""
    CREATE OR REPLACE TEMP TABLE cat AS
    SELECT iin,
           bit_or(CASE WHEN f <= {p.we} AND l >= {p.ws} THEN {b.span(lo, hi)} END) AS cm,
           min(f) FILTER (WHERE l = {_OPEN}) AS f_open,
           min({{'f': f, 'c': category, 'l': l}}) FILTER (WHERE f <= {p.m} AND l >= {p.m})
               AS at_m
    FROM (
        SELECT iin, category, {_midx("first_period")} AS f,
               coalesce({_midx("last_period")}, {_OPEN}) AS l
        FROM categories_src
    )
    GROUP BY iin
    """


def _grants_sql(p: Plan) -> str:
    k, d = _dlit(p.as_of), _dlit(p.on)
    return f"""
    CREATE OR REPLACE TEMP TABLE gr AS
    SELECT iin,
           min({{'g': granted_on, 'e': ends_on, 'c': category}})
               FILTER (WHERE granted_on <= {d} AND {d} < ends_on) AS at_d
    FROM grants_src
    WHERE granted_on <= {k} AND ends_on > {d}
    GROUP BY iin
    """


class _Layers:
    """Nested SELECTs, each adding columns computed from the previous ones.

    A bit-parallel smear by doubling refers to each level twice; as columns of successive
    projections every level is computed once (as one nested expression it would be
    duplicated at every level, exponentially).
    """

    def __init__(self, bits: _Bits, source: str) -> None:
        self.b = bits
        self.sql = source
        self.count = 0

    def add(self, **columns: str) -> None:
        listed = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
        self.sql = f"SELECT *, {listed} FROM ({self.sql}) AS l{self.count}"
        self.count += 1

    def doubling(self, name: str, x: str, n: int, op: str, up: bool) -> str:
        """Column ``name``: OR (op "|") or AND (op "&") of x shifted by 0 … n − 1 months,
        towards later months (``up``) or earlier ones."""
        shift = self.b.shl if up else self.b.shr
        levels = [x]
        while (1 << len(levels)) <= n:
            prev = levels[-1]
            column = f"{name}_{len(levels)}"
            self.add(**{column: f"({prev} {op} {shift(prev, 1 << (len(levels) - 1))})"})
            levels.append(column)
        terms = []
        offset = 0
        for j in range(len(levels) - 1, -1, -1):
            if n & (1 << j):
                terms.append(shift(levels[j], offset))
                offset += 1 << j
        self.add(**{name: "(" + f" {op} ".join(terms) + ")"})
        return name


def _by_kind(cases: Mapping[str, str], otherwise: str) -> str:
    """A CASE on the payer kind."""
    if not cases:
        return otherwise
    whens = " ".join(f"WHEN '{kind}' THEN {expr}" for kind, expr in cases.items())
    return f"(CASE kind {whens} ELSE {otherwise} END)"


def _pending_at_m(p: Plan) -> str:
    """R-L-9: how many months up to M are pending on the date (by kind)."""
    return _by_kind({k.kind: str(k.at_m) for k in p.pending if k.at_m}, "0")


def _people_sql(p: Plan) -> str:
    """Step 3: the bit-parallel verdict of every month of the window, per person.

    R-S-5's gaps: a liable, uncovered month of the look-back followed by a covered one before
    the decided month j, but for the pending months just before j (R-L-9), which are never
    gaps: ``g_δ`` sets aside the δ months before j, and each month of the window from M takes
    the ``g_δ`` of its day (:mod:`osms.batch.pending`).  ``v_δ`` (for the few with a
    temporary grant, walked day by day) is the verdict with δ months set aside everywhere.
    """
    b = _Bits(p)
    wm = b.wm
    lookback = p.lookback
    liable = b.lit(p.mask(p.liable_from, p.we))
    transitional = b.lit(p.mask(*p.transitional))
    long_from = b.lit(0 if p.long_payer_from is None else p.mask(p.long_payer_from, p.we))
    from_m = b.lit(p.mask(p.m, p.we))
    top = b.lit(1 << p.top)
    child_hi = f"least(child_last, {p.we}) - {p.ws}"
    child_lo = f"greatest(birth_mi, {p.ws}) - {p.ws}"
    m_pos = p.m_pos
    full = p.lb_mask
    deltas = p.set_aside_max
    if deltas >= lookback:
        raise BatchError(f"{deltas} pending months before a month: not supported")

    layers = _Layers(
        b,
        f"""
        SELECT pe.iin, pe.kind, pe.birth_mi, pe.birth_mi + {p.child_months} AS child_last,
               coalesce(led.sm, {b.lit(0)}) AS sm,
               coalesce(led.pmask, {b.lit(0)}) AS pmask,
               coalesce(led.pb, 0::BIGINT) AS pb,
               coalesce(blocks.blk, {b.lit(0)}) AS blk,
               coalesce(cat.cm, {b.lit(0)}) AS cm0,
               cat.f_open, cat.at_m.c AS cat_name_m,
               gr.iin IS NOT NULL AS has_grant, gr.at_d.c AS grant_name
        FROM people_t pe
        LEFT JOIN led USING (iin)
        LEFT JOIN blocks USING (iin)
        LEFT JOIN cat USING (iin)
        LEFT JOIN gr USING (iin)
        """,
    )
    layers.add(
        cm=f"cm0 | CASE WHEN child_last >= {p.ws} AND birth_mi <= {p.we} "
        f"THEN {b.span(child_lo, child_hi)} ELSE {b.lit(0)} END",
        not_liable=f"CASE WHEN child_last >= {p.ws} THEN {b.span('0', child_hi)} "
        f"ELSE {b.lit(0)} END",
        np_=f"~pmask & {wm}",
    )
    layers.add(u=f"(~(sm | pmask | cm | not_liable)) & {liable} & {wm}")
    layers.add(transitions=f"{b.shl('u', 1)} & ~u & {wm}", nn=f"~u & {wm}")
    # R-S-6: lp = months s whose months [s − 59, s] are all contribution months
    if p.long_payer_from is not None:
        # the contribution run ending just before the window: trailing ones of pb
        pb_run = "(bit_count(xor(pb, pb + 1)) - 1)"
        lp_from = f"greatest({p.long_months - 1} - {pb_run}, 0)"
        layers.doubling("np60", "np_", p.long_months, "|", up=True)
        layers.add(lp=f"~np60 & {wm} & ~({b.bit(lp_from)} - 1)")
    else:
        layers.add(lp=b.lit(0))

    def run_equal(r: int) -> str:
        every = " & ".join(b.shl("u", k) for k in range(r))
        return f"({every} & ~{b.shl('u', r)} & {b.shl('lp', r)})"

    # R-S-5: a run longer than G is debt (G of a long payer from 2026, R-S-6) ...
    run_over = " & ".join(b.shl("u", k) for k in range(p.grace + 1))
    longer = [run_equal(r) for r in range(p.grace + 1, p.long_grace + 1)]
    long_ok = f"({long_from} & ({' | '.join(longer)}))" if longer else b.lit(0)
    # ... and an uncovered month of the look-back before the run blocks (the gaps), the
    # pending months aside: g_δ = a transition U → covered at j − s, s in [δ, L − 1], or the
    # month j − δ − 1 uncovered and a covered month after the δ set aside
    layers.doubling("gh", "transitions", lookback - deltas, "|", up=True)
    gaps: dict[int, str] = {}
    pending_kinds = ", ".join(f"'{k.kind}'" for k in p.pending) or "NULL"
    for delta in range(deltas + 1):
        terms = [b.shl("gh", delta)]
        terms += [b.shl("transitions", s) for s in range(lookback - deltas + delta, lookback)]
        if delta:
            covered_after = " | ".join(b.shl("nn", s) for s in range(delta))
            terms.append(f"({b.shl('u', delta + 1)} & ({covered_after}))")
        gaps[delta] = f"g{delta}"
        expr = " | ".join(terms)
        if delta:  # only the kinds whose months can be pending use them
            expr = f"CASE WHEN kind IN ({pending_kinds}) THEN {expr} ELSE {b.lit(0)} END"
        layers.add(**{f"g{delta}": expr})
    layers.add(run_ok=f"(~({run_over}) | {long_ok}) & {wm}")

    # R-S-4: M in a run of self-covered months from a block start F (F ≤ M, the run reaching
    # back at most L months: longer, R-S-5 alone insures), or M covered and M + 1 a block start
    def if_blocks(expr: str) -> str:  # blocks are rare: the others skip the scan
        return f"CASE WHEN blk = {b.lit(0)} THEN {b.lit(0)} ELSE {expr} END"

    layers.add(pr0="blk & sm", pp0=if_blocks(f"sm & {b.shl('sm', 1)} & {wm}"))
    step, level = 1, 0
    while step < lookback:
        nxt = level + 1
        layers.add(
            **{
                f"pr{nxt}": if_blocks(f"pr{level} | ({b.shl(f'pr{level}', step)} & pp{level})"),
                f"pp{nxt}": if_blocks(f"pp{level} & {b.shl(f'pp{level}', step)}"),
            }
        )
        step, level = step * 2, nxt
    layers.add(
        pre=f"(pr{level} | ((sm | pmask | cm) & {b.shr('blk', 1)})) & {wm}",
        nt=f"""cm & ~{transitional} & {wm}
                  & CASE WHEN f_open IS NULL THEN {b.lit(0)}
                         WHEN f_open <= {p.ws} THEN {wm}
                         WHEN f_open > {p.we} THEN {b.lit(0)}
                         ELSE {wm} & ~({b.bit(f"f_open - {p.ws}")} - 1) END""",
    )
    # v_δ: the verdict of every month with δ months before it set aside as pending
    verdicts = {
        f"v{delta}": f"{transitional} | cm | (~{gaps[delta]} & run_ok) | pre"
        for delta in range(deltas + 1)
    }
    for delta in range(1, deltas + 1):
        verdicts[f"v{delta}"] = (
            f"CASE WHEN kind IN ({pending_kinds}) THEN {verdicts[f'v{delta}']} ELSE {b.lit(0)} END"
        )
    layers.add(
        **verdicts,
        dl=f"(u >> {m_pos - lookback}) & {full}",
        top_run=f"(u >> {p.width - lookback - 1}) & {full}",
    )
    at_d = {k.kind: p.phases[k.kind][0][0][1] for k in p.pending}
    status_m = _by_kind(
        {kind: b.test(f"v{delta}", m_pos) for kind, delta in at_d.items() if delta},
        b.test("v0", m_pos),
    )
    regular_m = _by_kind(
        {kind: b.test(f"~g{delta} & run_ok", m_pos) for kind, delta in at_d.items() if delta},
        b.test("~g0 & run_ok", m_pos),
    )
    # R-S-7: the months from M with a day not insured, each phase of a month (R-L-9) with
    # its own verdict; for the other kinds a month is decided the same all along
    lost = {}
    for kind in p.pending:
        starts = p.phase_starts(kind.kind)
        if set(starts) == {0}:
            continue
        lost[kind.kind] = " | ".join(
            f"({b.lit(p.months_mask(months))} & ~v{delta})" for delta, months in starts.items()
        )
    layers.add(lost=f"{_by_kind(lost, '~v0')} & {from_m}")

    def trailing_ones(x: str) -> str:
        return f"""CASE WHEN {x} = {full} THEN {lookback + 1}
                    ELSE {lookback} - CAST(floor(log2(CAST((~{x}) & {full} AS DOUBLE)))
                                           AS INTEGER) END"""

    layers.add(
        run_m=trailing_ones("dl"),
        run_we=trailing_ones("top_run"),
        nu=b.ctz(f"lost | {top}"),
        nt_first=b.ctz(f"(nt & {from_m}) | {top}"),
        pend_m=_pending_at_m(p),
        insured_m=status_m,
        regular_m=regular_m,
    )
    walk_columns = "".join(f", v{delta}" for delta in range(deltas + 1))
    return f"""
    CREATE OR REPLACE TEMP TABLE verdicts AS
    SELECT *,
           -- R-S-7 insured_until: most people end inside the window, the others are
           -- walked through their grants or past the window (``how``)
           CASE WHEN status = 'uninsured' THEN NULL
                WHEN has_grant THEN 'grant'
                WHEN nt_first < nu THEN 'none'
                WHEN nu < {p.top} THEN 'month'
                ELSE 'tail' END AS how,
           CASE WHEN status = 'insured' AND NOT has_grant AND nt_first >= nu AND nu < {p.top}
                THEN {_lost_on(p, "nu")} - 1 END AS until_day,
           -- R-S-6, R-S-7: the G that applied, for the reasons R-S-5's run was counted for
           CASE WHEN reason IN ('transitional', 'category', 'temporary') THEN {p.grace}
                WHEN {p.m} >= {p.long_payer_from or _OPEN}
                     AND {b.test("lp", f"{m_pos} - run_m")}
                THEN {p.long_grace} ELSE {p.grace} END AS g_m,
           -- R-L-9: debt months without the pending ones, and those apart
           dl & ((1 << ({lookback + 1} - pend_m)) - 1) AS dd,
           bit_count(dl >> ({lookback + 1} - pend_m)) AS pend_n
    FROM (
    SELECT iin, kind, birth_mi, child_last, u, nt, cm, not_liable, f_open, has_grant,
           run_m, run_we, nu, nt_first, dl, lp, pend_m{walk_columns},
           CASE WHEN insured_m OR grant_name IS NOT NULL
                THEN 'insured' ELSE 'uninsured' END AS status,
           CASE WHEN {b.test(transitional, m_pos)} THEN 'transitional'
                WHEN {b.test("cm", m_pos)} THEN 'category'
                WHEN grant_name IS NOT NULL THEN 'temporary'
                -- R-L-9: a run made only of pending months is no grace
                WHEN regular_m THEN
                     CASE WHEN run_m > pend_m THEN 'grace' ELSE 'regular' END
                WHEN {b.test("pre", m_pos)} THEN 'prepaid'
                ELSE 'debt' END AS reason,
           CASE WHEN {b.test(transitional, m_pos)} THEN NULL
                WHEN {b.test("cm", m_pos)} THEN
                     CASE WHEN child_last >= {p.m} AND birth_mi <= {p.m} THEN 'child'
                          ELSE cat_name_m END
                WHEN grant_name IS NOT NULL THEN grant_name
                ELSE NULL END AS category
    FROM ({layers.sql})
    )
    """


def _lost_on(p: Plan, nu: str) -> str:
    """The first day not insured in the month at bit ``nu`` (R-S-7): the start of its first
    phase whose verdict is not insured (R-L-9), the first day of the month for the kinds whose
    months are never pending."""
    b = _Bits(p)
    plain = _month_start(f"{p.ws} + {nu}")
    cases = {}
    for kind in p.pending:
        starts = p.phase_starts(kind.kind)
        if set(starts) == {0}:
            continue
        whens = []
        for delta in sorted(starts, reverse=True):  # a month's phases: δ falls as days pass
            days = [starts[delta].get(i) for i in range(p.ws, p.we + 1)]
            listed = "[" + ", ".join("NULL" if d is None else _dlit(d) for d in days) + "]"
            months = b.lit(p.months_mask(starts[delta]))
            whens.append(f"WHEN {b.test(f'{months} & ~v{delta}', nu)} THEN {listed}[{nu} + 1]")
        cases[kind.kind] = f"(CASE {' '.join(whens)} END)"
    return _by_kind(cases, plain)


def _debt_sql(p: Plan) -> str:
    """R-S-7: what was paid towards the debt months of [M − L, M], for the few who paid
    part of one (R-L-5: a debt month has no own item reaching the price, so all its own
    items are in ``partials``).  What is due is computed in :func:`_result_sql`."""
    first = p.m - p.lookback
    ie = "kind = 'entrepreneur'"
    return f"""
    CREATE OR REPLACE TEMP TABLE debts AS
    SELECT iin, sum(least(own_total, {_price_case(p, ie, "py")})) AS credit
    FROM (
        SELECT v.iin, v.kind, x.mi, any_value(x.py) AS py, sum(x.amt) AS own_total
        FROM partials x JOIN verdicts v ON v.iin = x.iin
        WHERE x.mi BETWEEN {first} AND {p.m}
          AND v.reason IN ('regular', 'grace', 'debt')
          AND ((v.dd >> (x.mi - {first})) & 1) = 1
        GROUP BY v.iin, v.kind, x.mi
    )
    GROUP BY iin
    """


def _due_sql(p: Plan) -> str:
    """R-S-7: the price of each debt month's year (R-L-4) less what was paid towards it."""
    by_year: dict[int, int] = {}
    for i in range(p.lookback + 1):
        year = (p.m - p.lookback + i) // 12
        by_year[year] = by_year.get(year, 0) | 1 << i
    ie = "v.kind = 'entrepreneur'"
    # a year's price is asked only where a debt month lies in it (an unknown price is NULL)
    priced = " + ".join(
        f"CASE WHEN v.dd & {bits} = 0 THEN 0 "
        f"ELSE bit_count(v.dd & {bits}) * {_price_case(p, ie, str(year))} END"
        for year, bits in sorted(by_year.items())
    )
    return f"({priced} - coalesce(dbt.credit, 0))"


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    rows = con.execute(sql).fetchall()
    return rows[0][0] if rows else None


def _insured_on(p: Plan, pos: str) -> str:
    """Whether the month at ``pos`` is insured on day x (R-L-9: its pending months depend on
    the day; the walk's days may be in the middle of a month)."""
    b = _Bits(p)
    deltas = p.set_aside_max
    if not deltas:
        return b.test("v0", pos)
    first = p.m - 4
    credit_days = p.pending[0].credit_days(first, p.we + 2)
    days = "[" + ", ".join(_dlit(day) for day in credit_days) + "]"
    fp = f"({first} + len(list_filter({days}, lambda t: t <= x)))"
    month = "(year(x) * 12 + month(x) - 1)"
    delta = _by_kind(
        {k.kind: f"greatest(0, {month} - greatest({k.since}, {fp}))" for k in p.pending}, "0"
    )
    whens = " ".join(f"WHEN {d} THEN {b.test(f'v{d}', pos)}" for d in range(deltas))
    return f"(CASE {delta} {whens} ELSE {b.test(f'v{deltas}', pos)} END)"


def _phases_table(con: duckdb.DuckDBPyConnection, p: Plan) -> None:
    """The days from which a month is decided anew (R-L-9), by kind ('other': the first
    days), for the temporary-grant walk."""
    rows = [("other", i - p.ws, Month.from_index(i).first_day(), 0) for i in range(p.m, p.we + 1)]
    for kind in p.pending:
        for offset, phases in enumerate(p.phases[kind.kind]):
            rows += [(kind.kind, p.m + offset - p.ws, day, delta) for day, delta in phases]
    values = ", ".join(f"('{k}', {pos}, {_dlit(day)}, {delta})" for k, pos, day, delta in rows)
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE phases AS
    SELECT * FROM (VALUES {values}) AS t(kind, pos, day, delta)
    """)


def _grant_walk(con: duckdb.DuckDBPyConnection, p: Plan) -> None:
    """R-S-3 with R-S-7: walk day by day through grants for the few who have one.

    From day x: if x is insured, jump to the first day after it that is not (a month's
    phases, R-L-9); else, if a grant known by k covers x, jump to its end; else x − 1 is the
    answer.
    """
    b = _Bits(p)
    k = _dlit(p.as_of)
    top = b.lit(1 << p.top)
    deltas = p.set_aside_max
    walk_v = "".join(f", v{d}" for d in range(deltas + 1))
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE walk AS
    SELECT iin, kind, nt{walk_v}, {_dlit(p.on)} AS x, 'walk' AS how, NULL::DATE AS until_day
    FROM verdicts WHERE how = 'grant'
    """)
    if not _scalar(con, "SELECT count(*) FROM walk"):
        return
    _phases_table(con, p)
    pos = f"(year(x) * 12 + month(x) - 1 - {p.ws})"
    pending = ", ".join(f"'{k.kind}'" for k in p.pending) or "NULL"
    lost = " ".join(f"WHEN {d} THEN {b.test(f's.v{d}', 'ph.pos')}" for d in range(deltas + 1))
    open_month = b.ctz(f"(nt & ~({b.bit('pos')} - 1)) | {top}")
    open_from = _month_start(f"{p.ws} + {open_month}")
    for _ in range(64):
        if not _scalar(con, "SELECT count(*) FROM walk WHERE how = 'walk'"):
            return
        con.execute(f"""
        CREATE OR REPLACE TEMP TABLE walk AS
        WITH step AS (
            SELECT w.*, {pos} AS pos,
                   (SELECT max(ends_on) FROM grants_src g
                     WHERE g.iin = w.iin AND g.granted_on <= {k}
                       AND g.granted_on <= w.x AND w.x < g.ends_on) AS grant_end
            FROM walk w WHERE how = 'walk'
        ),
        moved AS (
            SELECT s.*,
                   {_insured_on(p, "pos")} AS insured_day,
                   (SELECT min(ph.day) FROM phases ph
                     WHERE ph.kind = CASE WHEN s.kind IN ({pending}) THEN s.kind
                                          ELSE 'other' END
                       AND ph.day > s.x
                       AND NOT (CASE ph.delta {lost} END)) AS lost_day,
                   {open_from} AS open_from
            FROM step s
        )
        SELECT iin, kind, nt{walk_v},
               CASE WHEN insured_day THEN coalesce(lost_day, x)
                    WHEN grant_end IS NOT NULL THEN grant_end
                    ELSE x END AS x,
               CASE WHEN insured_day AND open_from < coalesce(lost_day, {_dlit(date.max)})
                         AND open_from <= {_month_start(str(p.we))} THEN 'none'
                    WHEN insured_day AND lost_day IS NULL THEN 'tail'
                    WHEN insured_day OR grant_end IS NOT NULL THEN 'walk'
                    ELSE 'day' END AS how,
               CASE WHEN NOT insured_day AND grant_end IS NULL THEN x - 1 END AS until_day
        FROM moved
        UNION ALL
        SELECT * FROM walk WHERE how <> 'walk'
        """)
    raise BatchError("temporary grants: the walk did not end")  # pragma: no cover


def _tail_spill(con: duckdb.DuckDBPyConnection, p: Plan) -> dict[str, dict[int, date]]:
    """R-L-9 past the window: the months after a one-month category stretch e that, on their
    first day, still set e − 1 aside as pending (e itself is a category month: setting it
    aside changes nothing), by kind, with the day e − 1 stops being pending.  Asked only for
    the stretches found (a handful)."""
    if not p.pending:
        return {}
    rows = con.execute(f"""
        SELECT DISTINCT t.kind, i.e + 1 FROM islands i JOIN tail_people t ON t.iin = i.iin
        WHERE i.s = i.e AND i.e < {_OPEN}
          AND t.kind IN ({", ".join(f"'{k.kind}'" for k in p.pending)})
    """).fetchall()
    kinds = {k.kind: k for k in p.pending}
    spill: dict[str, dict[int, date]] = {}
    for kind, month in rows:
        phases = kinds[kind].phases(month)
        if phases[0][1] > 2:  # pragma: no cover - a calendar where a month waits three months
            raise BatchError(f"{Month.from_index(month)}: {phases[0][1]} pending months before it")
        if phases[0][1] == 2:
            spill.setdefault(kind, {})[month] = next(day for day, d in phases if d < 2)
    return spill


def _tail(con: duckdb.DuckDBPyConnection, p: Plan) -> None:
    """Past the window only categories cover months (payments stop at month(k) + horizon).

    From the last category month e of a stretch: if an unpaid month lies in [e − L + 1, e]
    the next month is already blocked (R-S-5, the gaps rule); else the person stays insured
    G months (no contribution can make a long payer there), unless the next category period
    starts within those G months, and then the same from its end.  Children and people with
    no other period ending after the window take one step.

    R-L-9: when the month after a one-month stretch e sets e − 1 aside as pending on its
    first day (``spill``), an unpaid e − 1 does not block it, but only until e − 1 stops
    being pending, in the middle of that month: the answer is the day before.
    """
    b = _Bits(p)
    we, ws, lb, g = p.we, p.ws, p.lookback, p.grace

    def blocked(set_aside: str) -> str:
        low = f"((1::{p.int_type} << ({lb} - {set_aside})) - 1)"
        return (
            f"CASE WHEN e - {lb - 1} <= {we} "
            f"THEN ((u >> (e - {lb - 1} - {ws})) & {low}) <> 0 ELSE false END"
        )

    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE tail_people AS
    SELECT v.iin, v.kind, v.birth_mi, v.child_last, v.u,
           {b.test("v.cm | v.not_liable", p.width - 1)} AS cat_we,
           {we} - v.run_we AS gap_end
    FROM verdicts v
    WHERE v.how = 'tail' OR v.iin IN (SELECT iin FROM walk WHERE how = 'tail');

    CREATE OR REPLACE TEMP TABLE tail_periods AS
    SELECT c.iin, {_midx("c.first_period")} AS f,
           coalesce({_midx("c.last_period")}, {_OPEN}) AS l
    FROM categories_src c SEMI JOIN tail_people t ON c.iin = t.iin
    WHERE c.last_period IS NULL OR {_midx("c.last_period")} >= {we - 1};

    -- one step: the stretch is the child category (or before birth) and nothing follows
    CREATE OR REPLACE TEMP TABLE tail_done AS
    SELECT iin,
           CASE WHEN NOT cat_we THEN gap_end + {g}
                WHEN {blocked("0")} THEN e ELSE e + {g} END AS until_m
    FROM (SELECT *, child_last AS e FROM tail_people
          WHERE iin NOT IN (SELECT iin FROM tail_periods));

    CREATE OR REPLACE TEMP TABLE islands AS
    WITH periods AS (
        SELECT iin, f, l FROM tail_periods
        UNION ALL
        -- months before birth are not liable (R-C-3): like the child months, never unpaid
        SELECT iin, 0 AS f, child_last AS l FROM tail_people
        WHERE iin IN (SELECT iin FROM tail_periods)
    ),
    relevant AS (SELECT * FROM periods WHERE l >= {we - 1}),
    ordered AS (
        SELECT *, max(l) OVER (PARTITION BY iin ORDER BY f, l
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
        FROM relevant
    ),
    grouped AS (
        SELECT *, sum(CASE WHEN before IS NULL OR f > before + 1 THEN 1 ELSE 0 END)
                      OVER (PARTITION BY iin ORDER BY f, l ROWS UNBOUNDED PRECEDING) AS k
        FROM ordered
    )
    SELECT iin, k, min(f) AS s, max(l) AS e FROM grouped GROUP BY iin, k;
    """)
    spill = _tail_spill(con, p)

    def set_aside(e: str) -> str:
        return _by_kind(
            {
                kind: f"(CASE WHEN list_contains({sorted(days)}, {e} + 1) THEN 2 ELSE 0 END)"
                for kind, days in spill.items()
            },
            "0",
        )

    def saved_until(e: str) -> str:
        """The day before e − 1 stops being pending (only where ``set_aside`` is 2)."""
        return _by_kind(
            {
                kind: f"([{', '.join(_dlit(days[i]) for i in sorted(days))}]"
                f"[list_position({sorted(days)}, {e} + 1)] - 1)"
                for kind, days in spill.items()
            },
            "NULL::DATE",
        )

    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE tail AS
    SELECT iin, kind, e, blocked, nk,
           CASE WHEN saved THEN 'day' WHEN e >= {_OPEN} THEN 'none' ELSE 'walk' END AS how,
           NULL::INTEGER AS until_m,
           CASE WHEN saved THEN {saved_until("e")} END AS until_day
    FROM (
        SELECT *,
               CASE WHEN cat_we AND {set_aside("e")} = 2 AND e - 1 BETWEEN {ws} AND {we}
                    THEN {b.test("u", f"e - 1 - {ws}")} AND NOT blocked
                    ELSE false END AS saved
        FROM (
            SELECT *, CASE WHEN cat_we THEN {blocked(set_aside("e"))} ELSE false END AS blocked
            FROM (
                SELECT t.iin, t.kind, t.u, t.cat_we,
                       CASE WHEN t.cat_we THEN i.e ELSE t.gap_end END AS e,
                       coalesce(i.k, 0) + 1 AS nk
                FROM tail_people t
                LEFT JOIN (
                    SELECT t2.iin, arg_max(i2.k, i2.k) AS k, arg_max(i2.e, i2.k) AS e
                    FROM tail_people t2 JOIN islands i2 ON i2.iin = t2.iin
                        AND i2.s <= CASE WHEN t2.cat_we THEN {we} ELSE t2.gap_end END
                    GROUP BY t2.iin
                ) i ON i.iin = t.iin
                WHERE t.iin IN (SELECT iin FROM tail_periods)
            )
        )
    );
    """)
    # the next stretch n is reached when the months between are within grace; a one-month
    # stretch whose e − 1 is set aside is blocked only by the earlier months between
    go = f"(NOT t.blocked AND n.s IS NOT NULL AND n.s < t.e + {g + 2})"
    spilled = f"(n.s = n.e AND {set_aside('n.e')} = 2)"
    for _ in range(1000):
        if not _scalar(con, "SELECT count(*) FROM tail WHERE how = 'walk'"):
            return
        con.execute(f"""
        CREATE OR REPLACE TEMP TABLE tail AS
        SELECT iin, kind, e, blocked, nk,
               CASE WHEN how = 'walk' AND saved THEN 'day' ELSE how END AS how, until_m,
               CASE WHEN how = 'walk' AND saved THEN {saved_until("e")} END AS until_day
        FROM (
            SELECT t.iin, t.kind,
                   CASE WHEN {go} THEN n.e ELSE t.e END AS e,
                   CASE WHEN NOT {go} THEN t.blocked
                        WHEN {spilled} THEN n.s - 2 >= t.e + 1
                        ELSE n.s - 1 >= n.e - {lb - 1} END AS blocked,
                   coalesce({go} AND {spilled} AND NOT n.s - 2 >= t.e + 1, false) AS saved,
                   t.nk + 1 AS nk,
                   CASE WHEN NOT {go} THEN 'month'
                        WHEN n.e >= {_OPEN} THEN 'none'
                        ELSE 'walk' END AS how,
                   CASE WHEN t.blocked THEN t.e WHEN NOT {go} THEN t.e + {g} END AS until_m
            FROM tail t LEFT JOIN islands n ON n.iin = t.iin AND n.k = t.nk
            WHERE t.how = 'walk'
        )
        UNION ALL
        SELECT * FROM tail WHERE how <> 'walk'
        """)
    raise BatchError("categories: the walk past the window did not end")  # pragma: no cover


def _result_sql(p: Plan) -> str:
    next_month = _dlit((Month.of(p.on) + 1).first_day())
    due = _due_sql(p)
    return f"""
    WITH overrides AS (
        SELECT iin, until_day FROM walk WHERE how = 'day'
        UNION ALL
        SELECT iin, {_month_start("until_m + 1")} - 1 FROM tail WHERE how = 'month'
        UNION ALL
        SELECT iin, until_day FROM tail WHERE how = 'day'
        UNION ALL
        SELECT iin, {_month_start("until_m + 1")} - 1 FROM tail_done
    ),
    answer AS (
        SELECT v.*, coalesce(v.until_day, o.until_day) AS insured_until,
               v.reason IN ('regular', 'grace', 'debt') AS shows_debt
        FROM verdicts v LEFT JOIN overrides o USING (iin)
    )
    SELECT CASE WHEN v.iin >= 100000000000 THEN CAST(v.iin AS VARCHAR)
                ELSE lpad(CAST(v.iin AS VARCHAR), 12, '0') END AS iin,
           v.kind, v.status, v.reason, v.category, v.insured_until,
           CAST(CASE WHEN shows_debt THEN bit_count(v.dd) ELSE 0 END AS SMALLINT)
               AS debt_months,
           CAST(CAST(CASE WHEN shows_debt THEN {due} ELSE 0 END AS DECIMAL(18, 0))
                * DECIMAL '0.01' AS DECIMAL(14, 2)) AS debt_total,
           CAST(CASE WHEN shows_debt THEN v.dd ELSE 0 END AS SMALLINT) AS debt_mask,
           v.reason = 'grace' AS grace,
           coalesce(v.status = 'insured' AND v.insured_until < {next_month}, false)
               AS loses_status_next_month,
           CAST(v.g_m AS TINYINT) AS grace_months,
           CAST(CASE WHEN shows_debt THEN v.pend_n ELSE 0 END AS TINYINT) AS pending_months
    FROM answer v
    LEFT JOIN debts dbt USING (iin)
    """


def _run_step(con: duckdb.DuckDBPyConnection, p: Plan) -> pa.Table:
    con.execute(_ledger_sql(p))
    con.execute(_masks_sql(p))
    con.execute(_categories_sql(p))
    con.execute(_grants_sql(p))
    con.execute(_people_sql(p))
    con.execute(_debt_sql(p))
    _grant_walk(con, p)
    _tail(con, p)
    table = con.sql(_result_sql(p)).to_arrow_table()
    return table.cast(SNAPSHOT_SCHEMA)


# -- sources and steps ----------------------------------------------------------------------------


def connect(threads: int | None = None, memory_limit: str | None = None) -> Any:
    """A DuckDB connection for the batch engine."""
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


def part_count(folder: Path) -> int:
    """The number of parts of a population folder (``max(part) + 1`` of ``people``)."""
    con = connect()
    try:
        row = con.execute(
            f"SELECT max(part) FROM read_parquet('{paths(folder)[PEOPLE]}')"
        ).fetchone()
    finally:
        con.close()
    return 0 if row is None or row[0] is None else int(row[0]) + 1


def _parquet_views(con: Any, folder: Path, first: int, last: int) -> None:
    files = paths(folder)
    for name in (PEOPLE, CATEGORIES, PAYMENTS, GRANTS):
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name}_src AS SELECT * FROM read_parquet("
            f"'{files[name]}') WHERE part BETWEEN {first} AND {last}"
        )


def steps(parts: int, parts_per_step: int) -> Iterator[tuple[int, int]]:
    """Part ranges [first, last] of at most ``parts_per_step`` parts."""
    for first in range(0, parts, parts_per_step):
        yield first, min(parts, first + parts_per_step) - 1


def snapshot(
    folder: Path,
    on: date,
    as_of: date | None = None,
    *,
    parts_per_step: int = PARTS_PER_STEP,
    lanes: int = LANES,
    con: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[pa.Table]:
    """The snapshot of a population folder, one Arrow table per step of parts, in order.

    With ``lanes`` > 1, that many steps run at once, each on its own cursor of the same
    DuckDB database (its own temporary tables), so that one step's serial phases (the
    output, the short statements of the walks) overlap another's parallel scan; memory grows
    with ``lanes × parts_per_step``.
    """
    missing = missing_files(folder)
    if missing:
        raise BatchError(f"missing files: {', '.join(missing)}")
    p = plan(on, as_of)
    own = con is None
    connection = connect() if own else con
    try:
        total = part_count(folder)
        ranges = list(steps(total, parts_per_step))
        for last, table in _in_lanes(connection, folder, p, ranges, lanes):
            yield table
            if progress is not None:
                progress(last + 1, total)
    finally:
        if own:
            connection.close()


def _in_lanes(
    connection: Any, folder: Path, p: Plan, ranges: list[tuple[int, int]], lanes: int
) -> Iterator[tuple[int, pa.Table]]:
    """(last part, table) of each step in order, at most ``lanes`` steps running at once."""
    if lanes <= 1:
        for first, last in ranges:
            yield last, decide_parts(connection, folder, p, first, last)
        return
    cursors: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for _ in range(lanes):
        cursor = connection.cursor()
        cursor.execute("SET preserve_insertion_order = false")
        cursors.put(cursor)

    def one(first: int, last: int) -> pa.Table:
        cursor = cursors.get()
        try:
            return decide_parts(cursor, folder, p, first, last)
        finally:
            cursors.put(cursor)

    with ThreadPoolExecutor(max_workers=lanes) as pool:
        running: deque[tuple[int, Future[pa.Table]]] = deque()
        for first, last in ranges:
            running.append((last, pool.submit(one, first, last)))
            if len(running) >= lanes:
                done, future = running.popleft()
                yield done, future.result()
        while running:
            done, future = running.popleft()
            yield done, future.result()


def decide_parts(con: Any, folder: Path, p: Plan, first: int, last: int) -> pa.Table:
    """The snapshot of parts [first, last] of a population folder (one step)."""
    _parquet_views(con, folder, first, last)
    return _run_step(con, p)


def snapshot_tables(
    tables: Mapping[str, pa.Table], on: date, as_of: date | None = None, *, con: Any = None
) -> pa.Table:
    """The snapshot of an in-memory population (the four Arrow tables)."""
    p = plan(on, as_of)
    own = con is None
    connection = connect() if own else con
    try:
        for name in (PEOPLE, CATEGORIES, PAYMENTS, GRANTS):
            connection.register(f"{name}_arrow", tables[name])
            connection.execute(
                f"CREATE OR REPLACE TEMP VIEW {name}_src AS SELECT * FROM {name}_arrow"
            )
        return _run_step(connection, p)
    finally:
        if own:
            connection.close()
