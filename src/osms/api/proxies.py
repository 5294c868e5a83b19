"""Who the client is: the peer of the connection, or the address a trusted proxy forwarded.

``X-Forwarded-For`` is a header any caller can write.  It is believed only when the
connection comes from a configured reverse proxy (``OSMS_TRUSTED_PROXIES``, see
:mod:`.settings`); with none configured — the default — the peer is the client and the
header is ignored, so that nobody escapes the per-address rate limit or writes a made-up
address into the audit trail by sending it.

Behind trusted proxies the header is read from the right: each proxy appends the address it
saw, so the client is the right-most address that is *not* a trusted proxy.  Whatever a
client wrote to the left of that is never read.

>>> trusted = parse_networks("10.0.0.0/8, 127.0.0.1")
>>> client_address("127.0.0.1", "198.51.100.9, 203.0.113.7, 10.1.2.3", trusted)
'203.0.113.7'
>>> client_address("192.0.2.50", "203.0.113.7", trusted)  # not a proxy: its own address
'192.0.2.50'
>>> client_address("127.0.0.1", None, trusted)
'127.0.0.1'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import TypeAlias

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["ClientAddressMiddleware", "Network", "client_address", "parse_networks"]

Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """Addresses or CIDR networks separated by commas or spaces; ValueError names a bad one.

    >>> parse_networks("127.0.0.1 ::1,10.0.0.0/8")
    (IPv4Network('127.0.0.1/32'), IPv6Network('::1/128'), IPv4Network('10.0.0.0/8'))
    >>> parse_networks("")
    ()
    """
    found = []
    for item in text.replace(",", " ").split():
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or network: {item!r}") from None
    return tuple(found)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(text: str | None, trusted: Sequence[Network]) -> bool:
    address = _address(text) if text else None
    return address is not None and any(address in network for network in trusted)


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]
) -> str | None:
    """The client's address: ``peer`` unless it is a trusted proxy that forwarded one.

    A hop that is not an IP address ends the walk at the proxy that passed it on (a proxy
    writes addresses; text there was written by someone else).
    """
    if not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    nearest = peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            return nearest
        if not any(address in network for network in trusted):
            return str(address)
        nearest = str(address)
    return nearest  # every hop is a proxy: the farthest one is all we know


def _forwarded_for(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    values = [value.decode("latin-1") for name, value in headers if name == b"x-forwarded-for"]
    return ",".join(values) if values else None


class ClientAddressMiddleware:
    """Puts the client's address (:func:`client_address`) in the scope for everything after.

    With no trusted proxy it passes every request on untouched.
    """

    def __init__(self, app: ASGIApp, trusted: Sequence[Network] = ()) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.trusted and scope["type"] in ("http", "websocket"):
            peer = scope.get("client")
            host = peer[0] if peer else None
            found = client_address(host, _forwarded_for(scope.get("headers", ())), self.trusted)
            if found != host:
                scope = {**scope, "client": (found, 0)}
        await self.app(scope, receive, send)
