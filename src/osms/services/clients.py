"""API keys of the clients that call the API: banks, clinics, operators' systems.

A key reads ``osms_<prefix>_<secret>``: ``prefix`` is 8 hex digits that find the client's row
(and that operators may see and say aloud), ``secret`` is 32 random bytes
(:func:`secrets.token_urlsafe`).  Only the SHA-256 of the whole key is stored; the key itself is
shown once, when it is made.  A plain hash is enough because the key is random with 256 bits
(nothing to guess from a dictionary); hashes are compared in constant time.

Scopes (:data:`SCOPES`) are independent: a client gets exactly the ones it needs.

Creating and revoking a client are audited (``api_client.create``, ``api_client.revoke``).
The rows are the registry's (:mod:`osms.registry.clients`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from types import MappingProxyType
from typing import Final

from sqlalchemy.orm import Session

from osms import clock
from osms.registry import audit, clients
from osms.registry.models import ApiClient
from osms.services.errors import ServiceError

__all__ = [
    "DEFAULT_RATE_LIMIT",
    "KEY_PREFIX",
    "MAX_NAME_LENGTH",
    "SCOPES",
    "create_client",
    "find_client",
    "hash_key",
    "list_clients",
    "parse_key",
    "revoke_client",
    "scopes_of",
]

KEY_PREFIX: Final = "osms"
"""Every key starts with ``osms_`` (easy to spot in a leaked file, easy to scan for)."""

SCOPES: Final = MappingProxyType(
    {
        "status:read": (
            "status by IIN with a knowledge date (as_of), the calculator with payment plans"
        ),
        "history:read": "payments of the last 12 months, debts with amounts, the full decision",
        "registers:write": "upload payment registers (MT102, CSV)",
        "operator": "temporary status and refund applications and decisions",
    }
)
"""The scopes a client may hold, with what each allows."""

DEFAULT_RATE_LIMIT: Final = 600
"""Requests per minute a client may make unless created with another limit."""

MAX_NAME_LENGTH: Final = 32
"""A client's name is the sender of the registers it uploads (``registers.sender``)."""

_KEY = re.compile(r"\A" + KEY_PREFIX + r"_([0-9a-f]{8})_([A-Za-z0-9_-]{20,100})\Z")
_PREFIX = re.compile(r"\A[0-9a-f]{8}\Z")
_DUMMY_HASH: Final = hashlib.sha256(b"osms: no such key").hexdigest()


def hash_key(key: str) -> str:
    """The SHA-256 (hex) of a key, as stored in ``api_clients.key_hash``."""
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def parse_key(key: str) -> str | None:
    """The prefix of a well-formed key, or None.

    >>> parse_key("osms_0a1b2c3d_" + "x" * 43)
    '0a1b2c3d'
    >>> parse_key("Bearer something") is None
    True
    """
    match = _KEY.match(key.strip())
    return None if match is None else match.group(1)


def scopes_of(client: ApiClient) -> frozenset[str]:
    """The scopes a client holds."""
    return frozenset(client.scopes.split())


def _checked_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown:
        raise ServiceError(
            "client.scope_unknown",
            f"unknown scope(s) {', '.join(unknown)}; the scopes are {', '.join(SCOPES)}",
            field="scopes",
        )
    if not wanted:
        raise ServiceError(
            "client.scope_required",
            f"give at least one scope: {', '.join(SCOPES)}",
            field="scopes",
        )
    return wanted


def create_client(
    session: Session,
    name: str,
    scopes: Iterable[str],
    created_by: str,
    rate_limit: int = DEFAULT_RATE_LIMIT,
    *,
    door: str | None = None,
) -> tuple[ApiClient, str]:
    """Register a client; returns the row and its key (shown once, never stored).  ``door`` is
    the door it is made through (``cli``, ``demo``), for the audit trail.

    ``name`` (1 to :data:`MAX_NAME_LENGTH` characters) must not be taken by another client
    whose key is still valid: the audit trail names clients by it.
    """
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise ServiceError(
            "client.name",
            f"a client's name has 1 to {MAX_NAME_LENGTH} printable characters",
            field="name",
        )
    wanted = _checked_scopes(scopes)
    if rate_limit < 1 or rate_limit > 1_000_000:
        raise ServiceError(
            "client.rate_limit",
            "the rate limit is 1 to 1 000 000 requests per minute",
            field="rate_limit",
        )
    if clients.name_taken(session, name):
        raise ServiceError(
            "client.name_taken",
            f"a client named {name!r} already has a valid key; revoke it first",
            field="name",
            status=409,
        )
    prefix = secrets.token_hex(4)
    while clients.prefix_taken(session, prefix):
        prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    client = clients.add(
        session,
        name=name,
        key_prefix=prefix,
        key_hash=hash_key(key),
        scopes=wanted,
        rate_limit=rate_limit,
        created_by=created_by,
    )
    audit.record(
        session,
        created_by,
        "api_client.create",
        None,
        f"API client {name} created" + audit.through(door),
        {"client": client.id, "prefix": prefix, "scopes": wanted, "rate_limit": rate_limit},
    )
    return client, key


def _lookup(session: Session, prefix_or_id: str) -> ApiClient | None:
    text = prefix_or_id.strip()
    prefix = parse_key(text) or text.lower()
    if _PREFIX.match(prefix):
        found = clients.by_prefix(session, prefix)
        if found is not None:
            return found
    if text.isdecimal() and len(text) < 19:
        return clients.get(session, int(text))
    return None


def revoke_client(
    session: Session, prefix_or_id: str, revoked_by: str, *, door: str | None = None
) -> ApiClient:
    """Revoke a client's key, found by its prefix, its id or the key itself; ``door`` as for
    :func:`create_client`."""
    client = _lookup(session, prefix_or_id)
    if client is None:
        raise ServiceError(
            "client.not_found", f"no API client {prefix_or_id!r}", field="client", status=404
        )
    if client.revoked_at is not None:
        raise ServiceError(
            "client.already_revoked",
            f"the key {client.key_prefix} was revoked on "
            f"{clock.date_in_kazakhstan(client.revoked_at)}",
            field="client",
            status=409,
        )
    clients.revoke(session, client, revoked_by)
    audit.record(
        session,
        revoked_by,
        "api_client.revoke",
        None,
        f"API client {client.name} revoked" + audit.through(door),
        {"client": client.id, "prefix": client.key_prefix},
    )
    return client


def find_client(session: Session, key: str) -> ApiClient | None:
    """The client whose key this is (revoked or not), or None; constant-time comparison."""
    prefix = parse_key(key)
    client = None
    if prefix is not None:
        client = clients.by_prefix(session, prefix)
    stored = client.key_hash if client is not None else _DUMMY_HASH
    if hmac.compare_digest(hash_key(key.strip()), stored) and client is not None:
        return client
    return None


def list_clients(session: Session, *, include_revoked: bool = True) -> list[ApiClient]:
    """The clients, oldest first."""
    return clients.listed(session, include_revoked=include_revoked)
