"""``HEAD``: what ``GET`` would answer, without the body (RFC 9110 §9.3.2).

FastAPI routes a ``GET`` path for ``GET`` alone, so ``curl -I``, a link checker or a load
balancer's ``HEAD /healthz`` was answered 405.  A ``HEAD`` request is now handled as the ``GET``
of the same path (the same status, headers and audit) and its body is dropped on the way out;
a 405 that allows ``GET`` says it allows ``HEAD`` too.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadAsGetMiddleware"]


class HeadAsGetMiddleware:
    """Answers ``HEAD`` as ``GET`` without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _without_body(send))
        elif scope["type"] == "http":
            await self.app(scope, receive, _allowing_head(send))
        else:
            await self.app(scope, receive, send)


def _without_body(send: Send) -> Send:
    """``send`` with every part of the body emptied (the headers stay GET's)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return sending


def _allowing_head(send: Send) -> Send:
    """``send`` with ``HEAD`` added to the ``Allow`` of a 405 that allows ``GET``."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            headers = [
                (name, _with_head(value) if name.lower() == b"allow" else value)
                for name, value in message.get("headers", [])
            ]
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _with_head(allow: bytes) -> bytes:
    """
    >>> _with_head(b"GET"), _with_head(b"POST"), _with_head(b"GET, HEAD")
    (b'GET, HEAD', b'POST', b'GET, HEAD')
    """
    methods = [m.strip() for m in allow.split(b",")]
    if b"GET" in methods and b"HEAD" not in methods:
        methods.append(b"HEAD")
    return b", ".join(methods)
