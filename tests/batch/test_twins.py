"""Each rule's SQL form (:mod:`osms.rules.coverage_sql`, :mod:`osms.rules.status_sql`) against
its scalar form (:mod:`osms.rules.coverage`, :mod:`osms.rules.status`), rule by rule.

The whole-snapshot equality (``test_equality.py``) says the answers agree; these say where a
disagreement would come from.  After a run the per-person bitmasks of every step are still in
the connection's temporary tables (bit i is month ``window_start + i``), and each bit is
compared with the scalar function the SQL function is named after, month by month over the
whole window, on hypothesis facts made hard for a vectorised engine and on generated people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from osms.batch.engine import snapshot_tables
from osms.batch.facts import Population, tables_from_facts
from osms.rules.coverage import Ledger
from osms.rules.month import Month
from osms.rules.plan import Plan, plan
from osms.rules.status import _month_verdict, _regular
from osms.rules.status_sql import person_months
from osms.synthetic.generate import PROFILES, generate_tables
from tests.batch.helpers import population_settings
from tests.batch.strategies import cases

Check = Callable[[Ledger, int, Plan], bool]
"""The scalar form: (the person's ledger, a month index, the plan) → the month's bit."""


@st.composite
def populations(draw: st.DrawFn) -> tuple[Population, date, date]:
    """Hypothesis facts or a generated population (every profile alike), with dates."""
    if draw(st.booleans()):
        people, on, as_of = draw(cases(max_size=15))
        return Population(tables_from_facts(people)), on, as_of
    today = date(2026, 11, 30)
    tables = generate_tables(
        draw(st.integers(20, 60)),
        draw(st.integers(0, 2**31)),
        months=83,
        today=today,
        profiles=dict.fromkeys(PROFILES, 1.0),
    )
    on = draw(st.dates(date(2020, 7, 1), today))
    as_of = min(on + timedelta(days=draw(st.integers(0, 400))), date(2027, 6, 30))
    return Population(tables), on, as_of


@dataclass(frozen=True)
class _Run:
    population: Population
    plan: Plan
    con: Any

    def bits(self, table: str, column: str, everyone: bool) -> dict[int, int]:
        """iin → the column's bitmask; with ``everyone``, 0 for a person the table leaves out
        (those with nothing to record), else only the people the table lists."""
        rows = self.con.execute(f"SELECT iin, {column} FROM {table}").fetchall()
        found = {int(iin): int(mask or 0) for iin, mask in rows}
        if not everyone:
            return found
        return {iin: found.get(iin, 0) for iin in self.population.iins}

    def agree(
        self,
        table: str,
        column: str,
        check: Check,
        months: range | None = None,
        everyone: bool = True,
    ) -> int:
        """Every bit of ``column`` equals the scalar form; returns how many bits were set."""
        p = self.plan
        window = months or range(p.window_start, p.window_end + 1)
        set_bits = 0
        for iin, mask in self.bits(table, column, everyone).items():
            ledger = Ledger(self.population.facts(iin))
            for index in window:
                sql = bool(mask >> (index - p.window_start) & 1)
                scalar = check(ledger, index, p)
                assert sql == scalar, (
                    f"{column} of {iin}, {Month.from_index(index)} on {p.on} as of "
                    f"{p.as_of}: SQL {sql}, scalar {scalar}\n{self.population.facts(iin)}"
                )
                set_bits += sql
        return set_bits


def _run(case: tuple[Population, date, date], con: Any) -> _Run:
    population, on, as_of = case
    snapshot_tables(population.tables, on, as_of, con=con)
    return _Run(population, plan(on, as_of), con)


_PENDING = "('employee', 'self_employed')"
"""The kinds whose months can be pending (R-L-9): their verdict of a month depends on the
day, the others' (``v0``, ``g0``) is every month's from its first day."""


@population_settings(8)
@given(case=populations())
def test_r_l_5_self_covered(case: tuple[Population, date, date], con: Any) -> None:
    """R-L-5 (with R-L-4's price and the running sum in the order paid): S is
    :meth:`Ledger.self_covered` (:func:`osms.rules.coverage_sql.self_covered`)."""
    run = _run(case, con)
    run.agree("led", "self_months", lambda ledger, i, p: ledger.self_covered(i, p.as_of))


@population_settings(8)
@given(case=populations())
def test_r_l_6_contribution_months(case: tuple[Population, date, date], con: Any) -> None:
    """R-L-6 with R-L-5 and R-BIN-1: P, the months covered by contributions, self or employer
    (:func:`osms.rules.coverage_sql.covers`), are :meth:`Ledger.contributions_cover`'s."""
    run = _run(case, con)
    run.agree(
        "led", "contribution_months", lambda ledger, i, p: ledger.contributions_cover(i, i, p.as_of)
    )


@population_settings(8)
@given(case=populations())
def test_r_c_3_uncovered_liable(case: tuple[Population, date, date], con: Any) -> None:
    """R-C-3 with R-C-2 (the child category): U is :meth:`Ledger.uncovered_liable`
    (:func:`osms.rules.status_sql.uncovered_liable`)."""
    run = _run(case, con)
    run.agree("verdicts", "unpaid", lambda ledger, i, p: ledger.uncovered_liable(i, p.as_of))


@population_settings(8)
@given(case=populations())
def test_r_s_4_starts_block(case: tuple[Population, date, date], con: Any) -> None:
    """R-S-4: the block starts are :meth:`Ledger.starts_block`'s
    (:func:`osms.rules.coverage_sql.starts_block`)."""
    run = _run(case, con)
    run.agree(
        "blocks", "block_starts", lambda ledger, i, p: ledger.starts_block(i, p.prepaid, p.as_of)
    )


@population_settings(8)
@given(case=populations())
def test_r_s_6_long_payer(case: tuple[Population, date, date], con: Any) -> None:
    """R-S-6: the months whose 60 before are all contribution months (the long payer's G),
    as :func:`osms.rules.status._grace_months` asks :meth:`Ledger.contributions_cover`
    (:func:`osms.rules.status_sql.grace_months`)."""
    run = _run(case, con)
    if run.plan.long_payer_from is None:
        return
    run.agree(
        "verdicts",
        "long_payer",
        lambda ledger, i, p: ledger.contributions_cover(i - p.long_months + 1, i, p.as_of),
    )


def _from_decided_month(p: Plan) -> range:
    return range(p.decided_month, p.window_end + 1)


@population_settings(8)
@given(case=populations())
def test_r_s_5_regular(case: tuple[Population, date, date], con: Any) -> None:
    """R-S-5 with R-S-6: a month within grace and with no gap before its run is
    :func:`osms.rules.status._regular`'s (:func:`osms.rules.status_sql.regular`,
    :func:`osms.rules.status_sql.gaps`), for every month from M."""
    run = _run(case, con)
    months = f"(SELECT * FROM ({person_months(run.plan).sql}) WHERE kind NOT IN {_PENDING})"

    def regular(ledger: Ledger, i: int, p: Plan) -> bool:
        month = Month.from_index(i)
        return _regular(ledger, i, month, p.as_of, month.first_day()).insured

    run.agree(months, "~g0 & run_ok", regular, _from_decided_month(run.plan), everyone=False)


@population_settings(8)
@given(case=populations())
def test_r_s_1_r_s_2_r_s_4_r_s_5_month_verdict(
    case: tuple[Population, date, date], con: Any
) -> None:
    """R-S-1, R-S-2, R-S-5, then R-S-4: every month's verdict from M is
    :func:`osms.rules.status._month_verdict`'s (:func:`osms.rules.status_sql.month_verdict`,
    :func:`osms.rules.status_sql.prepaid_run`)."""
    run = _run(case, con)
    plain = f"(SELECT * FROM verdicts WHERE kind NOT IN {_PENDING})"

    def verdict(ledger: Ledger, i: int, p: Plan) -> bool:
        return _month_verdict(ledger, i, p.as_of, Month.from_index(i).first_day()).insured

    run.agree(plain, "v0", verdict, _from_decided_month(run.plan), everyone=False)
