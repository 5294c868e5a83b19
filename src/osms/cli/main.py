"""The ``osms`` command line (Typer).  Each command parses, calls one use case, renders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from osms.cli.amounts import amount, penalty
from osms.cli.answers import JsonOption, show
from osms.cli.audit import audit
from osms.cli.batch import batch_app
from osms.cli.bot import bot_app
from osms.cli.categories import categories_app
from osms.cli.clients import clients_app
from osms.cli.db import db_app
from osms.cli.demo import demo
from osms.cli.errors import OsmsGroup
from osms.cli.operator import AsOfOption, LangOption, day_option, parse_day
from osms.cli.parameters import parameters_app
from osms.cli.person import person
from osms.cli.refunds import refunds_app
from osms.cli.registers import import_command, registers_app
from osms.cli.serve import serve
from osms.cli.temporary import temporary_app
from osms.i18n import DEFAULT_LANGUAGE, error_message
from osms.rules import iin as iin_rules
from osms.rules.calculator import Calculation, calculate
from osms.rules.errors import RuleError
from osms.rules.status import decide
from osms.scenarios.facts_file import FactsError, load_facts_file
from osms.scenarios.runner import run_paths
from osms.services.errors import ServiceError
from osms.views import models
from osms.views.card import calculation_card, decision_card, iin_card
from osms.views.public import public_calculation

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_Answer = TypeVar("_Answer")

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

IinArgument = Annotated[str | None, typer.Argument(help="IIN to look up in the registry.")]
FactsOption = Annotated[
    Path | None, typer.Option("--facts", help="A YAML file with `person` and `payments`.")
]
DateOption = Annotated[str | None, day_option("--date", "The date asked about")]


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _load(facts: Path, lang: str) -> Any:
    """The person of a facts file; else ``error <code>: <message in lang> (<detail>)``, exit 2."""
    try:
        return load_facts_file(facts)
    except FactsError as error:
        where = "" if error.field == str(facts) else f"{error.field}: "
        message = error_message(error.code, lang)
        _fail(f"{facts}: error {error.code}: {message} ({where}{error.message})")


def _looked_up(iin: str, lang: str, lookup: Callable[[Session, str, str], _Answer]) -> _Answer:
    """The answer for an IIN of the registry, through the audited service (RULES.md §11: every
    look-up is audited); a refused IIN is ``<iin>: <code>: <message in lang>``, exit 1."""
    from osms.cli.context import actor, session

    try:
        with session() as opened:
            return lookup(opened, iin, actor(None, lang))
    except ServiceError as error:
        _fail(f"{iin}: {error.code}: {error_message(error.code, lang)}", 1)
        raise  # unreachable: _fail exits


def _one_person(iin: str | None, facts: Path | None) -> None:
    if (iin is None) == (facts is None):
        _fail("give an IIN (looked up in the registry) or --facts FILE, not both")


@app.command()
def status(
    iin: IinArgument = None,
    facts: FactsOption = None,
    on: DateOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """Is the person insured on DATE, as known on AS_OF, and why (registry or --facts)."""
    day = parse_day(on)
    known = parse_day(as_of, "--as-of") if as_of else None
    _one_person(iin, facts)
    registered: bool | None = None  # a facts file says nothing of the registry
    if facts is not None:
        decision = decide(_load(facts, lang), day, known)
    else:
        from osms.services.status import StatusAnswer, status_of

        def lookup(session: Session, number: str, actor: str) -> StatusAnswer:
            return status_of(session, number, day, known, actor=actor, channel="cli")

        looked_up = _looked_up(iin or "", lang, lookup)
        decision, registered = looked_up.decision, looked_up.registered
    answer = models.StatusDetail.from_decision(decision, lang, known=registered)
    show(answer, decision_card(decision, lang, known=registered is not False), as_json=as_json)


@app.command()
def calc(
    iin: IinArgument = None,
    facts: FactsOption = None,
    on: DateOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """What the person can pay on DATE to become insured, with payment plans."""
    day = parse_day(on)
    _one_person(iin, facts)
    registered: bool | None = None  # a facts file says nothing of the registry
    if facts is not None:
        calculation = calculate(_load(facts, lang), day)
    else:
        from osms.services.status import calculator_for

        def lookup(session: Session, number: str, actor: str) -> tuple[Calculation, bool]:
            return calculator_for(session, number, day, actor=actor, channel="cli")

        calculation, registered = _looked_up(iin or "", lang, lookup)
        # RULES.md §11: an IIN the registry does not know is never billed as a debtor
        calculation = public_calculation(calculation, known=registered)
    answer = models.Calculation.from_calculation(calculation, known=registered)
    show(
        answer, calculation_card(calculation, lang, known=registered is not False), as_json=as_json
    )


@app.command("iin")
def iin_command(
    number: Annotated[str, typer.Argument(help="A 12-digit IIN.")],
    lang: LangOption = DEFAULT_LANGUAGE,
    as_json: JsonOption = False,
) -> None:
    """Check an IIN and explain what it says (R-IIN-1…3)."""
    try:
        info = iin_rules.describe(number)
    except RuleError as error:
        message = error_message(error.code, lang)
        refusal = models.IinRefusal(
            iin=number, valid=False, code=error.code, message=message, detail=str(error)
        )
        show(refusal, f"{number}: {message} ({error})", as_json=as_json)
        raise typer.Exit(1) from None
    show(models.IinDescription.from_info(info), iin_card(info, lang), as_json=as_json)


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

    typer.echo(seed_table(lang, path))


if __name__ == "__main__":  # pragma: no cover
    app(prog_name="osms")
