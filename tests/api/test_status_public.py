"""The public check by IIN: what it shows, what it hides, and malformed IINs as problems."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select

from osms.i18n import label, t
from osms.registry.db import make_session_factory
from osms.registry.models import AuditEvent
from osms.rules.status import decide
from osms.views.models import Calculation, PublicStatus
from tests.api.conftest import CHILD, PREPAID, SQLITE_ONLY, UNKNOWN, UNPAID, Api, make_api
from tests.api.public_people import (
    BY_NAME,
    ON,
    PEOPLE,
    PRIVATE_KEYS,
    Person,
    leaks,
    private_words,
)

PUBLIC_FIELDS = {
    "schema",
    "iin",
    "date",
    "as_of",
    "month",
    "status",
    "reason",
    "insured_until",
    "grace",
    "loses_status_next_month",
    "debt_months",
    "provisional",
    "known",
    "debt",
    "debt_total",
    "explanation",
    "labels",
    "lang",
}


def test_an_insured_payer(api: Api) -> None:
    response = api.client.get(f"/api/v1/status/{PREPAID}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PUBLIC_FIELDS
    assert body["date"] == "2025-01-10"  # today in Kazakhstan by default
    assert (body["status"], body["reason"]) == ("insured", "prepaid")
    assert body["insured_until"] == "2025-08-31"  # paid through May, then 3 grace months
    assert body["debt_months"] == []


def test_no_names_and_no_payments_in_the_public_answer(api: Api) -> None:
    text = api.client.get(f"/api/v1/status/{PREPAID}").text
    for hidden in ("payments", "items", "4250", "paid_on", "payer", "category", "2024-06-03"):
        assert hidden not in text


def test_an_uninsured_person_sees_the_debt_months_with_their_amounts(api: Api) -> None:
    body = api.client.get(f"/api/v1/status/{UNPAID}", params={"date": "2025-01-10"}).json()
    assert (body["status"], body["reason"], body["known"]) == ("uninsured", "debt", True)
    assert body["insured_until"] is None
    assert body["debt_months"][0] == "2024-01" and body["debt_months"][-1] == "2025-01"
    assert len(body["debt_months"]) == 13
    assert body["debt"][0] == {"month": "2024-01", "amount": "4250.00"}
    assert [d["month"] for d in body["debt"]] == body["debt_months"]
    assert body["debt_total"] == "55250.00"


def test_a_child_is_insured_by_the_state_not_named_as_a_child(api: Api) -> None:
    body = api.client.get(f"/api/v1/status/{CHILD}", params={"lang": "en"}).json()
    assert (body["status"], body["reason"]) == ("insured", "category")
    assert body["labels"]["reason"] == "State-paid category"
    assert "child" not in json.dumps(body).lower()


def test_an_iin_the_registry_never_saw_is_answered_as_unknown_not_as_a_debtor(api: Api) -> None:
    """RULES.md §11: "no records yet; payments appear within 3 working days"."""
    response = api.client.get(f"/api/v1/status/{UNKNOWN}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PUBLIC_FIELDS
    assert (body["known"], body["status"], body["reason"]) == (False, "uninsured", "no_records")
    assert body["debt_months"] == [] and body["debt"] == [] and body["debt_total"] == "0.00"
    assert body["explanation"] == []
    assert body["labels"]["reason"] == t("kk", "No records yet") != label("kk", "reason", "debt")
    child = api.client.get(f"/api/v1/status/{CHILD}").json()  # insured on the IIN alone
    assert (child["known"], child["status"], child["reason"]) == (False, "insured", "category")


def test_the_public_calculator_bills_no_debt_on_an_iin_the_registry_does_not_know(
    api: Api,
) -> None:
    """RULES.md §11: never a debtor on the IIN alone; with no payments at all, prepay (R-K-2)."""
    unknown = api.client.get(f"/api/v1/calculator/{UNKNOWN}").json()
    assert unknown["known"] is False
    assert [o["name"] for o in unknown["options"]] == ["prepay_now", "prepay_next"]
    assert unknown["recommended"] in ("prepay_now", "prepay_next")
    debtor = api.client.get(f"/api/v1/calculator/{UNPAID}").json()
    assert debtor["known"] is True and debtor["options"][0]["name"] == "clear_debt"
    key = api.key("Halyk", ["status:read"])
    detail = api.client.get(f"/api/v1/persons/{UNKNOWN}/calculator", headers=api.auth(key))
    assert detail.json()["known"] is False  # a client with a key gets every option
    assert detail.json()["options"][0]["name"] == "clear_debt"


def test_spaces_and_dashes_in_the_iin_are_ignored(api: Api) -> None:
    body = api.client.get("/api/v1/status/900515-300018").json()
    assert body["iin"] == PREPAID


def test_the_path_takes_the_iin_alone_not_a_sentence(api: Api) -> None:
    """A machine sends the IIN: words around it are an error, not read as the page reads its
    field (a client that sends "IIN: …" has a bug to see)."""
    response = api.client.get(f"/api/v1/status/IIN: {PREPAID}")
    assert response.status_code == 422
    assert response.json()["code"] == "iin.format"


@pytest.mark.parametrize(
    ("iin", "code"),
    [
        ("900515300019", "iin.checksum"),
        ("9005153000", "iin.length"),
        ("90051530001x", "iin.format"),
        ("123456789013", "iin.date"),
        ("900515700013", "iin.century"),
        ("x" * 64, "iin.format"),
        ("9" * 13, "iin.length"),
        ("9" * 65, "iin.length"),
        ("x" * 4000, "iin.length"),
    ],
)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@SQLITE_ONLY
def test_a_malformed_iin_is_a_problem_in_the_callers_language(
    api: Api, iin: str, code: str, lang: str
) -> None:
    response = api.client.get(f"/api/v1/status/{iin}", headers={"Accept-Language": lang})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["content-language"] == lang
    problem = response.json()
    assert problem["type"] == f"urn:osms:problem:{code}"
    assert (problem["code"], problem["field"], problem["status"], problem["lang"]) == (
        code,
        "iin",
        422,
        lang,
    )
    assert problem["instance"] == f"urn:uuid:{response.headers['x-request-id']}"
    assert problem["title"] and problem["detail"]


@SQLITE_ONLY
def test_the_detail_is_translated(api: Api) -> None:
    texts = {
        lang: api.client.get("/api/v1/status/900515300019", params={"lang": lang}).json()["detail"]
        for lang in ("kk", "ru", "en")
    }
    assert texts["en"].startswith("The check digit of the IIN is wrong")
    assert "ИИН" in texts["ru"] and "ЖСН" in texts["kk"]


def test_kazakh_is_the_default_and_lang_beats_accept_language(api: Api) -> None:
    bad = "/api/v1/status/900515300019"
    assert api.client.get(bad).json()["lang"] == "kk"
    assert api.client.get(bad, headers={"Accept-Language": "fr-FR"}).json()["lang"] == "kk"
    asked = api.client.get(bad, params={"lang": "en"}, headers={"Accept-Language": "ru"})
    assert asked.json()["lang"] == "en"


@SQLITE_ONLY
@pytest.mark.parametrize(
    "query", ["date=2019-12-31", "date=10.01.2025", "date=2025-02-30", "as_of=9999-01-01"]
)
def test_a_bad_date_is_a_request_problem(api: Api, query: str) -> None:
    response = api.client.get(f"/api/v1/status/{PREPAID}?{query}")
    assert response.status_code in (403, 422)
    problem = response.json()
    if response.status_code == 422:
        assert problem["code"] == "request.invalid"
        assert problem["field"] == query.split("=")[0]
        assert problem["errors"][0]["field"] == problem["field"]


def test_a_year_whose_minimum_wage_is_not_published_is_still_answered(api: Api) -> None:
    """R-P-1: the last published MW is used (provisionally); no query fails for it."""
    response = api.client.get(f"/api/v1/status/{PREPAID}", params={"date": "2031-01-01"})
    assert response.status_code == 200
    assert response.json()["status"] == "uninsured"


def test_the_public_may_not_ask_as_known_on_another_day(api: Api) -> None:
    response = api.client.get(f"/api/v1/status/{PREPAID}", params={"as_of": "2024-06-01"})
    assert response.status_code == 403
    problem = response.json()
    assert (problem["code"], problem["field"], problem["scopes"]) == (
        "auth.scope_missing",
        "as_of",
        ["status:read"],
    )


def test_every_public_look_up_is_audited_once(api: Api) -> None:
    api.client.get(f"/api/v1/status/{PREPAID}")
    api.client.get("/api/v1/status/900515300019")  # malformed: nothing looked up
    with api.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "status.lookup"))
        found = [(e.actor, e.iin, e.why) for e in events]
    assert found == [("public:testclient", PREPAID, "status asked through api:public")]


def test_the_public_shape_is_the_documented_one(api: Api) -> None:
    fields = {f.alias or name for name, f in PublicStatus.model_fields.items()}
    assert fields == PUBLIC_FIELDS


# -- every kind of person: no category, no payment, no employer or pending month, no payer ----


@pytest.fixture
def everyone(engine: Engine, store_facts: Callable[..., None]) -> Api:
    with make_session_factory(engine)() as session, session.begin():
        for person in PEOPLE:
            if person.facts is not None:
                store_facts(session, person.facts)
    return make_api(engine)


def _public_answers(api: Api, person: Person, lang: str) -> list[str]:
    params = {"date": ON.isoformat(), "lang": lang}
    status = api.client.get(f"/api/v1/status/{person.iin}", params=params)
    calculator = api.client.get(f"/api/v1/calculator/{person.iin}", params=params)
    assert status.status_code == calculator.status_code == 200, (status.text, calculator.text)
    body = status.json()
    assert set(body) == PUBLIC_FIELDS
    assert not PRIVATE_KEYS & set(body)
    assert set(calculator.json()) == {f.alias or n for n, f in Calculation.model_fields.items()}
    return [status.text, json.dumps(body, ensure_ascii=False), calculator.text]


@SQLITE_ONLY
@pytest.mark.parametrize("person", PEOPLE, ids=[p.name for p in PEOPLE])
def test_the_anonymous_answer_hides_what_is_personal(everyone: Api, person: Person) -> None:
    decision = decide(person.decided_facts(), ON)
    for lang in ("kk", "ru", "en"):
        words = private_words(person, decision, lang)
        for text in _public_answers(everyone, person, lang):
            assert leaks(text, words) == [], lang


@SQLITE_ONLY
def test_the_public_answer_of_each_kind(everyone: Api) -> None:
    def ask(name: str) -> dict[str, object]:
        iin = BY_NAME[name].iin
        got: dict[str, object] = everyone.client.get(
            f"/api/v1/status/{iin}", params={"date": ON.isoformat(), "lang": "en"}
        ).json()
        return got

    pregnant = ask("pregnant")
    assert (pregnant["status"], pregnant["reason"], pregnant["known"]) == (
        "insured",
        "category",
        True,
    )
    grace = ask("grace")
    assert grace["loses_status_next_month"] is True and grace["insured_until"] == "2026-11-30"
    assert [d["month"] for d in grace["debt"]] == ["2026-09", "2026-10", "2026-11"]
    employee = ask("employee_grace")  # October and November are pending: not the public's
    assert employee["debt_months"] == ["2026-09"]
    assert "October 2026" not in json.dumps(employee)
    assert ask("temporary")["reason"] == "temporary"
    assert ask("unknown")["known"] is False
    # RULES.md §11: insured on the IIN alone by grace after the child category, never a debtor
    just_18 = ask("unknown_just_18")
    assert (just_18["known"], just_18["status"], just_18["reason"]) == (False, "insured", "grace")
    assert just_18["debt_months"] == [] and just_18["debt"] == []
    assert just_18["debt_total"] == "0.00"
    calculator = everyone.client.get(
        f"/api/v1/calculator/{BY_NAME['unknown_just_18'].iin}", params={"date": ON.isoformat()}
    ).json()
    assert [o["name"] for o in calculator["options"]] == ["prepay_now", "prepay_next"]


def test_a_client_with_a_key_gets_the_detail_with_known(api: Api) -> None:
    key = api.key("Halyk", ["status:read", "history:read"])
    body = api.client.get(f"/api/v1/persons/{UNKNOWN}/status", headers=api.auth(key)).json()
    assert body["known"] is False and "payments" in body
    assert body["reason"] == "debt"  # the detail is the decision's own, for a client with a key
    known = api.client.get(f"/api/v1/persons/{PREPAID}/status", headers=api.auth(key)).json()
    assert known["known"] is True


@SQLITE_ONLY
def test_the_detail_would_fail_the_privacy_check(everyone: Api) -> None:
    """The check above can fail: the authenticated detail names what the public never sees."""
    key = everyone.key("Clinic", ["status:read", "history:read"])
    for name in ("pregnant", "employee"):
        person = BY_NAME[name]
        detail = everyone.client.get(
            f"/api/v1/persons/{person.iin}/status",
            params={"date": ON.isoformat(), "lang": "en"},
            headers=everyone.auth(key),
        ).text
        words = private_words(person, decide(person.decided_facts(), ON), "en")
        assert leaks(detail, words), name


def test_a_date_is_written_yyyy_mm_dd_never_read_as_a_timestamp(api: Api) -> None:
    """Pydantic's lax dates read ``20261207`` or ``1704067200`` as Unix timestamps: the API
    says what a date looks like instead (and never answers for 1 January 2024 by accident)."""
    for written in ("20261207", "1704067200", "2026-1-7", "２０２６-01-07"):
        answer = api.client.get(f"/api/v1/status/{PREPAID}", params={"date": written})
        assert answer.status_code == 422, (written, answer.text)
        problem = answer.json()
        assert (problem["code"], problem["field"]) == ("request.invalid", "date")
        assert "YYYY-MM-DD" in problem["message"]
    assert api.client.get(f"/api/v1/status/{PREPAID}", params={"date": "2024-01-01"}).is_success
