"""Reading the audit trail: who looked up or changed what, when, through which door (RULES.md
§11).

The trail names people's IINs: reading it is itself a look-up, audited (``audit.lookup``)
with the filters used, after the events are read (so the answer shows the trail as it was).
Days are days in Kazakhstan (R-T-4): ``start`` and ``end`` include their whole day.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from osms.registry import audit
from osms.registry.audit import Search
from osms.registry.db import READ_ONLY
from osms.registry.models import AuditEvent
from osms.services.errors import ServiceError
from osms.services.lookups import record_lookup
from osms.services.people import checked_iin

__all__ = ["Search", "holds_action", "trail"]


def trail(session: Session, wanted: Search, *, reader: str, channel: str) -> list[AuditEvent]:
    """The events ``wanted`` (:class:`~osms.registry.audit.Search`), newest first."""
    number = None if wanted.iin is None else checked_iin(wanted.iin)
    start, end = wanted.start, wanted.end
    if start is not None and end is not None and end < start:
        raise ServiceError("audit.period_order", f"--to {end} is before --from {start}", field="to")
    found = audit.search(session, replace(wanted, iin=number))
    record_lookup(
        session,
        reader,
        "audit.lookup",
        number,
        f"audit trail read through {channel}",
        {
            "actor": wanted.actor,
            "door": wanted.door,
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
