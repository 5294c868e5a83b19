"""Every look-up is audited before its answer leaves (RULES.md §11): the services' one way to
record it, and to refuse the look-up (``audit.unavailable``, 503) when it cannot be."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from osms.registry import audit
from osms.services.errors import ServiceError

__all__ = ["record_lookup"]


def record_lookup(
    session: Session,
    actor: str,
    action: str,
    iin: str | None,
    why: str,
    detail: Mapping[str, Any] | None = None,
    *,
    address: str | None = None,
) -> None:
    """Record a look-up (``address``: the caller's network address, when a door knows it);
    :class:`ServiceError` ``audit.unavailable`` (503) when it cannot be recorded."""
    values = dict(detail or {})
    if address is not None:
        values["address"] = address
    try:
        audit.record_lookup(session, actor, action, iin, why, values)
    except audit.AuditUnavailable as error:
        raise ServiceError(error.code, error.message, status=503) from error
