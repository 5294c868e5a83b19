"""What authenticated clients see: the full decision, payments, debts, the calculator, as_of."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from osms.registry.models import AuditEvent
from osms.rules.facts import PersonFacts
from osms.rules.iin import birth_date
from osms.rules.month import Month
from osms.rules.status import decide
from osms.views.models import DebtReport, PaymentHistory, StatusDetail
from tests.api.conftest import PREPAID, SQLITE_ONLY, UNKNOWN, UNPAID, Api, pay


def _fields(model: type) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()}  # type: ignore[attr-defined]


def test_the_full_decision_is_the_cli_shape(api: Api) -> None:
    key = api.key("Halyk", ["status:read", "history:read"])
    response = api.client.get(
        f"/api/v1/persons/{PREPAID}/status", headers=api.auth(key), params={"lang": "ru"}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == _fields(StatusDetail)
    assert (body["status"], body["reason"], body["lang"]) == ("insured", "prepaid", "ru")
    assert body["labels"]["status"] == "Застрахован"
    assert len(body["payments"]) == 12  # the last 12 months, 2024-02 … 2025-01
    assert body["payments"][-1] == {
        "month": "2025-01",
        "cover": "self",
        "category": None,
        "paid": "4250.00",
        "items": [
            {
                "amount": "4250.00",
                "knp": "122",
                "payer": PREPAID,
                "paid_on": "2024-06-03",
                "credited_on": "2024-06-06",
                "channel": "bank_app",
            }
        ],
    }
    assert body["explanation"] and all(e["text"] for e in body["explanation"])


def test_the_parts_of_the_decision_are_its_fields(api: Api) -> None:
    """The payments and the debts answer with fields of the full decision, never others."""
    facts = PersonFacts(iin=UNKNOWN, birth_date=birth_date(UNKNOWN))
    body = StatusDetail.from_decision(decide(facts, date(2025, 1, 10)), "en", known=False)
    fields = set(body.model_dump(by_alias=True))
    assert fields == _fields(StatusDetail)
    assert _fields(PaymentHistory) <= fields and _fields(DebtReport) <= fields


def test_payments_month_by_month(api: Api) -> None:
    key = api.key("Halyk", ["history:read"])
    body = api.client.get(f"/api/v1/persons/{PREPAID}/payments", headers=api.auth(key)).json()
    assert set(body) == _fields(PaymentHistory)
    assert [p["cover"] for p in body["payments"]][:4] == ["unpaid"] * 4  # 2024-02 … 05
    assert {p["cover"] for p in body["payments"][4:]} == {"self"}
    assert body["pending"] == []


def test_debts_with_amounts(api: Api) -> None:
    key = api.key("Halyk", ["history:read"])
    response = api.client.get(
        f"/api/v1/persons/{UNPAID}/debts", headers=api.auth(key), params={"date": "2025-01-10"}
    )
    body = response.json()
    assert set(body) == _fields(DebtReport)
    assert body["status"] == "uninsured"
    assert len(body["debt"]) == 13
    assert body["debt"][0] == {"month": "2024-01", "amount": "4250.00"}
    assert body["debt_total"] == "55250.00"
    assert body["known"] is True


def test_debts_of_an_iin_the_registry_does_not_know_say_so(api: Api) -> None:
    """RULES.md §11: the rules' debt of an IIN with no records is no record of unpaid months;
    a bank's app must be able to tell the two apart."""
    key = api.key("Halyk", ["history:read"])
    response = api.client.get(
        "/api/v1/persons/880607310009/debts", headers=api.auth(key), params={"date": "2025-01-10"}
    )
    assert response.status_code == 200
    assert response.json()["known"] is False


def test_the_calculator_with_payment_plans(api: Api) -> None:
    key = api.key("Halyk", ["status:read"])
    response = api.client.get(
        f"/api/v1/persons/{UNPAID}/calculator", headers=api.auth(key), params={"date": "2025-01-10"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["recommended"] in {o["name"] for o in body["options"]}
    option = body["options"][0]
    assert option["plan"][0]["iin"] == UNPAID and option["plan"][0]["knp"] == "122"
    assert body["fund"]["bin"] == "160440007161"


def test_a_clinic_asks_about_a_past_visit_as_known_today(api: Api) -> None:
    """Paid on 9 January for the year ahead (a prepaid block, R-S-4), credited on the 14th:
    unknown on the visit of the 10th, known today (R-S-0)."""
    with api.session() as session, session.begin():
        pay(session, UNKNOWN, Month(2025, 1), Month(2025, 12), date(2025, 1, 9))
    clinic = api.key("Clinic 7", ["status:read"])
    visit = {"date": "2025-01-10"}
    then = api.client.get(f"/api/v1/status/{UNKNOWN}", params=visit, headers=api.auth(clinic))
    today = api.client.get(
        f"/api/v1/status/{UNKNOWN}",
        params={**visit, "as_of": "2025-03-01"},
        headers=api.auth(clinic),
    )
    assert then.json()["status"] == "uninsured"
    assert (today.json()["status"], today.json()["as_of"]) == ("insured", "2025-03-01")


def test_look_ups_are_audited_under_the_clients_name(api: Api) -> None:
    key = api.key("Halyk")
    for path in ("status", "payments", "debts", "calculator"):
        api.client.get(f"/api/v1/persons/{PREPAID}/{path}", headers=api.auth(key))
    with api.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.iin == PREPAID).order_by(AuditEvent.id)
        ).all()
    assert [(e.actor, e.action) for e in events] == [
        ("Halyk", "status.lookup"),
        ("Halyk", "status.lookup"),
        ("Halyk", "status.lookup"),
        ("Halyk", "calculator.lookup"),
    ]
    assert [e.why for e in events][:3] == [
        "status asked through api:status",
        "status asked through api:payments",
        "status asked through api:debts",
    ]


def test_answers_about_a_person_are_not_stored_and_vary_by_language(api: Api) -> None:
    """The page's answers were never stored (``no-store``) and said they vary by language;
    the API's, a person's payments with their payers among them, said neither, so a cache
    between a bank and the API could keep one and serve it in another language."""
    key = api.key("Bank", ["status:read", "history:read"])
    answers = [
        api.client.get(f"/api/v1/persons/{PREPAID}/payments", headers=api.auth(key)),
        api.client.get(f"/api/v1/status/{PREPAID}"),
        api.client.get(f"/api/v1/calculator/{UNPAID}", headers={"Accept-Language": "ru"}),
        api.client.get("/api/v1/status/900515300019"),  # a problem: iin.checksum
    ]
    for answer in answers:
        assert answer.headers["cache-control"] == "no-store", answer.url
        assert "accept-language" in answer.headers["vary"].lower(), answer.url


@SQLITE_ONLY
def test_an_iin_of_any_wrong_length_is_iin_length_once_the_key_is_checked(api: Api) -> None:
    """R-IIN-3: 65 characters or 5000 are a wrong length like 13; the key is checked first."""
    key = api.key("Halyk", ["status:read", "history:read"])
    for part in ("status", "payments", "debts", "calculator"):
        for iin in ("9" * 65, "9" * 5000):
            response = api.client.get(f"/api/v1/persons/{iin}/{part}", headers=api.auth(key))
            problem = response.json()
            assert (response.status_code, problem["code"], problem["field"]) == (
                422,
                "iin.length",
                "iin",
            )
        anonymous = api.client.get(f"/api/v1/persons/{'9' * 65}/{part}")
        assert anonymous.status_code == 401
    declared = api.client.get("/openapi.json").json()["paths"]["/api/v1/persons/{iin}/status"]
    [iin_path] = [p for p in declared["get"]["parameters"] if p["name"] == "iin"]
    assert iin_path["schema"]["maxLength"] == 64
