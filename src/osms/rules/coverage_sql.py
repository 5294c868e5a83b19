"""The ledger and coverage steps of a whole-population run in SQL, beside their scalar forms in
:mod:`osms.rules.coverage` and :mod:`osms.rules.facts` (R-S-0, R-L-2…R-L-6, R-BIN-1, R-C-2,
R-S-4's blocks).

One parallel pass over the ledger as known on k gives per person integers whose bit i is
month ``window_start + i`` of the plan's window (:mod:`osms.rules.plan`): the self-covered
months (S) and the contribution months, self or employer (P), plus the contribution months of
the long-payer look-back before the window (R-S-6).  An employer item (R-L-6) covers its month
whatever the amount; an own КНП 122 item that reaches its price (R-L-4) covers it (R-L-5).
Own items below the price travel in a short list with the day paid; months paid in several of
them are summed in the order paid (R-L-5's running sum).  Then the prepaid blocks (R-S-4) and
the category months (R-C-2).

Each function returns SQL text (DuckDB's dialect) built from a :class:`~osms.rules.plan.Plan`;
``osms.batch.engine`` runs it.  The statements read the views ``people_src``,
``payments_src`` and ``categories_src`` and create the temporary tables named in each
docstring.
"""

from __future__ import annotations

from collections.abc import Mapping

from osms.rules.bitmask_sql import (
    Bits,
    date_literal,
    day_number,
    month_index,
    yyyymm,
)
from osms.rules.month import Month
from osms.rules.plan import AMOUNT_BITS, DAY_BITS, EPOCH, OPEN, Plan

__all__ = [
    "category_of",
    "contributions",
    "counts_for_block",
    "counts_on",
    "covers",
    "earliest_period",
    "latest_period",
    "paid_by_organisation",
    "payment_items",
    "price_year",
    "self_covered",
    "self_employed_covers",
    "starts_block",
    "yearly_price",
]


def _partial_base(p: Plan) -> int:
    """The month of offset 0 in a partial item (the first month R-S-6 may look at)."""
    return p.window_start - p.long_months


def price_year(p: Plan, paid_year: str, month_year: str) -> str:
    """R-L-4: the year whose rate prices a month — the year paid when earlier than the month's,
    but never before the first rate in force (:func:`osms.rules.pricing.price_year`)."""
    return f"greatest(least({paid_year}, {month_year}), {p.price_from})"


def yearly_price(p: Plan, kind_is_ie: str, year: str) -> str:
    """R-L-4, R-K-1: the monthly price in tiyn for ``year`` (NULL where unknown), the
    entrepreneur's where ``kind_is_ie`` (:func:`osms.rules.pricing.yearly_price`).

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


def counts_on(p: Plan) -> str:
    """R-S-0: an item counts on the knowledge date k when credited by k and not refunded by
    it (:meth:`osms.rules.facts.PaymentItem.counts_on`)."""
    k = date_literal(p.as_of)
    return f"credited_on <= {k} AND (refunded_on IS NULL OR refunded_on > {k})"


def earliest_period(p: Plan) -> str:
    """R-L-3, R-L-2: the first month an item of its КНП may be for — 2017-07 for 121, the
    ЕСП's first month for 183, the liability start for 122 — and the ЕСП's last one
    (:func:`osms.rules.facts.earliest_period`)."""
    esp_first, esp_last = p.single_payment
    return f"""period >= CASE knp WHEN 121 THEN {yyyymm(p.employer_from)}
                                             WHEN 183 THEN {yyyymm(esp_first)}
                                             ELSE {yyyymm(p.liable_from)} END
                      AND (knp <> 183 OR period <= {yyyymm(esp_last)})"""


def latest_period(p: Plan) -> str:
    """R-L-3: at most ``horizon`` months after the month paid
    (:func:`osms.rules.facts.latest_period`)."""
    return f"item_month <= paid_month + {p.horizon}"


def paid_by_organisation() -> str:
    """R-BIN-1: the payer is a BIN — digit 5 is 4, 5 or 6, i.e. payer mod 10^8 in
    [4·10^7, 7·10^7) (:meth:`osms.rules.facts.PaymentItem.paid_by_organisation`)."""
    return "coalesce(payer % 100000000 BETWEEN 40000000 AND 69999999, false)"


def covers() -> str:
    """R-L-6: an item that covers its month like the employer's, whatever the amount: КНП 121,
    the ЕСП's 183, a 122 paid by a BIN (:func:`osms.rules.facts._covers`)."""
    return f"knp <> 122 OR {paid_by_organisation()}"


def self_employed_covers(p: Plan) -> str:
    """R-L-6: from the self-employed regime's start a self-employed person's 122 covers like
    the employer's too (``k.se``: the person is self-employed; see
    :class:`osms.rules.coverage.Ledger`)."""
    return f"coalesce(k.se AND item_month >= {p.self_employed_from}, false)"


def payment_items(p: Plan) -> str:
    """The ledger items that count on k (R-S-0) and are valid (R-L-3), with the person's kind.

    ``employer_like``: an item that covers like the employer's whatever the amount (R-L-6,
    :func:`covers`, :func:`self_employed_covers`).  ``paid_full``: an own item that reaches
    the price of its month on its own (R-L-4: the rate of the year paid if paid in an earlier
    year, but not before the first rate in force, else the month's; the IE rate for an IE).
    ``lead``: how many months before its month the item was paid.
    """
    b = Bits(p)
    start = p.window_start
    price = yearly_price(p, "ie", price_year(p, "paid_month // 12", "item_year"))
    return f"""
        SELECT iin, item_month, employer_like, window_bit, before_bit, paid_full, lead, paid_on,
               CASE WHEN NOT employer_like AND NOT paid_full
                    THEN ((item_month - {_partial_base(p)})::BIGINT << {AMOUNT_BITS + DAY_BITS})
                         | (CAST(paid_on - {date_literal(EPOCH)} AS BIGINT) << {AMOUNT_BITS})
                         | amount_tiyn END AS item
        FROM (
            SELECT iin, item_month, employer_like,
                   CASE WHEN item_month >= {start} THEN {b.bit(f"item_month - {start}")}
                        ELSE {b.lit(0)} END
                       AS window_bit,
                   CASE WHEN item_month < {start} THEN 1::BIGINT << ({start - 1} - item_month)
                        ELSE 0 END
                       AS before_bit,
                   NOT employer_like AND coalesce(amount_tiyn >= {price}, false) AS paid_full,
                   item_month - paid_month AS lead, amount_tiyn, paid_on
            FROM (
                SELECT i.iin, item_month, item_year, paid_month, paid_on,
                       coalesce(k.ie, false) AS ie,
                       CAST(amount * 100 AS BIGINT) AS amount_tiyn,
                       employer_item OR {self_employed_covers(p)} AS employer_like
                FROM (
                    SELECT iin, item_month, item_year, paid_month, paid_on, amount,
                           {covers()} AS employer_item
                    FROM (
                        SELECT iin, {month_index("period")} AS item_month,
                               period // 100 AS item_year, period, knp,
                               payer, paid_on, amount,
                               year(paid_on) * 12 + month(paid_on) - 1 AS paid_month
                        FROM payments_src
                        WHERE {counts_on(p)}
                          AND amount > 0
                          AND knp IN (121, 122, 183)
                          AND period BETWEEN {yyyymm(start - p.long_months)}
                                         AND {yyyymm(p.window_end)}
                    )
                    WHERE {latest_period(p)}
                      AND {earliest_period(p)}
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


def counts_for_block(p: Plan) -> str:
    """R-S-4: only items paid from the prepayment mechanism's start count towards a block (a
    condition only where a month of the window can have been paid before it)."""
    if p.window_start > Month.of(p.block_start).index + p.horizon:
        return "true"
    return f"paid_on >= {date_literal(p.block_start)}"


def contributions(p: Plan) -> str:
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
    reached the price if earlier (:func:`self_covered`).
    """
    b = Bits(p)
    zero = b.lit(0)
    since = counts_for_block(p)
    return f"""
    CREATE OR REPLACE TEMP TABLE people_t AS
    SELECT iin, kind, year(birth_date) * 12 + month(birth_date) - 1 AS birth_mi
    FROM people_src;

    CREATE OR REPLACE TEMP TABLE led0 AS
    SELECT iin,
           bit_or(CASE WHEN paid_full THEN window_bit ELSE {zero} END) AS self_months,
           bit_or(CASE WHEN employer_like OR paid_full THEN window_bit ELSE {zero} END)
               AS contribution_months,
           bit_or(CASE WHEN employer_like OR paid_full THEN before_bit ELSE 0 END)
               AS contributions_before,
           bit_or(CASE WHEN paid_full AND lead >= 0 AND {since} THEN window_bit ELSE {zero} END)
               AS ontime,
           list(item) FILTER (WHERE item IS NOT NULL) AS partials,
           list(lead * 1024 + item_month - {p.window_start})
               FILTER (WHERE paid_full AND lead >= 1 AND item_month >= {p.window_start}
                             AND {since}) AS adv
    FROM ({payment_items(p)})
    GROUP BY iin;

    CREATE OR REPLACE TEMP TABLE partials AS
    SELECT iin,
           CAST((item >> {AMOUNT_BITS + DAY_BITS}) + {_partial_base(p)} AS INTEGER) AS item_month,
           CAST(((item >> {AMOUNT_BITS + DAY_BITS}) + {_partial_base(p)}) // 12 AS INTEGER)
               AS item_year,
           CAST((item >> {AMOUNT_BITS}) & {(1 << DAY_BITS) - 1} AS INTEGER) AS day,
           item & {(1 << AMOUNT_BITS) - 1} AS amount_tiyn
    FROM (SELECT iin, unnest(partials) AS item FROM led0 WHERE partials IS NOT NULL);
    """


def self_covered(p: Plan) -> str:
    """Per person: the window bitmasks S (self-covered) and P (contribution months) and the
    contribution months just before the window, with the months paid in several partial
    items (R-L-5's running sum, in the order paid, each against the price of its own day),
    and ``reach_bs``, the day the running sum of those paid from the prepayment mechanism's
    start reached the price (R-S-4's block paid day); then the block starts
    (:func:`starts_block`)."""
    b = Bits(p)
    zero = b.lit(0)
    win = f"item_month >= {p.window_start}"
    bit = b.bit(f"item_month - {p.window_start}")
    before = f"1::BIGINT << ({p.window_start - 1} - item_month)"
    ie = "kind = 'entrepreneur'"
    year = price_year(p, f"year({date_literal(EPOCH)} + day)", "item_year")
    return f"""
    CREATE OR REPLACE TEMP TABLE reached AS
    SELECT iin, item_month, reach, reach_bs FROM (
        SELECT iin, item_month, min(day) FILTER (WHERE cum >= price) AS reach,
               min(day) FILTER (WHERE day >= {day_number(p.block_start)} AND cum_bs >= price)
                   AS reach_bs
        FROM (
            SELECT x.iin, x.item_month, x.day,
                   sum(x.amount_tiyn) OVER (PARTITION BY x.iin, x.item_month ORDER BY x.day
                                    ROWS UNBOUNDED PRECEDING) AS cum,
                   sum(CASE WHEN x.day >= {day_number(p.block_start)} THEN x.amount_tiyn ELSE 0 END)
                       OVER (PARTITION BY x.iin, x.item_month ORDER BY x.day
                             ROWS UNBOUNDED PRECEDING) AS cum_bs,
                   count(*) OVER (PARTITION BY x.iin, x.item_month) AS n,
                   {yearly_price(p, ie, year)} AS price
            FROM partials x JOIN people_t pe ON pe.iin = x.iin
        )
        WHERE n > 1 AND item_month >= {p.liable_from}
        GROUP BY iin, item_month
    )
    WHERE reach IS NOT NULL;

    CREATE OR REPLACE TEMP TABLE split AS
    SELECT iin,
           bit_or(CASE WHEN {win} THEN {bit} END) AS summed_in_window,
           bit_or(CASE WHEN NOT {win} THEN {before} END) AS summed_before
    FROM reached
    GROUP BY iin;

    CREATE OR REPLACE TEMP TABLE led AS
    SELECT l.iin,
           coalesce(l.self_months, {zero}) | coalesce(s.summed_in_window, {zero}) AS self_months,
           coalesce(l.contribution_months, {zero}) | coalesce(s.summed_in_window, {zero})
               AS contribution_months,
           coalesce(l.contributions_before, 0::BIGINT) | coalesce(s.summed_before, 0::BIGINT)
               AS contributions_before,
           l.ontime, l.adv
    FROM led0 l
    LEFT JOIN split s ON s.iin = l.iin;
    """


def starts_block(p: Plan) -> str:
    """R-S-4: the months F that start a block, for the few who paid a month at least
    P − 1 months ahead (the last month of a block must have been).

    F starts a block when every month F + t (t = 0 … P − 1) is self-covered and its block
    paid day (:func:`contributions`: only items paid from the mechanism's start count) is at
    least t months before it (by the end of month F).  ``c_t``: the months so paid at least t
    months before them.
    """
    b = Bits(p)
    zero = b.lit(0)
    needed = p.prepaid - 1
    bit = b.bit(f"item_month - {p.window_start}")
    reach_month = (
        f"year({date_literal(EPOCH)} + reach_bs) * 12 + month({date_literal(EPOCH)} + reach_bs) - 1"
    )
    leads = ", ".join(
        f"bit_or(CASE WHEN lead >= {t} THEN {bit} ELSE {zero} END) AS c{t}"
        for t in range(p.prepaid)
    )
    ok = "l.self_months"
    starts = " & ".join(
        [f"({ok} & (coalesce(l.ontime, {zero}) | c.c0))"]
        + [b.shr(f"({ok} & c.c{t})", t) for t in range(1, p.prepaid)]
    )
    return f"""
    CREATE OR REPLACE TEMP TABLE block_entries AS
    SELECT iin, item_month, lead
    FROM (
        SELECT iin, CAST(item & 1023 AS INTEGER) + {p.window_start} AS item_month,
               CAST(item >> 10 AS INTEGER) AS lead
        FROM (SELECT iin, unnest(adv) AS item FROM led
              WHERE adv IS NOT NULL
                AND (list_max(adv) >> 10 >= {needed}
                     OR iin IN (SELECT iin FROM reached
                                WHERE item_month >= {p.window_start} AND reach_bs IS NOT NULL
                                  AND item_month - ({reach_month}) >= {needed})))
    )
    UNION ALL
    SELECT iin, item_month, item_month - ({reach_month}) AS lead
    FROM reached
    WHERE item_month >= {p.window_start} AND reach_bs IS NOT NULL;

    CREATE OR REPLACE TEMP TABLE blocks AS
    SELECT c.iin, ({starts}) & {b.wm} AS block_starts
    FROM (
        SELECT iin,
               {leads}
        FROM block_entries
        WHERE iin IN (SELECT iin FROM block_entries GROUP BY iin HAVING max(lead) >= {needed})
        GROUP BY iin
    ) c
    JOIN led l ON l.iin = c.iin;
    """


def category_of(p: Plan) -> str:
    b = Bits(p)
    lo = f"greatest(f, {p.window_start}) - {p.window_start}"
    hi = f"least(l, {p.window_end}) - {p.window_start}"
    return f"""
    CREATE OR REPLACE TEMP TABLE cat AS
    SELECT iin,
           bit_or(CASE WHEN f <= {p.window_end} AND l >= {p.window_start}
                       THEN {b.span(lo, hi)} END) AS category_months,
           min(f) FILTER (WHERE l = {OPEN}) AS f_open,
           min({{'f': f, 'c': category, 'l': l}})
               FILTER (WHERE f <= {p.decided_month} AND l >= {p.decided_month})
               AS at_m
    FROM (
        SELECT iin, category, {month_index("first_period")} AS f,
               coalesce({month_index("last_period")}, {OPEN}) AS l
        FROM categories_src
    )
    GROUP BY iin
    """
