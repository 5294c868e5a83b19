"""``/docs`` works offline: Swagger UI and its assets come from the package, never a CDN."""

from __future__ import annotations

import re

from osms.api.docs import ASSETS
from tests.api.conftest import SQLITE_ONLY, Api


@SQLITE_ONLY
def test_the_docs_page_loads_everything_from_this_server(api: Api) -> None:
    response = api.client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert "SwaggerUIBundle" in html and "/openapi.json" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(source.startswith("/docs/static/") for source in sources), sources
    assert "cdn" not in html.lower()
    for source in sources:
        asset = api.client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.content) > 100
    assert api.client.get("/redoc").status_code == 404


@SQLITE_ONLY
def test_the_bundle_is_swagger_ui_5_which_reads_openapi_3_1(api: Api) -> None:
    bundle = api.client.get("/docs/static/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert api.client.get("/openapi.json").json()["openapi"].startswith("3.1")
    assert set(ASSETS) == {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"}
    assert api.client.get("/docs/static/../../pyproject.toml").status_code == 404
    assert api.client.get("/docs/static/index.html").status_code == 404
