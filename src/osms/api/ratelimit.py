"""Rate limits: a token bucket per API client and per IP address for the public check.

A bucket holds up to ``limit`` tokens and refills at ``limit`` tokens a minute; each request
takes one.  A client may thus send ``limit`` requests at once, then ``limit`` a minute; a
request finding the bucket empty is refused (429) with ``Retry-After`` — the seconds until a
token is back.  The public check is limited per IP address, an IPv6 /64 counting as one
address (one subscriber usually holds a whole /64), so that nobody walks through all IINs.

The buckets live in the process.  With several workers or hosts each has its own buckets, so
the effective limit is ``limit`` × processes: divide the configured limits by the number of
processes, or move the buckets to a shared store (Redis ``INCR`` with expiry, or the
reverse proxy's own limiter) when scaling out.  At most :attr:`RateLimiter.max_keys` buckets
are kept; the least recently used are dropped first (a dropped bucket starts full again).

The address is the request's client as :mod:`osms.api.proxies` leaves it: the connection's
peer, or — only from a proxy named in ``OSMS_TRUSTED_PROXIES`` — the address it forwards.
``X-Forwarded-For`` is never read here.  Run Uvicorn by hand only with ``--no-proxy-headers``
(``osms serve`` does): Uvicorn's own default believes the header from 127.0.0.1.

>>> now = [0.0]
>>> limiter = RateLimiter(clock=lambda: now[0])
>>> [limiter.hit("ip:192.0.2.1", 2) for _ in range(3)]
[None, None, 30.0]
>>> now[0] = 30.0
>>> limiter.hit("ip:192.0.2.1", 2) is None
True
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["RateLimiter", "ip_key"]


def ip_key(host: str | None) -> str:
    """The bucket of an address: the address itself, or its /64 for IPv6.

    >>> ip_key("192.0.2.7"), ip_key("2001:db8:1:2:3:4:5:6"), ip_key(None)
    ('ip:192.0.2.7', 'ip:2001:db8:1:2::/64', 'ip:unknown')
    """
    if not host:
        return "ip:unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"ip:{host[:64]}"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"ip:{address.ipv4_mapped}"
        return f"ip:{ipaddress.IPv6Network((address, 64), strict=False)}"
    return f"ip:{address}"


class RateLimiter:
    """Token buckets by key; thread-safe (FastAPI runs sync handlers in a thread pool)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str, per_minute: int) -> float | None:
        """Take a token: None when allowed, else the seconds to wait (``Retry-After``)."""
        rate = per_minute / 60.0
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.pop(key, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = None
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / rate
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait

    def reset(self) -> None:
        """Forget every bucket."""
        with self._lock:
            self._buckets.clear()
