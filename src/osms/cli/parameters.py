"""``osms parameters check``: is the year ahead recorded (R-P-2)?

From 60 days before a year begins it names what that year lacks (its minimum wage, its
decree of transfers) and exits with status 1 until the parameters folder
(``OSMS_PARAMETERS_DIR``, R-P-3) provides it; 0 when nothing is missing.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from osms import clock
from osms.i18n import DEFAULT_LANGUAGE, LANGUAGES
from osms.rules.upkeep import checked_years, missing
from osms.views.upkeep import missing_json, upkeep_lines

__all__ = ["MISSING_EXIT", "parameters_app"]

MISSING_EXIT = 1
"""The exit status while something is missing."""

parameters_app = typer.Typer(
    help="Rule parameters and calendar: what is recorded (R-P-1…R-P-3).", no_args_is_help=True
)


@parameters_app.command("check")
def check(
    on: Annotated[
        str | None,
        typer.Option("--date", help="Check as on this date, YYYY-MM-DD (default today)."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="kk (default), ru or en.")] = DEFAULT_LANGUAGE,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Name what the current year or the next (from 60 days before it) has not recorded."""
    if lang not in LANGUAGES:
        typer.echo(f"--lang: one of {', '.join(LANGUAGES)}", err=True)
        raise typer.Exit(2)
    try:
        day = clock.today() if on is None else date.fromisoformat(on)
    except ValueError:
        typer.echo(f"--date: not a date (YYYY-MM-DD): {on!r}", err=True)
        raise typer.Exit(2) from None
    found = missing(day)
    if as_json:
        body = {
            "date": day.isoformat(),
            "years": list(checked_years(day)),
            "complete": not found,
            "missing": [missing_json(item, lang) for item in found],
            "lang": lang,
        }
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        for line in upkeep_lines(found, day, lang):
            typer.echo(line)
    if found:
        raise typer.Exit(MISSING_EXIT)
