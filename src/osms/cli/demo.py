"""``osms demo``: a synthetic registry to try everything on, served on this machine.

It builds a SQLite database of a few thousand synthetic people across every payer kind and
category for today in Kazakhstan (:func:`osms.clock.today`), books a sample MT102 register
through the real intake, prints what it built, a few IINs to try and a new API key for this
database, then serves the citizen page and the API over it.

The page answers for its own today, so a demo built for another day would say other things
than it printed (the regular payer of 22 November is in grace on 7 December).  A demo file of
another day, size or seed is therefore moved aside to ``<file>.previous`` (the demo is
synthetic; only the last one is kept) and today's is built in its place.  The port is checked
before anything is built (:mod:`osms.cli.ports`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from osms import clock
from osms.cli.operator import LangOption
from osms.cli.ports import PortOption, invoked_as, require_free_port
from osms.demo.build import DemoSummary, build_demo, built_demo, demo_key
from osms.i18n import DEFAULT_LANGUAGE, label
from osms.registry import migrate
from osms.registry.db import data_dir, make_engine
from osms.synthetic.profiles import Profile

__all__ = ["TRY", "demo"]

TRY = (
    Profile.REGULAR_PAYER,
    Profile.PREPAYER,
    Profile.IN_GRACE,
    Profile.LAST_GRACE_MONTH,
    Profile.DEBTOR,
    Profile.EMPLOYEE,
    Profile.STUDENT,
    Profile.CHILD,
    Profile.TEMPORARY_GRANT,
)
"""The profiles whose first person is printed as an IIN to try."""

_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _set_aside(path: Path) -> Path:
    """Move the demo file (and SQLite's companions) to ``<file>.previous``; return it."""
    previous = path.with_name(path.name + ".previous")
    for suffix in _SQLITE_COMPANIONS:
        Path(f"{previous}{suffix}").unlink(missing_ok=True)
    for suffix in _SQLITE_COMPANIONS:
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.replace(f"{previous}{suffix}")
    return previous


def _example_line(summary: DemoSummary, profile: str, lang: str) -> str | None:
    iins = summary.examples.get(profile, [])
    if not iins:
        return None
    iin = iins[0]
    status, reason = summary.example_decisions[iin]
    said = f"{label(lang, 'status', status)} — {label(lang, 'reason', reason)}"
    return f"  {iin}  {profile:18} {said}"


def _print_summary(
    summary: DemoSummary,
    *,
    lang: str,
    address: str,
    url: str,
    key: str,
    serve: bool,
) -> None:
    what = "already built" if summary.already_built else "built"
    typer.echo(
        f"Demo registry {what}: {summary.people:,} people, {summary.payments:,} payments, "
        f"for {summary.today:%d.%m.%Y}."
    )
    booking = summary.booking
    typer.echo(
        f"Sample MT102 register {booking.reference}: {booking.booked} lines booked, "
        f"{booking.rejected} rejected "
        f"({', '.join(o.code for o in booking.outcomes if o.status == 'rejected')})."
    )
    typer.echo("")
    for (status, reason), count in sorted(summary.by_status.items(), key=lambda kv: -kv[1]):
        typer.echo(
            f"  {count:6,}  {label(lang, 'status', status)} — {label(lang, 'reason', reason)}"
        )
    typer.echo("")
    typer.echo("IINs to try:")
    for profile in TRY:
        line = _example_line(summary, profile, lang)
        if line is not None:
            typer.echo(line)
    first = next(iter(summary.examples.get(Profile.IN_GRACE, [])), None) or "900515300018"
    on_demo = f"OSMS_DATABASE_URL={url}"
    typer.echo("")
    typer.echo("API key of this demo (every scope; shown once, a new one each run):")
    typer.echo(f"  {key}")
    typer.echo(f'  curl -H "Authorization: Bearer {key}" {address}/api/v1/persons/{first}/status')
    typer.echo("")
    if serve:
        typer.echo(f"Open {address}/?iin={first}&lang={lang}   (API: {address}/docs)")
    else:
        typer.echo(
            f"Serve it: the same command without --no-serve, then open "
            f"{address}/?iin={first}&lang={lang}"
        )
    typer.echo("Other commands on this database:")
    typer.echo(f"  {on_demo} {invoked_as('status')} {first}")
    sample = Path("tests/intake/data/t8_example.mt102")  # in a clone of the repository
    if sample.exists():
        typer.echo(f"  {on_demo} {invoked_as('import')} {sample} --channel halyk")


def demo(
    people: Annotated[
        int,
        typer.Option(
            "--people", min=1, max=1_000_000, help="How many synthetic people (at most a million)."
        ),
    ] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="The generator's seed.")] = 2026,
    database: Annotated[
        Path | None,
        typer.Option("--database", help="SQLite file (default: <data dir>/demo.sqlite)."),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the page and the API after.")
    ] = True,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: PortOption = 8000,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Build today's demo registry (SQLite), print IINs to try and an API key, then serve."""
    if serve:
        require_free_port(host, port, invoked_as("demo"))
    today = clock.today()
    path = database or data_dir() / "demo.sqlite"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = make_engine(url)
    set_aside: Path | None = None
    held = built_demo(engine)
    differences = [] if held is None else held.differs(people=people, seed=seed, today=today)
    if differences:
        engine.dispose()
        set_aside = _set_aside(path)
        if not as_json:
            typer.echo(
                f"{path} held a demo {', '.join(differences)}: moved to {set_aside} "
                "(the demo is synthetic); building a new one."
            )
        migrate.upgrade(url)
        engine = make_engine(url)
    with Progress(
        TextColumn("[bold]{task.description:12}"),
        BarColumn(),
        MofNCompleteColumn(),
        transient=True,
        disable=as_json,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        summary = build_demo(engine, people=people, seed=seed, today=today, progress=progress)
    key = demo_key(engine)
    engine.dispose()
    address = f"http://{host}:{port}"
    if as_json:
        document: dict[str, Any] = summary.to_json()
        document.update(
            {"database": url, "api_key": key, "set_aside": set_aside and str(set_aside)}
        )
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, lang=lang, address=address, url=url, key=key, serve=serve)
    if serve:
        import uvicorn

        os.environ["OSMS_DATABASE_URL"] = url
        typer.echo(f"\nServing on {address} — Ctrl+C to stop.")
        uvicorn.run("osms.api.asgi:create", factory=True, host=host, port=port, log_level="warning")
