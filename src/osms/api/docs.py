"""The API's interactive documentation at ``/docs``, served from the package: no CDN.

FastAPI's own ``/docs`` loads Swagger UI from a CDN, which a Fund's closed network or an
offline laptop cannot reach.  The assets come from the ``swagger-ui-bundle-v2`` package
(Swagger UI 5, which reads the OpenAPI 3.1 schema FastAPI writes) and are served at
``/docs/static/<name>``.  ReDoc, which only a CDN would serve, is not offered.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Final

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

__all__ = ["ASSETS", "DOCS_URL", "install_docs"]

DOCS_URL: Final = "/docs"
ASSETS: Final = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
"""The files ``/docs`` needs, by name, with their media types."""


def _folder() -> Traversable:
    vendor = resources.files("swagger_ui_bundle") / "vendor"
    found = sorted(entry.name for entry in vendor.iterdir() if entry.name.startswith("swagger-ui"))
    if not found:
        raise RuntimeError("swagger-ui-bundle-v2 holds no swagger-ui folder")
    return vendor / found[-1]


@cache
def _asset(name: str) -> bytes:
    return (_folder() / name).read_bytes()


def install_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI over ``app.openapi_url``) and its assets, from the package."""
    router = APIRouter(include_in_schema=False)
    static = f"{DOCS_URL}/static"

    @router.get(DOCS_URL, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — Swagger UI",
            swagger_js_url=f"{static}/swagger-ui-bundle.js",
            swagger_css_url=f"{static}/swagger-ui.css",
            swagger_favicon_url=f"{static}/favicon-32x32.png",
        )

    @router.get(f"{static}/{{name}}")
    def asset(name: str) -> Response:
        media_type = ASSETS.get(name)
        if media_type is None:
            raise HTTPException(status_code=404)
        return Response(
            _asset(name),
            media_type=media_type,
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

    app.include_router(router)
