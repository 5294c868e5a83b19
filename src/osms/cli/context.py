"""The database the command line works on: ``OSMS_DATABASE_URL``, else the SQLite file.

The embedded SQLite default is migrated on first use, so that a newcomer needs no set-up;
a PostgreSQL database is migrated only by ``osms db upgrade`` (an operator's decision).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import typer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from osms.cli.errors import DatabaseUnusable
from osms.registry import migrate
from osms.registry.db import make_session_factory

__all__ = ["actor", "engine", "session"]


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


def actor(given: str | None) -> str:
    """Who is acting: ``--operator``, else ``OSMS_OPERATOR``, else the login name."""
    return given or os.environ.get("OSMS_OPERATOR") or f"cli:{os.environ.get('USER', 'unknown')}"
