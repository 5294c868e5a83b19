"""Register upload for banks (R-F-1, R-F-2, R-F-3, R-L-7): the file in, the line report out.

The sender of a register is the client that uploads it (its name, lower-cased:
:func:`osms.registry.registers.sender_namespace`), the namespace of its CSV keys; ``?sender=``
is refused (422 ``register.sender_not_allowed``).  A register sent again answers its summary
with ``lines_url``, where its recorded lines are read page by page
(``GET /registers/{id}/lines``) by the client that sent it, or an operator.
"""

from __future__ import annotations

import tempfile
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from osms.api.auth import Caller, caller, require
from osms.api.deps import Lang
from osms.api.problems import ApiProblem
from osms.api.settings import ApiSettings
from osms.api.v1.common import problems
from osms.services.registers import BookingReport, book_register, register_summary, report_lines
from osms.views.models import MAX_ID, RegisterLinesPage, RegisterReport, RegisterSummary
from osms.views.registers import (
    register_lines_json,
    register_report_json,
    register_summary_json,
)

__all__ = ["router"]

router = APIRouter(tags=["registers"])

ACCEPTED_TYPES: Final = frozenset({"text/plain", "text/csv", "application/octet-stream"})
PAGE: Final = 1000
"""Lines per page unless ``limit`` says otherwise."""
MAX_PAGE: Final = 10_000
_SPOOL_IN_MEMORY: Final = 8 << 20

_BODY: Final = {
    "requestBody": {
        "required": True,
        "description": (
            "The register file as it is: an MT102 message (UTF-8 or Windows-1251) or a CSV "
            "list with a header row (iin, period, amount, knp, payer, paid_on, channel, "
            "reference)."
        ),
        "content": {
            "text/plain": {
                "schema": {"type": "string"},
                "example": (
                    "iin,period,amount,knp,payer,paid_on,channel,reference\r\n"
                    "900515300018,2025-01,4250.00,122,900515300018,2025-01-10,bank_app,T-1\r\n"
                ),
            },
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/registers",
    status_code=201,
    response_model=RegisterReport,
    summary="Upload a payment register (MT102 or CSV)",
    description=(
        "Good lines are booked, bad lines come back with their codes; `accepted + rejected` "
        "always equals the register's lines (R-F-3). The sender is the client itself: its CSV "
        "lines' keys are `csv:<client name>:<reference>`; `?sender=` is refused with 422 "
        "`register.sender_not_allowed`. A line whose key was booked before is a `duplicate` "
        "when it is the same payment (IIN, month, amount, KNP, payer, payment date), else it is "
        "rejected as `line.key_conflict`, naming the earlier payment. Sending the same file "
        "again changes nothing and answers 200 with the stored summary (no `lines`: read them "
        "at `lines_url`, R-L-7) — unless it was only rejected whole as read in another "
        "`?format=`: then it is read again. A register whose total differs from its lines, "
        "or that cannot be read, is rejected whole: 422 with the code `register.total_mismatch` or "
        "`register.malformed` and the stored `report`, whose `lines` are the lines read that "
        "were malformed, with their codes (R-F-3). Scope `registers:write`."
    ),
    responses={
        200: {"model": RegisterSummary, "description": "Received before: nothing changed."},
        **problems(400, 401, 403, 413, 415, 422, 429, 503),
    },
    openapi_extra=_BODY,
)
async def upload_register(
    request: Request,
    who: Annotated[Caller, Depends(require("registers:write"))],
    lang: Lang,
    register_format: Annotated[
        Literal["mt102", "csv"] | None,
        Query(alias="format", description="Default: detected from the content."),
    ] = None,
    sender: Annotated[
        str | None,
        Query(
            deprecated=True,
            description=(
                "Refused (422 `register.sender_not_allowed`): the sender is the client that "
                "uploads the register."
            ),
        ),
    ] = None,
) -> JSONResponse:
    if sender is not None:
        raise ApiProblem(
            422,
            "register.sender_not_allowed",
            f"the sender of this register is the client {who.actor!r}; do not send ?sender=",
            field="sender",
        )
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type and media_type not in ACCEPTED_TYPES:
        raise ApiProblem(
            415,
            "request.unsupported_media_type",
            f"send the file as {', '.join(sorted(ACCEPTED_TYPES))}, not {media_type[:64]}",
            field="content-type",
        )
    settings: ApiSettings = request.app.state.settings
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
        size = 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > settings.max_register_bytes:
                    raise ApiProblem(
                        413,
                        "request.too_large",
                        f"a register may have at most {settings.max_register_bytes} bytes",
                        extra={"max_bytes": settings.max_register_bytes},
                    )
                spool.write(chunk)
        except ClientDisconnect:
            raise ApiProblem(400, "request.invalid", "the upload was interrupted") from None
        spool.seek(0)
        report = await run_in_threadpool(
            book_register,
            request.app.state.engine,
            spool,
            actor=who.actor,
            sender=who.actor,
            format=register_format,
            door="api:registers",
        )
    if report.resent:
        body = _summary(request, report)
    else:
        body = RegisterReport.model_validate(
            {**register_report_json(report, lang), "lines_url": _lines_url(request, report)}
        ).model_dump(mode="json", by_alias=True)
    if report.reason_code is not None:
        raise ApiProblem(
            422,
            report.reason_code,
            report.reason,
            field="register",
            extra={"register": report.register_id, "report": body},
        )
    return JSONResponse(body, status_code=200 if report.resent else 201)


@router.get(
    "/registers/{register_id}/lines",
    response_model=RegisterLinesPage,
    summary="The recorded lines of a register, page by page",
    description=(
        "The lines of a register that were not simply booked (rejected with their codes, "
        "duplicates), by line number, `limit` of them from the `offset`-th. For the client "
        "that sent the register (scope `registers:write`) or an operator (scope `operator`); "
        "another client's register answers 404."
    ),
    responses=problems(401, 403, 404, 422, 429, 503, audited=True),
)
def register_lines(
    request: Request,
    who: Annotated[Caller, Depends(caller)],
    register_id: Annotated[int, Path(ge=1, le=MAX_ID, description="The register's id.")],
    lang: Lang,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE,
) -> dict[str, Any]:
    if not who.scopes & {"registers:write", "operator"}:
        raise ApiProblem(
            403,
            "auth.scope_missing",
            "reading a register needs the scope registers:write or operator",
            extra={"scopes": ["registers:write"]},
        )
    engine = request.app.state.engine
    sent_by = None if "operator" in who.scopes else who.actor
    report = register_summary(engine, register_id, sent_by=sent_by)
    if report is None:
        raise ApiProblem(404, "request.not_found", f"no register {register_id} of yours")
    lines = report_lines(
        engine, register_id, offset, limit, actor=who.actor, channel="api:registers"
    )
    body = register_lines_json(report, lines, offset, limit, lang)
    following = offset + len(lines)
    body["next_url"] = (
        _lines_url(request, report, following, limit) if following < report.recorded else None
    )
    return body


def _lines_url(request: Request, report: BookingReport, offset: int = 0, limit: int = PAGE) -> str:
    path = request.app.url_path_for("register_lines", register_id=str(report.register_id))
    return f"{path}?offset={offset}&limit={limit}"


def _summary(request: Request, report: BookingReport) -> dict[str, Any]:
    body = {**register_summary_json(report), "lines_url": _lines_url(request, report)}
    return RegisterSummary.model_validate(body).model_dump(mode="json", by_alias=True)
