"""The API clients' table (``api_clients``): who may call the API, with which key's hash.

Only rows here: making keys, checking scopes and auditing are the use case's
(:mod:`osms.services.clients`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.registry.columns import utc_now
from osms.registry.models import ApiClient
from osms.registry.registers import sender_namespace

__all__ = ["add", "by_prefix", "get", "listed", "name_taken", "prefix_taken", "revoke"]


def add(
    session: Session,
    *,
    name: str,
    key_prefix: str,
    key_hash: str,
    scopes: list[str],
    rate_limit: int,
    created_by: str,
) -> ApiClient:
    """Add a client (its id is set)."""
    client = ApiClient(
        name=name,
        key_prefix=key_prefix,
        key_hash=key_hash,
        scopes=" ".join(scopes),
        rate_limit_per_minute=rate_limit,
        created_at=utc_now(),
        created_by=created_by,
    )
    session.add(client)
    session.flush()
    return client


def name_taken(session: Session, name: str) -> bool:
    """Whether a client of this name, as a sender (:func:`sender_namespace`: ``Halyk`` is
    ``halyk``), still has a valid key: two such clients would read each other's registers and
    share their CSV keys."""
    sender = sender_namespace(name)
    valid = select(ApiClient.name).where(ApiClient.revoked_at.is_(None))
    return any(sender_namespace(taken) == sender for taken in session.scalars(valid))


def prefix_taken(session: Session, prefix: str) -> bool:
    """Whether a key, valid or revoked, has this prefix."""
    statement = select(ApiClient.id).where(ApiClient.key_prefix == prefix)
    return session.scalars(statement).first() is not None


def by_prefix(session: Session, prefix: str) -> ApiClient | None:
    """The client whose key has this prefix, or None."""
    return session.scalars(select(ApiClient).where(ApiClient.key_prefix == prefix)).first()


def get(session: Session, client_id: int) -> ApiClient | None:
    """The client with this id, or None."""
    return session.get(ApiClient, client_id)


def revoke(session: Session, client: ApiClient, revoked_by: str) -> None:
    """Mark the client's key revoked, now."""
    client.revoked_at = utc_now()
    client.revoked_by = revoked_by
    session.flush()


def listed(session: Session, *, include_revoked: bool = True) -> list[ApiClient]:
    """The clients, oldest first."""
    statement = select(ApiClient).order_by(ApiClient.id)
    if not include_revoked:
        statement = statement.where(ApiClient.revoked_at.is_(None))
    return list(session.scalars(statement))
