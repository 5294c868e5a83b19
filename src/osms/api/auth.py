"""Who is calling: an API client with a key and scopes, or the public; and the rate limits.

A key is sent as ``Authorization: Bearer osms_<prefix>_<secret>`` or ``X-API-Key: …``
(:mod:`osms.services.clients`).  A missing key where one is needed, a wrong or a revoked key
answer 401 (``auth.key_missing``, ``auth.key_invalid``, ``auth.key_revoked``) with
``WWW-Authenticate``; a key without the route's scope answers 403 (``auth.scope_missing``,
with the ``scopes`` missing).  A key that is sent is always checked, even on the public route:
a bank with a broken key learns it at once instead of being silently treated as the public.

Rate limits (:mod:`osms.api.ratelimit`): a client's requests count against its own
``rate_limit_per_minute``; public checks, and requests with a wrong or a revoked key, against
the caller's IP address (``OSMS_PUBLIC_RATE_LIMIT``).  Over the limit: 429 ``rate.limited`` with
``Retry-After``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from osms.api.problems import ApiProblem
from osms.api.ratelimit import RateLimiter, ip_key
from osms.api.settings import ApiSettings
from osms.services.clients import find_client, scopes_of

__all__ = [
    "Caller",
    "caller",
    "optional_caller",
    "require",
]

_WWW_AUTHENTICATE = 'Bearer realm="osms"'

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="osms_<prefix>_<secret>",
    description="`Authorization: Bearer osms_<prefix>_<secret>` (from `osms clients create`).",
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="apiKey",
    description="The same key in the `X-API-Key` header, for clients that cannot set Bearer.",
)


@dataclass(frozen=True, slots=True)
class Caller:
    """The caller of one request."""

    actor: str
    """Who acts, for the audit trail: the client's name, or ``public:<ip>``."""
    ip: str | None
    client_id: int | None = None
    key_prefix: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def authenticated(self) -> bool:
        return self.client_id is not None

    @property
    def log_name(self) -> str:
        """How the request log names the caller (never the key)."""
        return f"{self.actor} ({self.key_prefix})" if self.authenticated else "public"


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _limit(request: Request, key: str, per_minute: int) -> None:
    limiter: RateLimiter = request.app.state.limiter
    wait = limiter.hit(key, per_minute)
    if wait is not None:
        raise ApiProblem(
            429,
            "rate.limited",
            f"more than {per_minute} requests a minute",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
            extra={"limit_per_minute": per_minute},
        )


def _unauthorized(code: str, message: str) -> ApiProblem:
    return ApiProblem(
        401, code, message, field="authorization", headers={"WWW-Authenticate": _WWW_AUTHENTICATE}
    )


def _presented_key(request: Request) -> str | None:
    """The key the request carries (Authorization first, then X-API-Key), or None."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise _unauthorized("auth.key_invalid", "send the key as 'Authorization: Bearer <key>'")
        return value.strip()
    key = request.headers.get("x-api-key")
    if key is not None:
        if not key.strip():
            raise _unauthorized("auth.key_invalid", "the X-API-Key header is empty")
        return key.strip()
    return None


def _authenticated(request: Request, key: str) -> Caller:
    settings: ApiSettings = request.app.state.settings
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session:
        client = find_client(session, key)
        if client is None or client.revoked_at is not None:
            # A wrong key, or one revoked, counts against the address, as the public does.
            _limit(request, ip_key(_ip(request)), settings.public_rate_limit_per_minute)
        if client is None:
            raise _unauthorized("auth.key_invalid", "no client has this key")
        if client.revoked_at is not None:
            raise _unauthorized("auth.key_revoked", f"the key {client.key_prefix} was revoked")
        found = Caller(
            actor=client.name,
            ip=_ip(request),
            client_id=client.id,
            key_prefix=client.key_prefix,
            scopes=scopes_of(client),
        )
        per_minute = client.rate_limit_per_minute
    request.state.caller = found
    _limit(request, f"client:{found.client_id}", per_minute)
    return found


def _sent_key(
    request: Request,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    _api_key: Annotated[str | None, Security(api_key_scheme)],
) -> str | None:
    """The key the request carries; the two parameters declare both ways of sending it to
    ``/openapi.json`` (the key itself is read by :func:`_presented_key`)."""
    return _presented_key(request)


SentKey = Annotated[str | None, Depends(_sent_key)]


def optional_caller(request: Request, key: SentKey) -> Caller:
    """The client when a key is sent, else the public (limited per IP address)."""
    if key is not None:
        return _authenticated(request, key)
    ip = _ip(request)
    public = Caller(actor=f"public:{ip or 'unknown'}", ip=ip)
    request.state.caller = public
    settings: ApiSettings = request.app.state.settings
    _limit(request, ip_key(ip), settings.public_rate_limit_per_minute)
    return public


def caller(request: Request, key: SentKey) -> Caller:
    """The client whose key the request carries (401 without a valid one)."""
    if key is None:
        raise _unauthorized("auth.key_missing", "this request needs an API key")
    return _authenticated(request, key)


def require(*scopes: str) -> Callable[[Caller], Caller]:
    """A dependency: the client, which must hold every one of ``scopes`` (else 403)."""

    def dependency(found: Annotated[Caller, Depends(caller)]) -> Caller:
        missing = [scope for scope in scopes if scope not in found.scopes]
        if missing:
            raise ApiProblem(
                403,
                "auth.scope_missing",
                f"this request needs the scope(s) {', '.join(missing)}",
                extra={"scopes": missing},
            )
        return found

    dependency.__name__ = "require_" + "_".join(s.replace(":", "_") for s in scopes)
    return dependency
