"""``osms db``: create and migrate the registry database (Alembic, packaged migrations).

The database is ``--url``, else ``OSMS_DATABASE_URL``, else the SQLite file in the data dir
(``OSMS_DATA_DIR`` or ``./var``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from osms.registry import migrate
from osms.registry.db import database_url, redacted

__all__ = ["db_app"]

db_app = typer.Typer(
    help="The registry database: Alembic migrations.",
    no_args_is_help=True,
)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="Database URL (default: OSMS_DATABASE_URL, else <data dir>/osms.sqlite).",
    ),
]


@db_app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    url: UrlOption = None,
) -> None:
    """Create or migrate the database up to REVISION (default: the newest)."""
    resolved = database_url(url)
    before = migrate.current(resolved)
    migrate.upgrade(resolved, revision)
    after = migrate.current(resolved)
    where = redacted(resolved)
    if before == after:
        typer.echo(f"{where}: already at {after or 'base'}")
    else:
        typer.echo(f"{where}: {before or 'base'} -> {after or 'base'}")


@db_app.command()
def current(url: UrlOption = None) -> None:
    """Print the database's revision and whether it is the newest."""
    resolved = database_url(url)
    found = migrate.current(resolved)
    head = migrate.head()
    state = "up to date" if found == head else f"behind (newest is {head}; run `osms db upgrade`)"
    typer.echo(f"{redacted(resolved)}: {found or 'base (empty)'}, {state}")
