"""Every refund shows what it changes before it is approved, through the API too (R-R-1)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from osms.registry.models import AuditEvent
from osms.rules.month import Month
from tests.api.conftest import SQLITE_ONLY, UNPAID, Api, pay


def _apply(api: Api, key: str, payment_id: int, reason: str) -> int:
    applied = api.client.post(
        "/api/v1/refund-applications",
        json={"payment_id": payment_id, "reason": reason},
        headers=api.auth(key),
    )
    assert applied.status_code == 201, applied.text
    return int(applied.json()["id"])


def test_the_effect_of_a_refund_and_its_surplus(api: Api) -> None:
    with api.session() as session, session.begin():
        [once] = pay(session, UNPAID, Month(2024, 12), Month(2024, 12), date(2024, 12, 2))
        [twice] = pay(session, UNPAID, Month(2024, 12), Month(2024, 12), date(2024, 12, 20))
        [november] = pay(session, UNPAID, Month(2024, 11), Month(2024, 11), date(2024, 11, 4))
    key = api.key("Operator", ["operator"])
    decider = api.key("Supervisor", ["operator"])

    wrong = _apply(api, key, november, "wrong_period")
    effect = api.client.get(
        f"/api/v1/refund-applications/{wrong}/effect", headers=api.auth(decider)
    )
    assert effect.status_code == 200, effect.text
    body = effect.json()
    assert (body["amount"], body["problem"], body["unpaid_months"]) == (
        "4250.00",
        None,
        ["2024-11"],
    )
    assert body["refunded_on"] == "2025-01-10" and body["iin"] == UNPAID

    surplus = _apply(api, key, twice, "overpayment")
    shown = api.client.get(
        f"/api/v1/refund-applications/{surplus}/effect", headers=api.auth(decider)
    ).json()
    assert (shown["amount"], shown["unpaid_months"]) == ("4250.00", [])
    assert shown["status_before"] == shown["status_after"]
    approved = api.client.post(
        f"/api/v1/refund-applications/{surplus}/approve", headers=api.auth(decider)
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["refunded_amount"] == "4250.00"
    # decided: nothing left to preview (a preview after the fact compared the refund with itself)
    after = api.client.get(
        f"/api/v1/refund-applications/{surplus}/effect", headers=api.auth(decider)
    )
    assert (after.status_code, after.json()["code"]) == (409, "refund.already_decided")

    nothing = _apply(api, key, once, "overpayment")
    left = api.client.get(
        f"/api/v1/refund-applications/{nothing}/effect",
        params={"lang": "ru"},
        headers=api.auth(decider),
    ).json()
    assert (left["amount"], left["problem"]) == (None, "refund.no_surplus")
    assert left["problem_text"].startswith("Платежи за месяц не превышают сумму к уплате")
    refused = api.client.post(
        f"/api/v1/refund-applications/{nothing}/approve", headers=api.auth(decider)
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "refund.no_surplus")

    with api.session() as session:
        shown_events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "refund.effect")
        ).all()
    assert [e.actor for e in shown_events] == ["Supervisor"] * 3
    assert all(e.why.endswith("through api:operators") for e in shown_events)


@SQLITE_ONLY
def test_the_effect_of_an_unknown_application_is_a_problem(api: Api) -> None:
    key = api.key("Operator", ["operator"])
    missing = api.client.get("/api/v1/refund-applications/999/effect", headers=api.auth(key))
    assert (missing.status_code, missing.json()["code"]) == (404, "refund.not_found")
    bad = api.client.get(
        "/api/v1/refund-applications/1/effect",
        params={"amount": "-5"},
        headers=api.auth(key),
    )
    assert bad.status_code == 422
    public = api.client.get("/api/v1/refund-applications/1/effect")
    assert public.status_code == 401


def _overpaid_december(api: Api) -> tuple[int, str]:
    """December 2024 paid twice by :data:`UNPAID`: the refund application of the second payment,
    recorded by one operator, and the key of another who may decide it (four eyes)."""
    with api.session() as session, session.begin():
        pay(session, UNPAID, Month(2024, 12), Month(2024, 12), date(2024, 12, 2))
        [twice] = pay(session, UNPAID, Month(2024, 12), Month(2024, 12), date(2024, 12, 20))
    key = api.key("Operator", ["operator"])
    decider = api.key("Supervisor", ["operator"])
    return _apply(api, key, twice, "overpayment"), decider


def test_an_amount_named_by_the_operator_is_answered_as_money(api: Api) -> None:
    """Money is two decimals everywhere (docs/json.md), an amount the operator typed too."""
    surplus, decider = _overpaid_december(api)
    shown = api.client.get(
        f"/api/v1/refund-applications/{surplus}/effect",
        params={"amount": "100.1"},
        headers=api.auth(decider),
    )
    assert shown.json()["amount"] == "100.10", shown.text
    approved = api.client.post(
        f"/api/v1/refund-applications/{surplus}/approve",
        json={"amount": 100.1},
        headers=api.auth(decider),
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["refunded_amount"] == "100.10"


def test_the_effect_of_refunding_a_payment_not_yet_credited_is_shown_on_its_credit_day(
    api: Api,
) -> None:
    """R-R-1 with R-T-3: a payment made today counts from its credit day; refunding it changes
    nothing before then, so the effect is shown on that day, not as "nothing changes"."""
    with api.session() as session, session.begin():
        paid = pay(session, UNPAID, Month(2024, 1), Month(2025, 1), date(2025, 1, 10))
    key = api.key("Operator", ["operator"])
    decider = api.key("Supervisor", ["operator"])
    wrong = _apply(api, key, paid[0], "wrong_period")  # 2024-01, paid today
    effect = api.client.get(
        f"/api/v1/refund-applications/{wrong}/effect", headers=api.auth(decider)
    ).json()
    assert effect["refunded_on"] == "2025-01-10"
    assert effect["status_on"] == "2025-01-15"  # three working days later (R-T-3)
    assert effect["unpaid_months"] == ["2024-01"]
    assert effect["status_before"]["status"] == "insured"


def test_an_amount_in_other_digits_is_refused_not_read(api: Api) -> None:
    """``Decimal`` reads Arabic-Indic digits (``١٢٣`` is 123), exponents and ``NaN``: a refund
    of 123.00 was approved from ``"amount": "١٢٣"``. The API takes 0-9 and a point only."""
    surplus, decider = _overpaid_december(api)
    for written in ("\u0661\u0662\u0663", "1e2", "NaN", "１２３"):
        shown = api.client.get(
            f"/api/v1/refund-applications/{surplus}/effect",
            params={"amount": written},
            headers=api.auth(decider),
        )
        assert (shown.status_code, shown.json()["field"]) == (422, "amount"), shown.text
        approved = api.client.post(
            f"/api/v1/refund-applications/{surplus}/approve",
            json={"amount": written},
            headers=api.auth(decider),
        )
        assert approved.status_code == 422, approved.text
        assert approved.json()["field"] == "amount", approved.text
    listed = api.client.get("/api/v1/refund-applications", headers=api.auth(decider)).json()
    assert [a["status"] for a in listed if a["id"] == surplus] == ["applied"]  # undecided
