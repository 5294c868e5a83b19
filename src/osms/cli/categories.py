"""``osms categories``: apply a state register's feed of category periods (R-CAT-1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from osms.cli.operator import (
    CHANNEL,
    JsonOption,
    LangOption,
    OperatorOption,
    list_exit,
    operator_name,
    operator_session,
)
from osms.i18n import DEFAULT_LANGUAGE, error_message
from osms.services import categories as category_feeds
from osms.views import operator as operator_view

__all__ = ["categories_app"]

categories_app = typer.Typer(help="State-paid category feeds (R-CAT-1).", no_args_is_help=True)


@categories_app.command("import")
def categories_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: iin, category, first, last[, action].", exists=True, dir_okay=False
        ),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="The feed's name (default: the file name).")
    ] = None,
    operator: OperatorOption = None,
    as_json: JsonOption = False,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Apply a state register's feed of category periods; the same feed again changes nothing.

    Periods keyed by (IIN, category, first month) are added, closed (a last month) or withdrawn
    (action withdraw).

    Exit status: 0 every line taken in, 3 some lines rejected, 1 every line rejected.
    """
    who = operator_name(operator, lang)
    with operator_session(lang) as opened, file.open("rb") as stream:
        report = category_feeds.import_category_feed(
            opened, stream, source=source or file.name, actor=who, channel=CHANNEL
        )
    if as_json:
        body = {
            "accepted": report.accepted,
            "rejected": report.rejected,
            "changes": report.changes,
            "lines": [
                {
                    "line": line.line_no,
                    "status": line.status.value,
                    "code": line.code,
                    "field": line.field,
                    "message": line.message,
                    "text": None if line.code is None else error_message(line.code, lang),
                }
                for line in report.lines
                if line.status != "added"
            ],
        }
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(operator_view.feed_lines(file.name, report, lang)))
    raise typer.Exit(list_exit(report.accepted, report.rejected))
