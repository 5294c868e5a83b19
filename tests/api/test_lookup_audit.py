"""No look-up answered without its audit row, durable before the answer leaves (RULES.md §11).

The page and the API record the caller's address; when the audit row cannot be written the
API answers 503 ``audit.unavailable`` and the page its form with the same message; when the
transaction holding the row cannot commit, the answer is an outage (503), never the status.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, exc, select, text
from sqlalchemy.orm import Session

from osms.i18n import error_message
from osms.registry.models import AuditEvent
from tests.api.conftest import PREPAID, Api, make_api


def _events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.iin == PREPAID)))


def test_the_page_records_the_callers_address(api: Api) -> None:
    assert api.client.get("/status", params={"iin": PREPAID}).status_code == 200
    assert api.client.get("/calculator", params={"iin": PREPAID}).status_code == 200
    page, calculator = _events(api.engine)
    assert (page.actor, page.action) == ("web", "status.lookup")
    assert page.detail["address"] == calculator.detail["address"] == "testclient"


def test_the_api_records_the_callers_address_too(api: Api) -> None:
    key = api.key("Clinic", ["status:read", "history:read"])
    api.client.get(f"/api/v1/persons/{PREPAID}/status", headers=api.auth(key))
    api.client.get(f"/api/v1/status/{PREPAID}")
    client, public = _events(api.engine)
    assert (client.actor, client.detail["address"]) == ("Clinic", "testclient")
    assert (public.actor, public.detail["address"]) == ("public:testclient", "testclient")


@pytest.fixture
def audit_refused(seeded: Engine) -> Iterator[Api]:
    """The audit table takes no row (a broken disk, a full table space); a clinic's key and
    an operator's, made before, are ``api.keys["Clinic"]`` and ``api.keys["Operator"]``."""
    api = make_api(seeded)
    api.client = TestClient(api.app, raise_server_exceptions=False)
    api.key("Clinic", ["status:read", "history:read"])
    api.key("Operator", ["operator"])
    with seeded.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    "BEGIN RAISE EXCEPTION 'audit storage down'; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
                    "FOR EACH ROW EXECUTE FUNCTION audit_down()"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
                    "BEGIN SELECT RAISE(ABORT, 'audit storage down'); END"
                )
            )
    yield api


@pytest.mark.parametrize("path", [f"/api/v1/status/{PREPAID}", f"/api/v1/persons/{PREPAID}/status"])
def test_the_api_answers_503_without_the_status(audit_refused: Api, path: str) -> None:
    key = audit_refused.keys["Clinic"]
    response = audit_refused.client.get(path, headers=audit_refused.auth(key))
    assert response.status_code == 503
    problem = response.json()
    assert (problem["code"], problem["status"]) == ("audit.unavailable", 503)
    assert "insured" not in response.text and "storage" not in response.text


@pytest.mark.parametrize(
    ("template", "key"),
    [
        ("/api/v1/status/{iin}", "Clinic"),
        ("/api/v1/calculator/{iin}", "Clinic"),
        ("/api/v1/persons/{iin}/status", "Clinic"),
        ("/api/v1/persons/{iin}/payments", "Clinic"),
        ("/api/v1/persons/{iin}/debts", "Clinic"),
        ("/api/v1/persons/{iin}/calculator", "Clinic"),
        ("/api/v1/refund-applications", "Operator"),
    ],
)
def test_an_audited_lookup_declares_its_503(audit_refused: Api, template: str, key: str) -> None:
    """A client reading /openapi.json learns that a look-up may be refused for its audit."""
    api = audit_refused
    response = api.client.get(template.format(iin=PREPAID), headers=api.auth(api.keys[key]))
    assert (response.status_code, response.json()["code"]) == (503, "audit.unavailable")
    declared = api.client.get("/openapi.json").json()["paths"][template]["get"]["responses"]
    assert "`audit.unavailable`" in declared["503"]["description"]
    assert declared["503"]["content"]["application/problem+json"]


def test_the_page_shows_why_and_no_status(audit_refused: Api) -> None:
    response = audit_refused.client.get("/status", params={"iin": PREPAID, "lang": "ru"})
    assert response.status_code == 503
    assert error_message("audit.unavailable", "ru") in response.text
    assert "ЗАСТРАХОВАН" not in response.text


def test_an_answer_leaves_only_after_its_audit_row_is_committed(api: Api) -> None:
    """The commit that makes the row durable fails: the client gets an outage, no status."""

    def disk_fails(connection: Any) -> None:
        raise exc.OperationalError("COMMIT", None, OSError("could not fsync the WAL"))

    client = TestClient(api.app, raise_server_exceptions=False)
    event.listen(api.engine, "commit", disk_fails)
    try:
        response = client.get(f"/api/v1/status/{PREPAID}")
    finally:
        event.remove(api.engine, "commit", disk_fails)
    assert response.status_code == 503
    assert response.json()["code"] == "service.unavailable"
    assert "insured" not in response.text
    assert _events(api.engine) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_a_failure_at_commit_is_never_an_answer(api: Api) -> None:
    """A constraint checked at COMMIT refuses the audit row (as a full disk would)."""
    with api.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE FUNCTION audit_full() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION 'no space left' USING ERRCODE = 'disk_full'; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE CONSTRAINT TRIGGER audit_full AFTER INSERT ON audit_events "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_full()"
            )
        )
    client = TestClient(api.app, raise_server_exceptions=False)
    response = client.get(f"/api/v1/status/{PREPAID}")
    assert response.status_code == 503
    assert "insured" not in response.text
    assert _events(api.engine) == []
