"""Register upload for banks (R-F-1, R-F-2, R-F-3, R-L-7): the file in, the line report out."""

from __future__ import annotations

import tempfile
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from osms.api.auth import Caller, require
from osms.api.deps import Lang
from osms.api.problems import ApiProblem
from osms.api.settings import ApiSettings
from osms.api.v1.common import problems
from osms.api.v1.schemas import PlainText, RegisterReport
from osms.intake.booking import book_register
from osms.views.registers import register_report_json

__all__ = ["router"]

router = APIRouter(tags=["registers"])

ACCEPTED_TYPES: Final = frozenset({"text/plain", "text/csv", "application/octet-stream"})
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
        "always equals the register's lines (R-F-3). Sending the same file again changes "
        "nothing and answers 200 with the stored report (R-L-7). A register whose total "
        "differs from its lines, or that cannot be read, is rejected whole: 422 with the code "
        "`register.total_mismatch` or `register.malformed` and the stored `report`. "
        "Scope `registers:write`."
    ),
    responses={
        200: {"model": RegisterReport, "description": "Received before: nothing changed."},
        **problems(400, 401, 403, 413, 415, 422, 429),
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
        PlainText | None,
        Query(
            min_length=1,
            max_length=32,
            description="The sending bank or channel (CSV lists); default: the client's name.",
        ),
    ] = None,
) -> JSONResponse:
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
            format=register_format,
            sender=sender or who.actor,
        )
    body = RegisterReport.model_validate(register_report_json(report, lang)).model_dump(
        mode="json", by_alias=True
    )
    if report.reason_code is not None:
        raise ApiProblem(
            422,
            report.reason_code,
            report.reason,
            field="register",
            extra={"register": report.register_id, "report": body},
        )
    return JSONResponse(body, status_code=200 if report.resent else 201)
