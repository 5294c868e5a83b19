"""The API's settings: rate limits, upload size, the clock.  Read from the environment once.

==========================  ====================================================  =========
environment                 meaning                                               default
==========================  ====================================================  =========
``OSMS_PUBLIC_RATE_LIMIT``  public status checks per minute from one IP address  60
                            (an IPv6 /64 counts as one address)
``OSMS_MAX_REGISTER_MB``    the largest register a bank may upload, in MiB        64
``OSMS_TRUSTED_PROXIES``    reverse proxies whose ``X-Forwarded-For`` is          (none)
                            believed: addresses or CIDR networks, separated by
                            commas or spaces (e.g. ``127.0.0.1,10.0.0.0/8``)
``OSMS_DEMO``               the citizen page says its data are synthetic: ``1``   (auto)
                            (yes) or ``0`` (no); unset, it says so when the
                            registry holds the demo build's marker (``osms demo``)
==========================  ====================================================  =========

With no trusted proxy (the default) the connection's peer is the client: ``X-Forwarded-For``
is ignored, whoever sends it (:mod:`osms.api.proxies`).  Behind nginx or a load balancer, name
exactly its addresses, never a network that clients can reach from outside.

A client's own limit is ``api_clients.rate_limit_per_minute`` (``osms clients create
--rate-limit``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from osms import clock
from osms.api.proxies import Network, parse_networks
from osms.services.settings import switch

__all__ = ["ApiSettings", "kazakhstan_today"]

PUBLIC_RATE_LIMIT_ENV = "OSMS_PUBLIC_RATE_LIMIT"
MAX_REGISTER_MB_ENV = "OSMS_MAX_REGISTER_MB"
TRUSTED_PROXIES_ENV = "OSMS_TRUSTED_PROXIES"
DEMO_ENV = "OSMS_DEMO"


def kazakhstan_today() -> date:
    """Today in Kazakhstan (R-T-4: :func:`osms.clock.today`, UTC+5 on any machine)."""
    return clock.today()


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def _networks(environ: Mapping[str, str], name: str) -> tuple[Network, ...]:
    try:
        return parse_networks(environ.get(name, ""))
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """What :func:`osms.api.app.create_app` needs besides the database."""

    public_rate_limit_per_minute: int = 60
    """Public checks per minute per IP address (per /64 for IPv6)."""
    max_register_bytes: int = 64 << 20
    """Larger uploads are refused with 413 before anything is booked."""
    today: Callable[[], date] = field(default=kazakhstan_today)
    """The default query date (Kazakhstan's date, not the server's)."""
    clock: Callable[[], float] = field(default=time.monotonic)
    """Seconds, for the rate limits (tests move it by hand)."""
    trusted_proxies: tuple[Network, ...] = ()
    """Peers whose ``X-Forwarded-For`` names the client; none: the peer is the client."""
    demo: bool | None = None
    """The page's demo banner (synthetic data); None: shown when the registry holds the
    marker of ``osms demo``'s build."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ApiSettings:
        env = os.environ if environ is None else environ
        return cls(
            public_rate_limit_per_minute=_positive(env, PUBLIC_RATE_LIMIT_ENV, 60),
            max_register_bytes=_positive(env, MAX_REGISTER_MB_ENV, 64) << 20,
            trusted_proxies=_networks(env, TRUSTED_PROXIES_ENV),
            demo=switch(env, DEMO_ENV, None, spelled="1 or 0"),
        )
