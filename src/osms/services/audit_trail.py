"""Reading the audit trail: who looked up or changed what, when, through which door (RULES.md
§11).

The trail names people's IINs: reading it is itself a look-up, audited (``audit.lookup``)
with the filters used, after the events are read (so the answer shows the trail as it was).
Days are days in Kazakhstan (R-T-4): ``start`` and ``end`` include their whole day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from osms.clock import KAZAKHSTAN
from osms.registry import audit
from osms.registry.db import READ_ONLY
from osms.registry.models import AuditEvent
from osms.services.errors import ServiceError
from osms.services.lookups import record_lookup
from osms.services.people import checked_iin

__all__ = ["holds_action", "trail"]


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=KAZAKHSTAN)


def trail(
    session: Session,
    *,
    reader: str,
    channel: str,
    iin: str | None = None,
    actor: str | None = None,
    door: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int | None = None,
) -> list[AuditEvent]:
    """Events newest first, filtered by IIN, actor, door and days (both included)."""
    number = None if iin is None else checked_iin(iin)
    if start is not None and end is not None and end < start:
        raise ServiceError("audit.period_order", f"--to {end} is before --from {start}", field="to")
    found = audit.search(
        session,
        iin=number,
        actor=actor,
        door=door,
        start=None if start is None else _instant(start),
        end=None if end is None else _instant(end + timedelta(days=1)),
        limit=limit,
    )
    record_lookup(
        session,
        reader,
        "audit.lookup",
        number,
        f"audit trail read through {channel}",
        {
            "actor": actor,
            "door": door,
            "from": start,
            "to": end,
            "events": len(found),
            "iins": sorted({e.iin for e in found if e.iin is not None}),
        },
    )
    return found


def holds_action(engine: Engine, action: str) -> bool:
    """Whether the trail holds an event of ``action`` (the demo build's marker, say), read
    without taking SQLite's write lock; a database error propagates."""
    with engine.connect().execution_options(**READ_ONLY) as connection:
        return audit.holds(connection, action)
