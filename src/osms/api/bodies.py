"""The size of a request's body: bounded before anything reads it.

A JSON body (an application, a decision, a refusal) is a few hundred bytes; a client that sends
megabytes, with or without a key, is answered 413 ``request.too_large`` instead of being read
into memory (FastAPI reads a body before it checks the key).  A register upload
(``POST /api/v1/registers``) has its own, larger bound (``OSMS_MAX_REGISTER_MB``), which its
route enforces as it spools the file.

A declared ``Content-Length`` over the bound is refused before a byte is read; a body sent in
chunks is counted as it is read and refused when it passes the bound.
"""

from __future__ import annotations

from typing import Final

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from osms.api.problems import ApiProblem, problem_response

__all__ = ["MAX_BODY_BYTES", "BodyLimitMiddleware"]

MAX_BODY_BYTES: Final = 1 << 20
"""The largest body of a request other than a register upload: 1 MiB, a thousand times the
largest application the API takes."""

_OWN_BOUND: Final = frozenset({("POST", "/api/v1/registers")})
"""Routes that bound their own body (a register, up to ``OSMS_MAX_REGISTER_MB``)."""


class BodyLimitMiddleware:
    """Refuses a body larger than :data:`MAX_BODY_BYTES` (413 ``request.too_large``)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) in _OWN_BOUND:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            response = problem_response(Request(scope), self._too_large())
            await response(scope, receive, send)
            return
        await self.app(scope, self._counted(receive), send)

    def _counted(self, receive: Receive) -> Receive:
        read = 0

        async def counted() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > self.max_bytes:
                    # Raised where the route reads its body: answered as a problem document.
                    raise HTTPException(413, detail=self._too_large().message)
            return message

        return counted

    def _too_large(self) -> ApiProblem:
        return ApiProblem(
            413,
            "request.too_large",
            f"a request's body may have at most {self.max_bytes} bytes",
            extra={"max_bytes": self.max_bytes},
        )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses it; counted as read otherwise
    return None
