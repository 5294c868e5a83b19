"""Status for every person on a date in SQL, beside its scalar form :mod:`osms.rules.status`
(R-S-0…R-S-7, with R-L-9's pending months).

The per-person engine walks months one at a time; here every month of the plan's window
(:mod:`osms.rules.plan`) is decided at once, bit-parallel, from the masks of
:mod:`osms.rules.coverage_sql`: U = liable and uncovered (R-C-3); a month is insured by R-S-5
when no uncovered month of its L previous ones is followed by a covered one (the "gaps"), the
pending months just before it aside (R-L-9), and the trailing run is ≤ G, or ≤ the long payer's
G from 2026 (R-S-6); by R-S-4 when a block starts within its run of self-covered months, or it
is covered and a block starts the month after; by R-S-1 and R-S-2 directly.  The status is M's
verdict on d; ``insured_until`` is the day before the first day from d that is not insured
(R-S-7): each month is decided from its first day, and again from each day a month before it
stops being pending, with temporary grants (R-S-3) walked day by day for the few who have one,
and, past the window where only categories remain, a walk over the merged category periods.

Each function returns SQL text (DuckDB's dialect) built from a :class:`~osms.rules.plan.Plan`;
``osms.batch.engine`` runs the statements in order and drives the two walks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from osms.rules import parameters
from osms.rules.bitmask_sql import (
    Bits,
    Layers,
    by_kind,
    date_literal,
    month_index,
    month_start,
)
from osms.rules.coverage_sql import yearly_price
from osms.rules.month import Month
from osms.rules.plan import OPEN, Plan, PlanError

__all__ = [
    "debt_due",
    "debt_months",
    "gaps",
    "grace_months",
    "grant_covering",
    "grant_walk_start",
    "grant_walk_step",
    "insured_on",
    "lost_on",
    "month_verdict",
    "pending_months",
    "person_months",
    "phases",
    "prepaid_run",
    "regular",
    "snapshot_rows",
    "tail_spill",
    "tail_spill_candidates",
    "tail_stretches",
    "tail_walk_start",
    "tail_walk_step",
    "uncovered_liable",
]


def grant_covering(p: Plan) -> str:
    k, d = date_literal(p.as_of), date_literal(p.on)
    return f"""
    CREATE OR REPLACE TEMP TABLE gr AS
    SELECT iin,
           min({{'g': granted_on, 'e': ends_on, 'c': category}})
               FILTER (WHERE granted_on <= {d} AND {d} < ends_on) AS at_d
    FROM grants_src
    WHERE granted_on <= {k} AND ends_on > {d}
    GROUP BY iin
    """


def pending_months(p: Plan) -> str:
    """R-L-9: how many months up to M are pending on the date (by kind)."""
    return by_kind({k.kind: str(k.at_m) for k in p.pending if k.at_m}, "0")


def _pending_kinds(p: Plan) -> str:
    """R-L-9: the payer kinds whose months can be pending, as an SQL list."""
    return ", ".join(f"'{k.kind}'" for k in p.pending) or "NULL"


def uncovered_liable(layers: Layers, p: Plan) -> None:
    """R-C-3 with R-C-1, R-C-2: ``unpaid``, the liable months neither paid (S, P) nor in a
    category (``category_months``, with the child category from the birth date); months before
    birth and
    the child's are never liable (:meth:`osms.rules.coverage.Ledger.uncovered_liable`).
    ``transitions``: a covered month just after an uncovered one; ``not_unpaid``: the covered
    ones."""
    b = layers.b
    wm = b.wm
    liable = b.lit(p.mask(p.liable_from, p.window_end))
    child_hi = f"least(child_last, {p.window_end}) - {p.window_start}"
    child_lo = f"greatest(birth_mi, {p.window_start}) - {p.window_start}"
    layers.add(
        category_months=f"registered_category_months | CASE WHEN child_last >= {p.window_start} "
        f"AND birth_mi <= {p.window_end} "
        f"THEN {b.span(child_lo, child_hi)} ELSE {b.lit(0)} END",
        not_liable=f"CASE WHEN child_last >= {p.window_start} THEN {b.span('0', child_hi)} "
        f"ELSE {b.lit(0)} END",
        not_contribution=f"~contribution_months & {wm}",
    )
    layers.add(
        unpaid=f"(~(self_months | contribution_months | category_months | not_liable)) "
        f"& {liable} & {wm}"
    )
    layers.add(transitions=f"{b.shl('unpaid', 1)} & ~unpaid & {wm}", not_unpaid=f"~unpaid & {wm}")


def grace_months(layers: Layers, p: Plan) -> None:
    """R-S-6 (:func:`osms.rules.status._grace_months`): ``long_payer``, the months s whose months
    [s − 59, s] are all contribution months (the long payers', whose G is the longer one
    from 2026)."""
    b = layers.b
    wm = b.wm
    if p.long_payer_from is not None:
        # the contribution run ending just before the window: trailing ones of contributions_before
        run_before = "(bit_count(xor(contributions_before, contributions_before + 1)) - 1)"
        lp_from = f"greatest({p.long_months - 1} - {run_before}, 0)"
        layers.doubling("not_contribution_run", "not_contribution", p.long_months, "|", up=True)
        layers.add(long_payer=f"~not_contribution_run & {wm} & ~({b.bit(lp_from)} - 1)")
    else:
        layers.add(long_payer=b.lit(0))


def gaps(layers: Layers, p: Plan) -> None:
    """R-S-5 (:func:`osms.rules.status._gaps`): ``g_δ``, the months with an uncovered month of
    the look-back before the trailing run, followed by a covered one (the gaps), the δ
    pending months just before the month set aside (R-L-9): a transition U → covered at
    j − s, s in [δ, L − 1], or the month j − δ − 1 uncovered and a covered month after the δ
    set aside."""
    b = layers.b
    lookback = p.lookback
    deltas = p.set_aside_max
    pending_kinds = _pending_kinds(p)
    layers.doubling("gaps_before", "transitions", lookback - deltas, "|", up=True)
    pending_kinds = ", ".join(f"'{k.kind}'" for k in p.pending) or "NULL"
    for delta in range(deltas + 1):
        terms = [b.shl("gaps_before", delta)]
        terms += [b.shl("transitions", s) for s in range(lookback - deltas + delta, lookback)]
        if delta:
            covered_after = " | ".join(b.shl("not_unpaid", s) for s in range(delta))
            terms.append(f"({b.shl('unpaid', delta + 1)} & ({covered_after}))")
        expr = " | ".join(terms)
        if delta:  # only the kinds whose months can be pending use them
            expr = f"CASE WHEN kind IN ({pending_kinds}) THEN {expr} ELSE {b.lit(0)} END"
        layers.add(**{f"g{delta}": expr})


def regular(layers: Layers, p: Plan) -> None:
    """R-S-5 with R-S-6 (:func:`osms.rules.status._regular`): ``run_ok``, the months whose
    trailing unpaid run is at most G, or for a long payer from 2026 at most the long G (the
    gaps are :func:`gaps`)."""
    b = layers.b
    wm = b.wm
    long_from = b.lit(0 if p.long_payer_from is None else p.mask(p.long_payer_from, p.window_end))

    def run_equal(r: int) -> str:
        every = " & ".join(b.shl("unpaid", k) for k in range(r))
        return f"({every} & ~{b.shl('unpaid', r)} & {b.shl('long_payer', r)})"

    # a run longer than G is debt (the long payer's G from 2026, R-S-6)
    run_over = " & ".join(b.shl("unpaid", k) for k in range(p.grace + 1))
    longer = [run_equal(r) for r in range(p.grace + 1, p.long_grace + 1)]
    long_ok = f"({long_from} & ({' | '.join(longer)}))" if longer else b.lit(0)
    gaps(layers, p)
    layers.add(run_ok=f"(~({run_over}) | {long_ok}) & {wm}")


def prepaid_run(layers: Layers, p: Plan) -> str:
    """R-S-4 (:func:`osms.rules.status._prepaid_run`): the months in a run of self-covered
    months from a block start F (F ≤ M, the run reaching back at most L months: longer,
    R-S-5 alone insures), or covered with a block starting the month after.  Adds the
    doubling levels and returns the expression of ``pre``."""
    b = layers.b
    wm = b.wm
    lookback = p.lookback

    def if_blocks(expr: str) -> str:  # blocks are rare: the others skip the scan
        return f"CASE WHEN block_starts = {b.lit(0)} THEN {b.lit(0)} ELSE {expr} END"

    layers.add(
        pr0="block_starts & self_months",
        pp0=if_blocks(f"self_months & {b.shl('self_months', 1)} & {wm}"),
    )
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
    covered = "(self_months | contribution_months | category_months)"
    return f"(pr{level} | ({covered} & {b.shr('block_starts', 1)})) & {wm}"


def person_months(p: Plan) -> Layers:
    """Per person, the months of the window as bitmasks, from the tables of
    :mod:`osms.rules.coverage_sql` and :func:`grant_covering`: U (R-C-3,
    :func:`uncovered_liable`), the long payers' months (R-S-6, :func:`grace_months`) and the
    months within grace with no gap before their run (R-S-5, :func:`regular`: ``g_δ`` and
    ``run_ok``)."""
    b = Bits(p)
    layers = Layers(
        b,
        f"""
        SELECT pe.iin, pe.kind, pe.birth_mi, pe.birth_mi + {p.child_months} AS child_last,
               coalesce(led.self_months, {b.lit(0)}) AS self_months,
               coalesce(led.contribution_months, {b.lit(0)}) AS contribution_months,
               coalesce(led.contributions_before, 0::BIGINT) AS contributions_before,
               coalesce(blocks.block_starts, {b.lit(0)}) AS block_starts,
               coalesce(cat.category_months, {b.lit(0)}) AS registered_category_months,
               cat.f_open, cat.at_m.c AS cat_name_m,
               gr.iin IS NOT NULL AS has_grant, gr.at_d.c AS grant_name
        FROM people_t pe
        LEFT JOIN led USING (iin)
        LEFT JOIN blocks USING (iin)
        LEFT JOIN cat USING (iin)
        LEFT JOIN gr USING (iin)
        """,
    )
    uncovered_liable(layers, p)
    grace_months(layers, p)
    regular(layers, p)
    return layers


def month_verdict(p: Plan) -> str:
    """The bit-parallel verdict of every month of the window, per person (table
    ``verdicts``; :func:`osms.rules.status._month_verdict`): R-S-1, R-S-2, R-S-5 with R-S-6
    (:func:`regular`), R-S-4 (:func:`prepaid_run`), then the status and reason of M, the
    months lost from M (R-S-7) and the pending months (R-L-9).

    Pending months are never gaps: ``g_δ`` sets aside the δ months before j, and each month of
    the window from M takes the ``g_δ`` of its day (:class:`osms.rules.plan.PendingKind`).
    ``v_δ`` (for the few with a temporary grant, walked day by day) is the verdict with δ
    months set aside everywhere.
    """
    b = Bits(p)
    wm = b.wm
    lookback = p.lookback
    transitional = b.lit(p.mask(*p.transitional))
    from_m = b.lit(p.mask(p.decided_month, p.window_end))
    top = b.lit(1 << p.top)
    decided_position = p.decided_position
    full = p.lookback_mask
    deltas = p.set_aside_max
    if deltas >= lookback:
        raise PlanError(f"{deltas} pending months before a month: not supported")
    pending_kinds = _pending_kinds(p)

    layers = person_months(p)
    pre = prepaid_run(layers, p)
    layers.add(
        pre=pre,
        open_category_months=f"""category_months & ~{transitional} & {wm}
                  & CASE WHEN f_open IS NULL THEN {b.lit(0)}
                         WHEN f_open <= {p.window_start} THEN {wm}
                         WHEN f_open > {p.window_end} THEN {b.lit(0)}
                         ELSE {wm} & ~({b.bit(f"f_open - {p.window_start}")} - 1) END""",
    )
    # v_δ: the verdict of every month with δ months before it set aside as pending
    verdicts = {
        f"v{delta}": f"{transitional} | category_months | (~g{delta} & run_ok) | pre"
        for delta in range(deltas + 1)
    }
    for delta in range(1, deltas + 1):
        verdicts[f"v{delta}"] = (
            f"CASE WHEN kind IN ({pending_kinds}) THEN {verdicts[f'v{delta}']} ELSE {b.lit(0)} END"
        )
    layers.add(
        **verdicts,
        lookback_unpaid=f"(unpaid >> {decided_position - lookback}) & {full}",
        unpaid_at_window_end=f"(unpaid >> {p.width - lookback - 1}) & {full}",
    )
    at_d = {k.kind: p.phases[k.kind][0][0][1] for k in p.pending}
    status_m = by_kind(
        {kind: b.test(f"v{delta}", decided_position) for kind, delta in at_d.items() if delta},
        b.test("v0", decided_position),
    )
    regular_m = by_kind(
        {
            kind: b.test(f"~g{delta} & run_ok", decided_position)
            for kind, delta in at_d.items()
            if delta
        },
        b.test("~g0 & run_ok", decided_position),
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
    layers.add(lost=f"{by_kind(lost, '~v0')} & {from_m}")

    def trailing_ones(x: str) -> str:
        return f"""CASE WHEN {x} = {full} THEN {lookback + 1}
                    ELSE {lookback} - CAST(floor(log2(CAST((~{x}) & {full} AS DOUBLE)))
                                           AS INTEGER) END"""

    layers.add(
        run_at_decided=trailing_ones("lookback_unpaid"),
        run_at_window_end=trailing_ones("unpaid_at_window_end"),
        first_lost=b.ctz(f"lost | {top}"),
        first_open_category=b.ctz(f"(open_category_months & {from_m}) | {top}"),
        pending_at_decided=pending_months(p),
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
                WHEN first_open_category < first_lost THEN 'none'
                WHEN first_lost < {p.top} THEN 'month'
                ELSE 'tail' END AS how,
           CASE WHEN status = 'insured' AND NOT has_grant
                     AND first_open_category >= first_lost AND first_lost < {p.top}
                THEN {lost_on(p, "first_lost")} - 1 END AS until_day,
           -- R-S-6, R-S-7: the G that applied, for the reasons R-S-5's run was counted for
           CASE WHEN reason IN ('transitional', 'category', 'temporary') THEN {p.grace}
                WHEN {p.decided_month} >= {p.long_payer_from or OPEN}
                     AND {b.test("long_payer", f"{decided_position} - run_at_decided")}
                THEN {p.long_grace} ELSE {p.grace} END AS grace_applied,
           -- R-L-9: debt months without the pending ones, and those apart
           lookback_unpaid & ((1 << ({lookback + 1} - pending_at_decided)) - 1) AS debt_bits,
           bit_count(lookback_unpaid >> ({lookback + 1} - pending_at_decided)) AS pending_count
    FROM (
    SELECT iin, kind, birth_mi, child_last, unpaid, open_category_months, category_months,
           not_liable, f_open, has_grant, run_at_decided, run_at_window_end, first_lost,
           first_open_category, lookback_unpaid, long_payer, pending_at_decided{walk_columns},
           CASE WHEN insured_m OR grant_name IS NOT NULL
                THEN 'insured' ELSE 'uninsured' END AS status,
           CASE WHEN {b.test(transitional, decided_position)} THEN 'transitional'
                WHEN {b.test("category_months", decided_position)} THEN 'category'
                WHEN grant_name IS NOT NULL THEN 'temporary'
                -- R-L-9: a run made only of pending months is no grace
                WHEN regular_m THEN
                     CASE WHEN run_at_decided > pending_at_decided THEN 'grace' ELSE 'regular' END
                WHEN {b.test("pre", decided_position)} THEN 'prepaid'
                ELSE 'debt' END AS reason,
           CASE WHEN {b.test(transitional, decided_position)} THEN NULL
                WHEN {b.test("category_months", decided_position)} THEN
                     CASE WHEN child_last >= {p.decided_month}
                               AND birth_mi <= {p.decided_month} THEN 'child'
                          ELSE cat_name_m END
                WHEN grant_name IS NOT NULL THEN grant_name
                ELSE NULL END AS category
    FROM ({layers.sql})
    )
    """


def lost_on(p: Plan, first_lost: str) -> str:
    """The first day not insured in the month at bit ``first_lost`` (R-S-7): the start of its first
    phase whose verdict is not insured (R-L-9), the first day of the month for the kinds whose
    months are never pending."""
    b = Bits(p)
    plain = month_start(f"{p.window_start} + {first_lost}")
    cases = {}
    for kind in p.pending:
        starts = p.phase_starts(kind.kind)
        if set(starts) == {0}:
            continue
        whens = []
        for delta in sorted(starts, reverse=True):  # a month's phases: δ falls as days pass
            days = [starts[delta].get(i) for i in range(p.window_start, p.window_end + 1)]
            listed = "[" + ", ".join("NULL" if d is None else date_literal(d) for d in days) + "]"
            months = b.lit(p.months_mask(starts[delta]))
            whens.append(
                f"WHEN {b.test(f'{months} & ~v{delta}', first_lost)} "
                f"THEN {listed}[{first_lost} + 1]"
            )
        cases[kind.kind] = f"(CASE {' '.join(whens)} END)"
    return by_kind(cases, plain)


def debt_months(p: Plan) -> str:
    """R-S-7: what was paid towards the debt months of [M − L, M], for the few who paid
    part of one (R-L-5: a debt month has no own item reaching the price, so all its own
    items are in ``partials``).  What is due is computed in :func:`snapshot_rows`."""
    first = p.decided_month - p.lookback
    ie = "kind = 'entrepreneur'"
    return f"""
    CREATE OR REPLACE TEMP TABLE debts AS
    SELECT iin, sum(least(own_total, {yearly_price(p, ie, "item_year")})) AS credit
    FROM (
        SELECT v.iin, v.kind, x.item_month, any_value(x.item_year) AS item_year,
               sum(x.amount_tiyn) AS own_total
        FROM partials x JOIN verdicts v ON v.iin = x.iin
        WHERE x.item_month BETWEEN {first} AND {p.decided_month}
          AND v.reason IN ('regular', 'grace', 'debt')
          AND ((v.debt_bits >> (x.item_month - {first})) & 1) = 1
        GROUP BY v.iin, v.kind, x.item_month
    )
    GROUP BY iin
    """


def debt_due(p: Plan) -> str:
    """R-S-7: the price of each debt month's year (R-L-4) less what was paid towards it."""
    by_year: dict[int, int] = {}
    for i in range(p.lookback + 1):
        year = (p.decided_month - p.lookback + i) // 12
        by_year[year] = by_year.get(year, 0) | 1 << i
    ie = "v.kind = 'entrepreneur'"
    # a year's price is asked only where a debt month lies in it (an unknown price is NULL)
    priced = " + ".join(
        f"CASE WHEN v.debt_bits & {bits} = 0 THEN 0 "
        f"ELSE bit_count(v.debt_bits & {bits}) * {yearly_price(p, ie, str(year))} END"
        for year, bits in sorted(by_year.items())
    )
    return f"({priced} - coalesce(dbt.credit, 0))"


def debt_provisional(p: Plan) -> str:
    """R-P-1, R-S-7: the debt amounts rest on a provisional MW when a debt month lies in a
    year whose MW is not published (as :attr:`osms.rules.status.Decision.provisional`)."""
    bits = 0
    for i in range(p.lookback + 1):
        if parameters.minimum_wage_is_provisional((p.decided_month - p.lookback + i) // 12):
            bits |= 1 << i
    return f"(v.debt_bits & {bits} <> 0)" if bits else "false"


def insured_on(p: Plan, pos: str) -> str:
    """Whether the month at ``pos`` is insured on day x (R-L-9: its pending months depend on
    the day; the walk's days may be in the middle of a month)."""
    b = Bits(p)
    deltas = p.set_aside_max
    if not deltas:
        return b.test("v0", pos)
    first = p.decided_month - 4
    credit_days = p.pending[0].credit_days(first, p.window_end + 2)
    days = "[" + ", ".join(date_literal(day) for day in credit_days) + "]"
    fp = f"({first} + len(list_filter({days}, lambda t: t <= x)))"
    month = "(year(x) * 12 + month(x) - 1)"
    delta = by_kind(
        {k.kind: f"greatest(0, {month} - greatest({k.since}, {fp}))" for k in p.pending}, "0"
    )
    whens = " ".join(f"WHEN {d} THEN {b.test(f'v{d}', pos)}" for d in range(deltas))
    return f"(CASE {delta} {whens} ELSE {b.test(f'v{deltas}', pos)} END)"


def snapshot_rows(p: Plan) -> str:
    next_month = date_literal((Month.of(p.on) + 1).first_day())
    due = debt_due(p)
    return f"""
    WITH overrides AS (
        SELECT iin, until_day FROM walk WHERE how = 'day'
        UNION ALL
        SELECT iin, {month_start("until_m + 1")} - 1 FROM tail WHERE how = 'month'
        UNION ALL
        SELECT iin, until_day FROM tail WHERE how = 'day'
        UNION ALL
        SELECT iin, {month_start("until_m + 1")} - 1 FROM tail_done
    ),
    answer AS (
        SELECT v.*, coalesce(v.until_day, o.until_day) AS insured_until,
               v.reason IN ('regular', 'grace', 'debt') AS shows_debt
        FROM verdicts v LEFT JOIN overrides o USING (iin)
    )
    SELECT CASE WHEN v.iin >= 100000000000 THEN CAST(v.iin AS VARCHAR)
                ELSE lpad(CAST(v.iin AS VARCHAR), 12, '0') END AS iin,
           v.kind, v.status, v.reason, v.category, v.insured_until,
           CAST(CASE WHEN shows_debt THEN bit_count(v.debt_bits) ELSE 0 END AS SMALLINT)
               AS debt_months,
           CAST(CAST(CASE WHEN shows_debt THEN {due} ELSE 0 END AS DECIMAL(18, 0))
                * DECIMAL '0.01' AS DECIMAL(14, 2)) AS debt_total,
           CAST(CASE WHEN shows_debt THEN v.debt_bits ELSE 0 END AS SMALLINT) AS debt_mask,
           v.reason = 'grace' AS grace,
           coalesce(v.status = 'insured' AND v.insured_until < {next_month}, false)
               AS loses_status_next_month,
           CAST(v.grace_applied AS TINYINT) AS grace_months,
           CAST(v.pending_count AS TINYINT) AS pending_months,  -- whatever the reason (R-S-7)
           coalesce(shows_debt AND {debt_provisional(p)}, false) AS provisional
    FROM answer v
    LEFT JOIN debts dbt USING (iin)
    """


def phases(p: Plan) -> str:
    """The days from which a month is decided anew (R-L-9), by kind ('other': the first
    days), for the temporary-grant walk."""
    rows = [
        ("other", i - p.window_start, Month.from_index(i).first_day(), 0)
        for i in range(p.decided_month, p.window_end + 1)
    ]
    for kind in p.pending:
        for offset, phases in enumerate(p.phases[kind.kind]):
            rows += [
                (kind.kind, p.decided_month + offset - p.window_start, day, delta)
                for day, delta in phases
            ]
    values = ", ".join(
        f"('{k}', {pos}, {date_literal(day)}, {delta})" for k, pos, day, delta in rows
    )
    return f"""
    CREATE OR REPLACE TEMP TABLE phases AS
    SELECT * FROM (VALUES {values}) AS t(kind, pos, day, delta)
    """


def grant_walk_start(p: Plan) -> str:
    """R-S-3 with R-S-7: the people whose ``insured_until`` is walked day by day through
    their temporary grants (table ``walk``, from the date asked)."""
    deltas = p.set_aside_max
    walk_v = "".join(f", v{d}" for d in range(deltas + 1))
    return f"""
    CREATE OR REPLACE TEMP TABLE walk AS
    SELECT iin, kind, open_category_months{walk_v}, {date_literal(p.on)} AS x, 'walk' AS how,
           NULL::DATE AS until_day
    FROM verdicts WHERE how = 'grant'
    """


def grant_walk_step(p: Plan) -> str:
    """R-S-3 with R-S-7: one step of the walk through grants (``insured_until`` of the few who
    have one, :func:`osms.rules.status._insured_until`).

    From day x: if x is insured, jump to the first day after it that is not (a month's
    phases, R-L-9); else, if a grant known by k covers x, jump to its end; else x − 1 is the
    answer.
    """
    b = Bits(p)
    k = date_literal(p.as_of)
    top = b.lit(1 << p.top)
    deltas = p.set_aside_max
    walk_v = "".join(f", v{d}" for d in range(deltas + 1))
    pos = f"(year(x) * 12 + month(x) - 1 - {p.window_start})"
    pending = ", ".join(f"'{k.kind}'" for k in p.pending) or "NULL"
    lost = " ".join(f"WHEN {d} THEN {b.test(f's.v{d}', 'ph.pos')}" for d in range(deltas + 1))
    open_month = b.ctz(f"(open_category_months & ~({b.bit('pos')} - 1)) | {top}")
    open_from = month_start(f"{p.window_start} + {open_month}")
    return f"""
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
                   {insured_on(p, "pos")} AS insured_day,
                   (SELECT min(ph.day) FROM phases ph
                     WHERE ph.kind = CASE WHEN s.kind IN ({pending}) THEN s.kind
                                          ELSE 'other' END
                       AND ph.day > s.x
                       AND NOT (CASE ph.delta {lost} END)) AS lost_day,
                   {open_from} AS open_from
            FROM step s
        )
        SELECT iin, kind, open_category_months{walk_v},
               CASE WHEN insured_day THEN coalesce(lost_day, x)
                    WHEN grant_end IS NOT NULL THEN grant_end
                    ELSE x END AS x,
               CASE WHEN insured_day AND open_from < coalesce(lost_day, {date_literal(date.max)})
                         AND open_from <= {month_start(str(p.window_end))} THEN 'none'
                    WHEN insured_day AND lost_day IS NULL THEN 'tail'
                    WHEN insured_day OR grant_end IS NOT NULL THEN 'walk'
                    ELSE 'day' END AS how,
               CASE WHEN NOT insured_day AND grant_end IS NULL THEN x - 1 END AS until_day
        FROM moved
        UNION ALL
        SELECT * FROM walk WHERE how <> 'walk'
        """


def tail_spill_candidates(p: Plan) -> str:
    """R-L-9 past the window: (kind, month) of the months after a one-month category stretch
    whose month before may be pending (:func:`tail_spill` decides)."""
    return f"""
        SELECT DISTINCT t.kind, i.e + 1 FROM islands i JOIN tail_people t ON t.iin = i.iin
        WHERE i.s = i.e AND i.e < {OPEN}
          AND t.kind IN ({", ".join(f"'{k.kind}'" for k in p.pending)})
    """


def tail_spill(p: Plan, rows: Iterable[tuple[str, int]]) -> dict[str, dict[int, date]]:
    """R-L-9 past the window: the months after a one-month category stretch e that, on their
    first day, still set e − 1 aside as pending (e itself is a category month: setting it
    aside changes nothing), by kind, with the day e − 1 stops being pending.  Asked only for
    the stretches found (a handful)."""
    kinds = {k.kind: k for k in p.pending}
    spill: dict[str, dict[int, date]] = {}
    for kind, month in rows:
        phases = kinds[kind].phases(month)
        if phases[0][1] > 2:  # pragma: no cover - a calendar where a month waits three months
            raise PlanError(f"{Month.from_index(month)}: {phases[0][1]} pending months before it")
        if phases[0][1] == 2:
            spill.setdefault(kind, {})[month] = next(day for day, d in phases if d < 2)
    return spill


def _tail_blocked(p: Plan, set_aside: str) -> str:
    """R-S-5 past the window: an unpaid month in [e − L + 1, e] (but the ``set_aside`` months
    just before e + 1, R-L-9) blocks the month after the stretch's last month e."""
    window_end, window_start, lb = p.window_end, p.window_start, p.lookback
    low = f"((1::{p.int_type} << ({lb} - {set_aside})) - 1)"
    return (
        f"CASE WHEN e - {lb - 1} <= {window_end} "
        f"THEN ((unpaid >> (e - {lb - 1} - {window_start})) & {low}) <> 0 ELSE false END"
    )


def tail_stretches(p: Plan) -> str:
    """R-S-7 past the window (:func:`osms.rules.status._first_month_past_grace`): only
    categories cover months there, payments stop at month(k) + horizon.  Tables
    ``tail_people``, ``tail_periods``, ``tail_done`` (one step) and ``islands`` (the merged
    category stretches).

    Past the window only categories cover months (payments stop at month(k) + horizon).

    From the last category month e of a stretch: if an unpaid month lies in [e − L + 1, e]
    the next month is already blocked (R-S-5, the gaps rule); else the person stays insured
    G months (no contribution can make a long payer there), unless the next category period
    starts within those G months, and then the same from its end.  Children and people with
    no other period ending after the window take one step.

    R-L-9: when the month after a one-month stretch e sets e − 1 aside as pending on its
    first day (``spill``), an unpaid e − 1 does not block it, but only until e − 1 stops
    being pending, in the middle of that month: the answer is the day before.
    """
    b = Bits(p)
    window_end, g = p.window_end, p.grace

    def blocked(set_aside: str) -> str:
        return _tail_blocked(p, set_aside)

    return f"""
    CREATE OR REPLACE TEMP TABLE tail_people AS
    SELECT v.iin, v.kind, v.birth_mi, v.child_last, v.unpaid,
           {b.test("v.category_months | v.not_liable", p.width - 1)} AS cat_we,
           {window_end} - v.run_at_window_end AS gap_end
    FROM verdicts v
    WHERE v.how = 'tail' OR v.iin IN (SELECT iin FROM walk WHERE how = 'tail');

    CREATE OR REPLACE TEMP TABLE tail_periods AS
    SELECT c.iin, {month_index("c.first_period")} AS f,
           coalesce({month_index("c.last_period")}, {OPEN}) AS l
    FROM categories_src c SEMI JOIN tail_people t ON c.iin = t.iin
    WHERE c.last_period IS NULL OR {month_index("c.last_period")} >= {window_end - 1};

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
    relevant AS (SELECT * FROM periods WHERE l >= {window_end - 1}),
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
    """


def _tail_set_aside(spill: Mapping[str, Mapping[int, date]], e: str) -> str:
    return by_kind(
        {
            kind: f"(CASE WHEN list_contains({sorted(days)}, {e} + 1) THEN 2 ELSE 0 END)"
            for kind, days in spill.items()
        },
        "0",
    )


def _tail_saved_until(spill: Mapping[str, Mapping[int, date]], e: str) -> str:
    """The day before e − 1 stops being pending (only where ``set_aside`` is 2)."""
    return by_kind(
        {
            kind: f"([{', '.join(date_literal(days[i]) for i in sorted(days))}]"
            f"[list_position({sorted(days)}, {e} + 1)] - 1)"
            for kind, days in spill.items()
        },
        "NULL::DATE",
    )


def tail_walk_start(p: Plan, spill: Mapping[str, Mapping[int, date]]) -> str:
    """R-S-7 past the window: table ``tail``, each person at the stretch that holds the window's
    last month, or the gap's end (``spill``: :func:`tail_spill`)."""
    b = Bits(p)
    window_start, window_end = p.window_start, p.window_end

    def blocked(set_aside: str) -> str:
        return _tail_blocked(p, set_aside)

    def set_aside(e: str) -> str:
        return _tail_set_aside(spill, e)

    def saved_until(e: str) -> str:
        return _tail_saved_until(spill, e)

    return f"""
    CREATE OR REPLACE TEMP TABLE tail AS
    SELECT iin, kind, e, blocked, nk,
           CASE WHEN saved THEN 'day' WHEN e >= {OPEN} THEN 'none' ELSE 'walk' END AS how,
           NULL::INTEGER AS until_m,
           CASE WHEN saved THEN {saved_until("e")} END AS until_day
    FROM (
        SELECT *,
               CASE WHEN cat_we AND {set_aside("e")} = 2
                         AND e - 1 BETWEEN {window_start} AND {window_end}
                    THEN {b.test("unpaid", f"e - 1 - {window_start}")} AND NOT blocked
                    ELSE false END AS saved
        FROM (
            SELECT *, CASE WHEN cat_we THEN {blocked(set_aside("e"))} ELSE false END AS blocked
            FROM (
                SELECT t.iin, t.kind, t.unpaid, t.cat_we,
                       CASE WHEN t.cat_we THEN i.e ELSE t.gap_end END AS e,
                       coalesce(i.k, 0) + 1 AS nk
                FROM tail_people t
                LEFT JOIN (
                    SELECT t2.iin, arg_max(i2.k, i2.k) AS k, arg_max(i2.e, i2.k) AS e
                    FROM tail_people t2 JOIN islands i2 ON i2.iin = t2.iin
                        AND i2.s <= CASE WHEN t2.cat_we THEN {window_end} ELSE t2.gap_end END
                    GROUP BY t2.iin
                ) i ON i.iin = t.iin
                WHERE t.iin IN (SELECT iin FROM tail_periods)
            )
        )
    );
    """


def tail_walk_step(p: Plan, spill: Mapping[str, Mapping[int, date]]) -> str:
    """R-S-7 past the window: one step from a stretch to the next one, reached when the
    months between are within grace (R-S-5, R-S-6)."""
    g, lb = p.grace, p.lookback

    def set_aside(e: str) -> str:
        return _tail_set_aside(spill, e)

    def saved_until(e: str) -> str:
        return _tail_saved_until(spill, e)

    # the next stretch n is reached when the months between are within grace; a one-month
    # stretch whose e − 1 is set aside is blocked only by the earlier months between
    go = f"(NOT t.blocked AND n.s IS NOT NULL AND n.s < t.e + {g + 2})"
    spilled = f"(n.s = n.e AND {set_aside('n.e')} = 2)"
    return f"""
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
                        WHEN n.e >= {OPEN} THEN 'none'
                        ELSE 'walk' END AS how,
                   CASE WHEN t.blocked THEN t.e WHEN NOT {go} THEN t.e + {g} END AS until_m
            FROM tail t LEFT JOIN islands n ON n.iin = t.iin AND n.k = t.nk
            WHERE t.how = 'walk'
        )
        UNION ALL
        SELECT * FROM tail WHERE how <> 'walk'
        """
