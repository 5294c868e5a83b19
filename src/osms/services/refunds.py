"""Refunds of wrong payments (R-R-1, R-L-8): apply, decide within 15 working days.

Wrong payments are never moved to another month or person; an approved refund stops the item
counting from the refund date on (R-S-0 keeps earlier answers reproducible).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.registry import audit
from osms.registry import refunds as applications
from osms.registry.errors import AlreadyRefunded, NotFound
from osms.registry.models import ApplicationStatus, RefundApplication, RefundReason
from osms.services.decisions import decision_errors, require_reason
from osms.services.errors import ServiceError

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
        application = applications.apply(session, payment_id, why, applied_on=applied_on)
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
    session: Session, application_id: int, *, refunded_on: date, actor: str
) -> RefundApplication:
    with decision_errors("refund", AlreadyRefunded):
        application = applications.approve(
            session, application_id, decided_by=actor, refunded_on=refunded_on
        )
    audit.record(
        session,
        actor,
        "refund.approve",
        application.iin,
        "refund approved (R-R-1)",
        {"application": application.id, "refunded_on": refunded_on},
    )
    return application


def refuse(session: Session, application_id: int, *, reason: str, actor: str) -> RefundApplication:
    require_reason("refund", reason)
    with decision_errors("refund"):
        application = applications.refuse(session, application_id, decided_by=actor, reason=reason)
    audit.record(
        session, actor, "refund.refuse", application.iin, reason, {"application": application.id}
    )
    return application


def pending(session: Session) -> list[RefundApplication]:
    """Undecided applications, the most urgent first."""
    statement = (
        select(RefundApplication)
        .where(RefundApplication.status == ApplicationStatus.APPLIED)
        .order_by(RefundApplication.due_by, RefundApplication.id)
    )
    return list(session.scalars(statement))


def overdue(session: Session, today: date) -> list[RefundApplication]:
    """Undecided applications past their 15-working-day deadline (R-R-1)."""
    return [a for a in pending(session) if a.due_by < today]
