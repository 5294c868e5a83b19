"""``osms import`` and ``osms registers``: book a payment register, page through its lines.

They answer in ``--lang`` (:mod:`osms.views.registers`); their ``--json`` keeps its stable
shape.  The use case is :mod:`osms.services.registers`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from osms.cli.context import actor, engine
from osms.cli.operator import (
    CHANNEL,
    EXIT_ACCEPTED,
    EXIT_PARTLY,
    EXIT_REJECTED,
    JsonOption,
    LangOption,
    id_argument,
)
from osms.cli.progress import progress_bar
from osms.i18n import DEFAULT_LANGUAGE, error_message
from osms.services.registers import SENDERS, book_register, register_summary, report_lines
from osms.views import registers as registers_view
from osms.views.models import MAX_ID
from osms.views.registers import (
    register_lines_json,
    register_report_json,
    register_summary_json,
)

__all__ = ["import_command", "registers_app"]

ImportOperatorOption = Annotated[
    str | None, typer.Option("--operator", help="Who acts (default: OSMS_OPERATOR or $USER).")
]


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
    file: Annotated[
        Path, typer.Argument(help="An MT102 or CSV register.", exists=True, dir_okay=False)
    ],
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
    lines with: osms registers lines ID.  A file rejected as unreadable in the --format given
    is read again when sent in its own format.

    Exit status: 0 every line booked (or booked before), 3 the register partly accepted (its
    rejected lines listed), 1 the register rejected, 2 the command could not run.
    """
    if register_format not in (None, "mt102", "csv"):
        typer.echo("--format: mt102 or csv", err=True)
        raise typer.Exit(2)
    database = engine()
    expected = _count_lines(file, register_format)
    with progress_bar(transient=True, disable=as_json) as bar:
        task = bar.add_task(file.name, total=expected)
        report = book_register(
            database,
            file,
            actor=actor(operator),
            format=register_format,
            sender=channel,
            progress=lambda n: bar.advance(task, n),
            door=CHANNEL,
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
    register_id: Annotated[int, id_argument("The register's id (osms import says it).")],
    offset: Annotated[int, typer.Option("--offset", min=0, max=MAX_ID, help="Skip this many.")] = 0,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=100_000, help="At most this many.")
    ] = PAGE,
    operator: ImportOperatorOption = None,
    as_json: JsonOption = False,
    lang: LangOption = DEFAULT_LANGUAGE,
) -> None:
    """A register's lines not simply booked, page by page (the look-up is audited).

    Rejected lines with their codes, and duplicates with the payment booked before, by line
    number.
    """
    database = engine()
    report = register_summary(database, register_id)
    if report is None:
        message = error_message("request.not_found", lang)
        typer.echo(f"request.not_found: {message} (no register {register_id})", err=True)
        raise typer.Exit(1)
    lines = report_lines(
        database, register_id, offset, limit, actor=actor(operator), channel=CHANNEL
    )
    following = offset + len(lines)
    more = _paging(register_id, following, limit) if following < report.recorded else None
    if as_json:
        body = register_lines_json(report, lines, offset, limit, lang)
        body["next_command"] = more
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    typer.echo("\n".join(registers_view.page_lines(report, lines, offset, lang, following=more)))
