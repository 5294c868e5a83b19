"""What an authenticated client may know about a person: the decision, payments, debts and
the calculator (RULES.md §11).  Every look-up is audited by the service it calls."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends

from osms.api.auth import Caller, require
from osms.api.deps import DbSession, Lang, Today
from osms.api.v1.common import AsOfQuery, DateQuery, IinPath, problems
from osms.api.v1.schemas import Calculation, DebtReport, PaymentHistory, StatusDetail
from osms.services.status import calculator_for, status_of
from osms.views.json import calculation_json, decision_json

__all__ = ["router"]

router = APIRouter(prefix="/persons/{iin}", tags=["persons"])

_ERRORS: Final = problems(401, 403, 422, 429)
_HEAD: Final = ("schema", "iin", "date", "as_of", "month")


def _pick(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: body[name] for name in (*_HEAD, *names)}


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
    iin: IinPath,
    session: DbSession,
    today: Today,
    lang: Lang,
    on: DateQuery = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    answer = status_of(
        session, iin, on or today, as_of, actor=who.actor, channel="api:status", address=who.ip
    )
    return decision_json(answer.decision, lang, detail=True, known=answer.registered)


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
    iin: IinPath,
    session: DbSession,
    today: Today,
    lang: Lang,
    on: DateQuery = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    answer = status_of(
        session, iin, on or today, as_of, actor=who.actor, channel="api:payments", address=who.ip
    )
    return _pick(decision_json(answer.decision, lang), "payments", "pending")


@router.get(
    "/debts",
    response_model=DebtReport,
    summary="Debts with amounts",
    description="The debt months with what is still due for each. Scope `history:read`.",
    responses=_ERRORS,
)
def person_debts(
    who: Annotated[Caller, Depends(require("history:read"))],
    iin: IinPath,
    session: DbSession,
    today: Today,
    lang: Lang,
    on: DateQuery = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    answer = status_of(
        session, iin, on or today, as_of, actor=who.actor, channel="api:debts", address=who.ip
    )
    body = decision_json(answer.decision, lang)
    return _pick(body, "status", "reason", "debt_months", "debt", "debt_total")


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
    iin: IinPath,
    session: DbSession,
    today: Today,
    _lang: Lang,
    on: DateQuery = None,
) -> dict[str, Any]:
    calculation = calculator_for(
        session, iin, on or today, actor=who.actor, channel="api", address=who.ip
    )
    return calculation_json(calculation)
