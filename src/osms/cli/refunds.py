"""``osms refunds``: an operator's work on refunds of wrong payments (R-R-1).

Apply for the refund of a payment, see what approving it would change (``show``), approve or
refuse it, list what is undecided or overdue.  A refund counts from its refund day: today in
Kazakhstan unless ``--date`` says a later one (R-T-4), no later than the application's due day
(R-R-1); an application is dated today or earlier.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from osms import clock
from osms.cli.operator import (
    CHANNEL,
    ApplicationIdArgument,
    LangOption,
    OperatorOption,
    add_refuse_command,
    day_option,
    echo_found,
    id_argument,
    operator_name,
    operator_session,
    parse_day,
)
from osms.i18n import DEFAULT_LANGUAGE
from osms.services import refunds as refund_cases
from osms.views import operator as operator_view

__all__ = ["refunds_app"]

refunds_app = typer.Typer(help="Refunds of wrong payments (R-R-1).", no_args_is_help=True)

AmountOption = Annotated[
    str | None,
    typer.Option(
        "--amount",
        help="An overpayment the Fund cannot price (an employer's): the amount to refund.",
    ),
]


def _amount(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        typer.echo(f"--amount: not an amount: {value!r}", err=True)
        raise typer.Exit(2) from None
    if not amount.is_finite():
        typer.echo(f"--amount: not an amount: {value!r}", err=True)
        raise typer.Exit(2)
    return amount


def _echo_effect(
    opened: Session,
    application_id: int,
    refunded_on: date,
    amount: Decimal | None = None,
    *,
    who: str,
    lang: str,
) -> None:
    """Print what approving the refund on ``refunded_on`` would change (audited as shown
    through :data:`CHANNEL`): after an application, and on ``osms refunds show``."""
    shown = refund_cases.effect(
        opened, application_id, refunded_on=refunded_on, actor=who, channel=CHANNEL, amount=amount
    )
    typer.echo("\n".join(operator_view.refund_effect_lines(shown, lang)))


@refunds_app.command("apply")
def refunds_apply(
    payment_id: Annotated[int, id_argument("The payment (osms person IIN lists them).")],
    reason: Annotated[
        str, typer.Option("--reason", help="wrong_period, wrong_year, wrong_iin or overpayment.")
    ],
    on: Annotated[str | None, day_option("--date", "Applied on")] = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Record a refund application, to decide within 15 working days, and show its effect."""
    who = operator_name(operator, lang)
    applied_on = parse_day(on)
    with operator_session(lang) as opened:
        application, again = refund_cases.apply_once(
            opened, payment_id, reason, applied_on=applied_on, actor=who, channel=CHANNEL
        )
        typer.echo(operator_view.refund_applied(application, lang, again=again))
        refunded_on = refund_cases.earliest_refund_day(application, clock.today())
        _echo_effect(opened, application.id, refunded_on, who=who, lang=lang)


@refunds_app.command("show")
def refunds_show(
    application_id: ApplicationIdArgument,
    on: Annotated[str | None, day_option("--date", "Refunded on")] = None,
    amount: AmountOption = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """What approving the refund would change (R-R-1); nothing is decided.

    The amount returned, the months that become unpaid, the status before and after.
    """
    who = operator_name(operator, lang)
    with operator_session(lang) as opened:
        _echo_effect(opened, application_id, parse_day(on), _amount(amount), who=who, lang=lang)


@refunds_app.command("approve")
def refunds_approve(
    application_id: ApplicationIdArgument,
    on: Annotated[
        str | None, day_option("--date", "Refunded on: today or later, by the due day")
    ] = None,
    amount: AmountOption = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Approve: the payment stops counting from the refund date (today to the due day).

    For an overpayment, only its surplus stops counting.  See first what it changes:
    osms refunds show ID.
    """
    who = operator_name(operator, lang)
    with operator_session(lang) as opened:
        application = refund_cases.approve(
            opened,
            application_id,
            refunded_on=parse_day(on),
            today=clock.today(),
            actor=who,
            amount=_amount(amount),
            channel=CHANNEL,
        )
        typer.echo(operator_view.refund_decided(application, lang))


add_refuse_command(refunds_app, refund_cases.refuse, operator_view.refund_decided)


@refunds_app.command("list")
def refunds_list(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only those past their deadline.")
    ] = False,
    on: Annotated[str | None, day_option("--date", "The day counted as today")] = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Undecided refund applications, the most urgent first (the list is audited).

    Each with its payment's amount and the working days left to decide.
    """
    who = operator_name(operator, lang)
    today = parse_day(on)
    with operator_session(lang) as opened:
        found = refund_cases.pending(
            opened, actor=who, channel=CHANNEL, overdue_on=today if overdue else None
        )
        echo_found(
            found,
            lambda application: operator_view.refund_line(application, today, lang),
            operator_view.no_refunds(lang),
        )
