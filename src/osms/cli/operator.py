"""What every operator command shares: who the operator is, the language, the exit statuses,
the session whose service errors end the command, the day options.

"Today" is Kazakhstan's date (R-T-4): the default of every ``--date`` and the decision day of
an approval, before which no grant or refund may take effect (R-R-1, R-TMP-1).  The operators'
commands (categories, temporary, refunds) answer in ``--lang`` (Kazakh by default,
:mod:`osms.views.operator`); their look-ups are audited with the channel :data:`CHANNEL`.

An operator command names its operator: ``--operator NAME``, else the setting
``OSMS_OPERATOR``.  Without either it stops with ``operator.missing`` (exit 2): the audit trail
says who did what, never ``cli:unknown`` (RULES.md §11).  A name of more than 32 characters,
or with a character that could forge or hide a line of the trail (a line break, an escape, a
direction override), stops it with ``operator.name`` (exit 2).

Exit statuses of the commands that take in a list (``osms import``, ``osms categories
import``):

====  ====================================================================
0     every line was taken in (booked, or already there)
1     nothing was taken in: the list was rejected whole, or every line was
2     the command could not run (a wrong option, an unreadable file, no operator)
3     part of the list was taken in: some lines were rejected (listed)
====  ====================================================================
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from datetime import date
from typing import Annotated, Any, Final, TypeVar

import typer
from sqlalchemy.orm import Session

from osms import clock
from osms.cli.context import OPERATOR_ENV, named_operator, session
from osms.i18n import DEFAULT_LANGUAGE, LANGUAGES, error_message
from osms.services.errors import ServiceError
from osms.views.models import MAX_DATE, MAX_ID, MIN_DATE

__all__ = [
    "CHANNEL",
    "EXIT_ACCEPTED",
    "EXIT_PARTLY",
    "EXIT_REJECTED",
    "EXIT_UNUSABLE",
    "OPERATOR_ENV",
    "ApplicationIdArgument",
    "AsOfOption",
    "JsonOption",
    "LangOption",
    "OperatorOption",
    "add_refuse_command",
    "checked_lang",
    "day_option",
    "echo_found",
    "id_argument",
    "list_exit",
    "operator_name",
    "operator_session",
    "parse_day",
    "refuse",
]

CHANNEL: Final = "cli"
"""The channel the command line's look-ups and decisions are audited with."""

EXIT_ACCEPTED: Final = 0
EXIT_REJECTED: Final = 1
EXIT_UNUSABLE: Final = 2
EXIT_PARTLY: Final = 3

Decided = TypeVar("Decided")
Found = TypeVar("Found")


def checked_lang(value: str) -> str:
    """``--lang``: kk, ru or en (exit 2 otherwise)."""
    if value not in LANGUAGES:
        typer.echo(f"--lang: one of {', '.join(LANGUAGES)}", err=True)
        raise typer.Exit(EXIT_UNUSABLE)
    return value


OperatorOption = Annotated[
    str | None,
    typer.Option("--operator", help=f"Who acts (required: this option or {OPERATOR_ENV})."),
]
LangOption = Annotated[
    str, typer.Option("--lang", callback=checked_lang, help="kk (default), ru or en.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def id_argument(what: str | None = None) -> Any:
    """A row's id: 1 to :data:`MAX_ID`, refused (exit 2) before the database is asked."""
    return typer.Argument(min=1, max=MAX_ID, help=what)


ApplicationIdArgument = Annotated[
    int, id_argument("The application's number, as its list shows it.")
]
"""The application an operator decides or looks at (its number in ``osms refunds list`` or
``osms temporary list``)."""


def day_option(flag: str, what: str, default: str = "today") -> Any:
    """A day option, ``YYYY-MM-DD``: ``what`` says which day it is, ``default`` which day
    stands when it is not given (today: read it with :func:`parse_day`)."""
    return typer.Option(flag, help=f"{what}, YYYY-MM-DD (default {default}).")


AsOfOption = Annotated[str | None, day_option("--as-of", "Knowledge date", default="--date")]
"""What was known on which day (R-S-0): the day asked about (``--date``) unless given."""


def parse_day(value: str | None, option: str = "--date") -> date:
    """A day option: today in Kazakhstan when not given (R-T-4); exit 2 when not a date, or
    not one the API would take either (from the liability start, R-S-1, to 2099)."""
    if value is None:
        return clock.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        typer.echo(f"{option}: not a date (YYYY-MM-DD): {value!r}", err=True)
        raise typer.Exit(EXIT_UNUSABLE) from None
    if not MIN_DATE <= day <= MAX_DATE:
        typer.echo(f"{option}: {day} is outside {MIN_DATE} … {MAX_DATE}", err=True)
        raise typer.Exit(EXIT_UNUSABLE)
    return day


def refuse(error: ServiceError, lang: str = DEFAULT_LANGUAGE) -> None:
    """End the command on a service's refusal: its code and message, exit 1."""
    typer.echo(f"{error.code}: {error_message(error.code, lang)} ({error.message})", err=True)
    raise typer.Exit(EXIT_REJECTED)


@contextmanager
def operator_session(lang: str = DEFAULT_LANGUAGE) -> Iterator[Session]:
    """A session committed at the end; a service's refusal in it rolls it back and ends the
    command (:func:`refuse`).

    What the command prints inside is held and printed once the session is committed, so an
    operator is never told of an application or a decision that was not saved (a pipe closed
    early, ``| head -1``, used to roll back what had been confirmed)."""
    held = io.StringIO()
    try:
        with session() as opened, redirect_stdout(held):
            yield opened
    except ServiceError as error:
        refuse(error, lang)
    typer.echo(held.getvalue(), nl=False)


def operator_name(given: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """The operator acting: ``--operator``, else ``OSMS_OPERATOR``, checked
    (:func:`osms.cli.context.named_operator`); exit 2 when neither names one."""
    name = named_operator(given, lang)
    if name is None:
        message = error_message("operator.missing", lang)
        typer.echo(f"operator.missing: {message}", err=True)
        raise typer.Exit(EXIT_UNUSABLE)
    return name


def echo_found(found: Sequence[Found], line: Callable[[Found], str], none: str) -> None:
    """Print what a list command found, a ``line`` each, or ``none`` when it found nothing."""
    for item in found:
        typer.echo(line(item))
    if not found:
        typer.echo(none)


def list_exit(accepted: int, rejected: int) -> int:
    """The exit status of a list taken in line by line (see the module text).

    >>> list_exit(19, 0), list_exit(4, 15), list_exit(0, 19), list_exit(0, 0)
    (0, 3, 1, 0)
    """
    if not rejected:
        return EXIT_ACCEPTED
    return EXIT_PARTLY if accepted else EXIT_REJECTED


def add_refuse_command(
    group: typer.Typer,
    refuse_application: Callable[..., Decided],
    decided: Callable[[Decided, str], str],
) -> None:
    """Give a group of applications its ``refuse ID --reason TEXT`` (R-R-1, R-TMP-1): the
    service refuses (audited with :data:`CHANNEL`), ``decided`` shows the decision."""

    @group.command("refuse")
    def refuse_command(
        application_id: ApplicationIdArgument,
        reason: Annotated[str, typer.Option("--reason", help="Told to the applicant.")],
        operator: OperatorOption = None,
        lang: LangOption = DEFAULT_LANGUAGE,
    ) -> None:
        """Refuse, with a reason."""
        who = operator_name(operator, lang)
        with operator_session(lang) as opened:
            application = refuse_application(
                opened, application_id, reason=reason, actor=who, channel=CHANNEL
            )
            typer.echo(decided(application, lang))
