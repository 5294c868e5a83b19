"""Connection limits for ``osms serve``: what Uvicorn itself does not bound.

Uvicorn closes an idle keep-alive connection (``--timeout-keep-alive``) but waits for ever for
the headers of a request that arrive one byte at a time, and for a body that never ends; and it
accepts every connection it is offered.  A few thousand such "slow loris" connections hold the
server.  The protocols here are Uvicorn's own (httptools or h11) with a guard around them:

- **header timeout**: a request's line and headers must be complete within
  ``OSMS_HEADER_TIMEOUT`` seconds of the connection opening, or of the previous response on a
  kept-alive connection; else ``408`` and the connection is closed.  Bytes do not reset it.
- **header size**: more than ``OSMS_MAX_HEADER_BYTES`` before the headers are complete: ``431``
  and closed.
- **body timeout**: while the server waits for the body, ``OSMS_BODY_TIMEOUT`` seconds without
  a byte is ``408`` and closed (a slow but moving upload goes on; time the application itself
  takes, or spends not reading, is not counted).
- **connection limit**: at most ``OSMS_MAX_CONNECTIONS`` open connections per worker process.
  One more arriving closes the connection that has waited longest for its headers (the slow
  ones go first, a normal request is never slow to send its headers); when every connection is
  busy with a request, the newcomer gets ``503`` with ``Retry-After`` and is closed.

The limits come from the environment (``osms serve`` sets it from its options, so that each
worker reads the same; :class:`ServeLimits`).  A server run by hand takes the guard with
``uvicorn --http osms.api.connections:GuardedHttpToolsProtocol`` (or ``…:GuardedH11Protocol``).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import Any, Final

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = [
    "GUARDED_PROTOCOLS",
    "GuardedH11Protocol",
    "GuardedHttpToolsProtocol",
    "ServeLimits",
    "limits",
]

_ENVIRONMENT: Final[Mapping[str, str]] = {
    "header_timeout": "OSMS_HEADER_TIMEOUT",
    "body_timeout": "OSMS_BODY_TIMEOUT",
    "max_header_bytes": "OSMS_MAX_HEADER_BYTES",
    "max_connections": "OSMS_MAX_CONNECTIONS",
}


@dataclass(frozen=True, slots=True)
class ServeLimits:
    """The guard's limits (defaults: a public service behind no proxy)."""

    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_header_bytes: int = 32 * 1024
    max_connections: int = 1000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServeLimits:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = env.get(_ENVIRONMENT[item.name], "").strip()
            if not raw:
                continue
            kind = float if item.type in ("float", float) else int
            try:
                value = kind(raw)
            except ValueError:
                raise ValueError(
                    f"{_ENVIRONMENT[item.name]} must be a number, got {raw!r}"
                ) from None
            if not value > 0:
                raise ValueError(f"{_ENVIRONMENT[item.name]} must be above 0, got {raw!r}")
            values[item.name] = value
        return cls(**values)

    def environment(self) -> dict[str, str]:
        """The limits as the environment variables :meth:`from_env` reads."""
        return {_ENVIRONMENT[item.name]: str(getattr(self, item.name)) for item in fields(self)}


@cache
def limits() -> ServeLimits:
    """This process's limits, read from the environment once."""
    return ServeLimits.from_env()


_408: Final = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: 16\r\n\r\nRequest Timeout\n"
)
_431: Final = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: 32\r\n\r\nRequest Header Fields Too Large\n"
)
_503: Final = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"retry-after: 5\r\nconnection: close\r\ncontent-length: 20\r\n\r\nService Unavailable\n"
)


class _Guard(asyncio.Protocol):
    """The guard, mixed in before one of Uvicorn's HTTP protocols (see the module)."""

    # What the Uvicorn protocol provides.
    transport: asyncio.Transport
    connections: set[Any]
    cycle: Any  # the request cycle: more_body, response_complete
    flow: Any
    loop: asyncio.AbstractEventLoop

    _limits: ServeLimits
    _timer: asyncio.TimerHandle | None = None
    _waiting_since: float | None = None
    """When this connection began to wait for a request's headers (None: in a request)."""
    _header_bytes: int = 0
    _tail: bytes = b""
    """The last bytes read while waiting for headers: their end may span two reads."""
    _seen: object = None
    """The request cycle whose headers were last seen complete."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._limits = limits()
        super().connection_made(transport)
        self._wait_for_headers()
        if len(self.connections) > self._limits.max_connections:
            self._make_room()

    def data_received(self, data: bytes) -> None:
        if self._waiting_since is not None:
            # Only the bytes up to the end of the headers count: a body may follow in the same
            # read.  Headers over the limit are refused before the parser sees them, even
            # when they arrived whole (the parser would complete them in this very call).
            seen = self._tail + data
            end = seen.find(b"\r\n\r\n")
            self._header_bytes += len(data) if end < 0 else max(0, end + 4 - len(self._tail))
            self._tail = seen[-3:]
            if self._header_bytes > self._limits.max_header_bytes:
                self._close(_431)
                return
        super().data_received(data)
        self._after_event()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]  # Uvicorn's, after this in the MRO
        if not self.transport.is_closing():
            self._wait_for_headers()
            self._after_event()  # a pipelined request may have started already

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    # -- the states ------------------------------------------------------------------------

    def _wait_for_headers(self) -> None:
        self._waiting_since = time.monotonic()
        self._header_bytes = 0
        self._tail = b""
        self._arm(self._limits.header_timeout)

    def _after_event(self) -> None:
        """Follow the protocol's state after it handled bytes or a response."""
        cycle = self.cycle
        if cycle is not None and cycle is not self._seen and not cycle.response_complete:
            self._seen = cycle  # the headers of a new request are complete
            self._waiting_since = None
        if self._waiting_since is not None:
            return  # the header deadline stands, whatever arrives
        if cycle is not None and cycle.more_body and not cycle.response_complete:
            self._arm(self._limits.body_timeout)  # idle time between body bytes
        else:
            self._cancel()  # the application has the request: its time is not limited here

    def _arm(self, seconds: float) -> None:
        self._cancel()
        self._timer = self.loop.call_later(seconds, self._expired)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if self._waiting_since is None and cycle is not None and self.flow.read_paused:
            self._arm(self._limits.body_timeout)  # the application is not reading: not idle
            return
        self._close(_408 if self._waiting_since is None or self._header_bytes else b"")

    def _close(self, answer: bytes) -> None:
        self._cancel()
        if answer:
            self.transport.write(answer)
        self.transport.close()

    def _make_room(self) -> None:
        """One connection too many: drop the one waiting longest for its headers, else this."""
        waiting = [
            other
            for other in self.connections
            if isinstance(other, _Guard)
            and other is not self
            and other._waiting_since is not None
            and not other.transport.is_closing()
        ]
        if waiting:
            oldest = min(waiting, key=lambda other: other._waiting_since or 0.0)
            oldest._close(_408 if oldest._header_bytes else b"")
        else:
            self._close(_503)


class GuardedH11Protocol(_Guard, H11Protocol):
    """Uvicorn's h11 protocol (pure Python) with the guard."""


class GuardedHttpToolsProtocol(_Guard, HttpToolsProtocol):
    """Uvicorn's httptools protocol (the faster parser, Uvicorn's default) with the guard."""


GUARDED_PROTOCOLS: Final[Mapping[str, str]] = {
    "httptools": f"{__name__}:GuardedHttpToolsProtocol",
    "h11": f"{__name__}:GuardedH11Protocol",
}
"""``osms serve --http``: the guarded protocols, by the name of Uvicorn's parser."""
