"""An operator's decision on an application, the same for temporary status and refunds.

Both tables keep who applied, who decided and when, and a refusal's reason, under the same
CHECKs (``models._decision_checks``); only what an approval grants differs, and stays with each
kind.  A decision is final: the database refuses to change or delete a decided application
(revision 0004), so the one UPDATE from ``applied`` is the only one there ever is.

An approval takes effect on a day that is never before the application (:class:`Backdated`);
the doors also refuse a day before the decision itself (:mod:`osms.services.decisions`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NotRequired, TypedDict, TypeVar, Unpack

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from osms.registry.columns import utc_now
from osms.registry.errors import AlreadyDecided, NotFound, RegistryError
from osms.registry.models import ApplicationStatus, RefundApplication, TemporaryApplication

__all__ = [
    "Backdated",
    "Refusal",
    "decide",
    "for_person",
    "not_before",
    "refuse",
    "undecided",
    "waiting",
]

Application = TypeVar("Application", TemporaryApplication, RefundApplication)


class Backdated(RegistryError):
    """An approval dated before the application (or, at the doors, before the decision day)."""

    code = "application.backdated"

    def __init__(self, message: str, *, earliest: date) -> None:
        super().__init__(message)
        self.earliest = earliest


def not_before(day: date, earliest: date, what: str) -> None:
    """Refuse ``day`` when it is before ``earliest``.

    >>> not_before(date(2026, 8, 3), date(2026, 12, 7), "refunded_on")
    Traceback (most recent call last):
    ...
    osms.registry.decisions.Backdated: refunded_on 2026-08-03 is before 2026-12-07
    """
    if day < earliest:
        raise Backdated(f"{what} {day} is before {earliest}", earliest=earliest)


def undecided(
    session: Session, kind: type[Application], noun: str, application_id: int
) -> Application:
    """The application, locked until the decision commits; it must still be ``applied``.

    ``noun`` names the kind in the errors (``no refund application 7``).
    """
    application = session.get(kind, application_id, with_for_update=True)
    if application is None:
        raise NotFound(f"no {noun} {application_id}")
    if application.status != ApplicationStatus.APPLIED:
        raise AlreadyDecided(f"{noun} {application_id} is already {application.status}")
    return application


def decide(
    application: Application,
    status: ApplicationStatus,
    *,
    decided_by: str,
    decided_at: datetime | None,
) -> None:
    """Record the outcome with who decided and when (now, unless given)."""
    application.status = status
    application.decided_by = decided_by
    application.decided_at = decided_at or utc_now()


class Refusal(TypedDict):
    """Who refuses, why (told to the person) and when (now, unless given)."""

    decided_by: str
    reason: str
    decided_at: NotRequired[datetime | None]


def refuse(
    session: Session,
    kind: type[Application],
    noun: str,
    application_id: int,
    **refusal: Unpack[Refusal],
) -> Application:
    """Refuse the undecided application, keeping the reason the person is told (a refusal
    always gives one: R-R-1, R-TMP-1)."""
    reason = refusal["reason"]
    if not reason.strip():
        raise ValueError("a refusal gives its reason")
    application = undecided(session, kind, noun, application_id)
    decide(
        application,
        ApplicationStatus.REFUSED,
        decided_by=refusal["decided_by"],
        decided_at=refusal.get("decided_at"),
    )
    application.refusal_reason = reason
    session.flush()
    return application


def for_person(
    session: Session, kind: type[Application], iin: str, applied: InstrumentedAttribute[date]
) -> list[Application]:
    """The person's applications of this kind, oldest first by their ``applied`` day."""
    statement = select(kind).where(kind.iin == iin).order_by(applied, kind.id)
    return list(session.scalars(statement))


def waiting(
    session: Session, kind: type[Application], first: InstrumentedAttribute[date]
) -> list[Application]:
    """Every undecided application of this kind, ordered by its ``first`` day."""
    statement = (
        select(kind).where(kind.status == ApplicationStatus.APPLIED).order_by(first, kind.id)
    )
    return list(session.scalars(statement))


def pending(
    session: Session, kind: type[Application], *matching: ColumnElement[bool]
) -> Application | None:
    """The undecided application of this kind ``matching`` (R-R-1, R-TMP-1: one at a time
    for the same payment and reason, the same person and category), if any."""
    statement = select(kind).where(*matching, kind.status == ApplicationStatus.APPLIED)
    return session.scalars(statement).first()
