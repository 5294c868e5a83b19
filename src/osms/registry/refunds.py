"""Refund applications and decisions (R-R-1).

A refund never touches the payment: an approved application with its ``refunded_on`` removes
the payment from coverage from that day on (R-S-0), so "as known on" answers stay exact.  An
application is due within ``refund_decision_working_days`` (15) working days.

The rules read ``refunded_on`` as the day the refund became known too (R-S-0: "not refunded
by k"), so it is never before the application (here) nor before the decision (the doors,
:func:`osms.services.refunds.approve`): a refund decided on day X changes no answer as known
before X.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.registry import decisions
from osms.registry.errors import AlreadyRefunded, NotFound
from osms.registry.models import ApplicationStatus, Payment, RefundApplication, RefundReason
from osms.rules.calendar import add_working_days
from osms.rules.parameters import load_parameters

__all__ = ["apply", "approve", "decision_due_by", "for_person", "get", "refuse"]

_NOUN = "refund application"


def decision_due_by(applied_on: date) -> date:
    """R-R-1: the day a refund application must be decided by (15 working days later).

    >>> decision_due_by(date(2026, 3, 16))  # 23 Mar Nauryz and the 24-25 Mar days off
    datetime.date(2026, 4, 9)
    """
    days = load_parameters().get("refund_decision_working_days").int_at(applied_on)
    return add_working_days(applied_on, days)


def apply(
    session: Session,
    payment_id: int,
    reason: RefundReason,
    *,
    applied_on: date,
    applied_by: str | None = None,
) -> RefundApplication:
    """Record an application to refund a payment (the IIN is the payment's), by whom."""
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"no payment {payment_id}")
    _refuse_if_refunded(session, payment_id)
    application = RefundApplication(
        payment_id=payment_id,
        iin=payment.iin,
        reason=RefundReason(reason),
        applied_on=applied_on,
        due_by=decision_due_by(applied_on),
        applied_by=applied_by,
        status=ApplicationStatus.APPLIED,
    )
    session.add(application)
    session.flush()
    return application


def approve(
    session: Session,
    application_id: int,
    *,
    decided_by: str,
    refunded_on: date,
    decided_at: datetime | None = None,
) -> RefundApplication:
    """Approve: the payment stops counting from ``refunded_on`` (R-S-0), which is never
    before the application (:class:`~osms.registry.decisions.Backdated`)."""
    application = decisions.undecided(session, RefundApplication, _NOUN, application_id)
    decisions.not_before(refunded_on, application.applied_on, "refunded_on")
    _refuse_if_refunded(session, application.payment_id)
    decisions.decide(
        application, ApplicationStatus.APPROVED, decided_by=decided_by, decided_at=decided_at
    )
    application.refunded_on = refunded_on
    session.flush()
    return application


def refuse(
    session: Session,
    application_id: int,
    *,
    decided_by: str,
    reason: str,
    decided_at: datetime | None = None,
) -> RefundApplication:
    """Refuse, with the reason the person is told."""
    if not reason.strip():
        raise ValueError("a refusal gives its reason")
    return decisions.refuse(
        session,
        RefundApplication,
        _NOUN,
        application_id,
        decided_by=decided_by,
        reason=reason,
        decided_at=decided_at,
    )


def get(session: Session, application_id: int) -> RefundApplication | None:
    """The application with this id, or None."""
    return session.get(RefundApplication, application_id)


def for_person(session: Session, iin: str) -> list[RefundApplication]:
    """The person's refund applications, oldest first."""
    statement = (
        select(RefundApplication)
        .where(RefundApplication.iin == iin)
        .order_by(RefundApplication.applied_on, RefundApplication.id)
    )
    return list(session.scalars(statement))


def _refuse_if_refunded(session: Session, payment_id: int) -> None:
    approved = session.scalars(
        select(RefundApplication.id).where(
            RefundApplication.payment_id == payment_id,
            RefundApplication.status == ApplicationStatus.APPROVED,
        )
    ).first()
    if approved is not None:
        raise AlreadyRefunded(f"payment {payment_id} is already refunded (application {approved})")
