"""``osms batch``: the synthetic population, the whole-population status run, the chart, and
the check against the per-person engine (the lead wires ``batch_app`` into ``osms``).

The statistics of ``run`` and the summary of ``check`` are in ``--lang`` (Kazakh by default,
:mod:`osms.views.batch`); the snapshot files keep their codes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from osms.batch.engine import LANES, MEMORY_LIMIT, PARTS_PER_STEP
from osms.batch.run import FORMATS, Statistics, run
from osms.cli.operator import AsOfOption, LangOption, day_option, parse_day
from osms.cli.progress import progress_bar
from osms.i18n import DEFAULT_LANGUAGE
from osms.rules.month import Month
from osms.rules.plan import PlanError, plan
from osms.synthetic.generate import DEFAULT_MONTHS, generate
from osms.views import batch as batch_view

__all__ = ["batch_app"]

_T = TypeVar("_T")

batch_app = typer.Typer(
    help="Whole-population status: synthetic data, vectorised runs, charts.",
    no_args_is_help=True,
)

DataOption = Annotated[
    Path,
    typer.Option(
        "--data",
        help="A population folder (people/categories/payments/grants)",
        exists=True,
        file_okay=False,
    ),
]


def folder_option(flag: str, what: str) -> Any:
    """A folder the command writes into (made when missing; a file there is refused)."""
    return typer.Option(flag, help=what, file_okay=False)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(2)


def _question(on: str, as_of: str | None) -> tuple[date, date]:
    """``--date`` and ``--as-of`` (default ``--date``) of ``batch run`` and ``batch check``,
    refused (exit 2) before any work when the batch cannot answer them, for the reason
    :func:`osms.rules.plan.plan` gives: a knowledge date before the date (R-S-0), a date
    before liability starts (R-S-1) …"""
    day = parse_day(on, "--date")
    known = day if as_of is None else parse_day(as_of, "--as-of")
    try:
        plan(day, known)
    except PlanError as error:
        _fail(str(error))
    return day, known


def _unwritable(error: OSError) -> str:
    """What the system said about a path the command could not write."""
    return f"cannot write {error.filename}: {error.strerror or error}"


def _parsed(parse: Callable[[str], _T], value: str, option: str, what: str) -> _T:
    """``parse(value)``, or exit with the option's name and what it should be."""
    try:
        return parse(value)
    except ValueError:  # InvalidMonth is one too
        _fail(f"{option}: not {what}: {value!r}")
        raise  # unreachable


def _month(value: str, option: str) -> Month:
    return _parsed(Month.parse, value, option, "a month (YYYY-MM)")


def _memory_limit(value: str | None) -> str | None:
    if value is not None and not MEMORY_LIMIT.fullmatch(value):
        raise typer.BadParameter(f"not a memory size such as 6GB or 512MiB: {value!r}")
    return value


def _not_read(error: Exception) -> str:
    """DuckDB could not read the population, or ran out of its memory limit (its words say
    which)."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"the population could not be read or decided: {first}"


@contextmanager
def _progress(label: str, console: Console) -> Iterator[Callable[[int, int], None]]:
    with progress_bar(console=console, transient=False) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _print_statistics(stats: Statistics, console: Console, seconds: float, lang: str) -> None:
    table = Table(title=batch_view.statistics_title(stats, lang))
    group, row, people, share = batch_view.statistics_header(lang)
    table.add_column(group)
    table.add_column(row)
    table.add_column(people, justify="right")
    table.add_column(share, justify="right")
    for cells in batch_view.statistics_rows(stats, lang):
        table.add_row(*cells)
    console.print(table)
    console.print(batch_view.rate_line(stats, seconds, lang))


@batch_app.command("generate")
def generate_command(
    people: Annotated[
        int,
        typer.Option(
            "--people", help="How many people (at most 100 million).", min=1, max=100_000_000
        ),
    ],
    out: Annotated[Path, folder_option("--out", "Folder for the Parquet files.")],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed (same seed and --today, same data).")
    ] = 0,
    months: Annotated[
        int, typer.Option("--months", help="Months of ledger, ending with today's month.")
    ] = DEFAULT_MONTHS,
    today: Annotated[
        str | None, day_option("--today", "Last day of the data", default="today in Kazakhstan")
    ] = None,
    load: Annotated[
        bool, typer.Option("--load", help="Also load it into the registry database.")
    ] = False,
    url: Annotated[
        str | None, typer.Option("--url", help="Registry URL for --load (default as `osms db`).")
    ] = None,
) -> None:
    """Write a synthetic population, the same for the same --seed and --today.

    People, categories, payments and temporary grants.
    """
    last_day = parse_day(today, "--today")
    console = Console(stderr=True)
    try:
        with _progress("generating", console) as update:
            summary = generate(out, people, seed, months=months, today=last_day, progress=update)
    except ValueError as error:
        _fail(str(error))
    except OSError as error:
        _fail(_unwritable(error))
    rows = ", ".join(f"{name} {n:,}" for name, n in summary.rows.items())
    typer.echo(f"{out}: {rows} ({summary.parts} parts)")
    if load:
        from osms.batch.load import load_registry
        from osms.registry.migrate import NotMigrated, ready_engine

        try:
            engine = ready_engine(url)
        except NotMigrated as error:
            _fail(str(error))
        try:
            counts = load_registry(engine, out)
        finally:
            engine.dispose()
        typer.echo("loaded: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))


@batch_app.command("export")
def export_command(
    out: Annotated[Path, folder_option("--out", "Folder for the Parquet files.")],
    parts: Annotated[
        int, typer.Option("--parts", help="Parts (hash of the IIN), as partitions.", min=1)
    ] = 8,
    url: Annotated[
        str | None, typer.Option("--url", help="Registry URL (default as `osms db`).")
    ] = None,
) -> None:
    """Export the registry as a population folder: the input of `osms batch run`."""
    from osms.batch.export import export_registry
    from osms.cli.context import actor
    from osms.registry.db import make_session_factory
    from osms.registry.migrate import NotMigrated, ready_engine
    from osms.services.errors import ServiceError
    from osms.services.lookups import record_lookup

    try:
        engine = ready_engine(url)
    except NotMigrated as error:
        _fail(str(error))
    try:
        # Everyone's facts leave the registry: audited (RULES.md §11), durably, before they do.
        with make_session_factory(engine).begin() as session:
            why = f"whole registry exported to {out} ({parts} parts) through cli"
            record_lookup(session, actor(None), "registry.export", None, why)
        counts = export_registry(engine, out, parts=parts)
    except ServiceError as error:
        _fail(f"{error.code}: {error.message}")
        raise
    except OSError as error:
        _fail(_unwritable(error))
        raise
    finally:
        engine.dispose()
    typer.echo(f"{out}: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))


@batch_app.command("run")
def run_command(
    on: Annotated[str, typer.Option("--date", help="The date asked about, YYYY-MM-DD.")],
    data: DataOption,
    out: Annotated[Path, folder_option("--out", "Folder for the snapshot.")],
    as_of: AsOfOption = None,
    formats: Annotated[
        str, typer.Option("--format", help="Comma-separated: parquet, csv.")
    ] = "parquet,csv",
    parts_per_step: Annotated[
        int, typer.Option("--parts-per-step", help="Parts (262 144 people each) per step.", min=1)
    ] = PARTS_PER_STEP,
    lanes: Annotated[
        int, typer.Option("--lanes", help="Steps running at once (memory grows with it).", min=1)
    ] = LANES,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            help="Worker processes, 1 to 64 (default 1: DuckDB uses every core).",
            min=1,
            max=64,
        ),
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", help="DuckDB threads per worker.", min=1, max=1024)
    ] = None,
    memory_limit: Annotated[
        str | None,
        typer.Option(
            "--memory-limit",
            help="DuckDB memory limit per worker, e.g. 6GB or 512MiB.",
            callback=_memory_limit,
        ),
    ] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Status of everyone on --date as known on --as-of: snapshot and statistics."""
    day, known = _question(on, as_of)
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        _fail(f"--format: unknown {', '.join(unknown)} (one of {', '.join(FORMATS)})")
    console = Console()
    try:
        with _progress("deciding", Console(stderr=True)) as update:
            result = run(
                data,
                day,
                known,
                out=out,
                formats=chosen,
                parts_per_step=parts_per_step,
                lanes=lanes,
                jobs=jobs,
                threads=threads,
                memory_limit=memory_limit,
                progress=update,
            )
    except PlanError as error:
        _fail(str(error))
    except OSError as error:
        _fail(_unwritable(error))
    except duckdb.Error as error:
        _fail(_not_read(error))
    _print_statistics(result.statistics, console, result.seconds, lang)
    for path in result.outputs:
        console.print(batch_view.wrote(path, lang))


@batch_app.command("chart")
def chart_command(
    data: DataOption,
    first: Annotated[str, typer.Option("--from", help="First month, YYYY-MM.")],
    last: Annotated[str, typer.Option("--to", help="Last month, YYYY-MM.")],
    out: Annotated[Path, typer.Option("--out", help="The PNG file.", dir_okay=False)] = Path(
        "coverage.png"
    ),
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Fixed knowledge date (default: each month's last day)."),
    ] = None,
) -> None:
    """A PNG chart of coverage by reason, month by month (and the series as CSV)."""
    from osms.batch.chart import coverage_series, draw_chart

    start, end = _month(first, "--from"), _month(last, "--to")
    if end < start:
        _fail("--to is before --from")
    known = None if as_of is None else parse_day(as_of, "--as-of")
    try:
        with _progress("months", Console(stderr=True)) as update:
            series = coverage_series(data, start, end, as_of=known, progress=update)
    except PlanError as error:
        _fail(str(error))
    except duckdb.Error as error:
        _fail(_not_read(error))
    if not series.complete(start):
        typer.echo(
            f"note: the generated ledger starts in {series.ledger_from}; before "
            f"{series.complete_from} the 12-month look-back (R-S-5) reaches months with no "
            "data, which count as unpaid (hatched on the chart)",
            err=True,
        )
    png = out if out.suffix else out.with_suffix(".png")  # the file the chart is saved as
    try:
        draw_chart(series, png)
        series.write_csv(png.with_suffix(".csv"))
    except OSError as error:
        _fail(_unwritable(error))
    typer.echo(f"wrote {png} and {png.with_suffix('.csv')}")


@batch_app.command("check")
def check_command(
    data: DataOption,
    on: Annotated[str, typer.Option("--date", help="The date asked about, YYYY-MM-DD.")],
    as_of: AsOfOption = None,
    scenarios: Annotated[
        Path, folder_option("--scenarios", "Where to write disagreements as scenario files.")
    ] = Path("batch-disagreements"),
    limit: Annotated[
        int | None, typer.Option("--limit", help="Check only the first N people.", min=0)
    ] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Diff the batch answer against the per-person engine (slow: ~1 ms a person).

    Every person is decided by both; each disagreement is written as a scenario file.
    """
    from osms.batch.check import diff
    from osms.batch.facts import Population

    day, known = _question(on, as_of)
    try:
        population = Population.read(data)
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        _fail(f"--data: not a population folder: {error}")
    iins = population.iins if limit is None else population.iins[:limit]
    found = diff(population, day, known, iins)
    for disagreement in found:
        path = disagreement.write(scenarios)
        typer.echo(f"{disagreement.describe()}\n  -> {path}")
    typer.echo(batch_view.check_summary(len(iins), len(found), lang))
    if found:
        raise typer.Exit(1)
