"""The API's answers are about one person, in the language asked: not stored, and varying by
``Accept-Language`` (RFC 9111 §5.2.2.5, RFC 9110 §12.5.5), as the citizen page's already are
(:mod:`osms.api.web.rendering`).

A shared cache or a proxy between a bank and the API must neither keep a person's payments
nor hand a Kazakh answer to a client that asked in Russian.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from osms.api.problems import is_api_path

__all__ = ["NoStoreMiddleware"]

_VARY: Final = "Accept-Language"


class NoStoreMiddleware:
    """Adds ``Cache-Control: no-store`` and ``Vary: Accept-Language`` to the API's answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Cache-Control", "no-store")
                varies = [v.strip().lower() for v in headers.get("Vary", "").split(",")]
                if _VARY.lower() not in varies:
                    headers.append("Vary", _VARY)
            await send(message)

        await self.app(scope, receive, sending)
