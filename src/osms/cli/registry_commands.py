"""Commands that work on the registry: import registers and feeds, operators' decisions.

"Today" is Kazakhstan's date (R-T-4): the default of every ``--date`` and the decision day of
an approval, before which no grant or refund may take effect (R-R-1, R-TMP-1).  The lists of
applications are audited like every look-up (RULES.md §11), with the channel ``cli``.

``osms import`` and ``osms registers lines`` answer in ``--lang`` too
(:mod:`osms.views.registers`); their ``--json`` keeps its stable shape.
The operators' commands (categories, temporary, refunds) name their operator (``--operator``
or ``OSMS_OPERATOR``, :mod:`osms.cli.operator`) and answer in ``--lang`` (Kazakh by default,
:mod:`osms.views.operator`).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from osms import clock
from osms.cli.context import actor, engine, session
from osms.cli.operator import (
    EXIT_ACCEPTED,
    EXIT_PARTLY,
    EXIT_REJECTED,
    LangOption,
    OperatorOption,
    list_exit,
    operator_name,
)
from osms.i18n import DEFAULT_LANGUAGE, error_message
from osms.registry.registers import SENDERS
from osms.rules.temporary import Document
from osms.services import categories as category_feeds
from osms.services import refunds as refund_cases
from osms.services import temporary as temporary_cases
from osms.services.errors import ServiceError
from osms.services.registers import book_register, register_summary, report_lines
from osms.views import operator as operator_view
from osms.views import registers as registers_view
from osms.views.registers import (
    register_lines_json,
    register_report_json,
    register_summary_json,
)

__all__ = ["categories_app", "import_command", "refunds_app", "registers_app", "temporary_app"]

ImportOperatorOption = Annotated[
    str | None, typer.Option("--operator", help="Who decides (default: OSMS_OPERATOR or $USER).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
CHANNEL = "cli"


def _day(value: str | None, option: str) -> date:
    if value is None:
        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        typer.echo(f"{option}: not a date (YYYY-MM-DD): {value!r}", err=True)
        raise typer.Exit(2) from None


def _refuse(error: ServiceError, lang: str = DEFAULT_LANGUAGE) -> None:
    typer.echo(f"{error.code}: {error_message(error.code, lang)} ({error.message})", err=True)
    raise typer.Exit(1)


def _count_lines(path: Path, register_format: str | None) -> int | None:
    """A quick estimate of the number of lines, for the progress bar (read by blocks)."""
    newlines = tags = 0
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
            mt102 = register_format != "csv" and head.lstrip(b"\xef\xbb\xbf").lstrip().startswith(
                (b"{1:", b":20:")
            )
            tail = b""
            block = head
            while block:
                newlines += block.count(b"\n")
                tags += (tail + block).count(b":21:")
                tail = block[-3:]
                block = stream.read(1 << 20)
    except OSError:
        return None
    return tags if mt102 else max(newlines - 1, 0)


PAGE = 100
"""Lines printed by ``osms import`` and ``osms registers lines`` unless ``--limit`` says."""


def _sender(value: str) -> str:
    name = value.strip().lower()
    if name not in SENDERS:
        raise typer.BadParameter(f"{value!r} is not a sender: one of {', '.join(SENDERS)}")
    return name


def _paging(register_id: int | None, offset: int, limit: int = PAGE) -> str:
    return f"osms registers lines {register_id} --offset {offset} --limit {limit}"


def import_command(
    file: Annotated[Path, typer.Argument(help="An MT102 or CSV register.", exists=True)],
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            callback=_sender,
            help=(
                "Who sent the register (required, any case): "
                + ", ".join(SENDERS)
                + ". Its CSV lines' keys are csv:<channel>:<reference> (R-L-7), the same as "
                "for the API client of that name."
            ),
        ),
    ],
    register_format: Annotated[
        str | None, typer.Option("--format", help="mt102 or csv (default: detected).")
    ] = None,
    operator: ImportOperatorOption = None,
    as_json: JsonOption = False,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Book a payment register: good lines are booked, bad lines reported with their codes.

    The same file from the same sender again changes nothing: its summary is printed; read its
    lines with: osms registers lines ID.

    Exit status: 0 every line booked (or booked before), 3 the register partly accepted (its
    rejected lines listed), 1 the register rejected, 2 the command could not run.
    """
    if register_format not in (None, "mt102", "csv"):
        typer.echo("--format: mt102 or csv", err=True)
        raise typer.Exit(2)
    database = engine()
    expected = _count_lines(file, register_format)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task(file.name, total=expected)
        report = book_register(
            database,
            file,
            actor=actor(operator),
            format=register_format,
            sender=channel,
            progress=lambda n: bar.advance(task, n),
        )
    if as_json:
        body = (
            register_summary_json(report) if report.resent else register_report_json(report, lang)
        )
        if report.recorded:
            body["lines_command"] = _paging(report.register_id, 0)
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        paging = _paging(report.register_id, min(len(report.outcomes), PAGE))
        typer.echo(
            "\n".join(
                registers_view.report_lines(file.name, report, lang, page=PAGE, paging=paging)
            )
        )
    raise typer.Exit(_IMPORT_EXIT.get(report.status, EXIT_REJECTED))


_IMPORT_EXIT = {"accepted": EXIT_ACCEPTED, "partially_accepted": EXIT_PARTLY}
"""``osms import``: 0 every line booked (or booked before), 3 partly accepted, 1 rejected."""


registers_app = typer.Typer(help="Registers received (R-F-3).", no_args_is_help=True)


@registers_app.command("lines")
def registers_lines(
    register_id: Annotated[int, typer.Argument(help="The register's id (osms import says it).")],
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many.")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000)] = PAGE,
    as_json: JsonOption = False,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """The lines of a register that were not simply booked, by line number, page by page."""
    database = engine()
    report = register_summary(database, register_id)
    if report is None:
        typer.echo(f"request.not_found: no register {register_id}", err=True)
        raise typer.Exit(1)
    lines = report_lines(database, register_id, offset, limit)
    following = offset + len(lines)
    more = _paging(register_id, following, limit) if following < report.recorded else None
    if as_json:
        body = register_lines_json(report, lines, offset, limit, lang)
        body["next_command"] = more
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    typer.echo("\n".join(registers_view.page_lines(report, lines, offset, lang, following=more)))


categories_app = typer.Typer(help="State-paid category feeds (R-CAT-1).", no_args_is_help=True)


@categories_app.command("import")
def categories_import(
    file: Annotated[
        Path, typer.Argument(help="CSV: iin, category, first, last[, action].", exists=True)
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="The feed's name (default: the file name).")
    ] = None,
    operator: OperatorOption = None,
    as_json: JsonOption = False,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Apply a state register's feed: periods keyed by (IIN, category, first month) are added,
    closed (a last month) or withdrawn (action withdraw); the same feed again changes nothing.

    Exit status: 0 every line taken in, 3 some lines rejected, 1 every line rejected.
    """
    who = operator_name(operator, lang)
    try:
        with session() as opened, file.open("rb") as stream:
            report = category_feeds.import_category_feed(
                opened, stream, source=source or file.name, actor=who, channel=CHANNEL
            )
    except ServiceError as error:
        _refuse(error, lang)
        return
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


temporary_app = typer.Typer(help="Temporary status on documents (R-TMP-1).", no_args_is_help=True)


def _document(text: str) -> Document:
    try:
        kind, number, issued = text.split(":", 2)
        return Document(kind, number, date.fromisoformat(issued))
    except ValueError:
        typer.echo(f"--document: KIND:NUMBER:YYYY-MM-DD, got {text!r}", err=True)
        raise typer.Exit(2) from None


@temporary_app.command("apply")
def temporary_apply(
    iin: Annotated[str, typer.Argument(help="The applicant's IIN.")],
    category: Annotated[str, typer.Option("--category", help="The category code, e.g. pregnant.")],
    document: Annotated[
        list[str], typer.Option("--document", help="KIND:NUMBER:YYYY-MM-DD, repeatable.")
    ],
    on: Annotated[str | None, typer.Option("--date", help="Submitted on (default today).")] = None,
    channel: Annotated[str, typer.Option("--channel")] = "operator",
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Record an application with the documents of the category (SOURCES.md T6); the same
    person and category again while it is pending is the same application."""
    who = operator_name(operator, lang)
    documents = [_document(d) for d in document]
    try:
        with session() as opened:
            application, again = temporary_cases.apply_once(
                opened,
                iin,
                category,
                documents,
                submitted_on=_day(on, "--date"),
                channel=channel,
                actor=who,
            )
            typer.echo(operator_view.temporary_applied(application, lang, again=again))
    except ServiceError as error:
        _refuse(error, lang)


@temporary_app.command("approve")
def temporary_approve(
    application_id: Annotated[int, typer.Argument()],
    on: Annotated[
        str | None, typer.Option("--date", help="Granted on: today (default) or later.")
    ] = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Approve: status for one calendar month from the grant date (today or later)."""
    who = operator_name(operator, lang)
    try:
        with session() as opened:
            application = temporary_cases.approve(
                opened,
                application_id,
                granted_on=_day(on, "--date"),
                today=clock.today(),
                actor=who,
                channel=CHANNEL,
            )
            typer.echo(operator_view.temporary_decided(application, lang))
    except ServiceError as error:
        _refuse(error, lang)


@temporary_app.command("refuse")
def temporary_refuse(
    application_id: Annotated[int, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason", help="Told to the applicant.")],
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Refuse, with a reason."""
    who = operator_name(operator, lang)
    try:
        with session() as opened:
            application = temporary_cases.refuse(
                opened, application_id, reason=reason, actor=who, channel=CHANNEL
            )
            typer.echo(operator_view.temporary_decided(application, lang))
    except ServiceError as error:
        _refuse(error, lang)


@temporary_app.command("list")
def temporary_list(operator: OperatorOption = None, lang: LangOption = DEFAULT_LANGUAGE) -> None:
    """Undecided temporary-status applications, the oldest first (the list is audited)."""
    who = operator_name(operator, lang)
    try:
        with session() as opened:
            found = temporary_cases.pending(opened, actor=who, channel=CHANNEL)
            for application in found:
                typer.echo(operator_view.temporary_line(application, lang))
    except ServiceError as error:
        _refuse(error, lang)
        return
    if not found:
        typer.echo(operator_view.no_temporary(lang))


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


@refunds_app.command("apply")
def refunds_apply(
    payment_id: Annotated[int, typer.Argument(help="The payment (osms person IIN lists them).")],
    reason: Annotated[
        str, typer.Option("--reason", help="wrong_period, wrong_year, wrong_iin or overpayment.")
    ],
    on: Annotated[str | None, typer.Option("--date", help="Applied on (default today).")] = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Record a refund application, to decide within 15 working days, and show its effect."""
    who = operator_name(operator, lang)
    applied_on = _day(on, "--date")
    try:
        with session() as opened:
            application, again = refund_cases.apply_once(
                opened, payment_id, reason, applied_on=applied_on, actor=who, channel=CHANNEL
            )
            typer.echo(operator_view.refund_applied(application, lang, again=again))
            shown = refund_cases.effect(
                opened,
                application.id,
                refunded_on=max(clock.today(), application.applied_on),
                actor=who,
                channel=CHANNEL,
            )
            typer.echo("\n".join(operator_view.refund_effect_lines(shown, lang)))
    except ServiceError as error:
        _refuse(error, lang)


@refunds_app.command("show")
def refunds_show(
    application_id: Annotated[int, typer.Argument()],
    on: Annotated[str | None, typer.Option("--date", help="Refunded on (default today).")] = None,
    amount: AmountOption = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """What approving the refund would change: the amount returned, the months that become
    unpaid, the status before and after (R-R-1).  Nothing is decided."""
    who = operator_name(operator, lang)
    try:
        with session() as opened:
            shown = refund_cases.effect(
                opened,
                application_id,
                refunded_on=_day(on, "--date"),
                actor=who,
                channel=CHANNEL,
                amount=_amount(amount),
            )
            typer.echo("\n".join(operator_view.refund_effect_lines(shown, lang)))
    except ServiceError as error:
        _refuse(error, lang)


@refunds_app.command("approve")
def refunds_approve(
    application_id: Annotated[int, typer.Argument()],
    on: Annotated[
        str | None, typer.Option("--date", help="Refunded on: today (default) or later.")
    ] = None,
    amount: AmountOption = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Approve: the payment, or an overpayment's surplus, stops counting from the refund date
    (today or later).  See first what it changes: osms refunds show ID."""
    who = operator_name(operator, lang)
    try:
        with session() as opened:
            application = refund_cases.approve(
                opened,
                application_id,
                refunded_on=_day(on, "--date"),
                today=clock.today(),
                actor=who,
                amount=_amount(amount),
                channel=CHANNEL,
            )
            typer.echo(operator_view.refund_decided(application, lang))
    except ServiceError as error:
        _refuse(error, lang)


@refunds_app.command("refuse")
def refunds_refuse(
    application_id: Annotated[int, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason")],
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Refuse, with a reason."""
    who = operator_name(operator, lang)
    try:
        with session() as opened:
            application = refund_cases.refuse(
                opened, application_id, reason=reason, actor=who, channel=CHANNEL
            )
            typer.echo(operator_view.refund_decided(application, lang))
    except ServiceError as error:
        _refuse(error, lang)


@refunds_app.command("list")
def refunds_list(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only those past their deadline.")
    ] = False,
    on: Annotated[str | None, typer.Option("--date", help="Today (default: today).")] = None,
    operator: OperatorOption = None,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """Undecided refund applications, the most urgent first, with their payment's amount and
    the working days left to decide (the list is audited)."""
    who = operator_name(operator, lang)
    today = _day(on, "--date")
    try:
        with session() as opened:
            found = (
                refund_cases.overdue(opened, today, actor=who, channel=CHANNEL)
                if overdue
                else refund_cases.pending(opened, actor=who, channel=CHANNEL)
            )
            for application in found:
                typer.echo(operator_view.refund_line(application, today, lang))
    except ServiceError as error:
        _refuse(error, lang)
        return
    if not found:
        typer.echo(operator_view.no_refunds(lang))
