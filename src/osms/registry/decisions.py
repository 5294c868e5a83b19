"""An operator's decision on an application, the same for temporary status and refunds.

Both tables keep who decided and when, and a refusal's reason, under the same CHECKs
(``models._decision_checks``); only what an approval grants differs, and stays with each kind.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from osms.registry.columns import utc_now
from osms.registry.errors import AlreadyDecided, NotFound
from osms.registry.models import ApplicationStatus, RefundApplication, TemporaryApplication

__all__ = ["decide", "refuse", "undecided"]

Application = TypeVar("Application", TemporaryApplication, RefundApplication)


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
    """Refuse the undecided application, keeping the reason the person is told."""
    application = undecided(session, kind, noun, application_id)
    decide(application, ApplicationStatus.REFUSED, decided_by=decided_by, decided_at=decided_at)
    application.refusal_reason = reason
    session.flush()
    return application
