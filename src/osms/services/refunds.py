"""Refunds of wrong payments (R-R-1, R-L-8): apply, see the effect, decide within 15 working
days.

Wrong payments are never moved to another month or person; an approved refund stops the item
counting from the refund date on (R-S-0 keeps earlier answers reproducible).  An overpayment
refund returns only the surplus above the month's amount due, so the month stays covered
(:func:`osms.rules.refunds.overpayment_surplus`); where the Fund cannot know the amount due (an
employer's item, R-L-6) the operator names the amount, less than the payment.

Before approval the operator sees what the refund changes (:func:`effect`): the amount returned,
the months that become unpaid, the status before and after on the refund date, as known on that
day; on the payment's credit day when that is later, since a payment that does not count yet
changes nothing before it would have counted. The refund date is the decision day or later
(``refund.backdated``): a refund decided on day X is unknown to every answer as known before X;
and no later than the day the application is due (``refund.postdated``; the decision day once
that has passed).  An application is dated today or earlier (``refund.future_application``).
Someone other than the operator who recorded the application decides it
(``refund.decider_is_applicant``, :class:`~osms.services.settings.DecisionSettings`). A second
application for the same payment and reason while one is pending is that application (it is
returned; the repeat is audited).  A payment is refunded once: approving one application
refuses those still pending on the same payment for other reasons, saying under which
application it is refunded (audited), and one left pending is refused on approval as
``refund.already_refunded``.
Every step, every effect shown and every list of applications is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import NotRequired, Unpack

from sqlalchemy.orm import Session

from osms import clock
from osms.registry import audit
from osms.registry import refunds as applications
from osms.registry.decisions import keywords_checked
from osms.registry.errors import AlreadyDecided, AlreadyRefunded, NotFound
from osms.registry.ledger import credit_day
from osms.registry.models import (
    ApplicationStatus,
    Payment,
    Person,
    RefundApplication,
    RefundReason,
)
from osms.rules.calendar import working_days_between
from osms.rules.coverage import Cover, Ledger
from osms.rules.facts import PaymentItem, PersonFacts
from osms.rules.month import Month
from osms.rules.refunds import overpayment_surplus, refunded_items
from osms.rules.status import Decision, decide
from osms.services import decisions
from osms.services.errors import ServiceError
from osms.services.lookups import record_lookup
from osms.services.people import facts_of

__all__ = [
    "Applying",
    "Approval",
    "RefundEffect",
    "apply",
    "apply_once",
    "approve",
    "earliest_refund_day",
    "effect",
    "latest_refund_day",
    "pending",
    "refuse",
    "working_days_left",
]


@dataclass(frozen=True)
class RefundEffect:
    """What approving a refund on ``refunded_on`` changes, as known on :attr:`shown_on`, the
    first day it changes anything (R-R-1)."""

    application: RefundApplication
    payment: Payment
    refunded_on: date
    shown_on: date
    """The refund date, or the payment's credit day when that is later: a payment that does
    not count yet changes nothing before it would have counted (R-T-3)."""
    amount: Decimal | None
    """What the refund returns; None when it cannot be approved (``problem``)."""
    problem: str | None
    """``refund.no_surplus`` or ``refund.amount_required``: why it cannot be approved as is."""
    unpaid_months: tuple[Month, ...]
    """Months covered before the refund and not after it."""
    before: Decision
    after: Decision

    @property
    def loses_status(self) -> bool:
        return self.before.insured and not self.after.insured


class Applying(decisions.Recording):
    """How a refund application arrives: the day it is dated, and who records it where."""

    applied_on: date


@keywords_checked
def apply(
    session: Session, payment_id: int, reason: str, **applying: Unpack[Applying]
) -> RefundApplication:
    """Record an application; the pending one for the same payment and reason if there is
    one (R-R-1)."""
    application, _ = apply_once(session, payment_id, reason, **applying)
    return application


@keywords_checked
def apply_once(
    session: Session, payment_id: int, reason: str, **applying: Unpack[Applying]
) -> tuple[RefundApplication, bool]:
    """:func:`apply`, and whether the application was pending already (the same one)."""
    applied_on, actor, channel = applying["applied_on"], applying["actor"], applying.get("channel")
    decisions.not_in_future("refund", applied_on, applying.get("today") or clock.today())
    try:
        why = RefundReason(reason)
    except ValueError:
        choices = ", ".join(r.value for r in RefundReason)
        raise ServiceError(
            "refund.reason", f"reason must be one of {choices}", field="reason"
        ) from None
    pending_one = applications.pending_for(session, payment_id, why)
    try:
        application = applications.apply(
            session, payment_id, why, applied_on=applied_on, applied_by=actor
        )
    except NotFound as error:
        raise ServiceError("refund.payment_not_found", str(error), status=404) from None
    except AlreadyRefunded as error:
        raise ServiceError("refund.already_refunded", str(error), status=409) from None
    again = pending_one is not None and pending_one.id == application.id
    audit.record(
        session,
        actor,
        "refund.apply_again" if again else "refund.apply",
        application.iin,
        (
            f"refund applied for again: {why.value}: the same application (R-R-1)"
            if again
            else f"refund applied for: {why.value}"
        )
        + audit.through(channel),
        {"application": application.id, "payment": payment_id, "due_by": application.due_by},
    )
    return application, again


def effect(
    session: Session,
    application_id: int,
    *,
    refunded_on: date,
    actor: str,
    channel: str,
    amount: Decimal | None = None,
) -> RefundEffect:
    """What approving the application on ``refunded_on`` (with ``amount`` for an overpayment
    the Fund cannot price) would change; the look-up is audited.  A decided application has
    nothing left to preview (``refund.already_decided``, 409): its refund is in the person's
    file and the status "as known on" any day (R-R-1)."""
    application = applications.get(session, application_id)
    if application is None:
        raise ServiceError(
            "refund.not_found", f"no refund application {application_id}", status=404
        )
    if application.status is not ApplicationStatus.APPLIED:
        raise ServiceError(
            "refund.already_decided",
            f"refund application {application_id} is {application.status.value}",
            status=409,
        )
    found = _effect(session, application, refunded_on, amount)
    record_lookup(
        session,
        actor,
        "refund.effect",
        application.iin,
        f"effect of refund {application.id} shown through {channel}",
        {
            "application": application.id,
            "refunded_on": refunded_on,
            "amount": found.amount,
            "unpaid_months": list(found.unpaid_months),
            "status_before": found.before.status.value,
            "status_after": found.after.status.value,
        },
    )
    return found


def _effect(
    session: Session, application: RefundApplication, refunded_on: date, amount: Decimal | None
) -> RefundEffect:
    payment = application.payment
    shown_on = max(refunded_on, credit_day(payment.paid_on, payment.credited_on))
    facts, _ = facts_of(session, application.iin, shown_on)
    item = _item(payment)
    returned, problem = _amount(application, facts, item, shown_on, amount)
    after_facts = facts
    if returned is not None and item in facts.payments:
        position = facts.payments.index(item)
        after_facts = replace(
            facts,
            payments=(
                *facts.payments[:position],
                *refunded_items(item, refunded_on, returned),
                *facts.payments[position + 1 :],
            ),
        )
    before_ledger, after_ledger = Ledger(facts), Ledger(after_facts)
    month = payment.period.index
    unpaid = (
        (payment.period,)
        if before_ledger.covered(month, shown_on)
        and after_ledger.cover(month, shown_on) is Cover.UNPAID
        else ()
    )
    return RefundEffect(
        application=application,
        payment=payment,
        refunded_on=refunded_on,
        shown_on=shown_on,
        amount=returned,
        problem=problem,
        unpaid_months=unpaid,
        before=decide(before_ledger, shown_on),
        after=decide(after_ledger, shown_on),
    )


def _item(payment: Payment) -> PaymentItem:
    """The payment as the ledger item the rules read (not refunded)."""
    return PaymentItem(
        payment.period,
        payment.amount,
        payment.paid_on,
        credit_day(payment.paid_on, payment.credited_on),
        payment.knp,
        payment.payer,
        payment.channel,
        None,
        payment.reference,
    )


def _amount(
    application: RefundApplication,
    facts: PersonFacts,
    item: PaymentItem,
    refunded_on: date,
    given: Decimal | None,
) -> tuple[Decimal | None, str | None]:
    """What the refund returns (R-R-1), or why it cannot be approved: a wrong payment all of
    it; an overpayment its surplus above the amount due, or the amount named by the operator
    where the Fund cannot price the month."""
    whole = application.payment.amount
    if application.reason is not RefundReason.OVERPAYMENT:
        if given is not None and given != whole:
            raise ServiceError(
                "refund.amount_whole",
                f"a {application.reason.value} refund returns the whole payment, {whole}",
                field="amount",
            )
        return whole, None
    if given is not None and given <= 0:
        raise ServiceError("refund.amount", "the amount is more than zero", field="amount")
    surplus = overpayment_surplus(facts, item, refunded_on) if item in facts.payments else None
    if surplus is None:
        if given is None:
            return None, "refund.amount_required"
        if given >= whole:
            raise ServiceError(
                "refund.amount_exceeds_surplus",
                f"an overpayment refund returns less than the payment, {whole}",
                field="amount",
            )
        return given, None
    if surplus <= 0:
        return None, "refund.no_surplus"
    if given is not None and given > surplus:
        raise ServiceError(
            "refund.amount_exceeds_surplus",
            f"the surplus above the amount due is {surplus}, less than {given}",
            field="amount",
        )
    return given or surplus, None


class Approval(decisions.Approving):
    """What an operator gives to approve a refund: who, on which day, the refund date
    (``refunded_on``: the decision day or later) and, for an overpayment the Fund cannot
    price, the ``amount`` returned."""

    refunded_on: date
    amount: NotRequired[Decimal | None]


@keywords_checked
def approve(
    session: Session, application_id: int, **approval: Unpack[Approval]
) -> RefundApplication:
    """Approve on ``today`` (the decision day in Kazakhstan, R-T-4): the payment, or the
    surplus of an overpayment, stops counting from ``refunded_on``, which is ``today`` or
    later, and not after the application's ``due_by`` (R-R-1: decided within 15 working days,
    so refunded by then; on the decision day itself once that has passed)."""
    refunded_on, today, actor = approval["refunded_on"], approval["today"], approval["actor"]
    decisions.not_backdated("refund", refunded_on, today)
    with decisions.decision_errors("refund"), _already_refunded():
        application = applications.get(session, application_id)
        decisions.require_other_decider("refund", session, application, approval)
        if application is None:
            raise NotFound(f"no refund application {application_id}")
        if application.status is not ApplicationStatus.APPLIED:
            raise AlreadyDecided(f"refund application {application_id} is already decided")
        decisions.not_postdated(
            "refund",
            refunded_on,
            latest_refund_day(application, today),
            "the day the application is due to be decided (R-R-1)",
        )
        # One decision about a person's payments at a time: the surplus of an overpayment
        # is what the other refunds leave (two refunds of a month paid twice, R-L-5).
        session.get(Person, application.iin, with_for_update=True)
        found = _effect(session, application, refunded_on, approval.get("amount"))
        if found.problem is not None:
            raise ServiceError(found.problem, _PROBLEMS[found.problem], field="amount")
        application = applications.approve(
            session,
            application_id,
            decided_by=actor,
            refunded_on=refunded_on,
            refunded_amount=found.amount,
        )
    _close_others(session, application, actor, approval.get("channel"))
    audit.record(
        session,
        actor,
        "refund.approve",
        application.iin,
        "refund approved (R-R-1)" + audit.through(approval.get("channel")),
        {
            "application": application.id,
            "refunded_on": refunded_on,
            "decided_on": today,
            "amount": found.amount,
            "unpaid_months": list(found.unpaid_months),
            "status_before": found.before.status.value,
            "status_after": found.after.status.value,
        },
    )
    return application


@contextmanager
def _already_refunded() -> Iterator[None]:
    """The payment refunded meanwhile under another application: ``refund.already_refunded``
    (409), what an application for it says too, not ``already_decided`` (R-R-1)."""
    try:
        yield
    except AlreadyRefunded as error:
        raise ServiceError("refund.already_refunded", str(error), status=409) from None


def _close_others(
    session: Session, approved: RefundApplication, actor: str, channel: str | None
) -> None:
    """Refuse the other applications pending on the approved one's payment, which is refunded
    once (R-R-1): the reason says under which application, and each refusal is audited
    (``refund.refuse``) by the approving operator; decided rows are never rewritten."""
    for other in applications.others_pending(session, approved):
        reason = (
            f"payment {approved.payment_id} is refunded under application {approved.id} (R-R-1)"
        )
        applications.refuse(session, other.id, decided_by=actor, reason=reason)
        audit.record(
            session,
            actor,
            "refund.refuse",
            other.iin,
            reason + audit.through(channel),
            {"application": other.id, "refunded_by": approved.id},
        )


_PROBLEMS = {
    "refund.no_surplus": (
        "the month's own payments are not above its amount due: nothing to refund"
    ),
    "refund.amount_required": (
        "the amount due of this payment's month is not the Fund's to know: name the amount"
    ),
}


@keywords_checked
def refuse(
    session: Session, application_id: int, **refusal: Unpack[decisions.Refusal]
) -> RefundApplication:
    """Refuse, with the reason the person is told (:func:`osms.services.decisions.refuse`)."""
    return decisions.refuse(session, "refund", applications.KIND, application_id, **refusal)


def pending(
    session: Session, *, actor: str, channel: str, overdue_on: date | None = None
) -> list[RefundApplication]:
    """Undecided applications, the most urgent first; with ``overdue_on``, only those past
    their 15-working-day deadline on that day (R-R-1).  The list shown is audited."""
    found = applications.undecided(session)
    if overdue_on is not None:
        found = [a for a in found if a.due_by < overdue_on]
    decisions.audit_list(
        session,
        "refund",
        applications.KIND,
        found,
        actor=actor,
        channel=channel,
        overdue_on=overdue_on,
    )
    return found


def earliest_refund_day(application: RefundApplication, today: date) -> date:
    """The first day the refund of ``application`` may count from: the decision day
    (``refund.backdated``, R-T-4) and not before the application (``refunded_on``).

    >>> from osms.registry.models import RefundApplication
    >>> applied = RefundApplication(applied_on=date(2026, 12, 10))
    >>> earliest_refund_day(applied, date(2026, 12, 7))  # applied for a later day
    datetime.date(2026, 12, 10)
    >>> earliest_refund_day(applied, date(2027, 1, 4))
    datetime.date(2027, 1, 4)
    """
    return max(today, application.applied_on)


def latest_refund_day(application: RefundApplication, today: date) -> date:
    """The last day the refund of ``application`` may count from (``refund.postdated``): the
    day it is due to be decided (R-R-1's 15 working days), or the decision day once that has
    passed.

    >>> from osms.registry.models import RefundApplication
    >>> due = RefundApplication(due_by=date(2026, 12, 30))
    >>> latest_refund_day(due, date(2026, 12, 8)), latest_refund_day(due, date(2027, 1, 5))
    (datetime.date(2026, 12, 30), datetime.date(2027, 1, 5))
    """
    return max(today, application.due_by)


def working_days_left(application: RefundApplication, today: date) -> int:
    """Working days left to decide after ``today``, ``due_by`` included (R-R-1): the 15 of
    :func:`~osms.rules.refunds.decision_due_by` on the day of the application, which counts
    them from the next day, and 0 on the due day (due today); negative when overdue: minus the
    working days since the deadline.

    >>> from osms.registry.models import RefundApplication
    >>> due = RefundApplication(due_by=date(2024, 7, 23))
    >>> working_days_left(due, date(2024, 7, 22)), working_days_left(due, date(2024, 7, 23))
    (1, 0)
    >>> working_days_left(due, date(2024, 7, 25))
    -2
    >>> friday = RefundApplication(due_by=date(2024, 7, 26))
    >>> working_days_left(friday, date(2024, 7, 27)), working_days_left(friday, date(2024, 7, 29))
    (-1, -1)
    """
    due, day = application.due_by, timedelta(days=1)
    if today <= due:
        return working_days_between(today + day, due + day)
    # overdue from the day after the deadline, a day off too: never "due today" again
    return -max(working_days_between(due + day, today + day), 1)
