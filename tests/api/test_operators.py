"""Operators' endpoints: temporary status on documents and refunds, each decision audited.

One operator records an application, another decides it (four eyes, R-R-1, R-TMP-1); a grant
or a refund takes effect on the decision day or later, never before.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select

from osms.api.bodies import MAX_BODY_BYTES
from osms.registry.audit import door_of
from osms.registry.models import AuditEvent
from osms.rules.month import Month
from tests.api.conftest import PREPAID, SQLITE_ONLY, UNPAID, Api, pay

PREGNANT = {
    "iin": UNPAID,
    "category": "pregnant",
    "documents": [{"kind": "form_027u", "number": "027/123", "issued_on": "2025-01-05"}],
}

UNEMPLOYED = {
    "iin": UNPAID,
    "category": "unemployed",
    "documents": [{"kind": "unemployed_registration", "number": "Е-1", "issued_on": "2025-01-05"}],
}


def test_temporary_status_applied_for_approved_and_visible(api: Api) -> None:
    key = api.key("Operator", ["operator"])
    decider = api.key("Supervisor", ["operator"])
    applied = api.client.post(
        "/api/v1/temporary-applications", json=PREGNANT, headers=api.auth(key)
    )
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert (application["status"], application["submitted_on"]) == ("applied", "2025-01-10")
    assert application["documents"][0]["kind"] == "form_027u"

    own = api.client.post(
        f"/api/v1/temporary-applications/{application['id']}/approve", headers=api.auth(key)
    )
    assert (own.status_code, own.json()["code"]) == (403, "temporary.decider_is_applicant")
    backdated = api.client.post(
        f"/api/v1/temporary-applications/{application['id']}/approve",
        json={"granted_on": "2025-01-09"},
        headers=api.auth(decider),
    )
    assert (backdated.status_code, backdated.json()["code"]) == (422, "temporary.backdated")
    assert backdated.json()["field"] == "granted_on"
    approved = api.client.post(
        f"/api/v1/temporary-applications/{application['id']}/approve",
        json={"granted_on": "2025-01-10"},
        headers=api.auth(decider),
    )
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", "Supervisor")
    assert approved.json()["ends_on"] == "2025-02-10"

    status = api.client.get(f"/api/v1/status/{UNPAID}").json()
    assert (status["status"], status["reason"]) == ("insured", "temporary")

    twice = api.client.post(
        f"/api/v1/temporary-applications/{application['id']}/refuse",
        json={"reason": "late"},
        headers=api.auth(decider),
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "temporary.already_decided")


def test_a_temporary_application_refused_with_its_reason(api: Api) -> None:
    key = api.key("Operator", ["operator"])
    decider = api.key("Supervisor", ["operator"])
    applied = api.client.post(
        "/api/v1/temporary-applications", json=PREGNANT, headers=api.auth(key)
    ).json()
    blank = api.client.post(
        f"/api/v1/temporary-applications/{applied['id']}/refuse",
        json={"reason": "  "},
        headers=api.auth(decider),
    )
    assert (blank.status_code, blank.json()["code"]) == (422, "temporary.reason_required")
    refused = api.client.post(
        f"/api/v1/temporary-applications/{applied['id']}/refuse",
        json={"reason": "the certificate is not signed"},
        headers=api.auth(decider),
    )
    assert refused.json()["refusal_reason"] == "the certificate is not signed"


def test_a_refusal_reason_that_could_forge_a_line_is_refused(api: Api) -> None:
    """RULES.md §11, R-TMP-1: the reason is shown a line to a decision; the service refuses a
    line break or a direction override, whatever the door (the CLI gives the same code)."""
    key = api.key("Operator", ["operator"])
    decider = api.key("Supervisor", ["operator"])
    applied = api.client.post(
        "/api/v1/temporary-applications", json=PREGNANT, headers=api.auth(key)
    ).json()
    for reason in ("not signed\n2026-12-08 03:40:00  boss  approved", "ok\u202eevil"):
        forged = api.client.post(
            f"/api/v1/temporary-applications/{applied['id']}/refuse",
            json={"reason": reason},
            headers=api.auth(decider),
        )
        assert (forged.status_code, forged.json()["code"]) == (422, "temporary.reason_invalid")
        assert forged.json()["field"] == "reason"


@SQLITE_ONLY
def test_a_reason_too_long_or_with_a_control_character_gets_the_reasons_code(api: Api) -> None:
    """R-R-1, R-TMP-1: the service's code and its texts, not the generic request.invalid."""
    key = api.key("Operator", ["operator"])
    decider = api.key("Supervisor", ["operator"])
    applied = api.client.post(
        "/api/v1/temporary-applications", json=PREGNANT, headers=api.auth(key)
    ).json()
    texts = set()
    for reason, lang in (("x" * 2001, "ru"), ("not\x07signed", "kk"), ("a\x00b", "en")):
        refused = api.client.post(
            f"/api/v1/temporary-applications/{applied['id']}/refuse",
            json={"reason": reason},
            headers={**api.auth(decider), "Accept-Language": lang},
        )
        problem = refused.json()
        assert (refused.status_code, problem["code"]) == (422, "temporary.reason_invalid")
        assert (problem["field"], problem["lang"]) == ("reason", lang)
        texts.add(problem["detail"])
    assert len(texts) == 3  # one text per language
    refund = api.client.post(
        "/api/v1/refund-applications/1/refuse", json={"reason": "y" * 2001}, headers=api.auth(key)
    )
    assert (refund.status_code, refund.json()["code"]) == (422, "refund.reason_invalid")
    limit = api.client.get("/openapi.json").json()["components"]["schemas"]["RefusalIn"]
    assert limit["properties"]["reason"]["maxLength"] == 2000


@SQLITE_ONLY
def test_the_services_refusals_are_problems(api: Api) -> None:
    key = api.key("Operator", ["operator"])
    cases = [
        ({**PREGNANT, "documents": []}, 422, "temporary.documents_missing"),
        ({**PREGNANT, "category": "astronaut"}, 422, "category.unknown"),
        ({**PREGNANT, "iin": PREPAID}, 422, "temporary.not_a_woman"),  # R-TMP-1
        ({**UNEMPLOYED, "iin": PREPAID}, 409, "temporary.already_insured"),
        ({**PREGNANT, "iin": "900515300019"}, 422, "iin.checksum"),
        ({**PREGNANT, "iin": "8" * 33}, 422, "iin.length"),  # R-IIN-3, however long
        ({**PREGNANT, "channel": "a\x00b"}, 422, "request.invalid"),
    ]
    for body, status, code in cases:
        response = api.client.post(
            "/api/v1/temporary-applications", json=body, headers=api.auth(key)
        )
        assert (response.status_code, response.json()["code"]) == (status, code), body
    missing = api.client.post("/api/v1/temporary-applications/999/approve", headers=api.auth(key))
    assert (missing.status_code, missing.json()["code"]) == (404, "temporary.not_found")


def _december_paid(api: Api) -> int:
    """The id of UNPAID's December 2024, paid on 2 December: a payment to apply a refund for."""
    with api.session() as session, session.begin():
        [payment_id] = pay(session, UNPAID, Month(2024, 12), Month(2024, 12), date(2024, 12, 2))
    return payment_id


def test_a_refund_applied_for_approved_and_listed(api: Api) -> None:
    payment_id = _december_paid(api)
    key = api.key("Operator", ["operator"])
    decider = api.key("Supervisor", ["operator"])
    applied = api.client.post(
        "/api/v1/refund-applications",
        json={"payment_id": payment_id, "reason": "wrong_period", "applied_on": "2024-12-10"},
        headers=api.auth(key),
    )
    assert applied.status_code == 201, applied.text
    refund = applied.json()
    assert (refund["status"], refund["iin"], refund["due_by"]) == (
        "applied",
        UNPAID,
        "2025-01-05",  # 15 working days (R-R-1); 5 January 2025 was a decreed working Sunday
    )

    pending = api.client.get("/api/v1/refund-applications", headers=api.auth(key)).json()
    overdue = api.client.get(
        "/api/v1/refund-applications", params={"overdue": "true"}, headers=api.auth(key)
    ).json()
    assert [r["id"] for r in pending] == [refund["id"]] == [r["id"] for r in overdue]
    on_time = api.client.get(
        "/api/v1/refund-applications",
        params={"overdue": "true", "date": "2025-01-02"},
        headers=api.auth(key),
    ).json()
    assert on_time == []

    own = api.client.post(
        f"/api/v1/refund-applications/{refund['id']}/approve", headers=api.auth(key)
    )
    assert (own.status_code, own.json()["code"]) == (403, "refund.decider_is_applicant")
    backdated = api.client.post(
        f"/api/v1/refund-applications/{refund['id']}/approve",
        json={"refunded_on": "2024-12-10"},  # the day applied for, a month before the decision
        headers=api.auth(decider),
    )
    assert (backdated.status_code, backdated.json()["code"]) == (422, "refund.backdated")
    approved = api.client.post(
        f"/api/v1/refund-applications/{refund['id']}/approve", headers=api.auth(decider)
    )
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["refunded_on"]) == ("approved", "2025-01-10")
    again = api.client.post(
        f"/api/v1/refund-applications/{refund['id']}/refuse",
        json={"reason": "no"},
        headers=api.auth(decider),
    )
    assert (again.status_code, again.json()["code"]) == (409, "refund.already_decided")
    assert api.client.get("/api/v1/refund-applications", headers=api.auth(key)).json() == []

    with api.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.actor != "test").order_by(AuditEvent.id)
        ).all()
    assert [(e.actor, e.action) for e in events] == [
        ("Operator", "refund.apply"),
        *[("Operator", "refund.list")] * 3,  # every list shown is audited (RULES.md §11)
        ("Supervisor", "refund.approve"),
        ("Operator", "refund.list"),
    ]
    assert events[1].detail["iins"] == [UNPAID]


@SQLITE_ONLY
def test_refund_refusals_are_problems(api: Api) -> None:
    key = api.key("Operator", ["operator"])
    unknown = api.client.post(
        "/api/v1/refund-applications",
        json={"payment_id": 10**12, "reason": "overpayment"},
        headers=api.auth(key),
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "refund.payment_not_found")
    bad_reason = api.client.post(
        "/api/v1/refund-applications",
        json={"payment_id": 1, "reason": "changed my mind"},
        headers=api.auth(key),
    )
    assert (bad_reason.status_code, bad_reason.json()["code"]) == (422, "request.invalid")
    assert bad_reason.json()["field"] == "reason"
    huge = api.client.post(
        "/api/v1/refund-applications/99999999999999999999/approve", headers=api.auth(key)
    )
    assert (huge.status_code, huge.json()["field"]) == (422, "application_id")


def test_a_body_that_is_no_json_is_a_400_naming_the_body(api: Api) -> None:
    """The schema's 400: the body cannot be read as JSON; a JSON body with a wrong field
    stays a 422 naming that field."""
    key = api.key("Operator", ["operator"])
    headers = {**api.auth(key), "Content-Type": "application/json", "Accept-Language": "ru"}
    for body in ("not json", '{"iin": ', "\x00"):
        answer = api.client.post("/api/v1/temporary-applications", content=body, headers=headers)
        assert answer.status_code == 400, (body, answer.text)
        assert (answer.json()["code"], answer.json()["field"]) == ("request.invalid", "body")
    wrong = api.client.post(
        "/api/v1/temporary-applications", json={**PREGNANT, "documents": "none"}, headers=headers
    )
    assert (wrong.status_code, wrong.json()["field"]) == (422, "documents")
    stamped = api.client.post(
        "/api/v1/temporary-applications",
        json={**PREGNANT, "submitted_on": 20250110},
        headers=headers,
    )
    assert (stamped.status_code, stamped.json()["field"]) == (422, "submitted_on")


def test_an_application_keeps_how_it_was_submitted_and_the_audit_its_door(api: Api) -> None:
    """The body's ``channel`` is how the applicant submitted (kept on the application); the
    audit trail's door is the API's, whatever the body says (RULES.md §11)."""
    key = api.key("Operator", ["operator"])
    for submitted_through in ("site", "bot"):
        answer = api.client.post(
            "/api/v1/temporary-applications",
            json={**PREGNANT, "channel": submitted_through},
            headers=api.auth(key),
        )
        assert answer.status_code == (201 if submitted_through == "site" else 200), answer.text
        assert answer.json()["channel"] == "site"  # the second is the pending application
    with api.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("temporary.apply%"))
        ).all()
        doors = {(e.action, door_of(e)) for e in events}
    assert doors == {
        ("temporary.apply", "api:operators"),
        ("temporary.apply_again", "api:operators"),
    }


def test_an_application_sent_again_while_pending_is_200_with_the_same_body(api: Api) -> None:
    """R-TMP-1, R-R-1: the pending application is the answer, nothing is created: 200, as a
    register sent again (201 is for what was created), and /openapi.json says so."""
    key = api.key("Operator", ["operator"])
    payment = {"payment_id": _december_paid(api), "reason": "wrong_period"}
    for path, body in (
        ("/api/v1/temporary-applications", PREGNANT),
        ("/api/v1/refund-applications", payment),
    ):
        first = api.client.post(path, json=body, headers=api.auth(key))
        again = api.client.post(path, json=body, headers=api.auth(key))
        assert (first.status_code, again.status_code) == (201, 200), path
        assert again.json() == first.json()
        declared = api.client.get("/openapi.json").json()["paths"][path]["post"]["responses"]
        assert (
            declared["200"]["content"]["application/json"]["schema"]
            == (declared["201"]["content"]["application/json"]["schema"])
        )


def test_a_body_too_large_is_refused_before_it_is_read_key_or_not(api: Api) -> None:
    """A few hundred bytes make an application; megabytes are a 413 problem, whether declared
    (Content-Length) or sent in chunks, and whether a key comes with them or not."""
    key = api.key("Operator", ["operator"])
    huge = b'{"iin": "' + b"9" * (MAX_BODY_BYTES + 1) + b'"}'
    for headers in ({}, api.auth(key)):
        sent = {**headers, "Content-Type": "application/json", "Accept-Language": "en"}
        declared = api.client.post("/api/v1/temporary-applications", content=huge, headers=sent)
        assert declared.status_code == 413, declared.text
        assert declared.json()["code"] == "request.too_large"
        assert declared.json()["max_bytes"] == MAX_BODY_BYTES

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(huge), 1 << 16):
                yield huge[start : start + (1 << 16)]

        chunked = api.client.post("/api/v1/temporary-applications", content=chunks(), headers=sent)
        assert chunked.status_code == 413, chunked.text
        assert chunked.json()["code"] == "request.too_large"
    fine = api.client.post("/api/v1/temporary-applications", json=PREGNANT, headers=api.auth(key))
    assert fine.status_code == 201, fine.text


def test_a_document_is_dated_no_later_than_the_application_and_may_be_old(api: Api) -> None:
    """A disability certificate issued long before OSMS was refused (the API took no date
    before 2020); one dated after the application, even in 2099, was recorded and approved."""
    key = api.key("Operator", ["operator"])
    old = {
        "iin": UNPAID,
        "category": "disabled",
        "documents": [
            {"kind": "disability_certificate", "number": "МСЭ-7", "issued_on": "2009-04-01"}
        ],
    }
    taken = api.client.post("/api/v1/temporary-applications", json=old, headers=api.auth(key))
    assert taken.status_code == 201, taken.text
    for issued in ("2025-01-11", "2099-12-31"):  # the API's today is 2025-01-10
        later = {**PREGNANT, "documents": [{**PREGNANT["documents"][0], "issued_on": issued}]}
        refused = api.client.post(
            "/api/v1/temporary-applications", json=later, headers=api.auth(key)
        )
        assert refused.status_code == 422, refused.text
        assert (refused.json()["code"], refused.json()["field"]) == (
            "temporary.document_date",
            "documents",
        )
    control = api.client.post(
        "/api/v1/temporary-applications",
        json={**PREGNANT, "channel": "\u0085"},
        headers=api.auth(key),
    )
    assert (control.status_code, control.json()["field"]) == (422, "channel"), control.text


def test_no_application_is_dated_after_today(api: Api) -> None:
    """R-T-4: an application is made on a day that has come (today is 10 January 2025)."""
    payment_id = _december_paid(api)
    key = api.key("Operator", ["operator"])
    refund = api.client.post(
        "/api/v1/refund-applications",
        json={"payment_id": payment_id, "reason": "wrong_year", "applied_on": "2025-01-11"},
        headers=api.auth(key),
    )
    assert (refund.status_code, refund.json()["code"]) == (422, "refund.future_application")
    assert refund.json()["field"] == "applied_on"
    temporary = api.client.post(
        "/api/v1/temporary-applications",
        json={**PREGNANT, "submitted_on": "2025-01-11"},
        headers=api.auth(key),
    )
    assert (temporary.status_code, temporary.json()["code"]) == (
        422,
        "temporary.future_application",
    )
    assert temporary.json()["field"] == "submitted_on"


def test_a_decision_day_far_ahead_is_refused(api: Api) -> None:
    """A refund counts from no later than its application's due day (R-R-1, 15 working days:
    31 January 2025 for 10 January); a grant starts within the month a grant made on the
    decision day lasts (R-TMP-1: before 10 February 2025)."""
    payment_id = _december_paid(api)
    key = api.key("Operator", ["operator"])
    decider = api.key("Supervisor", ["operator"])
    refund = api.client.post(
        "/api/v1/refund-applications",
        json={"payment_id": payment_id, "reason": "wrong_year"},
        headers=api.auth(key),
    ).json()
    assert refund["due_by"] == "2025-01-31"
    temporary = api.client.post(
        "/api/v1/temporary-applications", json=PREGNANT, headers=api.auth(key)
    ).json()
    for path, field, day, code in (
        (f"refund-applications/{refund['id']}", "refunded_on", "2099-12-31", "refund"),
        (f"refund-applications/{refund['id']}", "refunded_on", "2025-02-01", "refund"),
        (f"temporary-applications/{temporary['id']}", "granted_on", "2099-12-31", "temporary"),
        (f"temporary-applications/{temporary['id']}", "granted_on", "2025-02-10", "temporary"),
    ):
        late = api.client.post(
            f"/api/v1/{path}/approve", json={field: day}, headers=api.auth(decider)
        )
        assert (late.status_code, late.json()["code"]) == (422, f"{code}.postdated"), day
        assert late.json()["field"] == field
    for path, field, day in (
        (f"refund-applications/{refund['id']}", "refunded_on", "2025-01-31"),
        (f"temporary-applications/{temporary['id']}", "granted_on", "2025-02-09"),
    ):
        approved = api.client.post(
            f"/api/v1/{path}/approve", json={field: day}, headers=api.auth(decider)
        )
        assert approved.status_code == 200, approved.text


def test_the_documented_temporary_application_is_accepted(api: Api) -> None:
    """The example /openapi.json shows for an application (R-TMP-1, SOURCES.md T6) is one the
    API accepts: its documents are the category's own (form 027/u for ``pregnant``)."""
    schemas = api.client.get("/openapi.json").json()["components"]["schemas"]
    [example] = schemas["TemporaryApplicationIn"]["examples"]
    [kind] = schemas["Document"]["properties"]["kind"]["examples"]
    assert kind in {document["kind"] for document in example["documents"]}
    key = api.key("Operator", ["operator"])
    applied = api.client.post("/api/v1/temporary-applications", json=example, headers=api.auth(key))
    assert applied.status_code == 201, applied.text
