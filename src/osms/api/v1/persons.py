"""What an authenticated client may know about a person: the decision, payments, debts and
the calculator (RULES.md §11).  Every look-up is audited by the service it calls."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends

from osms.api.auth import Caller, require
from osms.api.deps import DbSession, Lang
from osms.api.v1.common import Lookup, LookupOn, calculation_asked, problems, status_asked
from osms.views.models import Calculation, DebtReport, PaymentHistory, StatusDetail

__all__ = ["router"]

router = APIRouter(prefix="/persons/{iin}", tags=["persons"])

_ERRORS: Final = problems(401, 403, 422, 429, 503, audited=True)


@router.get(
    "/status",
    response_model=StatusDetail,
    summary="The full decision",
    description=(
        "Status, reason, category, the debt with amounts, the payments of the last 12 months "
        "month by month and the explanation in the chosen language (R-S-7, R-S-8). Scopes "
        "`status:read` and `history:read` (the answer carries the payment history)."
    ),
    responses=_ERRORS,
)
def person_status(
    who: Annotated[Caller, Depends(require("status:read", "history:read"))],
    asked: Lookup,
    session: DbSession,
    lang: Lang,
) -> StatusDetail:
    answer = status_asked(session, who, asked, "api:status")
    return StatusDetail.from_decision(answer.decision, lang, known=answer.registered)


@router.get(
    "/payments",
    response_model=PaymentHistory,
    summary="Payments of the last 12 months",
    description=(
        "Month by month: how each month is covered and the ledger items that count, plus the "
        "payments not yet credited. Scope `history:read`."
    ),
    responses=_ERRORS,
)
def person_payments(
    who: Annotated[Caller, Depends(require("history:read"))],
    asked: Lookup,
    session: DbSession,
    _lang: Lang,
) -> PaymentHistory:
    answer = status_asked(session, who, asked, "api:payments")
    return PaymentHistory.from_decision(answer.decision)


@router.get(
    "/debts",
    response_model=DebtReport,
    summary="Debts with amounts",
    description="The debt months with what is still due for each. Scope `history:read`.",
    responses=_ERRORS,
)
def person_debts(
    who: Annotated[Caller, Depends(require("history:read"))],
    asked: Lookup,
    session: DbSession,
    _lang: Lang,
) -> DebtReport:
    answer = status_asked(session, who, asked, "api:debts")
    return DebtReport.from_decision(answer.decision, known=answer.registered)


@router.get(
    "/calculator",
    response_model=Calculation,
    summary="What to pay to become insured",
    description=(
        "The options (`clear_debt`, `minimum_now`, `prepay_now`, `prepay_next`) priced as if "
        "paid on `date`, each with its payment plan and the Fund's details, and the "
        "recommended one (R-K-2, R-K-3). Scope `status:read`."
    ),
    responses=_ERRORS,
)
def person_calculator(
    who: Annotated[Caller, Depends(require("status:read"))],
    asked: LookupOn,
    session: DbSession,
    _lang: Lang,
) -> Calculation:
    calculation, registered = calculation_asked(session, who, asked, "api")
    return Calculation.from_calculation(calculation, known=registered)
