"""The ``osms`` command line (Typer).  Each command parses, calls one use case, renders."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from osms import clock
from osms.cli.amounts import amount, penalty
from osms.cli.audit import audit
from osms.cli.batch import batch_app
from osms.cli.bot import bot_app
from osms.cli.categories import categories_app
from osms.cli.clients import clients_app
from osms.cli.db import db_app
from osms.cli.demo import demo
from osms.cli.errors import OsmsGroup
from osms.cli.parameters import parameters_app
from osms.cli.person import person
from osms.cli.refunds import refunds_app
from osms.cli.registers import import_command, registers_app
from osms.cli.serve import serve
from osms.cli.temporary import temporary_app
from osms.i18n import DEFAULT_LANGUAGE, LANGUAGES, error_message
from osms.rules import iin as iin_rules
from osms.rules.calculator import Calculation, calculate
from osms.rules.errors import RuleError
from osms.rules.status import decide
from osms.scenarios.facts_file import FactsError, load_facts_file
from osms.scenarios.runner import run_paths
from osms.services.errors import ServiceError
from osms.views.card import calculation_card, decision_card, iin_card
from osms.views.json import calculation_json, decision_json, iin_json

app = typer.Typer(
    help="OSMS / МӘМС: is a person insured on a date, why, and what to pay.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=OsmsGroup,
)
scenarios_app = typer.Typer(help="Executable rule scenarios (YAML).", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")
app.add_typer(db_app, name="db")
app.add_typer(categories_app, name="categories")
app.add_typer(temporary_app, name="temporary")
app.add_typer(refunds_app, name="refunds")
app.command("person")(person)
app.command("audit")(audit)
app.command("import")(import_command)
app.add_typer(registers_app, name="registers")
app.command("serve")(serve)
app.add_typer(bot_app, name="bot")
app.command("demo")(demo)
app.add_typer(clients_app, name="clients")
app.add_typer(batch_app, name="batch")
app.add_typer(parameters_app, name="parameters")
app.command("amount")(amount)
app.command("penalty")(penalty)

FactsOption = Annotated[
    Path | None, typer.Option("--facts", help="A YAML file with `person` and `payments`.")
]
DateOption = Annotated[
    str | None, typer.Option("--date", help="The date asked about, YYYY-MM-DD (default today).")
]
LangOption = Annotated[str, typer.Option("--lang", help="kk (default), ru or en.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Stable JSON (docs/json.md).")]


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _parse_day(value: str, option: str) -> date:
    """A date the API would take too: ``YYYY-MM-DD`` from 2020 (R-S-1) to 2099."""
    from osms.api.v1.schemas import MAX_DATE, MIN_DATE

    try:
        day = date.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: not a date (YYYY-MM-DD): {value!r}")
        raise  # unreachable: _fail exits
    if not MIN_DATE <= day <= MAX_DATE:
        _fail(f"{option}: {day} is outside {MIN_DATE} … {MAX_DATE}")
    return day


def _lang(value: str) -> str:
    if value not in LANGUAGES:
        _fail(f"--lang: one of {', '.join(LANGUAGES)}")
    return value


def _print_json(body: dict[str, Any]) -> None:
    typer.echo(json.dumps(body, ensure_ascii=False, indent=2))


def _load(facts: Path, lang: str) -> Any:
    """The person of a facts file; else ``error <code>: <message in lang> (<detail>)``, exit 2."""
    try:
        return load_facts_file(facts)
    except FactsError as error:
        where = "" if error.field == str(facts) else f"{error.field}: "
        message = error_message(error.code, lang)
        _fail(f"{facts}: error {error.code}: {message} ({where}{error.message})")


def _calculation(iin: str | None, facts: Path | None, on: str | None, lang: str) -> Calculation:
    """The calculation for --facts, or for an IIN of the registry through the audited service
    (RULES.md §11: every look-up is audited); the date defaults to today."""
    day = _parse_day(on, "--date") if on else clock.today()
    if (iin is None) == (facts is None):
        _fail("give an IIN (looked up in the registry) or --facts FILE, not both")
    if facts is not None:
        return calculate(_load(facts, lang), day)
    from osms.cli.context import actor, session
    from osms.services.status import calculator_for

    try:
        with session() as opened:
            return calculator_for(opened, iin or "", day, actor=actor(None), channel="cli")
    except ServiceError as error:
        _fail(f"{iin}: {error.code}: {error_message(error.code, DEFAULT_LANGUAGE)}", 1)
        raise  # unreachable: _fail exits


@app.command()
def status(
    iin: Annotated[str | None, typer.Argument(help="IIN to look up in the registry.")] = None,
    facts: FactsOption = None,
    on: DateOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Knowledge date (default: --date).")
    ] = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """Is the person insured on DATE, as known on AS_OF, and why (registry or --facts)."""
    lang = _lang(lang)
    day = _parse_day(on, "--date") if on else clock.today()
    known = _parse_day(as_of, "--as-of") if as_of else None
    if (iin is None) == (facts is None):
        _fail("give an IIN (looked up in the registry) or --facts FILE, not both")
    if facts is not None:
        decision = decide(_load(facts, lang), day, known)
    else:
        from osms.cli.context import actor, session
        from osms.services.status import status_of

        try:
            with session() as opened:
                answer = status_of(opened, iin or "", day, known, actor=actor(None), channel="cli")
        except ServiceError as error:
            _fail(f"{iin}: {error.code}: {error_message(error.code, lang)}", 1)
            raise
        decision = answer.decision
    if as_json:
        _print_json(decision_json(decision, lang))
    else:
        typer.echo(decision_card(decision, lang))


@app.command()
def calc(
    iin: Annotated[str | None, typer.Argument(help="IIN to look up in the registry.")] = None,
    facts: FactsOption = None,
    on: DateOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """What the person can pay on DATE to become insured, with payment plans."""
    lang = _lang(lang)
    calculation = _calculation(iin, facts, on, lang)
    if as_json:
        _print_json(calculation_json(calculation))
    else:
        typer.echo(calculation_card(calculation, lang))


@app.command("iin")
def iin_command(
    number: Annotated[str, typer.Argument(help="A 12-digit IIN.")],
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """Check an IIN and explain what it says (R-IIN-1…3)."""
    lang = _lang(lang)
    try:
        info = iin_rules.describe(number)
    except RuleError as error:
        if as_json:
            _print_json(
                {
                    "iin": number,
                    "valid": False,
                    "code": error.code,
                    "message": error_message(error.code, lang),
                    "detail": str(error),
                }
            )
        else:
            typer.echo(f"{number}: {error_message(error.code, lang)} ({error})")
        raise typer.Exit(1) from None
    if as_json:
        _print_json(iin_json(info))
    else:
        typer.echo(iin_card(info, lang))


@scenarios_app.command("run")
def scenarios_run(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or folders.")],
) -> None:
    """Run scenario files; one line per case, then `N passed, M failed`."""
    passed, failed = run_paths(paths, emit=typer.echo)
    typer.echo(f"{passed} passed, {failed} failed")
    if failed or not passed:
        raise typer.Exit(1)


@scenarios_app.command("seeds")
def scenarios_seeds(
    lang: LangOption = DEFAULT_LANGUAGE,
    path: Annotated[
        Path | None, typer.Option("--path", help="Scenario file to show (default: the seeds).")
    ] = None,
) -> None:
    """Decide the Fund leaflets' worked examples and print each decision in a table."""
    from osms.demo import seed_table

    typer.echo(seed_table(_lang(lang), path))


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="osms")


if __name__ == "__main__":  # pragma: no cover
    main()
