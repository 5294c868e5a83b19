"""/readyz with the parameters check (R-P-2): degraded but serving while the year ahead lacks
its MW or decree of transfers; 503 only when the service cannot answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from osms.api.app import create_app
from osms.api.settings import ApiSettings
from osms.rules import parameters
from tests.conftest import BASE_RATE_THROUGH_2027, WAGE_2027

CALENDAR_2027 = """\
checked_through: 2027-12-31
entries: []
"""


def _client(engine: Engine, today: date) -> TestClient:
    return TestClient(create_app(engine, ApiSettings(today=lambda: today)))


@pytest.fixture
def folder(parameters_folder: Path) -> Path:
    return parameters_folder


def test_degraded_but_serving_while_2027_is_not_recorded(sqlite_engine: Engine) -> None:
    response = _client(sqlite_engine, date(2026, 12, 7)).get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "sqlite"
    assert [(m["code"], m["year"]) for m in body["missing"]] == [
        ("upkeep.minimum_wage", 2027),
        ("upkeep.calendar", 2027),
        ("upkeep.base_rate", 2026),
    ]
    assert "ЕТЖ" in body["missing"][0]["message"]  # Kazakh by default
    english = _client(sqlite_engine, date(2026, 12, 7)).get("/readyz?lang=en").json()
    assert english["missing"][1]["message"].startswith("The working-day calendar of 2027")


def test_degraded_while_the_base_rate_table_ends_before_today(sqlite_engine: Engine) -> None:
    # R-P-2 names what is missing: penalties after the table's last day fail (R-K-4)
    last = parameters.load_parameters().get("base_rate").until
    assert last is not None
    body = _client(sqlite_engine, date(2026, 10, 1)).get("/readyz?lang=en").json()
    assert body["status"] == "degraded"
    [gap] = body["missing"]
    assert (gap["code"], gap["known_until"]) == ("upkeep.base_rate", last.isoformat())
    assert gap["message"].startswith("The National Bank's base rate is recorded up to and incl")


def test_ready_when_nothing_is_missing(sqlite_engine: Engine, folder: Path) -> None:
    (folder / "base_rate.yaml").write_text(BASE_RATE_THROUGH_2027, encoding="utf-8")
    parameters.reload()
    body = _client(sqlite_engine, date(2026, 10, 1)).get("/readyz").json()
    assert (body["status"], body["missing"]) == ("ready", [])


def test_ready_again_once_the_folder_provides_2027(sqlite_engine: Engine, folder: Path) -> None:
    (folder / "minimum_wage.yaml").write_text(WAGE_2027, encoding="utf-8")
    (folder / "base_rate.yaml").write_text(BASE_RATE_THROUGH_2027, encoding="utf-8")
    (folder / "calendar").mkdir()
    (folder / "calendar" / "2027.yaml").write_text(CALENDAR_2027, encoding="utf-8")
    parameters.reload()
    body = _client(sqlite_engine, date(2026, 12, 7)).get("/readyz").json()
    assert (body["status"], body["missing"]) == ("ready", [])


def test_not_ready_when_a_parameter_file_does_not_load(sqlite_engine: Engine, folder: Path) -> None:
    (folder / "minimum_wage.yaml").write_text(WAGE_2027.replace("unit: KZT", "unit: tenge"))
    parameters.reload()
    response = _client(sqlite_engine, date(2026, 12, 7)).get("/readyz")
    assert response.status_code == 503
    assert response.json()["code"] == "parameter.schema"
    assert str(folder) not in response.text  # the server's paths stay in its log
