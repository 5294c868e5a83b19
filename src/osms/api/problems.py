"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error of the API answers with one shape::

    {
      "type": "urn:osms:problem:iin.checksum",
      "title": "The check digit of the IIN is wrong: please check the number.",
      "status": 422,
      "detail": "ЖСН бақылау цифры қате: нөмірді тексеріңіз.",
      "instance": "urn:uuid:6f1c…",
      "code": "iin.checksum",
      "field": "iin",
      "lang": "kk",
      "message": "IIN check digit is 9, expected 8"
    }

- ``type`` is ``urn:osms:problem:<code>``; ``code`` (an extension member) is the same stable
  code the core, the command line and the bot use (``iin.checksum``, ``register.total_mismatch``,
  ``auth.key_invalid``...).  Match on ``code``; never on a text.
- ``title`` is the code's English summary (stable for the type), ``detail`` the same in the
  request's language (``?lang=``, else ``Accept-Language``; Kazakh by default), also sent as
  ``Content-Language``.
- ``instance`` names this occurrence: the request id, also sent as ``X-Request-ID`` and written
  in the server's log line.
- ``field`` names the input at fault (or null), ``message`` is the core's English text about
  this occurrence (or null).  Validation problems add ``errors``: ``[{field, type, message,
  text}]``: ``message`` is Pydantic's English, ``text`` says what is wrong in the request's
  language.
  Other members may be added (``scope``, ``register``...), never removed.

Paths outside the API (the citizen web page) keep FastAPI's own answers for HTTP errors.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from osms.api.validation import text_of
from osms.i18n import LANGUAGES, error_message, negotiate
from osms.rules.errors import RuleError
from osms.services.errors import ServiceError

__all__ = [
    "API_MESSAGES",
    "PROBLEM_MEDIA_TYPE",
    "RETRY_AFTER_SECONDS",
    "TYPE_PREFIX",
    "ApiProblem",
    "Problem",
    "ValidationItem",
    "install_problem_handlers",
    "is_api_path",
    "language_of",
    "problem_body",
    "problem_response",
]

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
TYPE_PREFIX: Final = "urn:osms:problem:"

log = logging.getLogger("osms.api")

_API_CODES: Final = (
    "auth.key_missing",
    "auth.key_invalid",
    "auth.key_revoked",
    "auth.scope_missing",
    "rate.limited",
    "request.invalid",
    "request.not_found",
    "request.method_not_allowed",
    "request.too_large",
    "request.unsupported_media_type",
    "request.failed",
    "server.error",
    "ready.database",
    "ready.migrations",
    "service.unavailable",
)

API_MESSAGES: Final[Mapping[str, str]] = {code: error_message(code, "en") for code in _API_CODES}
"""The English messages of the API's own codes, read from the catalogs (each text written once)."""

RETRY_AFTER_SECONDS: Final = 30
"""``Retry-After`` of every 503 (the database or the audit trail out of reach): long enough for
a restart or a fail-over, short for a person."""

_HTTP_CODES: Final[Mapping[int, str]] = {
    400: "request.invalid",
    404: "request.not_found",
    405: "request.method_not_allowed",
    413: "request.too_large",
    415: "request.unsupported_media_type",
}


class ApiProblem(Exception):
    """An error the API answers with a problem document."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | None = None,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message or code)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    @classmethod
    def refusing(cls, error: RuleError, field: str, **extra: Any) -> ApiProblem:
        """A rule's refusal (422) of the input ``field``, with what the client needs to fix it."""
        return cls(422, error.code, error.message, field=field, extra=extra)


class ValidationItem(BaseModel):
    field: str = Field(description="The input at fault, e.g. `date` or `documents.0.kind`.")
    type: str = Field(description="The validation error's type (`missing`, `date_type`...).")
    message: str = Field(description="Pydantic's English text, technical (stable for the type).")
    text: str = Field(description="What is wrong, in the request's language (`lang`).")


class Problem(BaseModel):
    """An RFC 9457 problem document with the OSMS extension members."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:osms:problem:iin.checksum",
                    "title": "The check digit of the IIN is wrong: please check the number.",
                    "status": 422,
                    "detail": "Неверная контрольная цифра ИИН: проверьте номер.",
                    "instance": "urn:uuid:0b5c3d1e-8f7a-4c2b-9d6e-1a2b3c4d5e6f",
                    "code": "iin.checksum",
                    "field": "iin",
                    "lang": "ru",
                    "message": "IIN check digit is 9, expected 8",
                }
            ]
        },
    )

    type: str = Field(description="`urn:osms:problem:<code>`.")
    title: str = Field(description="The code's English summary, the same for every occurrence.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong, in the request's language.")
    instance: str = Field(description="This occurrence: `urn:uuid:<request id>` (X-Request-ID).")
    code: str = Field(description="The stable error code; match on it.")
    field: str | None = Field(default=None, description="The input at fault, if any.")
    lang: str = Field(description="The language of `detail`: kk, ru or en.")
    message: str | None = Field(
        default=None, description="The core's English text about this occurrence."
    )
    errors: list[ValidationItem] | None = Field(
        default=None, description="Validation problems (code `request.invalid`), one per input."
    )


def is_api_path(path: str) -> bool:
    """True for the REST API and the health endpoints (answered with problem documents)."""
    return path == "/api" or path.startswith("/api/") or path in ("/healthz", "/readyz")


def language_of(request: Request) -> str:
    """``?lang=`` when it names a language, else ``Accept-Language``; Kazakh by default."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    return negotiate(request.headers.get("accept-language"))


def _texts(code: str, lang: str) -> tuple[str, str]:
    """(title in English, detail in ``lang``) for a code."""
    return error_message(code, "en"), error_message(code, lang)


def request_id_of(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "unknown")


def problem_body(problem: ApiProblem, *, lang: str, request_id: str) -> dict[str, Any]:
    """The problem document (RFC 9457) of ``problem``, its texts in ``lang``."""
    title, detail = _texts(problem.code, lang)
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + problem.code,
        "title": title,
        "status": problem.status,
        "detail": detail,
        "instance": f"urn:uuid:{request_id}",
        "code": problem.code,
        "field": problem.field,
        "lang": lang,
        "message": problem.message,
    }
    for name, value in problem.extra.items():
        body.setdefault(name, value)
    return body


def problem_response(request: Request, problem: ApiProblem) -> JSONResponse:
    """The answer to ``request`` with ``problem``, in the request's language."""
    lang = language_of(request)
    return JSONResponse(
        problem_body(problem, lang=lang, request_id=request_id_of(request)),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Content-Language": lang, **problem.headers},
    )


_NOT_JSON: Final = "json_invalid"
"""Pydantic's error type for a body that cannot be parsed as JSON (its location is an offset)."""


def _body_or_location(error: Mapping[str, Any]) -> str:
    if error.get("type") == _NOT_JSON:
        return "body"
    return _location(error.get("loc", ()))


def _location(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in ("path", "query", "header", "cookie", "body"):
        parts = parts[1:]
    return ".".join(parts)


async def _api_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    return problem_response(request, exc)


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    status = exc.status if 400 <= exc.status < 600 else 422  # 503: audit.unavailable
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    problem = ApiProblem(status, exc.code, exc.message, field=exc.field, headers=headers)
    return problem_response(request, problem)


async def _rule_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RuleError)
    return problem_response(request, ApiProblem(422, exc.code, exc.message, field=exc.field))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if not is_api_path(request.url.path):
        return await request_validation_exception_handler(request, exc)
    lang = language_of(request)
    items = [
        {
            "field": _body_or_location(error),
            "type": str(error.get("type", "invalid")),
            "message": str(error.get("msg", "")),
            "text": text_of(error, lang),
        }
        for error in exc.errors()
    ]
    first = items[0] if items else {"field": None, "message": None}
    # A body that is no JSON at all cannot be checked field by field: 400, as documented.
    status = 400 if any(item["type"] == _NOT_JSON for item in items) else 422
    problem = ApiProblem(
        status, "request.invalid", first["message"], field=first["field"], extra={"errors": items}
    )
    return problem_response(request, problem)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if not is_api_path(request.url.path):
        if exc.status_code == 404:
            from osms.api.web.pages import not_found  # the page's own, in its language

            return not_found(request)
        return await http_exception_handler(request, exc)
    code = _HTTP_CODES.get(exc.status_code, "request.failed")
    message = exc.detail if isinstance(exc.detail, str) else None
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed(request, headers.get("Allow", ""))
    return problem_response(request, ApiProblem(exc.status_code, code, message, headers=headers))


_METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed(request: Request, route_allows: str) -> str:
    """Every method the path is served with (RFC 9110 §15.5.6), not only the first route's:
    a path served by two routes (``GET`` and ``POST`` of the refund applications) is answered
    405 by the first, whose ``Allow`` names its own method alone.  The others are read from
    the API's schema, whose paths are the routes'."""
    methods = {m.strip().upper() for m in route_allows.split(",") if m.strip()}
    path = request.url.path
    for template, operations in request.app.openapi().get("paths", {}).items():
        if _template(template).fullmatch(path):
            methods.update(m.upper() for m in operations if m.upper() in _METHODS)
    return ", ".join(m for m in _METHODS if m in methods)


@functools.cache
def _template(path: str) -> re.Pattern[str]:
    """
    >>> bool(_template("/api/v1/status/{iin}").fullmatch("/api/v1/status/900515300018"))
    True
    >>> bool(_template("/api/v1/status/{iin}").fullmatch("/api/v1/status/9/x"))
    False
    """
    parts = re.split(r"(\{[^}/]+\})", path)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def install_problem_handlers(app: FastAPI) -> None:
    """Answer API errors with problem documents (unexpected errors: see :mod:`.logs`)."""
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RuleError, _rule_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
