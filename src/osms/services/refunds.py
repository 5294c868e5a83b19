"""Refunds of wrong payments (R-R-1, R-L-8): apply, decide within 15 working days.

Wrong payments are never moved to another month or person; an approved refund stops the item
counting from the refund date on (R-S-0 keeps earlier answers reproducible).  The refund date
is the decision day or later (``refund.backdated``): a refund decided on day X is unknown to
every answer as known before X.  Someone other than the operator who recorded the application
decides it (``refund.decider_is_applicant``, :class:`~osms.services.settings.DecisionSettings`).
Every step, and every list of applications shown, is audited.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.registry import audit
from osms.registry import refunds as applications
from osms.registry.errors import AlreadyRefunded, NotFound
from osms.registry.models import ApplicationStatus, RefundApplication, RefundReason
from osms.services.decisions import (
    decision_errors,
    not_backdated,
    require_other_decider,
    require_reason,
)
from osms.services.errors import ServiceError
from osms.services.settings import DecisionSettings
from osms.services.status import record_lookup

__all__ = ["apply", "approve", "overdue", "pending", "refuse"]


def apply(
    session: Session, payment_id: int, reason: str, *, applied_on: date, actor: str
) -> RefundApplication:
    try:
        why = RefundReason(reason)
    except ValueError:
        choices = ", ".join(r.value for r in RefundReason)
        raise ServiceError(
            "refund.reason", f"reason must be one of {choices}", field="reason"
        ) from None
    try:
        application = applications.apply(
            session, payment_id, why, applied_on=applied_on, applied_by=actor
        )
    except NotFound as error:
        raise ServiceError("refund.payment_not_found", str(error), status=404) from None
    except AlreadyRefunded as error:
        raise ServiceError("refund.already_refunded", str(error), status=409) from None
    audit.record(
        session,
        actor,
        "refund.apply",
        application.iin,
        f"refund applied for: {why.value}",
        {"application": application.id, "payment": payment_id, "due_by": application.due_by},
    )
    return application


def approve(
    session: Session,
    application_id: int,
    *,
    refunded_on: date,
    today: date,
    actor: str,
    settings: DecisionSettings | None = None,
) -> RefundApplication:
    """Approve on ``today`` (the decision day in Kazakhstan, R-T-4): the payment stops
    counting from ``refunded_on``, which is ``today`` or later."""
    not_backdated("refund", refunded_on, today)
    with decision_errors("refund", AlreadyRefunded):
        require_other_decider(
            "refund", session, applications.get(session, application_id), actor, settings
        )
        application = applications.approve(
            session, application_id, decided_by=actor, refunded_on=refunded_on
        )
    audit.record(
        session,
        actor,
        "refund.approve",
        application.iin,
        "refund approved (R-R-1)",
        {"application": application.id, "refunded_on": refunded_on, "decided_on": today},
    )
    return application


def refuse(
    session: Session,
    application_id: int,
    *,
    reason: str,
    actor: str,
    settings: DecisionSettings | None = None,
) -> RefundApplication:
    require_reason("refund", reason)
    with decision_errors("refund"):
        require_other_decider(
            "refund", session, applications.get(session, application_id), actor, settings
        )
        application = applications.refuse(session, application_id, decided_by=actor, reason=reason)
    audit.record(
        session, actor, "refund.refuse", application.iin, reason, {"application": application.id}
    )
    return application


def pending(session: Session, *, actor: str, channel: str) -> list[RefundApplication]:
    """Undecided applications, the most urgent first; the list shown is audited."""
    found = _undecided(session)
    _audit_list(session, found, actor=actor, channel=channel, overdue_on=None)
    return found


def overdue(session: Session, today: date, *, actor: str, channel: str) -> list[RefundApplication]:
    """Undecided applications past their 15-working-day deadline (R-R-1); audited."""
    found = [a for a in _undecided(session) if a.due_by < today]
    _audit_list(session, found, actor=actor, channel=channel, overdue_on=today)
    return found


def _undecided(session: Session) -> list[RefundApplication]:
    statement = (
        select(RefundApplication)
        .where(RefundApplication.status == ApplicationStatus.APPLIED)
        .order_by(RefundApplication.due_by, RefundApplication.id)
    )
    return list(session.scalars(statement))


def _audit_list(
    session: Session,
    found: list[RefundApplication],
    *,
    actor: str,
    channel: str,
    overdue_on: date | None,
) -> None:
    record_lookup(
        session,
        actor,
        "refund.list",
        None,
        f"refund applications listed through {channel}",
        {
            "overdue_on": overdue_on,
            "applications": [a.id for a in found],
            "iins": sorted({a.iin for a in found}),
        },
    )
