"""``osms amount`` and ``osms penalty``: the Fund's two calculators on the command line.

``osms amount --kind employer --year 2026 --income 5000000`` prints one month's amount with
its rate, base and cap (R-K-1); ``osms penalty --arrears 21000 --period 2023-06 --paid-on
2023-08-04`` an employer's penalty day by day (R-K-4).  ``--json`` prints what the API
answers.  What cannot be read, or a day whose base rate is not recorded, is printed as
``error <code>: <message in --lang> (<detail>)`` and the command exits with status 2.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

import typer

from osms import clock
from osms.cli.errors import KNOWN_ERROR_EXIT
from osms.i18n import DEFAULT_LANGUAGE, LANGUAGES, error_message
from osms.rules.errors import RuleError
from osms.rules.parameters import ParameterMissing
from osms.services.amounts import amount_for, parse_period, penalty_for
from osms.services.errors import ServiceError
from osms.views.amounts import (
    amount_json,
    amount_lines,
    base_rate_missing,
    penalty_json,
    penalty_lines,
)

__all__ = ["amount", "penalty"]

LangOption = Annotated[str, typer.Option("--lang", help="kk (default), ru or en.")]
JsonOption = Annotated[bool, typer.Option("--json", help="The API's JSON (docs/json.md).")]


def _refuse(text: str) -> NoReturn:
    typer.echo(text, err=True)
    raise typer.Exit(KNOWN_ERROR_EXIT)


def _lang(value: str) -> str:
    if value not in LANGUAGES:
        _refuse(f"--lang: one of {', '.join(LANGUAGES)}")
    return value


def _refused(error: ServiceError | RuleError, lang: str, message: str | None = None) -> NoReturn:
    text = message or error_message(error.code, lang)
    _refuse(f"error {error.code}: {text} ({error.message})")


def _print(body: dict[str, Any]) -> None:
    typer.echo(json.dumps(body, ensure_ascii=False, indent=2))


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
    lang = _lang(lang)
    try:
        answer = amount_for(kind, year if year is not None else clock.today().year, income)
    except (ServiceError, RuleError) as error:
        _refused(error, lang)
    if as_json:
        _print(amount_json(answer))
    else:
        typer.echo("\n".join(amount_lines(answer, lang)))


def penalty(
    arrears: Annotated[str, typer.Option("--arrears", help="The amount paid late, in tenge.")],
    period: Annotated[str, typer.Option("--period", help="The month of the income, YYYY-MM.")],
    paid_on: Annotated[
        str | None,
        typer.Option("--paid-on", help="The day it was paid, YYYY-MM-DD (default today)."),
    ] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """An employer's penalty for deductions or contributions paid late (R-K-4)."""
    lang = _lang(lang)
    try:
        month = parse_period(period)
        found = penalty_for(arrears, month, paid_on if paid_on is not None else clock.today())
    except ParameterMissing as error:
        _refused(error, lang, base_rate_missing(error, lang))
    except (ServiceError, RuleError) as error:
        _refused(error, lang)
    if as_json:
        _print(penalty_json(found, month))
    else:
        typer.echo("\n".join(penalty_lines(found, month, lang)))
