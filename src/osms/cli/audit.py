"""``osms audit``: who looked up or changed what, when, through which door (RULES.md §11).

Filters: ``--iin``, ``--actor``, ``--door`` (``cli``, ``api``, ``api:status``, ``site``,
``bot`` …: a name finds its sub-doors too), ``--from`` / ``--to`` (days in Kazakhstan, both
included).  ``--csv`` writes the events with stable columns (at, actor, action, iin, door,
why, detail) for a spreadsheet.  Reading the trail is audited (``audit.lookup``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from osms.cli.context import session
from osms.cli.operator import LangOption, OperatorOption, operator_name, parse_day
from osms.i18n import DEFAULT_LANGUAGE, error_message
from osms.services.audit_trail import Search, trail
from osms.services.errors import ServiceError
from osms.views.operator import audit_csv, audit_lines

__all__ = ["audit"]

CHANNEL = "cli"


def _day(value: str | None, option: str) -> date | None:
    return None if value is None else parse_day(value, option)


def audit(
    iin: Annotated[str | None, typer.Option("--iin", help="About this IIN.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="By this actor.")] = None,
    door: Annotated[
        str | None, typer.Option("--door", help="Through this door (cli, api, site, bot …).")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="From this day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Through this day (YYYY-MM-DD).")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1_000_000, help="At most this many events.")
    ] = 100,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on standard output.")] = False,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Who looked up or changed what, newest first (reading the trail is audited)."""
    who = operator_name(operator, lang)
    first, last = _day(start, "--from"), _day(end, "--to")
    try:
        with session() as opened:
            wanted = Search(iin=iin, actor=actor, door=door, start=first, end=last, limit=limit)
            found = trail(opened, wanted, reader=who, channel=CHANNEL)
            text = audit_csv(found) if as_csv else "\n".join(audit_lines(found, lang))
    except ServiceError as error:
        typer.echo(f"{error.code}: {error_message(error.code, lang)} ({error.message})", err=True)
        raise typer.Exit(1) from None
    typer.echo(text, nl=not as_csv)
