"""A whole-population run: the snapshot to Parquet and CSV, and the statistics.

``run(data, on, as_of, out=...)`` streams :func:`osms.batch.engine.snapshot` step by step
into ``snapshot.parquet`` / ``snapshot.csv`` and sums the statistics as it goes, so memory
stays bounded by one step (``parts_per_step`` parts of 262 144 people).

The statistics are the Fund's figures: people insured by reason and by category, uninsured,
in grace, losing status next month, insured by prepayment (R-S-4: insured despite older debt;
SOURCES.md §9 quotes 2.6 thousand in 2022), the debt of those shown debt months, and apart
from grace and debt, the people whose employer or platform may still pay on time (R-L-9: their
pending months, not debt; a trailing run made only of them is ``regular``, not grace).
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from osms.batch.engine import (
    LANES,
    PARTS_PER_STEP,
    SNAPSHOT_SCHEMA,
    connect,
    decide_parts,
    part_count,
    snapshot,
    steps,
)
from osms.batch.schema import missing_files
from osms.rules.plan import plan

__all__ = ["FORMATS", "RunResult", "Statistics", "run"]

FORMATS = ("parquet", "csv")
REASONS = ("transitional", "category", "temporary", "prepaid", "regular", "grace", "debt")


@dataclass
class Statistics:
    """Counts over a snapshot, summed step by step."""

    on: date
    as_of: date
    people: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    """Insured people by category (reason ``category`` or ``temporary``)."""
    loses_status_next_month: int = 0
    with_debt: int = 0
    debt_total: Decimal = Decimal(0)
    with_provisional_debt: int = 0
    """People whose debt amounts rest on a minimum wage not yet published (R-P-1)."""
    with_pending: int = 0
    """People shown pending months (R-L-9): not in grace for them, not debt."""
    pending_months: int = 0

    def add(self, table: pa.Table) -> None:
        self.people += table.num_rows
        reasons = pc.value_counts(table["reason"]).to_pylist()
        for entry in reasons:
            self.by_reason[str(entry["values"])] += int(entry["counts"])
        # the column alone: filtering the table would copy every column (0.7 s a step)
        for entry in pc.value_counts(pc.drop_null(table["category"])).to_pylist():
            self.by_category[str(entry["values"])] += int(entry["counts"])
        self.loses_status_next_month += int(
            pc.sum(table["loses_status_next_month"].cast(pa.int64())).as_py() or 0
        )
        self.with_debt += int(pc.sum(pc.greater(table["debt_months"], 0).cast(pa.int64())).as_py())
        total = pc.sum(table["debt_total"]).as_py()
        self.debt_total += Decimal(total or 0)
        provisional = table["provisional"].cast(pa.int64())
        self.with_provisional_debt += int(pc.sum(provisional).as_py() or 0)
        pending = table["pending_months"]
        self.with_pending += int(pc.sum(pc.greater(pending, 0).cast(pa.int64())).as_py() or 0)
        self.pending_months += int(pc.sum(pending.cast(pa.int64())).as_py() or 0)

    @property
    def insured(self) -> int:
        return sum(n for reason, n in self.by_reason.items() if reason != "debt")

    @property
    def uninsured(self) -> int:
        return self.by_reason.get("debt", 0)

    def rows(self) -> list[tuple[str, str, int | str]]:
        """(group, key, value) rows: the table printed by ``osms batch run``."""
        rows: list[tuple[str, str, int | str]] = [
            ("people", "total", self.people),
            ("status", "insured", self.insured),
            ("status", "uninsured", self.uninsured),
        ]
        rows += [("insured by reason", r, self.by_reason.get(r, 0)) for r in REASONS[:-1]]
        rows += [("insured by category", c, n) for c, n in sorted(self.by_category.items())]
        rows += [
            ("fund", "insured by prepayment", self.by_reason.get("prepaid", 0)),
            ("fund", "in grace", self.by_reason.get("grace", 0)),
            ("fund", "losing status next month", self.loses_status_next_month),
            ("fund", "people with pending months", self.with_pending),
            ("fund", "pending months", self.pending_months),
            ("debt", "people with debt months", self.with_debt),
            ("debt", "people with provisional debt", self.with_provisional_debt),
            ("debt", "total (tenge)", str(self.debt_total)),
        ]
        return rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.on.isoformat(),
            "as_of": self.as_of.isoformat(),
            "people": self.people,
            "insured": self.insured,
            "uninsured": self.uninsured,
            "by_reason": dict(sorted(self.by_reason.items())),
            "by_category": dict(sorted(self.by_category.items())),
            "insured_by_prepayment": self.by_reason.get("prepaid", 0),
            "in_grace": self.by_reason.get("grace", 0),
            "loses_status_next_month": self.loses_status_next_month,
            "people_with_debt": self.with_debt,
            "debt_total": str(self.debt_total),
            "people_with_provisional_debt": self.with_provisional_debt,
            "people_with_pending_months": self.with_pending,
            "pending_months": self.pending_months,
        }


@dataclass
class RunResult:
    statistics: Statistics
    outputs: list[Path]
    seconds: float


def _writers(out: Path, formats: Iterable[str]) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    writers: dict[str, Any] = {}
    for name in formats:
        if name == "parquet":
            writers[name] = pq.ParquetWriter(out / "snapshot.parquet", SNAPSHOT_SCHEMA)
        elif name == "csv":
            writers[name] = pacsv.CSVWriter(out / "snapshot.csv", SNAPSHOT_SCHEMA)
        else:
            raise ValueError(f"unknown format {name!r} (one of {', '.join(FORMATS)})")
    return writers


def _worker_step(
    data: str, on: date, as_of: date, first: int, last: int, threads: int, memory: str | None
) -> pa.Table:
    """One step in a worker process (its own DuckDB connection, kept between steps)."""
    global _WORKER_CON
    if _WORKER_CON is None:
        _WORKER_CON = connect(threads, memory)
    return decide_parts(_WORKER_CON, Path(data), plan(on, as_of), first, last)


_WORKER_CON: Any = None


def default_jobs() -> int:
    """Worker processes: 1 (DuckDB uses every core within a step; see docs/scale-out.md)."""
    return 1


def run(
    data: Path,
    on: date,
    as_of: date | None = None,
    *,
    out: Path | None = None,
    formats: Iterable[str] = ("parquet",),
    parts_per_step: int = PARTS_PER_STEP,
    lanes: int = LANES,
    jobs: int | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Decide everyone in ``data`` on ``on`` as known on ``as_of``; write to ``out``.

    With ``jobs`` > 1 the steps run in that many worker processes (one DuckDB thread each
    unless ``threads`` says otherwise); the snapshot is written as the steps finish, so its
    rows are grouped by step, not sorted.
    """
    known = on if as_of is None else as_of
    plan(on, known)  # refuse what the engine cannot answer before starting workers
    started = time.perf_counter()
    stats = Statistics(on, known)
    writers = {} if out is None else _writers(out, formats)
    workers = default_jobs() if jobs is None else jobs
    if workers > 1 and not missing_files(data):
        workers = min(workers, len(list(steps(part_count(data), parts_per_step))))

    def take(table: pa.Table) -> None:
        stats.add(table)
        for writer in writers.values():
            writer.write_table(table)

    try:
        if workers <= 1:
            con = connect(threads, memory_limit)
            try:
                for table in snapshot(
                    data,
                    on,
                    known,
                    parts_per_step=parts_per_step,
                    lanes=lanes,
                    con=con,
                    progress=progress,
                ):
                    take(table)
            finally:
                con.close()
        else:
            _run_parallel(
                data,
                on,
                known,
                parts_per_step,
                workers,
                threads or 1,
                memory_limit,
                take,
                progress,
            )
    finally:
        for writer in writers.values():
            writer.close()
    outputs: list[Path] = []
    if out is not None:
        outputs = [out / f"snapshot.{name}" for name in writers]
        (out / "statistics.json").write_text(
            json.dumps(stats.as_dict(), ensure_ascii=False, indent=2) + "\n"
        )
        with (out / "statistics.csv").open("w", encoding="utf-8") as csv:
            csv.write("group,key,value\n")
            for group, key, value in stats.rows():
                csv.write(f"{group},{key},{value}\n")
        outputs += [out / "statistics.json", out / "statistics.csv"]
    return RunResult(stats, outputs, time.perf_counter() - started)


def _run_parallel(
    data: Path,
    on: date,
    as_of: date,
    parts_per_step: int,
    workers: int,
    threads: int,
    memory_limit: str | None,
    take: Callable[[pa.Table], None],
    progress: Callable[[int, int], None] | None,
) -> None:
    from osms.batch.engine import BatchError

    missing = missing_files(data)
    if missing:
        raise BatchError(f"missing files: {', '.join(missing)}")
    total = part_count(data)
    ranges = list(steps(total, parts_per_step))
    done = 0
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(ranges) or 1), mp_context=context
    ) as pool:
        pending: dict[Future[pa.Table], tuple[int, int]] = {
            pool.submit(_worker_step, str(data), on, as_of, first, last, threads, memory_limit): (
                first,
                last,
            )
            for first, last in ranges
        }
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                first, last = pending.pop(future)
                take(future.result())
                done += last - first + 1
                if progress is not None:
                    progress(done, total)
