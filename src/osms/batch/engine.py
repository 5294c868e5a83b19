"""The batch engine: runs the SQL forms of the rules over whole tables with DuckDB.

Status for every person on a date, as known on a date (R-S-0…R-S-7), is decided a *step* of
parts at a time (:mod:`osms.batch.schema`), in a few SQL statements built by the rules'
SQL twins from one :class:`~osms.rules.plan.Plan`:

1. the ledger → per-person month bitmasks, one pass (:mod:`osms.rules.coverage_sql`:
   R-S-0, R-L-2…R-L-6, R-BIN-1), the prepaid blocks (R-S-4) and the categories (R-C-2);
2. the verdict of every month of the window at once, bit-parallel, the debt months and
   ``insured_until`` (:mod:`osms.rules.status_sql`: R-S-1…R-S-7, R-L-9), with two walks
   driven from here: through temporary grants day by day, and past the window over the
   merged category periods.

Every field equals :func:`osms.rules.status.decide` for every person (``tests/batch``).
"""

from __future__ import annotations

import queue
import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from osms.batch.schema import CATEGORIES, GRANTS, PAYMENTS, PEOPLE, missing_files, paths, sql_text
from osms.rules import coverage_sql, status_sql
from osms.rules.plan import Plan, PlanError, plan

__all__ = [
    "LANES",
    "PARTS_PER_STEP",
    "SNAPSHOT_SCHEMA",
    "BatchError",
    "connect",
    "decide_parts",
    "part_count",
    "snapshot",
    "snapshot_tables",
    "steps",
]

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
        ("provisional", pa.bool_()),
    ]
)
"""One row per person.  ``debt_mask`` bit i is month M − L + i, L the look-back of R-S-5 (12;
R-S-7's debt months, the pending ones aside); ``pending_months`` counts the months of
[M − L, M] an employer or a platform may still pay on time (R-L-9), shown with the debt
months; ``provisional``: the debt amounts rest on a minimum wage not yet published (R-P-1)."""


class BatchError(PlanError):
    """The batch engine cannot answer this question (and says why)."""


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    rows = con.execute(sql).fetchall()
    return rows[0][0] if rows else None


def _grant_walk(con: duckdb.DuckDBPyConnection, p: Plan) -> None:
    """R-S-3 with R-S-7: walk day by day through grants for the few who have one."""
    con.execute(status_sql.grant_walk_start(p))
    if not _scalar(con, "SELECT count(*) FROM walk"):
        return
    con.execute(status_sql.phases(p))
    step = status_sql.grant_walk_step(p)
    for _ in range(64):
        if not _scalar(con, "SELECT count(*) FROM walk WHERE how = 'walk'"):
            return
        con.execute(step)
    raise BatchError("temporary grants: the walk did not end")  # pragma: no cover


def _tail(con: duckdb.DuckDBPyConnection, p: Plan) -> None:
    """R-S-7 past the window: walk over the merged category stretches."""
    con.execute(status_sql.tail_stretches(p))
    rows: list[tuple[str, int]] = []
    if p.pending:
        rows = con.execute(status_sql.tail_spill_candidates(p)).fetchall()
    spill = status_sql.tail_spill(p, rows)
    con.execute(status_sql.tail_walk_start(p, spill))
    step = status_sql.tail_walk_step(p, spill)
    for _ in range(1000):
        if not _scalar(con, "SELECT count(*) FROM tail WHERE how = 'walk'"):
            return
        con.execute(step)
    raise BatchError("categories: the walk past the window did not end")  # pragma: no cover


def _run_step(con: duckdb.DuckDBPyConnection, p: Plan) -> pa.Table:
    con.execute(coverage_sql.contributions(p))
    con.execute(coverage_sql.self_covered(p))
    con.execute(coverage_sql.starts_block(p))
    con.execute(coverage_sql.category_of(p))
    con.execute(status_sql.grant_covering(p))
    con.execute(status_sql.month_verdict(p))
    con.execute(status_sql.debt_months(p))
    _grant_walk(con, p)
    _tail(con, p)
    table = con.sql(status_sql.snapshot_rows(p)).to_arrow_table()
    return table.cast(SNAPSHOT_SCHEMA)


# -- sources and steps ----------------------------------------------------------------------------


MEMORY_LIMIT = re.compile(r"[0-9]+(\.[0-9]+)? ?([KMGT]i?B|B)", re.IGNORECASE)
"""A DuckDB memory limit the batch commands take: ``6GB``, ``512MiB``, ``1.5 GB``."""


def connect(threads: int | None = None, memory_limit: str | None = None) -> Any:
    """A DuckDB connection for the batch engine (``threads`` ≥ 1, ``memory_limit`` a size
    :data:`MEMORY_LIMIT` matches: both are written into SQL, so nothing else is taken)."""
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be 1 or more, not {threads}")
    if memory_limit and not MEMORY_LIMIT.fullmatch(memory_limit):
        raise ValueError(f"not a memory size such as 6GB: {memory_limit!r}")
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = {sql_text(memory_limit)}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


def part_count(folder: Path) -> int:
    """The number of parts of a population folder (``max(part) + 1`` of ``people``)."""
    con = connect()
    try:
        row = con.execute(
            f"SELECT max(part) FROM read_parquet({sql_text(paths(folder)[PEOPLE])})"
        ).fetchone()
    finally:
        con.close()
    return 0 if row is None or row[0] is None else int(row[0]) + 1


def _parquet_views(con: Any, folder: Path, first: int, last: int) -> None:
    files = paths(folder)
    for name in (PEOPLE, CATEGORIES, PAYMENTS, GRANTS):
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name}_src AS SELECT * FROM read_parquet("
            f"{sql_text(files[name])}) WHERE part BETWEEN {first} AND {last}"
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
