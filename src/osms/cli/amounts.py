"""``osms amount`` and ``osms penalty``: the Fund's two calculators on the command line.

``osms amount --kind employer --year 2026 --income 5000000`` prints one month's amount with
its rate, base and cap (R-K-1); ``osms penalty --arrears 21000 --period 2023-06 --paid-on
2023-08-04`` an employer's penalty day by day (R-K-4).  ``--json`` prints what the API
answers.  What cannot be read, or a day whose base rate is not recorded, is printed as
``error <code>: <message in --lang> (<detail>)`` and the command exits with status 2.
"""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer

from osms import clock
from osms.cli.answers import JsonOption, show
from osms.cli.errors import KNOWN_ERROR_EXIT
from osms.cli.operator import LangOption, day_option
from osms.i18n import DEFAULT_LANGUAGE, error_message
from osms.rules.errors import RuleError
from osms.rules.parameters import ParameterMissing
from osms.services.amounts import amount_for, parse_period, penalty_for
from osms.services.errors import ServiceError
from osms.views.amounts import amount_lines, base_rate_missing, penalty_lines
from osms.views.models import MonthlyAmount, Penalty

__all__ = ["amount", "penalty"]


def _refused(error: ServiceError | RuleError, lang: str, message: str | None = None) -> NoReturn:
    text = message or error_message(error.code, lang)
    typer.echo(f"error {error.code}: {text} ({error.message})", err=True)
    raise typer.Exit(KNOWN_ERROR_EXIT)


def amount(
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="self_payer, entrepreneur, employer, employee or self_employed.",
        ),
    ],
    year: Annotated[
        str | None, typer.Option("--year", help="The year (default: this year).")
    ] = None,
    income: Annotated[
        str | None,
        typer.Option(
            "--income",
            help="Monthly income in tenge (employer, employee: all jobs together, self_employed).",
        ),
    ] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """One month's amount by who pays, the year and the income (R-K-1)."""
    try:
        answer = amount_for(kind, year if year is not None else clock.today().year, income)
    except (ServiceError, RuleError) as error:
        _refused(error, lang)
    show(MonthlyAmount.from_amount(answer), "\n".join(amount_lines(answer, lang)), as_json=as_json)


def penalty(
    arrears: Annotated[str, typer.Option("--arrears", help="The amount paid late, in tenge.")],
    period: Annotated[str, typer.Option("--period", help="The month of the income, YYYY-MM.")],
    paid_on: Annotated[str | None, day_option("--paid-on", "The day it was paid")] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """An employer's penalty for deductions or contributions paid late (R-K-4)."""
    try:
        month = parse_period(period)
        found = penalty_for(arrears, month, paid_on if paid_on is not None else clock.today())
    except ParameterMissing as error:
        _refused(error, lang, base_rate_missing(error, lang))
    except (ServiceError, RuleError) as error:
        _refused(error, lang)
    text = "\n".join(penalty_lines(found, month, lang))
    show(Penalty.from_penalty(found, month), text, as_json=as_json)
