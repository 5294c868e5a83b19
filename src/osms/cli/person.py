"""``osms person IIN``: everything the registry holds about one person, for an operator.

Facts and the status today, every payment with its id (what ``osms refunds apply`` takes) and
the register that brought it, the category periods with their earlier versions, the
applications with their decisions, and the latest events of the audit trail about the IIN
(who looked it up, who decided).  The look-up itself is audited (``person.lookup``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from osms import clock
from osms.cli.context import session
from osms.cli.operator import LangOption, OperatorOption, operator_name
from osms.i18n import DEFAULT_LANGUAGE, error_message
from osms.services.errors import ServiceError
from osms.services.people import person_file
from osms.views.operator import person_lines

__all__ = ["person"]

CHANNEL = "cli"


def person(
    iin: Annotated[str, typer.Argument(help="The person's IIN.")],
    recent: Annotated[
        int, typer.Option("--recent", min=1, max=1000, help="Events of the audit trail shown.")
    ] = 20,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Everything the registry holds about one IIN (the look-up is audited).

    Facts, payments with their ids and registers, categories, applications, decisions and
    recent look-ups.
    """
    who = operator_name(operator, lang)
    try:
        with session() as opened:
            found = person_file(
                opened, iin, today=clock.today(), actor=who, channel=CHANNEL, recent=recent
            )
            typer.echo("\n".join(person_lines(found, lang)))
    except ServiceError as error:
        typer.echo(f"{error.code}: {error_message(error.code, lang)} ({error.message})", err=True)
        raise typer.Exit(1) from None
