"""``osms demo``: a synthetic registry to try everything on, served on this machine.

It builds (once) a SQLite database of a few thousand synthetic people across every payer
kind and category, books a sample MT102 register through the real intake, prints what it
built and a few IINs to try, then serves the citizen page and the API over it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from osms.demo.build import DemoSummary, build_demo
from osms.i18n import DEFAULT_LANGUAGE, LANGUAGES, label
from osms.registry import migrate
from osms.registry.db import data_dir, make_engine

__all__ = ["demo"]

TRY = ("regular_payer", "prepayer", "in_grace", "last_grace_month", "debtor", "student", "child")


def _print_summary(summary: DemoSummary, lang: str, url: str, database: str) -> None:
    what = "already built" if summary.already_built else "built"
    typer.echo(
        f"Demo registry {what}: {summary.people:,} people, {summary.payments:,} payments "
        f"({summary.today:%d.%m.%Y})."
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
        for iin in summary.examples.get(profile, [])[:1]:
            status, reason = summary.example_decisions[iin]
            typer.echo(f"  {iin}  {profile:18} {label(lang, 'reason', reason)}")
    typer.echo("")
    first = next(iter(summary.examples.get("in_grace", [])), None) or "900515300018"
    typer.echo(f"Open {url}/?iin={first}&lang={lang}   (API: {url}/docs)")
    typer.echo(f"or:  OSMS_DATABASE_URL={database} osms status {first}")


def demo(
    people: Annotated[int, typer.Option("--people", help="How many synthetic people.")] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="The generator's seed.")] = 2026,
    database: Annotated[
        Path | None,
        typer.Option("--database", help="SQLite file (default: <data dir>/demo.sqlite)."),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the page and the API after.")
    ] = True,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    lang: Annotated[str, typer.Option("--lang", help="kk (default), ru or en.")] = DEFAULT_LANGUAGE,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Build the demo registry (SQLite), book a sample register, print IINs to try, serve."""
    if lang not in LANGUAGES:
        typer.echo(f"--lang: one of {', '.join(LANGUAGES)}", err=True)
        raise typer.Exit(2)
    path = database or data_dir() / "demo.sqlite"
    url = f"sqlite:///{path}"
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

        summary = build_demo(engine, people=people, seed=seed, progress=progress)
    engine.dispose()
    address = f"http://{host}:{port}"
    if as_json:
        typer.echo(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, lang, address, url)
    if serve:
        import os

        import uvicorn

        os.environ["OSMS_DATABASE_URL"] = url
        typer.echo(f"\nServing on {address} — Ctrl+C to stop.")
        uvicorn.run("osms.api.asgi:create", factory=True, host=host, port=port, log_level="warning")
