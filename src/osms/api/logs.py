"""Structured logs: one JSON line per request, IINs masked, unexpected errors caught.

:class:`RequestLogMiddleware` gives every request an id (``X-Request-ID``, and the
``instance`` of a problem document), measures it and logs one line on the ``osms.api`` logger::

    {"ts": "2025-01-10T07:15:02.120Z", "level": "info", "logger": "osms.api",
     "message": "request", "request_id": "6f1c…", "method": "GET",
     "path": "/api/v1/status/900515******", "status": 200, "duration_ms": 4.1,
     "client": "public", "ip": "192.0.2.7"}

An IIN never reaches a log: every run of nine or more digits (separated or not by a space, a
dash or a dot) keeps its first six digits, the birth date, and the rest becomes ``*``
(:func:`mask`).  Paths are masked where they are logged, :class:`JsonFormatter` masks every
text again, and :class:`MaskingFilter` masks Uvicorn's own lines.  The query string is never
logged.

An exception no handler knows is logged (masked, with the request id) and answered with a
500 problem document; nothing about it reaches the client but the request id.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from osms.api.problems import ApiProblem, is_api_path, problem_response

__all__ = [
    "JsonFormatter",
    "MaskingFilter",
    "RequestLogMiddleware",
    "configure_logging",
    "mask",
]

log = logging.getLogger("osms.api")

_NUMBER: Final = re.compile(r"[0-9](?:[ .\-]?[0-9]){8,}")
_UNMASKED: Final = frozenset({"ts", "request_id", "duration_ms", "status", "ip"})
_STANDARD: Final = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
    | {"message", "asctime", "taskName"}
)


def _mask_number(match: re.Match[str]) -> str:
    seen = 0
    out = []
    for char in match.group():
        if char.isdigit():
            seen += 1
            out.append(char if seen <= 6 else "*")
        else:
            out.append(char)
    return "".join(out)


def mask(text: str) -> str:
    """``text`` with every IIN-like number masked after its sixth digit.

    >>> mask("/api/v1/persons/900515300018/payments")
    '/api/v1/persons/900515******/payments'
    >>> mask("900515-300018 and 9005 1530 0018; date 2025-01-10, id 42")
    '900515-****** and 9005 15** ****; date 2025-01-10, id 42'
    """
    return _NUMBER.sub(_mask_number, text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, Mapping):
        return {str(k): v if k in _UNMASKED else _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask(str(value))


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line; every text in it masked (:func:`mask`)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if key in _UNMASKED else _masked(value)
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class MaskingFilter(logging.Filter):
    """Masks IINs in records of loggers we do not write (Uvicorn's access and error logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: mask(v) if isinstance(v, str) else v for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = mask("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True


_CONFIGURED = "_osms_json_handler"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the current ``sys.stderr`` (which a test runner or a daemon may swap)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for ``osms.api``; masking on Uvicorn's loggers.  Idempotent."""
    if not any(getattr(h, _CONFIGURED, False) for h in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        setattr(handler, _CONFIGURED, True)
        log.addHandler(handler)
    if log.level == logging.NOTSET or log.level > level:
        log.setLevel(level)
    for name in ("uvicorn.access", "uvicorn.error"):
        other = logging.getLogger(name)
        if not any(isinstance(f, MaskingFilter) for f in other.filters):
            other.addFilter(MaskingFilter())


def _client_of(state: Mapping[str, Any]) -> str:
    caller = state.get("caller")
    if caller is None:
        return "-"
    return str(getattr(caller, "log_name", "-"))


class RequestLogMiddleware:
    """Request ids, one masked log line per request, and a problem for unexpected errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(uuid.uuid4())
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        outcome = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"] = message["status"]
                outcome["started"] = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            log.error(
                "unhandled error",
                extra={
                    "request_id": request_id,
                    "error": type(error).__name__,
                    "exception": mask("".join(traceback.format_exception(error))),
                },
            )
            if not outcome["started"]:
                await self._server_error(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": mask(scope.get("path", "")),
                    "status": outcome["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": _client_of(state),
                    "ip": client[0] if client else None,
                },
            )

    @staticmethod
    async def _server_error(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response: Response
        if is_api_path(scope.get("path", "")):
            response = problem_response(request, ApiProblem(500, "server.error"))
        else:
            response = PlainTextResponse("Internal Server Error", status_code=500)
        await response(scope, receive, send)
