"""Health and readiness, request logs with IINs masked, unexpected errors as problems."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from osms.api.app import create_app
from osms.api.logs import JsonFormatter, MaskingFilter, mask
from osms.api.problems import API_MESSAGES
from osms.i18n import ERROR_CODES, t
from osms.registry.db import make_engine
from tests.api.conftest import PREPAID, SQLITE_ONLY, Api, make_api


def test_liveness_and_readiness(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    ready = api.client.get("/readyz")
    assert ready.status_code == 200
    # serving; on this day only the base-rate table's end can be missing (R-P-2, R-K-4)
    missing = [item["code"] for item in ready.json()["missing"]]
    assert set(missing) <= {"upkeep.base_rate"}
    assert ready.json()["status"] == ("degraded" if missing else "ready")
    assert ready.json()["database"] == api.engine.dialect.name


def test_not_ready_when_the_database_is_not_migrated(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        response = TestClient(create_app(engine)).get("/readyz")
    finally:
        engine.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["revision"]) == ("ready.migrations", None)


def test_not_ready_when_the_database_is_unreachable() -> None:
    engine = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:9/none", connect_args={"connect_timeout": 2}
    )
    try:
        response = TestClient(create_app(engine)).get("/readyz")
    finally:
        engine.dispose()
    assert response.status_code == 503
    assert response.json()["code"] == "ready.database"
    assert "nobody" not in response.text  # nothing of the database's address leaks


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "osms.api"]


def test_one_log_line_per_request_and_no_iin_in_any(
    api: Api, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    key = api.key("Halyk")
    caplog.set_level(logging.INFO, logger="osms.api")
    api.client.get(f"/api/v1/status/{PREPAID}")
    api.client.get("/api/v1/status/900515-300019")
    api.client.get(f"/api/v1/persons/{PREPAID}/payments", headers=api.auth(key))
    api.client.post(
        "/api/v1/temporary-applications",
        json={"iin": PREPAID, "category": "pregnant", "documents": []},
        headers=api.auth(key),
    )
    lines = _lines(caplog)
    assert [line["status"] for line in lines] == [200, 422, 200, 422]
    first = lines[0]
    assert first["path"] == "/api/v1/status/900515******"
    assert (first["method"], first["client"], first["message"]) == ("GET", "public", "request")
    assert isinstance(first["duration_ms"], float) and first["request_id"]
    assert lines[1]["path"] == "/api/v1/status/900515-******"
    assert str(lines[2]["client"]).startswith("Halyk (")
    everything = json.dumps(lines) + capsys.readouterr().err + caplog.text
    assert "osms_" not in everything  # nor a key
    for number in (PREPAID, "300018", "300019"):
        assert number not in everything


@SQLITE_ONLY
def test_an_unexpected_error_is_a_logged_500_problem(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(iin: str) -> None:
        raise RuntimeError(f"lost the ledger of {iin}")

    api.app.add_api_route("/api/v1/boom/{iin}", boom)
    caplog.set_level(logging.INFO, logger="osms.api")
    response = api.client.get(f"/api/v1/boom/{PREPAID}", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    problem = response.json()
    assert (problem["code"], problem["message"], problem["field"]) == ("server.error", None, None)
    assert "ledger" not in response.text
    error, request = _lines(caplog)
    assert (error["level"], error["error"]) == ("error", "RuntimeError")
    assert "lost the ledger of 900515******" in str(error["exception"])
    assert error["request_id"] == request["request_id"] == response.headers["x-request-id"]
    assert PREPAID not in json.dumps([error, request])


def test_uvicorns_lines_are_masked_too() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d', None, None
    )
    record.args = ("192.0.2.1:5000", "GET", f"/api/v1/status/{PREPAID}?lang=ru", "1.1", 200)
    MaskingFilter().filter(record)
    assert record.getMessage() == (
        '192.0.2.1:5000 - "GET /api/v1/status/900515******?lang=ru HTTP/1.1" 200'
    )


def test_mask_keeps_dates_and_small_numbers() -> None:
    assert mask("refund 42 on 2025-01-10 for 9005 1530 0018") == (
        "refund 42 on 2025-01-10 for 9005 15** ****"
    )


@SQLITE_ONLY
def test_the_web_page_keeps_its_own_errors(api: Api) -> None:
    response = api.client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"] != "application/problem+json"


@SQLITE_ONLY
def test_an_unknown_api_route_is_a_problem(api: Api) -> None:
    response = api.client.get("/api/v1/nowhere")
    assert (response.status_code, response.json()["code"]) == (404, "request.not_found")
    wrong_method = api.client.delete(f"/api/v1/status/{PREPAID}")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (
        405,
        "request.method_not_allowed",
    )


@SQLITE_ONLY
def test_a_405_allows_every_method_of_the_path(api: Api) -> None:
    """RFC 9110 §15.5.6: ``Allow`` lists the methods the resource supports; a path served by
    two routes (the refund list by GET, a new application by POST) answered ``Allow: POST``."""
    for path, allowed in (
        ("/api/v1/refund-applications", {"GET", "HEAD", "POST"}),
        ("/api/v1/temporary-applications", {"POST"}),
        (f"/api/v1/status/{PREPAID}", {"GET", "HEAD"}),
    ):
        refused = api.client.request("OPTIONS", path)
        assert (refused.status_code, refused.json()["code"]) == (405, "request.method_not_allowed")
        assert {m.strip() for m in refused.headers["allow"].split(",")} == allowed, path


def test_the_api_codes_take_their_texts_from_the_catalogs() -> None:
    assert set(API_MESSAGES) <= set(ERROR_CODES)
    assert API_MESSAGES["rate.limited"] == "Too many requests: please wait and try again."


def test_the_schema_documents_problems_and_keys(sqlite_engine: Engine) -> None:
    schema = make_api(sqlite_engine).client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/persons/{iin}/payments"]["get"]
    assert {"bearer": []} in operation["security"] and {"apiKey": []} in operation["security"]
    assert operation["responses"]["403"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    public = schema["paths"]["/api/v1/status/{iin}"]["get"]
    assert public["security"][0] == {}  # the key is optional there
    assert "examples" in schema["components"]["schemas"]["PublicStatus"]
    assert set(schema["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    for path, operations in schema["paths"].items():
        if path.startswith("/api/"):
            for operation in operations.values():
                assert "200" in operation["responses"] or "201" in operation["responses"]


_INVALID_INPUTS = [
    # (method, path, what is sent, the Pydantic error type expected)
    ("post", "/api/v1/refund-applications", {"json": {"reason": "wrong_iin"}}, "missing"),
    ("get", "/api/v1/refund-applications", {"params": {"overdue": "maybe"}}, "bool_parsing"),
    ("post", "/api/v1/refund-applications", {"json": {"payment_id": "x"}}, "int_parsing"),
    ("post", "/api/v1/refund-applications", {"json": {"payment_id": 0}}, "greater_than_equal"),
    ("post", "/api/v1/refund-applications", {"json": {"reason": "x"}}, "enum"),
    ("get", f"/api/v1/status/{PREPAID}", {"params": {"date": "2019-12-31"}}, "greater_than_equal"),
    (
        "get",
        f"/api/v1/status/{PREPAID}",
        {"params": {"date": "2025-02-30"}},
        "date_from_datetime_parsing",
    ),
    (
        "get",
        "/api/v1/amounts",
        {"params": {"kind": "self_payer", "income": "9" * 40}},
        "string_too_long",
    ),
    ("get", "/api/v1/registers/1/lines", {"params": {"limit": 0}}, "greater_than_equal"),
    ("get", "/api/v1/registers/1/lines", {"params": {"limit": 10**6}}, "less_than_equal"),
    ("get", "/api/v1/amounts", {"params": {"kind": "self_payer", "lang": "de"}}, "literal_error"),
    ("post", "/api/v1/temporary-applications", {"content": b'{"iin": '}, "json_invalid"),
]


@SQLITE_ONLY
@pytest.mark.parametrize(("method", "path", "sent", "kind"), _INVALID_INPUTS)
def test_each_invalid_input_is_told_in_the_language_asked(
    api: Api, method: str, path: str, sent: dict[str, object], kind: str
) -> None:
    """``errors[].text`` in kk, ru or en for the common Pydantic errors; ``errors[].message``
    stays Pydantic's English, the same whatever the language."""
    key = api.key("Operator", ["operator", "registers:write"])
    items = {}
    for lang in ("kk", "ru", "en"):
        headers = {**api.auth(key), "Accept-Language": lang, "Content-Type": "application/json"}
        answer = api.client.request(method, path, headers=headers, **sent)  # type: ignore[arg-type]
        problem = answer.json()
        assert (problem["code"], problem["lang"]) == ("request.invalid", lang), answer.text
        [item] = [i for i in problem["errors"] if i["type"] == kind]
        items[lang] = item
    generic = {lang: t(lang, "The value is not valid.") for lang in items}
    assert all(items[lang]["text"] != generic[lang] for lang in items), items
    assert len({item["text"] for item in items.values()}) == 3, items
    assert len({item["message"] for item in items.values()}) == 1


@SQLITE_ONLY
def test_a_date_bound_is_written_as_a_date_in_the_language(api: Api) -> None:
    answer = api.client.get(
        f"/api/v1/status/{PREPAID}", params={"date": "2019-12-31", "lang": "ru"}
    )
    [item] = answer.json()["errors"]
    assert item["text"] == "Слишком ранняя дата (нужна не ранее 1 января 2020 г.)."
    assert item["message"] == "Input should be greater than or equal to 2020-01-01"
