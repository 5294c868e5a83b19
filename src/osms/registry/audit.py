"""The audit trail: who did what, about which IIN, when and why.

Every look-up through every door is recorded (RULES.md §11) before its answer leaves, and the
trail is append-only in the database (revision 0004 refuses UPDATE and DELETE).

``detail`` is stored as JSON; money, dates, months and codes are written as text so that
nothing is lost (a Decimal never becomes a float):

>>> jsonable({"amount": Decimal("4505.60"), "period": Month(2022, 10), "on": date(2025, 1, 8)})
{'amount': '4505.60', 'period': '2022-10', 'on': '2025-01-08'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from itertools import islice
from typing import Any

from sqlalchemy import Connection, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from osms.clock import KAZAKHSTAN
from osms.registry.columns import utc_now
from osms.registry.errors import RegistryError
from osms.registry.models import AuditEvent
from osms.rules.month import Month

__all__ = [
    "AuditUnavailable",
    "Search",
    "append",
    "door_of",
    "for_person",
    "holds",
    "jsonable",
    "record",
    "record_lookup",
    "search",
    "through",
]


class AuditUnavailable(RegistryError):
    """The audit event of a look-up could not be written: the look-up must not be answered."""

    code = "audit.unavailable"


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


def append(
    connection: Connection,
    actor: str,
    action: str,
    iin: str | None,
    why: str,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """:func:`record` without the ORM, in the transaction of ``connection`` (a bulk writer's)."""
    connection.execute(insert(AuditEvent).values(**_values(actor, action, iin, why, detail, None)))


def holds(connection: Connection, action: str) -> bool:
    """Whether the trail holds an event of this action (one index look-up)."""
    statement = select(AuditEvent.id).where(AuditEvent.action == action).limit(1)
    return connection.execute(statement).first() is not None


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
    """Append the audit event of a look-up (a status check, a calculation, a list), cheaply;
    ``address``, the caller's network address when a door knows it, is kept in its detail.

    A look-up writes nothing but this event, and it is the hot path of every door: the event
    is inserted without the ORM, in the look-up's own transaction, which the door commits
    before the answer leaves (RULES.md §11).  That commit waits for the disk: on PostgreSQL
    ``synchronous_commit`` is put back ``on`` for the transaction when the server or the
    session turned it ``off`` (every other value flushes the local disk), so that no crash
    loses a look-up whose answer was given.

    Raises :class:`AuditUnavailable` when the event cannot be written: the look-up then fails
    (the doors answer 503), it is never answered unaudited.
    """
    if address is not None:
        detail = {**(detail or {}), "address": address}
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(_DURABLE_COMMIT)
        session.execute(insert(AuditEvent).values(**_values(actor, action, iin, why, detail, None)))
    except SQLAlchemyError as error:
        # The database's text stays in the chained error (the log), never in the answer.
        raise AuditUnavailable(f"the audit event of {action} cannot be written") from error


_DURABLE_COMMIT = text(
    "SELECT set_config('synchronous_commit', 'on', true) "
    "WHERE current_setting('synchronous_commit') = 'off'"
)
"""The transaction's commit waits for the disk whatever the server's or session's setting."""


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


_DOOR = re.compile(r"\bthrough ([\w:./@-]+)")


def through(door: str | None) -> str:
    """The door in an event's words, as :func:`door_of` reads it back (``osms audit --door``);
    nothing when the door is not known.

    >>> through("api:operators"), through(None)
    (' through api:operators', '')
    """
    return "" if door is None else f" through {door}"


def door_of(event: AuditEvent) -> str | None:
    """The door an event came through, as its ``why`` names it (``... through api:status``).

    >>> door_of(AuditEvent(why="status asked through api:public"))
    'api:public'
    >>> door_of(AuditEvent(why="category feed enbek.csv")) is None
    True
    """
    found = _DOOR.search(event.why or "")
    return None if found is None else found.group(1)


@dataclass(frozen=True, slots=True)
class Search:
    """Which events to read: about ``iin``, by ``actor``, through ``door`` (its name, or the
    start of it before ``:``: ``api`` finds ``api:status`` too), on the days ``start`` through
    ``end`` in Kazakhstan (both included, R-T-4), at most ``limit`` of them."""

    iin: str | None = None
    actor: str | None = None
    door: str | None = None
    start: date | None = None
    end: date | None = None
    limit: int | None = None


def search(session: Session, wanted: Search) -> list[AuditEvent]:
    """The events ``wanted``, newest first."""
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if wanted.iin is not None:
        statement = statement.where(AuditEvent.iin == wanted.iin)
    if wanted.actor is not None:
        statement = statement.where(AuditEvent.actor == wanted.actor)
    if wanted.start is not None:
        statement = statement.where(AuditEvent.at >= _instant(wanted.start))
    if wanted.end is not None:
        statement = statement.where(AuditEvent.at < _instant(wanted.end + timedelta(days=1)))
    door = wanted.door
    if door is not None:
        escaped = door.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(AuditEvent.why.like(f"%through {escaped}%", escape="\\"))
    else:
        return list(session.scalars(statement.limit(wanted.limit)))
    found = (event for event in session.scalars(statement) if _same_door(door_of(event), door))
    return list(islice(found, wanted.limit))


def _instant(day: date) -> datetime:
    """The first instant of a day in Kazakhstan."""
    return datetime.combine(day, time(0), tzinfo=KAZAKHSTAN)


def _same_door(found: str | None, wanted: str) -> bool:
    return found is not None and (found == wanted or found.startswith(wanted + ":"))


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
