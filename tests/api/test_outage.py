"""While the database cannot be reached: 503 with Retry-After for the API and the page, never a
500, and nothing about the database in the answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, exc

from osms.api.app import create_app
from osms.api.problems import RETRY_AFTER_SECONDS
from osms.api.settings import ApiSettings
from osms.i18n import error_message
from osms.registry.db import make_engine
from osms.services.errors import ServiceError
from tests.api.conftest import PREPAID, SQLITE_ONLY, TODAY, make_api

UNREACHABLE = {
    # Nothing listens on port 1; the user name must never reach an answer.
    "postgresql": "postgresql+psycopg://nobody:secret@127.0.0.1:1/osms",
    # A folder where the database file should be: SQLite cannot open it.
    "sqlite": "sqlite:///{tmp_path}",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def down(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    url = UNREACHABLE[request.param].format(tmp_path=tmp_path)
    options = {"connect_args": {"connect_timeout": 2}} if url.startswith("postgresql") else {}
    engine = make_engine(url, **options)
    settings = ApiSettings(today=lambda: TODAY)
    yield TestClient(create_app(engine, settings), raise_server_exceptions=False)
    engine.dispose()


def _retry_after(response: object) -> int:
    return int(response.headers["retry-after"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_api_answers_503_with_retry_after(down: TestClient, lang: str) -> None:
    response = down.get(f"/api/v1/status/{PREPAID}", params={"lang": lang})
    assert response.status_code == 503
    assert _retry_after(response) == RETRY_AFTER_SECONDS
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["lang"], problem["status"]) == (
        "service.unavailable",
        lang,
        503,
    )
    assert problem["detail"] == error_message("service.unavailable", lang)
    assert "nobody" not in response.text and "secret" not in response.text


def test_a_client_with_a_key_gets_503_too(down: TestClient) -> None:
    """The key cannot be checked either: still the outage, not a 401 nor a 500."""
    key = {"Authorization": "Bearer osms_00000000_" + "y" * 43}
    response = down.get(f"/api/v1/persons/{PREPAID}/payments", headers=key)
    assert (response.status_code, response.json()["code"]) == (503, "service.unavailable")
    assert _retry_after(response) == RETRY_AFTER_SECONDS


def test_every_api_route_declares_the_outage(down: TestClient) -> None:
    """Each route that answers the outage says so in /openapi.json, as a problem document."""
    key = {"Authorization": "Bearer osms_00000000_" + "y" * 43}
    params = {"iin": PREPAID, "application_id": "1", "register_id": "1"}
    operations = down.get("/openapi.json").json()["paths"]
    for template, methods in operations.items():
        if not template.startswith("/api/"):
            continue
        for method, operation in methods.items():
            response = down.request(method, template.format(**params), headers=key)
            assert response.status_code == 503, (method, template)
            declared = operation["responses"]["503"]
            assert "`service.unavailable`" in declared["description"], (method, template)
            assert declared["content"]["application/problem+json"]


@pytest.mark.parametrize("path", ["/", "/status", "/calculator", "/plan"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_page_shows_the_outage_in_its_language(down: TestClient, path: str, lang: str) -> None:
    response = down.get(path, params={"iin": PREPAID, "lang": lang})
    assert response.status_code == 503
    assert _retry_after(response) == RETRY_AFTER_SECONDS
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == lang
    assert error_message("service.unavailable", lang) in response.text
    assert 'name="iin"' in response.text  # the form again, to try later


def test_the_form_itself_needs_no_database(down: TestClient) -> None:
    assert down.get("/").status_code == 200


def test_readiness_reports_the_outage(down: TestClient) -> None:
    response = down.get("/readyz")
    assert (response.status_code, response.json()["code"]) == (503, "ready.database")


@SQLITE_ONLY
def test_a_database_error_that_is_no_outage_stays_a_500(engine: Engine) -> None:
    """A broken constraint is a fault of the code: 500 server.error, not a 503 to retry."""
    api = make_api(engine)

    def broken() -> None:
        raise exc.IntegrityError("INSERT", None, ValueError("duplicate"))

    api.app.add_api_route("/api/v1/broken", broken)
    client = TestClient(api.app, raise_server_exceptions=False)
    response = client.get("/api/v1/broken")
    assert (response.status_code, response.json()["code"]) == (500, "server.error")
    assert "retry-after" not in response.headers


@SQLITE_ONLY
def test_a_dropped_connection_mid_request_is_503(engine: Engine) -> None:
    api = make_api(engine)

    def dropped() -> None:
        raise exc.OperationalError("SELECT 1", None, ConnectionResetError("server closed"))

    api.app.add_api_route("/api/v1/dropped", dropped)
    response = TestClient(api.app, raise_server_exceptions=False).get("/api/v1/dropped")
    assert (response.status_code, response.json()["code"]) == (503, "service.unavailable")
    assert "server closed" not in response.text


@SQLITE_ONLY
def test_every_503_says_when_to_retry(engine: Engine) -> None:
    """The audit trail out of reach (a ServiceError with 503) answers like the outage does."""
    api = make_api(engine)

    def unaudited() -> None:
        raise ServiceError("audit.unavailable", "the audit event cannot be written", status=503)

    api.app.add_api_route("/api/v1/unaudited", unaudited)
    response = TestClient(api.app, raise_server_exceptions=False).get("/api/v1/unaudited")
    assert (response.status_code, response.json()["code"]) == (503, "audit.unavailable")
    assert _retry_after(response) == RETRY_AFTER_SECONDS
