"""One place where the command line turns a known error into a message (never a traceback).

Every command runs inside :class:`OsmsGroup`: a :class:`~osms.rules.errors.RuleError` that
escapes a command (``parameter.missing``, ``parameter.schema``, ``calendar.data``,
``month.invalid``, ``iin.checksum`` …) is printed on stderr as ``error <code>: <message>
(<detail>)`` in the language of ``--lang`` (Kazakh by default), and the command exits with
status 2.  Commands that answer an error themselves (``osms iin``) keep doing so.  So does a
database the command cannot use: a setting ``OSMS_DATABASE_URL`` that is no database URL
(``database.url``), a database that does not answer (``database.unavailable``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import typer
from typer.core import TyperGroup

from osms.i18n import DEFAULT_LANGUAGE, ERROR_CODES, LANGUAGES, error_message, t
from osms.rules.errors import RuleError

if TYPE_CHECKING:
    from typer._click.core import Context  # typer carries its own click

__all__ = [
    "CLI_ERROR_MESSAGES",
    "KNOWN_ERROR_EXIT",
    "DatabaseUnusable",
    "OsmsGroup",
    "command_language",
    "known_error_text",
]

KNOWN_ERROR_EXIT: Final = 2
"""The exit status of a command stopped by a known error."""

_OWN_MESSAGES: Final = {
    "parameter.schema": "A parameter file is not valid: correct the file named in the details.",
    "parameter.unknown": "Unknown rule parameter.",
    "calendar.data": "A calendar file is not valid: correct the file named in the details.",
    "database.url": "The setting OSMS_DATABASE_URL is not a database URL.",
    "database.unavailable": (
        "The database cannot be reached: check that it is running, and the setting "
        "OSMS_DATABASE_URL."
    ),
    "argument.encoding": "An argument of the command is not UTF-8 text: write it in UTF-8.",
}
CLI_ERROR_MESSAGES: Final[tuple[str, ...]] = tuple(_OWN_MESSAGES.values())
"""The msgids this module adds for codes :mod:`osms.i18n` has no text for."""

_ARGS: Final = "osms.cli.args"
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def command_language(args: Sequence[str]) -> str:
    """The ``--lang`` of a command line, Kazakh when it names none of ours."""
    for i, arg in enumerate(args):
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        if value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE


def known_error_text(error: RuleError, lang: str) -> str:
    """``error <code>: <message in lang> (<English detail>)``.

    >>> from osms.rules.parameters import ParameterMissing
    >>> from datetime import date
    >>> print(known_error_text(ParameterMissing("base_rate", date(2021, 3, 1), "not known"), "en"))
    error parameter.missing: A rule parameter is not known for this date. \
(parameter 'base_rate' has no value for 2021-03-01: not known)
    """
    if error.code in ERROR_CODES or error.code not in _OWN_MESSAGES:
        message = error_message(error.code, lang)
    else:
        message = t(lang, _OWN_MESSAGES[error.code])
    return f"error {error.code}: {message} ({error})"


class OsmsGroup(TyperGroup):
    """The ``osms`` group: the central handler of known errors."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        ctx.meta[_ARGS] = list(args)  # the whole command line, for --lang
        for arg in args:
            # Bytes that are not UTF-8 reach Python as lone surrogates, which no database,
            # file or terminal takes (an operator's name, an audit filter, a feed's source).
            if _SURROGATE.search(arg):
                code = "argument.encoding"
                shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
                message = t(command_language(args), _OWN_MESSAGES[code])
                typer.echo(f"error {code}: {message} ({shown!r})", err=True)
                raise typer.Exit(KNOWN_ERROR_EXIT)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except RuleError as error:
            lang = command_language(ctx.meta.get(_ARGS, ()))
            typer.echo(known_error_text(error, lang), err=True)
            raise typer.Exit(KNOWN_ERROR_EXIT) from None
        except Exception as error:
            problem = _database_problem(error)
            if problem is None:
                raise
            code, detail = problem
            lang = command_language(ctx.meta.get(_ARGS, ()))
            typer.echo(f"error {code}: {t(lang, _OWN_MESSAGES[code])} ({detail})", err=True)
            raise typer.Exit(KNOWN_ERROR_EXIT) from None


class DatabaseUnusable(Exception):
    """The command's database cannot be made or opened (its message says why)."""


def _database_problem(error: Exception) -> tuple[str, str] | None:
    """The code and detail of a database the command cannot use; None for other errors."""
    if isinstance(error, DatabaseUnusable):
        return "database.unavailable", str(error)
    try:
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
    except ImportError:  # the rules core alone: no database to fail
        return None
    if isinstance(error, ArgumentError | NoSuchModuleError):
        return "database.url", str(error)
    if isinstance(error, OperationalError):
        return "database.unavailable", str(error.orig).strip()
    return None
