"""Status for every person on a date, as known on a date: R-S-0…R-S-7 in DuckDB SQL.

The per-person engine (:mod:`osms.rules.status`) walks months one at a time.  Here the same
rules run over whole tables, a *step* of parts at a time (:mod:`osms.batch.schema`), in a
few SQL statements:

1. **Ledger → per-person month bitmasks, one pass.**  Items credited by the knowledge date k
   and not refunded by it (R-S-0), valid under R-L-3 (period from 2020-01 for КНП 122, from
   2017-07 for 121, at most 12 months after the month paid), aggregated per person into
   integers whose bit i is month ``ws + i`` of a window ``[M − 14, max(M, month(k)) + 20]``:
   S, the self-covered months, and P, the contribution months (self or employer), plus the
   contribution months of the 60 before the window.  An employer item (R-L-6: КНП 121, or 122
   paid by a BIN) covers its month whatever the amount; an own КНП 122 item that reaches its
   price (R-L-4) covers it (R-L-5).  Own items below the price travel in a short list; months
   paid in several of them are summed: the running sum in ``paid_on`` order against the price
   of each item's day needs no window function, because a valid item is paid at the earliest
   in the year before its month (priced at that year's rate) and every later item at the
   month's own rate, so the month is covered exactly when the items paid the year before
   reach that year's price, or all of them reach the month's price with at least one paid in
   or after the month's year.
2. **Categories and grants**, per person: CAT over the same window (registered periods and
   the child category from the birth date, R-C-2), the category of month M, the first open
   category, the grants known by k.
3. **The verdict of every month of the window at once** (bit-parallel): U = liable and
   uncovered (R-C-3); a month is insured by R-S-5 when no U→covered transition lies in its
   12 previous months (the "gaps" rule) and the trailing run is ≤ 3, or ≤ 6 for a long payer
   from 2026 (60 contribution months before the run, R-S-6); by R-S-4 when it lies in a run
   of ≥ 12 self-covered months, or is covered and such a run starts the month after; by R-S-1
   and R-S-2 directly.  The status is the bit of month M; ``insured_until`` is the first
   uninsured month after M (R-S-7), with temporary grants (R-S-3) walked day by day for the
   few who have one, and, past the window where only categories remain, a walk over the
   merged category periods (a closed category leaves 3 months of grace unless an unpaid
   month lies in the 12 before).

Every field equals :func:`osms.rules.status.decide` for every person (``tests/batch``).  Only
the default :class:`~osms.rules.settings.RuleSettings` are implemented, and the engine checks
that the dated parameters it relies on (grace 3, look-back 12, prepayment 12, long payers 6
after 60 months) hold over the months it decides.
"""

from __future__ import annotations

import queue
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from osms.batch.days import price_table
from osms.batch.schema import CATEGORIES, GRANTS, PAYMENTS, PEOPLE, missing_files, paths
from osms.rules import parameters
from osms.rules.facts import latest_period
from osms.rules.month import Month
from osms.rules.settings import DEFAULT_SETTINGS, RuleSettings

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
_LOOKBACK = 12
_GRACE = 3
_PREPAID = 12
_LONG_GRACE = 6
_LONG_MONTHS = 60
_M_POS = 14
"""Bit position of the decided month M (the window starts at M − 14)."""
_AHEAD = 20
"""Months after max(M, month(k)) in the window: 12 of prepayment + 6 of grace + 2."""

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
    ]
)
"""One row per person.  ``debt_mask`` bit i is month M − 12 + i (R-S-7's debt months)."""


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
    prices: Mapping[str, Mapping[int, int]] = field(repr=False)

    @property
    def top(self) -> int:
        """The sentinel bit just above the window."""
        return self.width

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


def plan(on: date, as_of: date | None = None, settings: RuleSettings = DEFAULT_SETTINGS) -> Plan:
    """The plan of a run on ``on`` as known on ``as_of`` (default ``on``)."""
    if settings != DEFAULT_SETTINGS:
        raise BatchError("the batch engine implements the default rule settings only")
    known = on if as_of is None else as_of
    if known < on:
        raise BatchError(f"as_of {known} is before the date {on}")
    liable_from = parameters.liability_start().index
    month = Month.of(on)
    if month.index < liable_from:
        raise BatchError(f"dates before {parameters.liability_start()} are not supported")
    m = month.index
    ws = m - _M_POS
    we = max(m, Month.of(known).index) + _AHEAD
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
        values = (
            parameters.grace_months(mo),
            parameters.lookback_months(mo),
            parameters.prepayment_months(mo),
        )
        if values != (_GRACE, _LOOKBACK, _PREPAID):
            raise BatchError(f"{mo}: grace/look-back/prepayment {values} not supported")
        long_grace = parameters.long_payer_grace_months(mo)
        long_months = parameters.long_payer_months(mo)
        if long_grace is None and long_months is None:
            if long_from is not None:
                raise BatchError(f"{mo}: the long-payer rule stops; not supported")
            continue
        if (long_grace, long_months) != (_LONG_GRACE, _LONG_MONTHS):
            raise BatchError(f"{mo}: long payers {long_grace}/{long_months} not supported")
        if long_from is None:
            long_from = index
    horizons = {
        latest_period(day).index - Month.of(day).index  # type: ignore[union-attr]
        for day in (date(2017, 7, 1), known)
    }
    if horizons != {12}:
        raise BatchError(f"advance period horizon {horizons} not supported")
    first, last = parameters.transitional_window()
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
        horizon=12,
        prices=price_table(),
    )


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


_KEY_AMOUNT = (1 << 39) - 1
"""A partial item travels as one BIGINT: month offset << 40 | paid-late flag << 39 | tiyn."""


def _items_sql(p: Plan) -> str:
    """The ledger items that count on k (R-S-0) and are valid (R-L-3), with the person's kind.

    Valid: period from 2020-01 for КНП 122, from 2017-07 for 121, at most 12 months after the
    month paid (in ``YYYYMM`` terms ``period ≤ YYYYMM(paid_on) + 100``).  ``emp``: an
    employer item (R-L-6: КНП 121, or 122 paid by a BIN).  ``paid_full``: an own item that reaches
    the price of its month on its own (R-L-4: the rate of the year paid if paid in an earlier
    year, else the month's; the IE rate for an IE).
    """
    k = _dlit(p.as_of)
    b = _Bits(p)
    # R-BIN-1: digit 5 of the payer is 4, 5 or 6, i.e. payer mod 10^8 in [4·10^7, 7·10^7)
    by_bin = "coalesce(payer % 100000000 BETWEEN 40000000 AND 69999999, false)"
    price = _price_case(p, "ie", "least(paid_year, py)")
    return f"""
        SELECT iin, emp, wb, bb,
               CASE WHEN emp THEN false ELSE coalesce(amt >= {price}, false) END AS paid_full,
               CASE WHEN NOT emp
                    THEN ((mi - {p.ws - _LONG_MONTHS})::BIGINT << 40)
                         | (CASE WHEN paid_year >= py THEN 1::BIGINT << 39 ELSE 0 END)
                         | amt END AS item
        FROM (
            SELECT i.iin, mi, emp, ie.iin IS NOT NULL AS ie,
                   CASE WHEN mi >= {p.ws} THEN {b.bit(f"mi - {p.ws}")} ELSE {b.lit(0)} END AS wb,
                   CASE WHEN mi < {p.ws} THEN 1::BIGINT << ({p.ws - 1} - mi) ELSE 0 END AS bb,
                   CASE WHEN NOT emp THEN CAST(amount * 100 AS BIGINT) END AS amt,
                   CASE WHEN NOT emp THEN py END AS py,
                   CASE WHEN NOT emp THEN year(paid_on) END AS paid_year
            FROM (
                SELECT iin, {_midx("period")} AS mi, period // 100 AS py, paid_on, amount,
                       CASE WHEN knp = 121 THEN true ELSE {by_bin} END AS emp
                FROM payments_src
                WHERE credited_on <= {k}
                  AND (refunded_on IS NULL OR refunded_on > {k})
                  AND amount > 0
                  AND knp IN (121, 122)
                  AND period <= 100 * year(paid_on) + month(paid_on) + 100
                  AND period >= CASE WHEN knp = 121 THEN {_yyyymm(p.employer_from)}
                                     ELSE {_yyyymm(p.liable_from)} END
                  AND period BETWEEN {_yyyymm(p.ws - _LONG_MONTHS)} AND {_yyyymm(p.we)}
            ) i
            -- the few entrepreneurs only: a small hash table to probe (R-L-4's IE price)
            LEFT JOIN (SELECT iin FROM people_t WHERE kind = 'entrepreneur') ie
                   ON ie.iin = i.iin
        )
    """


def _ledger_sql(p: Plan) -> str:
    """Steps 1 and 2: one parallel pass over the ledger as known on k, per person.

    Employer items set their month's bit whatever the amount (R-L-6); an own КНП 122 item
    that reaches its price covers its month (R-L-5).  Own items below the price are kept
    (``partials``): months paid in several of them are summed, exactly as R-L-5's running sum
    (a valid item is paid at the earliest in the year before its month, so only two price
    levels exist: the month is covered when the items paid the year before reach that year's
    price, or all of them reach the month's price with one paid in or after its year), and
    they give what was paid towards the debt months (R-S-7).
    """
    return f"""
    CREATE OR REPLACE TEMP TABLE people_t AS
    SELECT iin, kind, year(birth_date) * 12 + month(birth_date) - 1 AS birth_mi
    FROM people_src;

    CREATE OR REPLACE TEMP TABLE led0 AS
    SELECT iin,
           bit_or(CASE WHEN paid_full THEN wb ELSE {_Bits(p).lit(0)} END) AS sm,
           bit_or(CASE WHEN emp OR paid_full THEN wb ELSE {_Bits(p).lit(0)} END) AS pmask,
           bit_or(CASE WHEN emp OR paid_full THEN bb ELSE 0 END) AS pb,
           list(item) FILTER (WHERE NOT emp AND NOT paid_full) AS partials
    FROM ({_items_sql(p)})
    GROUP BY iin;

    CREATE OR REPLACE TEMP TABLE partials AS
    SELECT iin,
           CAST((item >> 40) + {p.ws - _LONG_MONTHS} AS INTEGER) AS mi,
           CAST(((item >> 40) + {p.ws - _LONG_MONTHS}) // 12 AS INTEGER) AS py,
           ((item >> 39) & 1) = 1 AS late,
           item & {_KEY_AMOUNT} AS amt
    FROM (SELECT iin, unnest(partials) AS item FROM led0 WHERE partials IS NOT NULL);
    """


def _masks_sql(p: Plan) -> str:
    """Per person: the window bitmasks S (self-covered) and P (contribution months) and the
    contribution months just before the window, with the months paid in several partial
    items (see :func:`_ledger_sql`)."""
    b = _Bits(p)
    win = f"mi >= {p.ws}"
    bit = b.bit(f"mi - {p.ws}")
    before = f"1::BIGINT << ({p.ws - 1} - mi)"
    ie = "kind = 'entrepreneur'"
    covered_self = (
        f"(mi >= {p.liable_from} AND (coalesce(early >= {_price_case(p, ie, 'py - 1')}, false)"
        f" OR (late_n > 0 AND coalesce(own_total >= {_price_case(p, ie, 'py')}, false))))"
    )
    return f"""
    CREATE OR REPLACE TEMP TABLE split AS
    SELECT iin,
           bit_or(CASE WHEN s AND {win} THEN {bit} END) AS sw,
           bit_or(CASE WHEN s AND NOT {win} THEN {before} END) AS sb
    FROM (
        SELECT iin, mi, {covered_self} AS s
        FROM (
            SELECT x.iin, pe.kind, x.mi, any_value(x.py) AS py,
                   coalesce(sum(x.amt) FILTER (WHERE NOT x.late), 0) AS early,
                   sum(x.amt) AS own_total,
                   count(*) FILTER (WHERE x.late) AS late_n
            FROM partials x
            JOIN people_t pe ON pe.iin = x.iin
            GROUP BY x.iin, pe.kind, x.mi
            HAVING count(*) > 1
        )
    )
    GROUP BY iin;

    CREATE OR REPLACE TEMP TABLE led AS
    SELECT l.iin,
           coalesce(l.sm, {b.lit(0)}) | coalesce(s.sw, {b.lit(0)}) AS sm,
           coalesce(l.pmask, {b.lit(0)}) | coalesce(s.sw, {b.lit(0)}) AS pmask,
           coalesce(l.pb, 0::BIGINT) | coalesce(s.sb, 0::BIGINT) AS pb
    FROM led0 l
    LEFT JOIN split s ON s.iin = l.iin;
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


def _people_sql(p: Plan) -> str:
    """Step 3: the bit-parallel verdict of every month of the window, per person."""
    b = _Bits(p)
    wm = b.wm
    liable = b.lit(p.mask(p.liable_from, p.we))
    transitional = b.lit(p.mask(*p.transitional))
    long_from = b.lit(0 if p.long_payer_from is None else p.mask(p.long_payer_from, p.we))
    above_m = b.lit(p.mask(p.m + 1, p.we))
    from_m = b.lit(p.mask(p.m, p.we))
    top = b.lit(1 << p.top)
    child_hi = f"least(child_last, {p.we}) - {p.ws}"
    child_lo = f"greatest(birth_mi, {p.ws}) - {p.ws}"
    # contribution run ending just before the window (≤ 60 counted): trailing ones of pb
    pb_run = "(bit_count(xor(pb, pb + 1)) - 1)"
    lp_from = f"greatest({_LONG_MONTHS - 1} - {pb_run}, 0)"

    layers = _Layers(
        b,
        f"""
        SELECT pe.iin, pe.kind, pe.birth_mi, pe.birth_mi + {p.child_months} AS child_last,
               coalesce(led.sm, {b.lit(0)}) AS sm,
               coalesce(led.pmask, {b.lit(0)}) AS pmask,
               coalesce(led.pb, 0::BIGINT) AS pb,
               coalesce(cat.cm, {b.lit(0)}) AS cm0,
               cat.f_open, cat.at_m.c AS cat_name_m,
               gr.iin IS NOT NULL AS has_grant, gr.at_d.c AS grant_name
        FROM people_t pe
        LEFT JOIN led USING (iin)
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
    layers.add(transitions=f"{b.shl('u', 1)} & ~u & {wm}")
    # R-S-6: lp = months s whose 60 months [s − 59, s] are all contribution months
    layers.doubling("np60", "np_", _LONG_MONTHS, "|", up=True)
    layers.add(lp=f"~np60 & {wm} & ~({b.bit(lp_from)} - 1)")

    def run_equal(r: int) -> str:
        every = " & ".join(b.shl("u", k) for k in range(r))
        return f"({every} & ~{b.shl('u', r)} & {b.shl('lp', r)})"

    # R-S-5: a U→covered transition in the 12 months before blocks; run > G is debt
    layers.doubling("gaps", "transitions", _LOOKBACK, "|", up=True)
    r3 = " & ".join(b.shl("u", k) for k in range(_GRACE + 1))
    g6 = f"({long_from} & ({run_equal(4)} | {run_equal(5)} | {run_equal(6)}))"
    layers.add(reg=f"~gaps & (~({r3}) | {g6}) & {wm}")
    # R-S-4: months inside a run of ≥ 12 self-covered months, or covered just before one
    layers.doubling("l12", "sm", _PREPAID, "&", up=True)
    layers.doubling("in12", "l12", _PREPAID, "|", up=False)
    layers.add(
        pre=f"(in12 | (~sm & (sm | pmask | cm) & {b.shr('l12', _PREPAID)})) & {wm}",
        nt=f"""cm & ~{transitional} & {wm}
                  & CASE WHEN f_open IS NULL THEN {b.lit(0)}
                         WHEN f_open <= {p.ws} THEN {wm}
                         WHEN f_open > {p.we} THEN {b.lit(0)}
                         ELSE {wm} & ~({b.bit(f"f_open - {p.ws}")} - 1) END""",
    )
    layers.add(
        v=f"{transitional} | cm | reg | pre",
        d13=f"(u >> {_M_POS - _LOOKBACK}) & 8191",
        top13=f"(u >> {p.width - 13}) & 8191",
    )
    layers.add(
        run_m="""CASE WHEN d13 = 8191 THEN 13
                    ELSE 12 - CAST(floor(log2(CAST((~d13) & 8191 AS DOUBLE))) AS INTEGER)
               END""",
        run_we="""CASE WHEN top13 = 8191 THEN 13
                    ELSE 12 - CAST(floor(log2(CAST((~top13) & 8191 AS DOUBLE))) AS INTEGER)
               END""",
        nu=b.ctz(f"(~v & {above_m}) | {top}"),
        nt_first=b.ctz(f"(nt & {from_m}) | {top}"),
    )
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
                THEN {_month_start(f"{p.ws} + nu")} - 1 END AS until_day
    FROM (
    SELECT iin, kind, birth_mi, child_last, v, u, nt, cm, not_liable, f_open, has_grant,
           run_m, run_we, nu, nt_first, d13,
           CASE WHEN {b.test("v", _M_POS)} OR grant_name IS NOT NULL
                THEN 'insured' ELSE 'uninsured' END AS status,
           CASE WHEN {b.test(transitional, _M_POS)} THEN 'transitional'
                WHEN {b.test("cm", _M_POS)} THEN 'category'
                WHEN grant_name IS NOT NULL THEN 'temporary'
                WHEN {b.test("reg", _M_POS)} THEN
                     CASE WHEN {b.test("u", _M_POS)} THEN 'grace' ELSE 'regular' END
                WHEN {b.test("pre", _M_POS)} THEN 'prepaid'
                ELSE 'debt' END AS reason,
           CASE WHEN {b.test(transitional, _M_POS)} THEN NULL
                WHEN {b.test("cm", _M_POS)} THEN
                     CASE WHEN child_last >= {p.m} AND birth_mi <= {p.m} THEN 'child'
                          ELSE cat_name_m END
                WHEN grant_name IS NOT NULL THEN grant_name
                ELSE NULL END AS category,
           CASE WHEN {b.test(transitional, _M_POS)} OR {b.test("cm", _M_POS)}
                     OR grant_name IS NOT NULL THEN {_GRACE}
                WHEN run_m > {_GRACE} AND {p.m} >= {p.long_payer_from or _OPEN}
                     AND {b.test("lp", f"{_M_POS} - run_m")}
                THEN {_LONG_GRACE} ELSE {_GRACE} END AS g_m
    FROM ({layers.sql})
    )
    """


def _debt_sql(p: Plan) -> str:
    """R-S-7: what was paid towards the debt months of [M − 12, M], for the few who paid
    part of one (R-L-5: a debt month has no own item reaching the price, so all its own
    items are in ``partials``).  What is due is computed in :func:`_result_sql`."""
    first = p.m - _LOOKBACK
    ie = "kind = 'entrepreneur'"
    return f"""
    CREATE OR REPLACE TEMP TABLE debts AS
    SELECT iin, sum(least(own_total, {_price_case(p, ie, "py")})) AS credit
    FROM (
        SELECT v.iin, v.kind, x.mi, any_value(x.py) AS py, sum(x.amt) AS own_total
        FROM partials x JOIN verdicts v ON v.iin = x.iin
        WHERE x.mi BETWEEN {first} AND {p.m}
          AND v.reason IN ('regular', 'grace', 'debt')
          AND ((v.d13 >> (x.mi - {first})) & 1) = 1
        GROUP BY v.iin, v.kind, x.mi
    )
    GROUP BY iin
    """


def _due_sql(p: Plan) -> str:
    """R-S-7: the price of each debt month's year (R-L-4) less what was paid towards it."""
    year_m = p.m // 12
    this_year = 0
    for i in range(_LOOKBACK + 1):
        if (p.m - _LOOKBACK + i) // 12 == year_m:
            this_year |= 1 << i
    last_year = 8191 & ~this_year
    ie = "v.kind = 'entrepreneur'"
    return f"""(bit_count(v.d13 & {this_year}) * {_price_case(p, ie, str(year_m))}
             + CASE WHEN v.d13 & {last_year} = 0 THEN 0
                    ELSE bit_count(v.d13 & {last_year}) * {_price_case(p, ie, str(year_m - 1))}
               END
             - coalesce(dbt.credit, 0))"""


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    rows = con.execute(sql).fetchall()
    return rows[0][0] if rows else None


def _grant_walk(con: duckdb.DuckDBPyConnection, p: Plan) -> None:
    """R-S-3 with R-S-7: walk day by day through grants for the few who have one.

    From day x: if the month of x is insured, jump to the first uninsured month after it;
    else, if a grant known by k covers x, jump to its end; else x − 1 is the answer.
    """
    b = _Bits(p)
    k = _dlit(p.as_of)
    top = b.lit(1 << p.top)
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE walk AS
    SELECT iin, v, nt, {_dlit(p.on)} AS x, 'walk' AS how, NULL::DATE AS until_day
    FROM verdicts WHERE how = 'grant'
    """)
    pos = f"(year(x) * 12 + month(x) - 1 - {p.ws})"
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
            SELECT *,
                   {b.test("v", "pos")} AS insured_month,
                   {b.ctz(f"(~v & {b.wm} & ~({b.bit('pos + 1')} - 1)) | {top}")} AS nu,
                   {b.ctz(f"(nt & ~({b.bit('pos')} - 1)) | {top}")} AS nt_first
            FROM step
        )
        SELECT iin, v, nt,
               CASE WHEN insured_month THEN {_month_start(f"{p.ws} + nu")}
                    WHEN grant_end IS NOT NULL THEN grant_end
                    ELSE x END AS x,
               CASE WHEN insured_month AND nt_first < nu THEN 'none'
                    WHEN insured_month AND nu >= {p.top} THEN 'tail'
                    WHEN insured_month OR grant_end IS NOT NULL THEN 'walk'
                    ELSE 'day' END AS how,
               CASE WHEN NOT insured_month AND grant_end IS NULL THEN x - 1 END AS until_day
        FROM moved
        UNION ALL
        SELECT * FROM walk WHERE how <> 'walk'
        """)
    raise BatchError("temporary grants: the walk did not end")  # pragma: no cover


def _tail(con: duckdb.DuckDBPyConnection, p: Plan) -> None:
    """Past the window only categories cover months (payments stop at month(k) + 12).

    From the last category month e of a stretch: if an unpaid month lies in [e − 11, e] the
    next month is already blocked (R-S-5, the gaps rule); else the person stays insured 3
    months (G = 3: no contribution can make a long payer there), unless the next category
    period starts within those 3 months, and then the same from its end.  Children and
    people with no other period ending after the window take one step.
    """
    b = _Bits(p)
    we, ws = p.we, p.ws
    blocked = f"CASE WHEN e - 11 <= {we} THEN ((u >> (e - 11 - {ws})) <> 0) ELSE false END"
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE tail_people AS
    SELECT v.iin, v.birth_mi, v.child_last, v.u,
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
           CASE WHEN NOT cat_we THEN gap_end + 3
                WHEN {blocked} THEN e ELSE e + 3 END AS until_m
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

    CREATE OR REPLACE TEMP TABLE tail AS
    SELECT iin, e, CASE WHEN cat_we THEN {blocked} ELSE false END AS blocked, nk,
           CASE WHEN e >= {_OPEN} THEN 'none' ELSE 'walk' END AS how,
           NULL::INTEGER AS until_m
    FROM (
        SELECT t.iin, t.u, t.cat_we,
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
    );
    """)
    for _ in range(1000):
        if not _scalar(con, "SELECT count(*) FROM tail WHERE how = 'walk'"):
            return
        con.execute(f"""
        CREATE OR REPLACE TEMP TABLE tail AS
        SELECT t.iin,
               CASE WHEN NOT t.blocked AND n.s < t.e + 5 THEN n.e ELSE t.e END AS e,
               CASE WHEN NOT t.blocked AND n.s < t.e + 5 THEN n.s - 1 >= n.e - 11
                    ELSE t.blocked END AS blocked,
               t.nk + 1 AS nk,
               CASE WHEN t.blocked THEN 'month'
                    WHEN n.s IS NULL OR n.s >= t.e + 5 THEN 'month'
                    WHEN n.e >= {_OPEN} THEN 'none'
                    ELSE 'walk' END AS how,
               CASE WHEN t.blocked THEN t.e
                    WHEN n.s IS NULL OR n.s >= t.e + 5 THEN t.e + 3 END AS until_m
        FROM tail t LEFT JOIN islands n ON n.iin = t.iin AND n.k = t.nk
        WHERE t.how = 'walk'
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
           CAST(CASE WHEN shows_debt THEN bit_count(v.d13) ELSE 0 END AS SMALLINT)
               AS debt_months,
           CAST(CAST(CASE WHEN shows_debt THEN {due} ELSE 0 END AS DECIMAL(18, 0))
                * DECIMAL '0.01' AS DECIMAL(14, 2)) AS debt_total,
           CAST(CASE WHEN shows_debt THEN v.d13 ELSE 0 END AS SMALLINT) AS debt_mask,
           v.reason = 'grace' AS grace,
           coalesce(v.status = 'insured' AND v.insured_until < {next_month}, false)
               AS loses_status_next_month,
           CAST(v.g_m AS TINYINT) AS grace_months
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
