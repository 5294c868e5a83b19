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

from datetime import date
from decimal import Decimal
from typing import NotRequired, Unpack

from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.registry import decisions
from osms.registry.errors import AlreadyRefunded, NotFound
from osms.registry.models import ApplicationStatus, Payment, RefundApplication, RefundReason
from osms.rules.refunds import decision_due_by

__all__ = [
    "KIND",
    "Approval",
    "apply",
    "approve",
    "for_person",
    "get",
    "others_pending",
    "pending_for",
    "refuse",
    "undecided",
]

KIND = decisions.Kind(
    RefundApplication,
    "refund application",
    key=(RefundApplication.payment_id, RefundApplication.reason),
    applied=RefundApplication.applied_on,
    urgency=RefundApplication.due_by,
)
"""Refund applications: one pending per payment and reason, the person's oldest first, the
undecided ones by their deadline."""
get = KIND.get
for_person = KIND.for_person
undecided = KIND.undecided
refuse = KIND.refuse


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
    return KIND.add_unless_pending(
        session,
        RefundApplication(
            payment_id=payment_id,
            iin=payment.iin,
            reason=why,
            applied_on=applied_on,
            due_by=decision_due_by(applied_on),
            applied_by=applied_by,
            status=ApplicationStatus.APPLIED,
        ),
    )


def pending_for(
    session: Session, payment_id: int, reason: RefundReason
) -> RefundApplication | None:
    """The undecided application to refund this payment for this reason, if any."""
    return KIND.pending(session, payment_id, reason)


class Approval(decisions.Decider):
    """Who approves a refund and when, from which day (``refunded_on``) and, for an
    overpayment, how much is returned (``refunded_amount``; None: all of the payment)."""

    refunded_on: date
    refunded_amount: NotRequired[Decimal | None]


@decisions.keywords_checked
def approve(
    session: Session, application_id: int, **approval: Unpack[Approval]
) -> RefundApplication:
    """Approve: the payment stops counting from ``refunded_on`` (R-S-0), which is never
    before the application (:class:`~osms.registry.decisions.Backdated`); all of it, or what
    is left once ``refunded_amount`` is returned (an overpayment's surplus, R-R-1)."""
    refunded_on, refunded_amount = approval["refunded_on"], approval.get("refunded_amount")
    application = KIND.locked(session, application_id)
    decisions.not_before(refunded_on, application.applied_on, "refunded_on")
    _refuse_if_refunded(session, application.payment_id)
    if refunded_amount is not None and not (
        Decimal(0) < refunded_amount <= application.payment.amount
    ):
        raise ValueError(
            f"a refund returns more than nothing and at most the payment: {refunded_amount}"
        )
    decisions.decide(application, ApplicationStatus.APPROVED, approval)
    application.refunded_on = refunded_on
    application.refunded_amount = refunded_amount
    session.flush()
    return application


def others_pending(session: Session, application: RefundApplication) -> list[RefundApplication]:
    """The undecided applications on the same payment as ``application`` (other reasons),
    oldest first: moot once it is approved, a payment being refunded once (R-R-1).  They are
    locked and read afresh until the transaction ends, so that one decided meanwhile by another
    operator is not decided twice."""
    statement = (
        select(RefundApplication)
        .where(
            RefundApplication.payment_id == application.payment_id,
            RefundApplication.id != application.id,
            RefundApplication.status == ApplicationStatus.APPLIED,
        )
        .order_by(RefundApplication.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return [
        other for other in session.scalars(statement) if other.status is ApplicationStatus.APPLIED
    ]


def _refuse_if_refunded(session: Session, payment_id: int) -> None:
    approved = session.scalars(
        select(RefundApplication.id).where(
            RefundApplication.payment_id == payment_id,
            RefundApplication.status == ApplicationStatus.APPROVED,
        )
    ).first()
    if approved is not None:
        raise AlreadyRefunded(f"payment {payment_id} is already refunded (application {approved})")
