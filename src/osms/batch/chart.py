"""Coverage by reason month by month, as a PNG chart (matplotlib, no display needed).

Each month is decided on its last day as known on that day (or on a fixed ``as_of``, a
retrospective view), which is what the Fund would have published at the time.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from osms.batch.engine import PARTS_PER_STEP
from osms.batch.run import REASONS, Statistics, run
from osms.batch.schema import ledger_start
from osms.rules import parameters
from osms.rules.month import Month

__all__ = ["CoverageSeries", "coverage_series", "draw_chart"]

_COLOURS = {
    "transitional": "#bbbbbb",
    "category": "#4c72b0",
    "temporary": "#8172b3",
    "regular": "#55a868",
    "grace": "#ccb974",
    "prepaid": "#64b5cd",
    "debt": "#c44e52",
}


@dataclass(frozen=True)
class CoverageSeries:
    months: list[Month]
    stats: list[Statistics]
    ledger_from: Month | None = None
    """The first month of a generated ledger (None: the registry's whole history)."""

    @property
    def complete_from(self) -> Month | None:
        """The first month whose look-back (R-S-5) lies inside the ledger; earlier months
        count the months before the ledger began as unpaid."""
        if self.ledger_from is None:
            return None
        return self.ledger_from + parameters.lookback_months(self.ledger_from)

    def complete(self, month: Month) -> bool:
        return self.complete_from is None or month >= self.complete_from

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["month", "date", "as_of", "complete_history", "people", *REASONS])
            for month, s in zip(self.months, self.stats, strict=True):
                counts = (s.by_reason.get(r, 0) for r in REASONS)
                complete = str(self.complete(month)).lower()
                writer.writerow([str(month), s.on, s.as_of, complete, s.people, *counts])


def coverage_series(
    data: Path,
    first: Month,
    last: Month,
    *,
    as_of: date | None = None,
    parts_per_step: int = PARTS_PER_STEP,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CoverageSeries:
    """The statistics of each month [first, last], each decided on its last day."""
    if last < first:
        raise ValueError(f"{last} is before {first}")
    months = list(Month.range(first, last + 1))
    stats = []
    for i, month in enumerate(months):
        day = month.last_day()
        known = day if as_of is None else max(as_of, day)
        stats.append(run(data, day, known, parts_per_step=parts_per_step, jobs=jobs).statistics)
        if progress is not None:
            progress(i + 1, len(months))
    return CoverageSeries(months, stats, ledger_start(data))


def draw_chart(series: CoverageSeries, out: Path, title: str | None = None) -> Path:
    """A stacked area chart of insured people by reason, with the uninsured on top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    x = np.array([m.first_day() for m in series.months], dtype="datetime64[D]")
    people = max((s.people for s in series.stats), default=0)
    scale, unit = (1e6, "million people") if people >= 2_000_000 else (1e3, "thousand people")
    figure, axes = plt.subplots(figsize=(11, 5.5), dpi=110)
    layers = [[s.by_reason.get(r, 0) / scale for s in series.stats] for r in REASONS]
    axes.stackplot(
        x, *layers, labels=list(REASONS), colors=[_COLOURS[r] for r in REASONS], alpha=0.9
    )
    axes.set_ylabel(unit)
    axes.margins(x=0)
    if series.complete_from is not None and not series.complete(series.months[0]):
        from matplotlib.dates import date2num

        # a synthetic ledger has no history before it starts: those months read as unpaid
        axes.axvspan(
            date2num(series.months[0].first_day()),  # type: ignore[no-untyped-call]
            date2num(series.complete_from.first_day()),  # type: ignore[no-untyped-call]
            facecolor="none",
            edgecolor="#333333",
            hatch="//",
            alpha=0.35,
            label="look-back before the ledger began",
        )
    axes.set_title(
        title
        or f"OSMS coverage by reason, {series.months[0]} – {series.months[-1]} "
        f"({people:,} people, each month on its last day)"
    )
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="reason")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    plt.close(figure)
    return out
