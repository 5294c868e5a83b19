"""Operators' decisions: temporary status on documents (R-TMP-1) and refunds (R-R-1).

Scope ``operator``.  The client's name is the applicant or the decider recorded on the
application and in the audit trail; a client does not decide the applications it recorded
(``<kind>.decider_is_applicant``, 403, unless ``OSMS_FOUR_EYES=off``).  A grant or refund takes
effect on the decision day (today in Kazakhstan) or later (``<kind>.backdated``, 422), a refund
no later than its application's ``due_by`` and a grant within a month of the decision
(``<kind>.postdated``, 422); an application is dated today or earlier
(``<kind>.future_application``, 422).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel

from osms.api.auth import Caller, require
from osms.api.deps import DbSession, Lang, Today
from osms.api.v1.common import DateQuery, IdPath, day_query, problems
from osms.api.v1.schemas import (
    RefundApplication,
    RefundApplicationIn,
    RefundDecisionIn,
    RefundEffect,
    RefusalIn,
    StatusChange,
    TemporaryApplication,
    TemporaryApplicationIn,
    TemporaryGrantIn,
)
from osms.i18n import error_message
from osms.rules.status import Decision
from osms.rules.temporary import Document
from osms.services import refunds, temporary
from osms.views.models import IsoDay, PlainAmount, money

__all__ = ["router"]

router = APIRouter(tags=["operators"])
CHANNEL: Final = "api:operators"

Operator = Annotated[Caller, Depends(require("operator"))]
_ERRORS: Final = problems(400, 401, 403, 404, 409, 413, 422, 429, 503)


def _pending_already(model: type[BaseModel]) -> dict[str, Any]:
    return {"model": model, "description": "Pending already: that application, nothing changed."}


def _answer_pending_already(response: Response, again: bool) -> None:
    """200, not 201, when the application was pending already: nothing was created (as a
    register sent again answers 200)."""
    if again:
        response.status_code = 200


@router.post(
    "/temporary-applications",
    status_code=201,
    response_model=TemporaryApplication,
    summary="Record an application for temporary status",
    description=(
        "A person of a state-paid category shown as uninsured applies with the documents of "
        "the category (SOURCES.md T6). Refused with `temporary.documents_missing`, "
        "`temporary.not_on_documents`, `temporary.already_insured`, `category.unknown` or an "
        "IIN code. While an application of the same person and category is pending, it is "
        "that application: 200 with it, nothing recorded anew (the repeat is audited)."
    ),
    responses={200: _pending_already(TemporaryApplication), **_ERRORS},
)
def apply_temporary(
    who: Operator,
    body: TemporaryApplicationIn,
    session: DbSession,
    today: Today,
    _lang: Lang,
    response: Response,
) -> TemporaryApplication:
    application, again = temporary.apply_once(
        session,
        body.iin,
        body.category,
        [Document(d.kind, d.number, d.issued_on) for d in body.documents],
        submitted_on=body.submitted_on or today,
        submitted_through=body.channel,
        actor=who.actor,
        channel=CHANNEL,
        today=today,
    )
    _answer_pending_already(response, again)
    return TemporaryApplication.model_validate(application)


@router.post(
    "/temporary-applications/{application_id}/approve",
    response_model=TemporaryApplication,
    summary="Approve: one calendar month of status from the grant date",
    description=(
        "For a person still shown as uninsured on the grant date (R-TMP-1): one insured by "
        "then (a category or payments recorded since the application) is refused with "
        "`temporary.already_insured` (409)."
    ),
    responses=_ERRORS,
)
def approve_temporary(
    who: Operator,
    application_id: IdPath,
    session: DbSession,
    today: Today,
    _lang: Lang,
    body: TemporaryGrantIn | None = None,
) -> TemporaryApplication:
    granted_on = (body.granted_on if body else None) or today
    return TemporaryApplication.model_validate(
        temporary.approve(
            session,
            application_id,
            granted_on=granted_on,
            today=today,
            actor=who.actor,
            channel=CHANNEL,
        )
    )


@router.post(
    "/temporary-applications/{application_id}/refuse",
    response_model=TemporaryApplication,
    summary="Refuse, with the reason told to the applicant",
    responses=_ERRORS,
)
def refuse_temporary(
    who: Operator, application_id: IdPath, body: RefusalIn, session: DbSession, _lang: Lang
) -> TemporaryApplication:
    return TemporaryApplication.model_validate(
        temporary.refuse(
            session, application_id, reason=body.reason, actor=who.actor, channel=CHANNEL
        )
    )


@router.post(
    "/refund-applications",
    status_code=201,
    response_model=RefundApplication,
    summary="Record a refund application for a wrong payment",
    description=(
        "To be decided within 15 working days (`due_by`). While an application for the same "
        "payment and reason is pending, it is that application: 200 with it, nothing "
        "recorded anew (the repeat is audited)."
    ),
    responses={200: _pending_already(RefundApplication), **_ERRORS},
)
def apply_refund(
    who: Operator,
    body: RefundApplicationIn,
    session: DbSession,
    today: Today,
    _lang: Lang,
    response: Response,
) -> RefundApplication:
    application, again = refunds.apply_once(
        session,
        body.payment_id,
        body.reason.value,
        applied_on=body.applied_on or today,
        actor=who.actor,
        channel=CHANNEL,
        today=today,
    )
    _answer_pending_already(response, again)
    return RefundApplication.model_validate(application)


@router.post(
    "/refund-applications/{application_id}/approve",
    response_model=RefundApplication,
    summary="Approve: the payment stops counting from the refund date",
    responses=_ERRORS,
)
def approve_refund(
    who: Operator,
    application_id: IdPath,
    session: DbSession,
    today: Today,
    _lang: Lang,
    body: RefundDecisionIn | None = None,
) -> RefundApplication:
    refunded_on = (body.refunded_on if body else None) or today
    return RefundApplication.model_validate(
        refunds.approve(
            session,
            application_id,
            refunded_on=refunded_on,
            today=today,
            actor=who.actor,
            amount=body.amount if body else None,
            channel=CHANNEL,
        )
    )


def _status(decision: Decision) -> StatusChange:
    return StatusChange(
        status=decision.status.value,
        reason=decision.reason.value,
        insured_until=decision.insured_until,
    )


@router.get(
    "/refund-applications/{application_id}/effect",
    response_model=RefundEffect,
    summary="What approving the refund would change, before it is approved",
    description=(
        "The amount returned (an overpayment only its surplus above the amount due), the months "
        "that become unpaid and the status before and after on `status_on`, as known on that "
        "day: the refund date, or the payment's credit day when that is later (R-R-1, R-T-3). "
        "Nothing is decided; the look-up is audited. A decided application has nothing to "
        "preview (409 `refund.already_decided`)."
    ),
    responses=problems(401, 403, 404, 409, 422, 429, 503, audited=True),
)
def refund_effect(
    who: Operator,
    application_id: IdPath,
    session: DbSession,
    today: Today,
    lang: Lang,
    refunded_on: Annotated[
        date | None, day_query("The refund date (default: today)."), IsoDay
    ] = None,
    amount: Annotated[
        Decimal | None,
        Query(
            gt=0,
            max_digits=14,
            decimal_places=2,
            description="For an overpayment the Fund cannot price: the amount refunded.",
        ),
        PlainAmount,
    ] = None,
) -> RefundEffect:
    shown = refunds.effect(
        session,
        application_id,
        refunded_on=refunded_on or today,
        actor=who.actor,
        channel=CHANNEL,
        amount=amount,
    )
    return RefundEffect(
        application_id=shown.application.id,
        payment_id=shown.payment.id,
        iin=shown.application.iin,
        reason=shown.application.reason,
        refunded_on=shown.refunded_on,
        status_on=shown.shown_on,
        amount=None if shown.amount is None else money(shown.amount),
        problem=shown.problem,
        problem_text=None if shown.problem is None else error_message(shown.problem, lang),
        unpaid_months=[str(month) for month in shown.unpaid_months],
        status_before=_status(shown.before),
        status_after=_status(shown.after),
        loses_status=shown.loses_status,
    )


@router.post(
    "/refund-applications/{application_id}/refuse",
    response_model=RefundApplication,
    summary="Refuse, with a reason",
    responses=_ERRORS,
)
def refuse_refund(
    who: Operator, application_id: IdPath, body: RefusalIn, session: DbSession, _lang: Lang
) -> RefundApplication:
    return RefundApplication.model_validate(
        refunds.refuse(
            session, application_id, reason=body.reason, actor=who.actor, channel=CHANNEL
        )
    )


@router.get(
    "/refund-applications",
    response_model=list[RefundApplication],
    summary="Undecided refund applications, the most urgent first",
    responses=problems(401, 403, 422, 429, 503, audited=True),
)
def list_refunds(
    who: Operator,
    session: DbSession,
    today: Today,
    _lang: Lang,
    overdue: Annotated[
        bool, Query(description="Only those past their 15-working-day deadline on `date`.")
    ] = False,
    on: DateQuery = None,
) -> list[RefundApplication]:
    overdue_on = (on or today) if overdue else None
    rows = refunds.pending(session, actor=who.actor, channel=CHANNEL, overdue_on=overdue_on)
    return [RefundApplication.model_validate(row) for row in rows]
