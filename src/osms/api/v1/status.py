"""The public check by IIN (RULES.md §11): no key needed, limited per IP address.

What it shows is :mod:`osms.views.public`, the one definition the citizen page and the bot
share: status, reason (a state-paid category only as such), insured until, the Fund's
warning, the debt with amounts, what to pay; never a name, a category, a payment or a payer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from osms.api.auth import Caller, optional_caller
from osms.api.deps import DbSession, Lang
from osms.api.problems import ApiProblem
from osms.api.v1.common import Lookup, LookupOn, calculation_asked, problems, status_asked
from osms.views.models import Calculation, PublicStatus
from osms.views.public import public_calculation
from osms.views.public import public_status as public_view

__all__ = ["router"]

router = APIRouter(tags=["public"])


@router.get(
    "/status/{iin}",
    response_model=PublicStatus,
    summary="Is this IIN insured? (public)",
    description=(
        "Status and reason (a state-paid category is only ever `category`: which one is "
        "personal data), insured until, the Fund's warning, the debt months with their "
        "amounts: no names, no payments, no employer or pending months, no payers. "
        "`known: false`: the registry holds no record of this IIN yet (payments appear within "
        "3 working days); no debt is listed for it. Open to everyone and limited per IP "
        "address; a client may send its key to be limited by its own quota instead, and must, "
        "to ask with `as_of` (scope `status:read`). Every look-up is audited."
    ),
    responses=problems(401, 403, 422, 429, 503, audited=True),
)
def public_status(
    who: Annotated[Caller, Depends(optional_caller)], asked: Lookup, session: DbSession, lang: Lang
) -> PublicStatus:
    if asked.as_of is not None and "status:read" not in who.scopes:
        raise ApiProblem(
            403,
            "auth.scope_missing",
            "as_of needs a key with the scope status:read",
            field="as_of",
            extra={"scopes": ["status:read"]},
        )
    answer = status_asked(session, who, asked, "api:public")
    return PublicStatus.from_view(public_view(answer.decision, known=answer.registered), lang)


@router.get(
    "/calculator/{iin}",
    response_model=Calculation,
    summary="What to pay to become insured (public)",
    description=(
        "The options (`clear_debt`, `minimum_now`, `prepay_now`, `prepay_next`) priced as if "
        "paid on `date`, each with its payment plan and the Fund's details, and the "
        "recommended one (R-K-2, R-K-3): what anyone needs to pay, nothing about how the "
        "months were paid. `known: false`: the registry holds no record of this IIN yet, and "
        "only the prepayments are offered, never a debt. Limited per IP address like the "
        "public check; audited."
    ),
    responses=problems(401, 422, 429, 503, audited=True),
)
def public_calculator(
    who: Annotated[Caller, Depends(optional_caller)],
    asked: LookupOn,
    session: DbSession,
    _lang: Lang,
) -> Calculation:
    calculation, registered = calculation_asked(session, who, asked, "api:public")
    shown = public_calculation(calculation, known=registered)
    return Calculation.from_calculation(shown, known=registered)
