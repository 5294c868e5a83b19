"""SQL building blocks shared by the SQL forms of the rules (:mod:`osms.rules.coverage_sql`,
:mod:`osms.rules.status_sql`): bit operations on one window of months, nested layers of
columns, literals and the month arithmetic of the ledger's ``YYYYMM`` periods.

Only SQL *text* (DuckDB's dialect) is built here; nothing is run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from osms.rules.plan import EPOCH, Plan

__all__ = [
    "Bits",
    "Layers",
    "by_kind",
    "date_literal",
    "day_number",
    "month_index",
    "month_start",
    "yyyymm",
]


class Bits:
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


def month_index(yyyymm: str) -> str:
    return f"(({yyyymm}) // 100 * 12 + ({yyyymm}) % 100 - 1)"


def month_start(index: str) -> str:
    return f"make_date(({index}) // 12, ({index}) % 12 + 1, 1)"


def yyyymm(index: int) -> int:
    return (index // 12) * 100 + index % 12 + 1


def date_literal(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def day_number(day: date) -> int:
    return (day - EPOCH).days


class Layers:
    """Nested SELECTs, each adding columns computed from the previous ones.

    A bit-parallel smear by doubling refers to each level twice; as columns of successive
    projections every level is computed once (as one nested expression it would be
    duplicated at every level, exponentially).
    """

    def __init__(self, bits: Bits, source: str) -> None:
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


def by_kind(cases: Mapping[str, str], otherwise: str) -> str:
    """A CASE on the payer kind."""
    if not cases:
        return otherwise
    whens = " ".join(f"WHEN '{kind}' THEN {expr}" for kind, expr in cases.items())
    return f"(CASE kind {whens} ELSE {otherwise} END)"
