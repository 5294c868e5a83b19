"""``osms temporary``: temporary status granted on a category's documents (R-TMP-1).

An application carries the documents (``KIND:NUMBER:YYYY-MM-DD``); approved, it insures for
one calendar month from the grant day, which is not before the decision (R-T-4).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from osms import clock
from osms.cli.operator import (
    CHANNEL,
    ApplicationIdArgument,
    LangOption,
    OperatorOption,
    add_refuse_command,
    day_option,
    echo_found,
    operator_name,
    operator_session,
    parse_day,
)
from osms.i18n import DEFAULT_LANGUAGE
from osms.rules.temporary import Document
from osms.services import temporary as temporary_cases
from osms.views import operator as operator_view
from osms.views.models import FIRST_ISSUE_DATE, MAX_DATE

__all__ = ["temporary_app"]

temporary_app = typer.Typer(help="Temporary status on documents (R-TMP-1).", no_args_is_help=True)


def _document(text: str) -> Document:
    """``KIND:NUMBER:YYYY-MM-DD``, each part as the API takes it: a kind and a number of 1 to 64
    printable characters, a day of :data:`~osms.views.models.FIRST_ISSUE_DATE` … ``MAX_DATE``."""
    try:
        kind, number, issued = text.split(":", 2)
        document = Document(kind, number, date.fromisoformat(issued))
    except ValueError:
        document = None
    if document is None or not (
        all(0 < len(part) <= 64 and part.isprintable() for part in (kind, number))
        and FIRST_ISSUE_DATE <= document.issued_on <= MAX_DATE
    ):
        typer.echo(f"--document: KIND:NUMBER:YYYY-MM-DD, got {text!r}", err=True)
        raise typer.Exit(2) from None
    return document


@temporary_app.command("apply")
def temporary_apply(
    iin: Annotated[str, typer.Argument(help="The applicant's IIN.")],
    category: Annotated[str, typer.Option("--category", help="The category code, e.g. pregnant.")],
    document: Annotated[
        list[str], typer.Option("--document", help="KIND:NUMBER:YYYY-MM-DD, repeatable.")
    ],
    on: Annotated[str | None, day_option("--date", "Submitted on")] = None,
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            help="How the applicant submitted it (operator, egov …), kept on the application.",
        ),
    ] = "operator",
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Record an application with the documents of the category (SOURCES.md T6).

    The same person and category again while it is pending is the same application.
    """
    who = operator_name(operator, lang)
    documents = [_document(d) for d in document]
    with operator_session(lang) as opened:
        application, again = temporary_cases.apply_once(
            opened,
            iin,
            category,
            documents,
            submitted_on=parse_day(on),
            submitted_through=channel,
            actor=who,
            channel=CHANNEL,
        )
        typer.echo(operator_view.temporary_applied(application, lang, again=again))


@temporary_app.command("approve")
def temporary_approve(
    application_id: ApplicationIdArgument,
    on: Annotated[str | None, day_option("--date", "Granted on: today or within a month")] = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Approve: one calendar month of status from the grant date (within a month from today)."""
    who = operator_name(operator, lang)
    with operator_session(lang) as opened:
        application = temporary_cases.approve(
            opened,
            application_id,
            granted_on=parse_day(on),
            today=clock.today(),
            actor=who,
            channel=CHANNEL,
        )
        typer.echo(operator_view.temporary_decided(application, lang))


add_refuse_command(temporary_app, temporary_cases.refuse, operator_view.temporary_decided)


@temporary_app.command("list")
def temporary_list(operator: OperatorOption = None, lang: LangOption = DEFAULT_LANGUAGE) -> None:
    """Undecided temporary-status applications, the oldest first (the list is audited)."""
    who = operator_name(operator, lang)
    with operator_session(lang) as opened:
        echo_found(
            temporary_cases.pending(opened, actor=who, channel=CHANNEL),
            lambda application: operator_view.temporary_line(application, lang),
            operator_view.no_temporary(lang),
        )
