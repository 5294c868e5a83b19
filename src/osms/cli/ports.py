"""Before serving: is the port free?  A taken port is a clear message, not Uvicorn's traceback.

``osms serve`` and ``osms demo`` call :func:`require_free_port` before they start Uvicorn (and
the demo before it builds anything).  The test binds the address the way Uvicorn will
(``SO_REUSEADDR``, the IPv6 family for an address with a colon), so a port held by a listening
server is busy and one in ``TIME_WAIT`` after a stopped server is not.  A taken port stops the
command with exit status 2 and names a free port to use instead::

    error port.busy: 127.0.0.1:8000 is taken (another server, or an `osms demo` still running).
    Serve on a free port: osms demo --port 8001
"""

from __future__ import annotations

import errno
import os
import socket
from typing import Annotated, Final, NoReturn

import typer

__all__ = [
    "COMMAND_ENV",
    "PORT_BUSY_EXIT",
    "SEARCH",
    "PortOption",
    "free_port",
    "invoked_as",
    "port_problem",
    "require_free_port",
]

PORT_BUSY_EXIT: Final = 2
"""The exit status when the port cannot be served on."""
SEARCH: Final = 100
"""How many ports after the asked one :func:`free_port` tries."""
COMMAND_ENV: Final = "OSMS_COMMAND"
"""How the person runs ``osms``: ``./dev`` sets ``./dev``, so advice names what they type."""

PortOption = Annotated[
    int, typer.Option("--port", min=1, max=65_535, help="Port to listen on (1 to 65535).")
]


def invoked_as(subcommand: str) -> str:
    """The command line a person types for ``subcommand`` (``osms demo``, ``./dev demo``)."""
    return f"{os.environ.get(COMMAND_ENV) or 'osms'} {subcommand}"


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def port_problem(host: str, port: int) -> OSError | None:
    """Why a server could not listen on ``host:port`` now, or None when it could."""
    try:
        with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        return error
    return None


def free_port(host: str, after: int, search: int = SEARCH) -> int | None:
    """The first port after ``after`` (up to ``search`` of them) free on ``host``, or None."""
    for port in range(after + 1, min(after + search, 65535) + 1):
        if port_problem(host, port) is None:
            return port
    return None


def require_free_port(host: str, port: int, command: str) -> None:
    """Return when ``host:port`` can be served on; else say why and exit with status 2.

    ``command`` is what the person typed (``osms demo``), to show the same command on a
    free port.
    """
    problem = port_problem(host, port)
    if problem is None:
        return
    if problem.errno == errno.EADDRINUSE:
        found = free_port(host, port)
        advice = (
            f"Serve on a free port: {command} --port {found}"
            if found is not None
            else f"No port of {port + 1}…{port + SEARCH} is free either: stop a server first."
        )
        _stop(
            f"error port.busy: {host}:{port} is taken (another server, or an "
            f"`{command}` still running).\n{advice}"
        )
    if problem.errno == errno.EACCES:
        _stop(
            f"error port.denied: this user may not listen on {host}:{port} (ports below 1024 "
            f"need privileges). Use another: {command} --port 8000"
        )
    _stop(f"error port.unavailable: cannot listen on {host}:{port} ({problem.strerror}).")


def _stop(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(PORT_BUSY_EXIT)
