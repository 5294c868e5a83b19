"""State-paid category periods from state registers (R-CAT-1), months inclusive."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.registry.errors import NotFound
from osms.registry.models import CategoryPeriodRecord
from osms.rules.month import Month

__all__ = ["add", "close", "for_person"]


def add(
    session: Session,
    iin: str,
    category: str,
    first: Month,
    last: Month | None = None,
    *,
    source: str,
) -> CategoryPeriodRecord:
    """Record that the person is in ``category`` from ``first`` through ``last`` (None: open).

    ``source`` names where it came from (the feed), for the audit of later questions.
    """
    if last is not None and last < first:
        raise ValueError(f"a category period ends ({last}) before it starts ({first})")
    record = CategoryPeriodRecord(
        iin=iin, category=category, first_period=first, last_period=last, source=source
    )
    session.add(record)
    session.flush()
    return record


def close(session: Session, record_id: int, last: Month) -> CategoryPeriodRecord:
    """Set the last month of an open (or differently ended) period, as a feed reports it."""
    record = session.get(CategoryPeriodRecord, record_id)
    if record is None:
        raise NotFound(f"no category period {record_id}")
    if last < record.first_period:
        raise ValueError(
            f"a category period ends ({last}) before it starts ({record.first_period})"
        )
    record.last_period = last
    session.flush()
    return record


def for_person(session: Session, iin: str) -> list[CategoryPeriodRecord]:
    """The person's category periods, oldest first."""
    statement = (
        select(CategoryPeriodRecord)
        .where(CategoryPeriodRecord.iin == iin)
        .order_by(CategoryPeriodRecord.first_period, CategoryPeriodRecord.id)
    )
    return list(session.scalars(statement))
