"""``HEAD``: what ``GET`` would answer, without the body (RFC 9110 §9.3.2).

FastAPI routes a ``GET`` path for ``GET`` alone, so ``curl -I``, a link checker or a load
balancer's ``HEAD /healthz`` was answered 405.  A ``HEAD`` request is now handled as the ``GET``
of the same path (the same status, headers and audit) and its body is dropped on the way out.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadAsGetMiddleware"]


class HeadAsGetMiddleware:
    """Answers ``HEAD`` as ``GET`` without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
