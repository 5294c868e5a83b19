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
from typing import TypeVar

from sqlalchemy.orm import Session

from osms.registry.columns import utc_now
from osms.registry.errors import AlreadyDecided, NotFound, RegistryError
from osms.registry.models import ApplicationStatus, RefundApplication, TemporaryApplication

__all__ = ["Backdated", "decide", "not_before", "refuse", "undecided"]

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


def refuse(
    session: Session,
    kind: type[Application],
    noun: str,
    application_id: int,
    *,
    decided_by: str,
    reason: str,
    decided_at: datetime | None,
) -> Application:
    """Refuse the undecided application, keeping the reason the person is told (a refusal
    always gives one: R-R-1, R-TMP-1)."""
    if not reason.strip():
        raise ValueError("a refusal gives its reason")
    application = undecided(session, kind, noun, application_id)
    decide(application, ApplicationStatus.REFUSED, decided_by=decided_by, decided_at=decided_at)
    application.refusal_reason = reason
    session.flush()
    return application
