"""The audit trail: who did what, about which IIN, when and why.

``detail`` is stored as JSON; money, dates, months and codes are written as text so that
nothing is lost (a Decimal never becomes a float):

>>> jsonable({"amount": Decimal("4505.60"), "period": Month(2022, 10), "on": date(2025, 1, 8)})
{'amount': '4505.60', 'period': '2022-10', 'on': '2025-01-08'}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from osms.registry.columns import utc_now
from osms.registry.models import AuditEvent
from osms.rules.month import Month

__all__ = ["for_person", "jsonable", "record", "record_lookup"]


def record(
    session: Session,
    actor: str,
    action: str,
    iin: str | None,
    why: str,
    detail: Mapping[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> AuditEvent:
    """Append an audit event (``at`` defaults to now, UTC)."""
    event = AuditEvent(**_values(actor, action, iin, why, detail, at))
    session.add(event)
    session.flush()
    return event


def record_lookup(
    session: Session,
    actor: str,
    action: str,
    iin: str | None,
    why: str,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append the audit event of a look-up (a status check, a calculation), cheaply.

    A look-up writes nothing but this event, and it is the hot path of every door: the
    event is inserted without the ORM, and on PostgreSQL the transaction commits without
    waiting for the disk (``synchronous_commit = off`` for this transaction only).  A crash
    can lose the look-up events of the last moments (PostgreSQL bounds it at three times
    ``wal_writer_delay``, 0.6 s by default), never a payment nor a decision: those are
    recorded with :func:`record` in transactions that wait.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit = off"))
    session.execute(insert(AuditEvent).values(**_values(actor, action, iin, why, detail, None)))


def _values(
    actor: str,
    action: str,
    iin: str | None,
    why: str,
    detail: Mapping[str, Any] | None,
    at: datetime | None,
) -> dict[str, Any]:
    return {
        "at": at or utc_now(),
        "actor": actor,
        "action": action,
        "iin": iin,
        "why": why,
        "detail": jsonable(dict(detail or {})),
    }


def for_person(session: Session, iin: str, limit: int | None = None) -> list[AuditEvent]:
    """The events about one IIN, newest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.iin == iin)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def jsonable(value: Any) -> Any:
    """``value`` with Decimals, dates, months and enums as text, ready for a JSON column."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        raise TypeError(f"no floats in the audit trail (use Decimal): {value!r}")
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Decimal | Month):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [jsonable(item) for item in items]
    raise TypeError(f"cannot store {type(value).__name__} in the audit trail: {value!r}")
