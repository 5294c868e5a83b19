"""Register upload for banks: the line report, idempotent re-sends, registers rejected whole."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from osms.api.v1.schemas import RegisterReport
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.registry.models import Payment
from osms.rules.month import Month
from tests.api.conftest import SQLITE_ONLY, Api, make_api

IVAN = "800101300096"


def _mt102(total: Decimal | None = None) -> bytes:
    out = io.BytesIO()
    lines = [
        SampleLine(IVAN, month, Decimal("4250"), "Иванов", "Иван")
        for month in Month.range(Month(2025, 1), Month(2025, 4))
    ]
    lines.append(SampleLine("900515300019", Month(2025, 1), Decimal("4250"), "Петров"))
    write_mt102(
        out,
        lines,
        sender_bic="HSBKKZKX",
        reference="R7",
        paid_on=date(2025, 1, 6),
        knp="122",
        total=total,
    )
    return out.getvalue()


def _csv() -> bytes:
    out = io.BytesIO()
    write_csv(
        out,
        [
            SampleLine(IVAN, Month(2025, 1), "4250", reference="T-1"),
            SampleLine(IVAN, Month(2025, 2), "-5", reference="T-2"),
        ],
        paid_on=date(2025, 1, 6),
    )
    return out.getvalue()


def _payments(api: Api) -> int:
    with api.session() as session:
        counted = select(func.count()).select_from(Payment).where(Payment.iin == IVAN)
        return session.scalar(counted) or 0


def test_good_lines_are_booked_and_bad_lines_reported(api: Api) -> None:
    key = api.key("Halyk Bank", ["registers:write"])
    response = api.client.post(
        "/api/v1/registers",
        content=_mt102(),
        headers={**api.auth(key), "Content-Type": "text/plain; charset=utf-8"},
        params={"lang": "ru"},
    )
    assert response.status_code == 201, response.text
    report = response.json()
    assert set(report) == {f.alias or n for n, f in RegisterReport.model_fields.items()}
    # the sender is the client (lower-cased), not the bank the message names (R-L-7)
    assert (report["status"], report["sender"], report["reference"]) == (
        "partially_accepted",
        "halyk bank",
        "R7",
    )
    assert (report["lines_total"], report["accepted"], report["rejected"]) == (4, 3, 1)
    [line] = report["lines"]
    assert (line["line"], line["code"], line["iin"]) == (4, "line.invalid_iin", "900515300019")
    assert line["text"] == "В строке неверный ИИН."
    assert _payments(api) == 3


def test_a_re_sent_register_changes_nothing(api: Api) -> None:
    key = api.key("Halyk Bank", ["registers:write"])
    headers = {**api.auth(key), "Content-Type": "application/octet-stream"}
    first = api.client.post("/api/v1/registers", content=_mt102(), headers=headers)
    again = api.client.post("/api/v1/registers", content=_mt102(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["resent"] is True
    assert again.json()["register"] == first.json()["register"]
    assert again.json()["accepted"] == 3
    assert _payments(api) == 3


def test_a_csv_list_takes_the_clients_name_as_sender(api: Api) -> None:
    key = api.key("Kaspi", ["registers:write"])
    response = api.client.post(
        "/api/v1/registers",
        content=_csv(),
        headers={**api.auth(key), "Content-Type": "text/csv"},
        params={"format": "csv"},
    )
    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["format"], report["sender"], report["booked"], report["rejected"]) == (
        "csv",
        "kaspi",
        1,
        1,
    )
    assert report["lines"][0]["code"] == "line.amount_not_positive"


def test_a_register_whose_total_differs_is_rejected_whole(api: Api) -> None:
    key = api.key("Halyk Bank", ["registers:write"])
    response = api.client.post(
        "/api/v1/registers",
        content=_mt102(total=Decimal("1.00")),
        headers={**api.auth(key), "Content-Type": "text/plain", "Accept-Language": "en"},
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "register.total_mismatch"
    assert problem["detail"].startswith("The total of the register differs")
    assert problem["report"]["status"] == "rejected"
    assert problem["register"] == problem["report"]["register"]
    assert _payments(api) == 0


@SQLITE_ONLY
def test_an_unreadable_register_is_rejected_whole(api: Api) -> None:
    key = api.key("Halyk Bank", ["registers:write"])
    response = api.client.post("/api/v1/registers", content=b"", headers=api.auth(key))
    assert (response.status_code, response.json()["code"]) == (422, "register.malformed")


@SQLITE_ONLY
def test_only_files_are_accepted(api: Api) -> None:
    key = api.key("Halyk Bank", ["registers:write"])
    response = api.client.post("/api/v1/registers", json={"iin": IVAN}, headers=api.auth(key))
    assert response.status_code == 415
    assert response.json()["code"] == "request.unsupported_media_type"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_register_too_large_is_refused_before_booking(seeded: object, engine: object) -> None:
    api = make_api(engine, max_register_bytes=100)  # type: ignore[arg-type]
    key = api.key("Halyk Bank", ["registers:write"])
    response = api.client.post("/api/v1/registers", content=_mt102(), headers=api.auth(key))
    assert response.status_code == 413
    assert response.json()["code"] == "request.too_large"
    assert _payments(api) == 0
