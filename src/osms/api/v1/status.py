"""The public status check by IIN (RULES.md §11): no key needed, limited per IP address."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from osms.api.auth import Caller, optional_caller
from osms.api.deps import DbSession, Lang, Today
from osms.api.problems import ApiProblem
from osms.api.v1.common import AsOfQuery, DateQuery, IinPath, problems
from osms.api.v1.schemas import PublicStatus
from osms.services.status import status_of
from osms.views.json import decision_json

__all__ = ["router"]

router = APIRouter(tags=["public"])


@router.get(
    "/status/{iin}",
    response_model=PublicStatus,
    summary="Is this IIN insured? (public)",
    description=(
        "Status and reason, insured until, the debt months: no names, no payments. Open to "
        "everyone and limited per IP address; a client may send its key to be limited by its "
        "own quota instead, and must, to ask with `as_of` (scope `status:read`). Every look-up "
        "is audited."
    ),
    responses=problems(401, 403, 422, 429),
)
def public_status(
    who: Annotated[Caller, Depends(optional_caller)],
    iin: IinPath,
    session: DbSession,
    today: Today,
    _lang: Lang,
    on: DateQuery = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    if as_of is not None and "status:read" not in who.scopes:
        raise ApiProblem(
            403,
            "auth.scope_missing",
            "as_of needs a key with the scope status:read",
            field="as_of",
            extra={"scopes": ["status:read"]},
        )
    answer = status_of(
        session, iin, on or today, as_of, actor=who.actor, channel="api:public", address=who.ip
    )
    return decision_json(answer.decision, detail=False)
