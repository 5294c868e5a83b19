"""The database the command line works on: ``OSMS_DATABASE_URL``, else the SQLite file; and
who acts on it.

The embedded SQLite default is migrated on first use, so that a newcomer needs no set-up;
a PostgreSQL database is migrated only by ``osms db upgrade`` (an operator's decision).

Who acts (RULES.md §11: the trail says who did what) is ``--operator NAME``, else the setting
``OSMS_OPERATOR``, checked the same way wherever it is read (:func:`named_operator`: 1 to 32
printable characters, ``operator.name``, exit 2).  The operators' commands require one
(:func:`osms.cli.operator.operator_name`); the others fall back to the login name of the
account running the command, ``cli:<login>`` (:func:`actor`), and to ``cli:unknown`` only when
the system names no login.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Final

import typer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from osms.cli.errors import DatabaseUnusable
from osms.i18n import DEFAULT_LANGUAGE, error_message
from osms.registry import migrate
from osms.registry.db import make_session_factory
from osms.services.errors import ServiceError
from osms.services.trail_text import OPERATOR_NAME_MAX_LENGTH, checked_operator_name, is_plain

__all__ = ["OPERATOR_ENV", "actor", "engine", "login_name", "named_operator", "session"]

OPERATOR_ENV: Final = "OSMS_OPERATOR"


@lru_cache(maxsize=1)
def engine() -> Engine:
    try:
        return migrate.ready_engine()
    except migrate.NotMigrated as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    except OSError as error:  # the embedded default's folder (OSMS_DATA_DIR) cannot be made
        raise DatabaseUnusable(f"{error.strerror}: {error.filename}") from None


@contextmanager
def session() -> Iterator[Session]:
    """A session whose work is committed at the end, or rolled back on an error."""
    with make_session_factory(engine())() as opened, opened.begin():
        yield opened


def named_operator(given: str | None, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The operator named by ``--operator``, else by ``OSMS_OPERATOR``; None when neither
    names one.  A name that could forge or hide a line of the trail (a line break, an escape, a
    direction override) or is longer than 32 characters ends the command: ``operator.name``,
    exit 2 (:func:`osms.services.trail_text.checked_operator_name`)."""
    name = given if given is not None and given.strip() else os.environ.get(OPERATOR_ENV)
    if name is None or not name.strip():
        return None
    try:
        return checked_operator_name(name)
    except ServiceError as error:
        typer.echo(f"{error.code}: {error_message(error.code, lang)}", err=True)
        raise typer.Exit(2) from None


def login_name() -> str:
    """The login name of the account running the command, or ``unknown`` when the system
    names none (no ``LOGNAME``/``USER``, no password entry) or one the trail cannot show."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login variable and no password entry
        return "unknown"
    if not login or len(login) > OPERATOR_NAME_MAX_LENGTH or not is_plain(login):
        return "unknown"
    return login


def actor(given: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Who is acting: ``--operator``, else ``OSMS_OPERATOR`` (:func:`named_operator`), else
    ``cli:<login>`` (:func:`login_name`)."""
    return named_operator(given, lang) or f"cli:{login_name()}"
