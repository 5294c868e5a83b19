"""``osms serve``: the API and the citizen page with Uvicorn, within connection limits.

Uvicorn's own protocol, guarded (:mod:`osms.api.connections`): request headers and bodies that
arrive too slowly, headers too large and connections beyond the limit are answered and closed.
Each option also reads an environment variable, so that a service file can set them all.
"""

from __future__ import annotations

import os
from typing import Annotated, Final, NoReturn

import typer
import uvicorn
from sqlalchemy.exc import DBAPIError

from osms.api import connections
from osms.api.connections import GUARDED_PROTOCOLS, ServeLimits
from osms.api.settings import ApiSettings
from osms.cli.ports import PortOption, invoked_as, require_free_port
from osms.registry.db import database_url, redacted
from osms.registry.migrate import NotMigrated, ready_engine

__all__ = ["serve"]

_DEFAULT = ServeLimits()
MAX_WORKERS: Final = 64
"""Each worker is a process with its own connection pool: more would exhaust the machine
(and the database's connections) before serving more people."""


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: PortOption = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, max=MAX_WORKERS, help=f"Worker processes (1 to {MAX_WORKERS})."
        ),
    ] = 1,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout",
            envvar="OSMS_HEADER_TIMEOUT",
            min=0.1,
            help="Seconds a request's line and headers may take, from the connection or the "
            "previous response (bytes do not reset it); then 408 and closed.",
        ),
    ] = _DEFAULT.header_timeout,
    body_timeout: Annotated[
        float,
        typer.Option(
            "--body-timeout",
            envvar="OSMS_BODY_TIMEOUT",
            min=0.1,
            help="Seconds a request body may pause between bytes; then 408 and closed.",
        ),
    ] = _DEFAULT.body_timeout,
    max_header_bytes: Annotated[
        int,
        typer.Option(
            "--max-header-bytes",
            envvar="OSMS_MAX_HEADER_BYTES",
            min=1024,
            help="Largest request line and headers; more: 431 and closed.",
        ),
    ] = _DEFAULT.max_header_bytes,
    max_connections: Annotated[
        int,
        typer.Option(
            "--max-connections",
            envvar="OSMS_MAX_CONNECTIONS",
            min=1,
            help="Open connections per worker. One more closes the connection that has waited "
            "longest for its headers; if none waits, the newcomer gets 503.",
        ),
    ] = _DEFAULT.max_connections,
    timeout_keep_alive: Annotated[
        int,
        typer.Option(
            "--timeout-keep-alive",
            envvar="OSMS_TIMEOUT_KEEP_ALIVE",
            min=1,
            help="Seconds an idle kept-alive connection stays open (Uvicorn's).",
        ),
    ] = 5,
    limit_concurrency: Annotated[
        int | None,
        typer.Option(
            "--limit-concurrency",
            envvar="OSMS_LIMIT_CONCURRENCY",
            min=1,
            help="Uvicorn's: 503 to new requests while a worker has this many connections or "
            "requests open. Default: none beyond --max-connections.",
        ),
    ] = None,
    http: Annotated[
        str,
        typer.Option(
            "--http",
            envvar="OSMS_HTTP",
            help="HTTP parser: httptools (faster) or h11 (pure Python); both are guarded.",
        ),
    ] = "httptools",
) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the citizen page (/).

    Behind a reverse proxy, set OSMS_TRUSTED_PROXIES to its addresses: only then is its
    X-Forwarded-For believed. Operations (limits, backups): docs/operations.md.
    """
    if http not in GUARDED_PROTOCOLS:
        _stop(f"--http: one of {', '.join(GUARDED_PROTOCOLS)}")
    try:
        ApiSettings.from_env()  # a wrong setting stops here, not in every worker
    except ValueError as error:
        _stop(str(error))
    try:
        ready_engine().dispose()  # migrate the embedded default once, before the workers
    except NotMigrated as error:
        _stop(str(error))
    except DBAPIError as error:
        _stop(f"the database cannot be reached ({type(error.orig).__name__}): {_where()}")
    require_free_port(host, port, invoked_as("serve"))  # a clear message, not Uvicorn's
    limits = ServeLimits(header_timeout, body_timeout, max_header_bytes, max_connections)
    os.environ.update(limits.environment())  # the workers read the same limits
    connections.limits.cache_clear()
    typer.echo(f"OSMS on http://{host}:{port}/ (API docs: /docs) over {_where()}")
    uvicorn.run(
        "osms.api.asgi:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=GUARDED_PROTOCOLS[http],
        timeout_keep_alive=timeout_keep_alive,
        limit_concurrency=limit_concurrency,
        h11_max_incomplete_event_size=max_header_bytes,
        log_level="warning",
        access_log=False,
        # Uvicorn would believe X-Forwarded-For from 127.0.0.1; the app decides, from
        # OSMS_TRUSTED_PROXIES only (osms.api.proxies).
        proxy_headers=False,
    )


def _where() -> str:
    return redacted(database_url())


def _stop(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(2)
