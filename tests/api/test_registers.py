"""Register upload for banks: the line report, idempotent re-sends, registers rejected whole."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.registry.audit import door_of
from osms.registry.models import AuditEvent, Payment
from osms.rules.month import Month
from osms.views.models import RegisterReport, RegisterSummary
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


def test_a_register_sent_with_a_wrong_format_is_booked_when_sent_again_without(
    api: Api,
) -> None:
    """R-L-7: a rejection caused by ``?format=`` booked nothing and does not stick to the file."""
    key = api.key("Halyk Bank", ["registers:write"])
    headers = {**api.auth(key), "Content-Type": "application/octet-stream"}
    wrong = api.client.post(
        "/api/v1/registers", content=_mt102(), headers=headers, params={"format": "csv"}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "register.malformed")
    right = api.client.post("/api/v1/registers", content=_mt102(), headers=headers)
    assert right.status_code == 201, right.text
    assert (right.json()["resent"], right.json()["booked"]) == (False, 3)
    again = api.client.post(
        "/api/v1/registers", content=_mt102(), headers=headers, params={"format": "csv"}
    )
    assert (again.status_code, again.json()["register"]) == (200, right.json()["register"])
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
    # a CSV line's cells are separated by ';': the report still names whose line it was
    assert report["lines"][0]["iin"] == IVAN


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
    # R-F-3: the malformed line is reported even though the total rejects the register
    assert [(line["line"], line["code"]) for line in problem["report"]["lines"]] == [
        (4, "line.invalid_iin")
    ]
    assert _payments(api) == 0


def test_a_rejected_register_sent_again_answers_the_same_reason(api: Api) -> None:
    """R-L-7: the stored outcome comes back unchanged, its reason without its code glued on."""
    key = api.key("Halyk Bank", ["registers:write"])
    headers = {**api.auth(key), "Content-Type": "text/plain", "Accept-Language": "en"}
    data = _mt102(total=Decimal("1.00"))
    first = api.client.post("/api/v1/registers", content=data, headers=headers).json()
    again = api.client.post("/api/v1/registers", content=data, headers=headers).json()
    assert again["report"]["resent"] is True
    assert again["report"]["reason"] == first["report"]["reason"]
    assert first["report"]["reason"].startswith("the declared total 1.00 differs")
    assert (again["code"], again["detail"]) == (first["code"], first["detail"])


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


def test_the_sender_parameter_is_refused(api: Api) -> None:
    key = api.key("Kaspi", ["registers:write"])
    response = api.client.post(
        "/api/v1/registers",
        content=_csv(),
        headers={**api.auth(key), "Content-Type": "text/csv", "Accept-Language": "ru"},
        params={"sender": "kazpost"},
    )
    assert response.status_code == 422
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("register.sender_not_allowed", "sender")
    assert problem["detail"].startswith("Отправитель реестра")
    assert _payments(api) == 0


def test_a_re_sent_register_answers_a_summary_and_its_lines_page_by_page(api: Api) -> None:
    halyk = api.key("Halyk Bank", ["registers:write"])
    headers = {**api.auth(halyk), "Content-Type": "text/plain"}
    first = api.client.post("/api/v1/registers", content=_mt102(), headers=headers).json()
    again = api.client.post("/api/v1/registers", content=_mt102(), headers=headers)
    assert again.status_code == 200
    summary = again.json()
    assert "lines" not in summary and summary["resent"] is True
    assert set(summary) == {f.alias or n for n, f in RegisterSummary.model_fields.items()}
    assert summary["recorded"] == 1 and summary["lines_url"] == first["lines_url"]
    page = api.client.get(summary["lines_url"], headers=api.auth(halyk))
    assert page.status_code == 200, page.text
    body = page.json()
    assert (body["register"], body["recorded"], body["next_url"]) == (first["register"], 1, None)
    assert (
        body["lines"]
        == first["lines"]
        == [{**first["lines"][0], "code": "line.invalid_iin", "line": 4}]
    )
    # another bank may not read it; an operator may
    kaspi = api.key("Kaspi", ["registers:write"])
    assert api.client.get(summary["lines_url"], headers=api.auth(kaspi)).status_code == 404
    fund = api.key("Fund", ["operator"])
    assert api.client.get(summary["lines_url"], headers=api.auth(fund)).status_code == 200
    clinic = api.key("Clinic", ["status:read"])
    assert api.client.get(summary["lines_url"], headers=api.auth(clinic)).status_code == 403


def test_lines_are_paged_with_a_link_to_the_next_page(api: Api) -> None:
    key = api.key("Kaspi", ["registers:write"])
    lines = [
        SampleLine("900515300019", Month(2025, 1), "4250", reference=f"B-{n}") for n in range(5)
    ]
    out = io.BytesIO()
    write_csv(out, lines, paid_on=date(2025, 1, 6))
    report = api.client.post(
        "/api/v1/registers",
        content=out.getvalue(),
        headers={**api.auth(key), "Content-Type": "text/csv"},
    ).json()
    assert report["recorded"] == 5
    seen, url = [], report["lines_url"].replace("limit=1000", "limit=2")
    while url is not None:
        page = api.client.get(url, headers=api.auth(key)).json()
        seen.extend(line["line"] for line in page["lines"])
        url = page["next_url"]
    assert seen == [1, 2, 3, 4, 5]


def test_a_reference_reused_for_another_payment_is_a_rejected_line(api: Api) -> None:
    key = api.key("Kaspi", ["registers:write"])
    headers = {**api.auth(key), "Content-Type": "text/csv"}
    first = api.client.post("/api/v1/registers", content=_csv(), headers=headers).json()
    out = io.BytesIO()
    write_csv(
        out, [SampleLine(IVAN, Month(2025, 3), "4250", reference="T-1")], paid_on=date(2025, 3, 6)
    )
    response = api.client.post(
        "/api/v1/registers", content=out.getvalue(), headers=headers, params={"lang": "en"}
    )
    assert response.status_code == 201
    report = response.json()
    assert (report["status"], report["accepted"], report["rejected"]) == ("rejected", 0, 1)
    [line] = report["lines"]
    assert (line["code"], line["status"]) == ("line.key_conflict", "rejected")
    with api.session() as session:
        payment_id = session.scalar(
            select(Payment.id).where(Payment.register_id == first["register"])
        )
    assert line["payment_id"] == payment_id
    assert f"(payment {payment_id}, register {first['register']})" in line["text"]
    assert _payments(api) == 1


def test_an_upload_and_a_look_at_its_lines_are_audited_with_their_door(api: Api) -> None:
    """RULES.md §11: every look-up, through every door: a register's lines name people."""
    key = api.key("Halyk Bank", ["registers:write"])
    headers = {**api.auth(key), "Content-Type": "text/plain"}
    report = api.client.post("/api/v1/registers", content=_mt102(), headers=headers).json()
    lines = api.client.get(f"/api/v1/registers/{report['register']}/lines", headers=headers)
    assert lines.status_code == 200, lines.text
    with api.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["register.book", "register.lines"]))
        ).all()
    found = {(e.action, e.actor, door_of(e)) for e in events}
    assert found == {
        ("register.book", "Halyk Bank", "api:registers"),
        ("register.lines", "Halyk Bank", "api:registers"),
    }
    [shown] = [e for e in events if e.action == "register.lines"]
    assert shown.detail["iins"] == ["900515300019"]  # the rejected line's IIN, as written
