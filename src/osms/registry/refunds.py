"""Refund applications and decisions (R-R-1).

A refund never touches the payment: an approved application with its ``refunded_on`` removes
the payment from coverage from that day on (R-S-0), so "as known on" answers stay exact; an
overpayment's approval records the ``refunded_amount``, the surplus returned, and the rest of
the payment keeps counting.  An application is due by
:func:`osms.rules.refunds.decision_due_by` (15 working days).  A second application for the
same payment and reason while one is pending is that application (R-R-1): :func:`apply`
returns it.

The rules read ``refunded_on`` as the day the refund became known too (R-S-0: "not refunded
by k"), so it is never before the application (here) nor before the decision (the doors,
:func:`osms.services.refunds.approve`): a refund decided on day X changes no answer as known
before X.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Unpack

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from osms.registry import decisions
from osms.registry.errors import AlreadyRefunded, NotFound
from osms.registry.models import ApplicationStatus, Payment, RefundApplication, RefundReason
from osms.rules.refunds import decision_due_by

__all__ = [
    "apply",
    "approve",
    "for_person",
    "get",
    "pending_for",
    "refuse",
    "undecided",
]

_NOUN = "refund application"


def apply(
    session: Session,
    payment_id: int,
    reason: RefundReason,
    *,
    applied_on: date,
    applied_by: str | None = None,
) -> RefundApplication:
    """Record an application to refund a payment (the IIN is the payment's), by whom; the
    pending application for the same payment and reason when there is one (R-R-1)."""
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"no payment {payment_id}")
    _refuse_if_refunded(session, payment_id)
    why = RefundReason(reason)
    found = pending_for(session, payment_id, why)
    if found is not None:
        return found
    application = RefundApplication(
        payment_id=payment_id,
        iin=payment.iin,
        reason=why,
        applied_on=applied_on,
        due_by=decision_due_by(applied_on),
        applied_by=applied_by,
        status=ApplicationStatus.APPLIED,
    )
    try:
        with session.begin_nested():
            session.add(application)
    except IntegrityError:  # recorded meanwhile by another transaction (the unique index)
        found = pending_for(session, payment_id, why)
        if found is None:
            raise
        return found
    return application


def pending_for(
    session: Session, payment_id: int, reason: RefundReason
) -> RefundApplication | None:
    """The undecided application to refund this payment for this reason, if any."""
    return decisions.pending(
        session,
        RefundApplication,
        RefundApplication.payment_id == payment_id,
        RefundApplication.reason == reason,
    )


def undecided(session: Session) -> list[RefundApplication]:
    """Every undecided application, the most urgent first."""
    return decisions.waiting(session, RefundApplication, RefundApplication.due_by)


def approve(
    session: Session,
    application_id: int,
    *,
    decided_by: str,
    refunded_on: date,
    refunded_amount: Decimal | None = None,
    decided_at: datetime | None = None,
) -> RefundApplication:
    """Approve: the payment stops counting from ``refunded_on`` (R-S-0), which is never
    before the application (:class:`~osms.registry.decisions.Backdated`); all of it, or what
    is left once ``refunded_amount`` is returned (an overpayment's surplus, R-R-1)."""
    application = decisions.undecided(session, RefundApplication, _NOUN, application_id)
    decisions.not_before(refunded_on, application.applied_on, "refunded_on")
    _refuse_if_refunded(session, application.payment_id)
    if refunded_amount is not None and not (
        Decimal(0) < refunded_amount <= application.payment.amount
    ):
        raise ValueError(
            f"a refund returns more than nothing and at most the payment: {refunded_amount}"
        )
    decisions.decide(
        application, ApplicationStatus.APPROVED, decided_by=decided_by, decided_at=decided_at
    )
    application.refunded_on = refunded_on
    application.refunded_amount = refunded_amount
    session.flush()
    return application


def refuse(
    session: Session, application_id: int, **refusal: Unpack[decisions.Refusal]
) -> RefundApplication:
    """Refuse, with the reason the person is told."""
    return decisions.refuse(session, RefundApplication, _NOUN, application_id, **refusal)


def get(session: Session, application_id: int) -> RefundApplication | None:
    """The application with this id, or None."""
    return session.get(RefundApplication, application_id)


def for_person(session: Session, iin: str) -> list[RefundApplication]:
    """The person's refund applications, oldest first."""
    return decisions.for_person(session, RefundApplication, iin, RefundApplication.applied_on)


def _refuse_if_refunded(session: Session, payment_id: int) -> None:
    approved = session.scalars(
        select(RefundApplication.id).where(
            RefundApplication.payment_id == payment_id,
            RefundApplication.status == ApplicationStatus.APPROVED,
        )
    ).first()
    if approved is not None:
        raise AlreadyRefunded(f"payment {payment_id} is already refunded (application {approved})")
