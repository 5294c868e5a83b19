"""``osms clients``: the API's clients and their keys (banks, clinics, operators' systems).

``create`` prints the key once (only its SHA-256 is stored): hand it over by a safe channel.
``revoke`` takes the key's prefix (shown by ``list``), the client's id or the key itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer

from osms import clock
from osms.cli.context import actor, session
from osms.services.clients import (
    DEFAULT_RATE_LIMIT,
    SCOPES,
    create_client,
    list_clients,
    revoke_client,
)
from osms.services.errors import ServiceError

__all__ = ["clients_app"]

clients_app = typer.Typer(
    help="API clients: keys with scopes (" + ", ".join(SCOPES) + ").", no_args_is_help=True
)

OperatorOption = Annotated[
    str | None, typer.Option("--operator", help="Who acts (default: OSMS_OPERATOR or $USER).")
]


def _fail(error: ServiceError) -> None:
    typer.echo(f"{error.code}: {error.message}", err=True)
    raise typer.Exit(1)


@clients_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The client, e.g. a bank's name (≤ 32 chars).")],
    scope: Annotated[
        list[str],
        typer.Option("--scope", help="A scope to grant, repeatable: " + ", ".join(SCOPES) + "."),
    ],
    rate_limit: Annotated[
        int, typer.Option("--rate-limit", help="Requests per minute.")
    ] = DEFAULT_RATE_LIMIT,
    operator: OperatorOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Create a client and print its key ONCE."""
    try:
        with session() as opened:
            client, key = create_client(
                opened, name, scope, actor(operator), rate_limit, door="cli"
            )
            summary = {
                "id": client.id,
                "name": client.name,
                "prefix": client.key_prefix,
                "scopes": client.scopes.split(),
                "rate_limit_per_minute": client.rate_limit_per_minute,
                "key": key,
            }
    except ServiceError as error:
        _fail(error)
        return
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"client {client.id} {client.name!r}: scopes {client.scopes}, "
        f"{client.rate_limit_per_minute} requests/minute"
    )
    typer.echo(f"key (shown once, store it now): {key}")


@clients_app.command("revoke")
def revoke(
    client: Annotated[str, typer.Argument(help="The key's prefix, the client's id, or the key.")],
    operator: OperatorOption = None,
) -> None:
    """Revoke a client's key: it is refused from the next request on."""
    try:
        with session() as opened:
            revoked = revoke_client(opened, client, actor(operator), door="cli")
            typer.echo(f"client {revoked.id} {revoked.name!r}: key {revoked.key_prefix} revoked")
    except ServiceError as error:
        _fail(error)


@clients_app.command("list")
def list_command(
    active: Annotated[bool, typer.Option("--active", help="Only keys not revoked.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The clients, oldest first (never their keys)."""
    with session() as opened:
        rows: list[dict[str, Any]] = [
            {
                "id": c.id,
                "name": c.name,
                "prefix": c.key_prefix,
                "scopes": c.scopes.split(),
                "rate_limit_per_minute": c.rate_limit_per_minute,
                "created_at": c.created_at.isoformat(),
                "created_by": c.created_by,
                "revoked_at": None if c.revoked_at is None else c.revoked_at.isoformat(),
                "revoked_by": c.revoked_by,
            }
            for c in list_clients(opened, include_revoked=not active)
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no API clients")
    for row in rows:
        state = "active"
        if row["revoked_at"]:  # the date in Kazakhstan (R-T-4), not the UTC one stored
            revoked_on = clock.date_in_kazakhstan(datetime.fromisoformat(row["revoked_at"]))
            state = f"revoked {revoked_on}"
        typer.echo(
            f"{row['id']:>4}  {row['prefix']}  {row['name']:<32}  {' '.join(row['scopes']):<48}"
            f"  {row['rate_limit_per_minute']:>6}/min  {state}"
        )
