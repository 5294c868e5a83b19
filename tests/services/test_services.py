"""Use cases against the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.registry import audit
from osms.registry import refunds as registry_refunds
from osms.registry.models import AuditEvent, RefundApplication, RefundReason, TemporaryApplication
from osms.rules.month import Month
from osms.rules.refunds import decision_due_by
from osms.rules.status import Reason, Status
from osms.rules.temporary import Document
from osms.services import categories, refunds, status, temporary
from osms.services.errors import ServiceError
from tests.conftest import pay

ADULT = "900515300018"  # born 1990-05-15
OTHER = "850312401235"


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_status_from_the_registry_and_its_audit(session: Session) -> None:
    pay(session, ADULT, Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
    answer = status.status_of(session, ADULT, date(2024, 6, 20), actor="web", channel="site")
    assert answer.registered
    assert answer.decision.status is Status.INSURED
    assert answer.decision.reason is Reason.PREPAID
    assert _actions(session) == ["status.lookup"]


def test_an_unknown_iin_is_decided_on_the_iin_alone(session: Session) -> None:
    child = "150101600018"  # girl born 2015-01-01
    answer = status.status_of(session, child, date(2025, 1, 10), actor="bot", channel="telegram")
    assert not answer.registered
    assert answer.decision.reason is Reason.CATEGORY
    assert answer.decision.category == "child"


def test_a_malformed_iin_is_a_stable_error(session: Session) -> None:
    with pytest.raises(ServiceError) as caught:
        status.status_of(session, "900515300019", date(2025, 1, 10), actor="x", channel="x")
    assert caught.value.code == "iin.checksum"
    assert caught.value.field == "iin"


def test_calculator_for_a_registered_person(session: Session) -> None:
    pay(session, ADULT, Month(2024, 1), Month(2024, 3), date(2024, 1, 5))
    calc, registered = status.calculator_for(
        session, ADULT, date(2024, 9, 10), actor="bank", channel="api"
    )
    assert registered
    clear = calc.option("clear_debt")
    assert clear is not None
    # unpaid months of [M - 12, M] = 2023-09 … 2024-09 except the paid 2024-01 … 03
    assert [str(m) for m in clear.months] == [
        *(f"2023-{m:02d}" for m in range(9, 13)),
        *(f"2024-{m:02d}" for m in range(4, 10)),
    ]
    assert "calculator.lookup" in _actions(session)


FEED = (
    "iin;category;first;last\n"
    f"{ADULT};student;2020-09;2024-06\n"
    f"{OTHER};pensioner;2023-01;\n"
    "900515300019;student;2020-09;2024-06\n"
    f"{ADULT};astronaut;2020-09;\n"
    f"{ADULT};student;2024-13;\n"
    f"{ADULT};student;2024-06;2024-01\n"
)


def test_a_category_feed_stores_good_lines_and_reports_bad_ones(session: Session) -> None:
    report = categories.import_category_feed(
        session, io.BytesIO(FEED.encode()), source="edu-2025-01", actor="feed"
    )
    assert (report.accepted, report.rejected) == (2, 4)
    assert [line.code for line in report.lines if line.status == "rejected"] == [
        "iin.checksum",
        "category.unknown",
        "month.invalid",
        "feed.period_order",
    ]
    pensioner = status.status_of(session, OTHER, date(2025, 3, 1), actor="x", channel="x")
    assert pensioner.decision.category == "pensioner"
    assert "categories.import" in _actions(session)


def test_each_category_change_is_audited_under_its_persons_iin(session: Session) -> None:
    """``osms audit --iin`` showed nothing of a feed that gave, closed or withdrew a person's
    category: the import was audited once, without IINs. A line that changes nothing adds none."""
    feed = f"iin;category;first;last\n{OTHER};pensioner;2023-01;\n"
    categories.import_category_feed(
        session, io.BytesIO(feed.encode()), source="pension-1", actor="feed", channel="cli"
    )
    closing = f"iin;category;first;last\n{OTHER};pensioner;2023-01;2025-06\n"
    for _ in range(2):  # the second time changes nothing
        categories.import_category_feed(
            session, io.BytesIO(closing.encode()), source="pension-2", actor="feed"
        )
    found = audit.search(session, audit.Search(iin=OTHER))
    changes = [e for e in found if e.action == "category.change"]
    assert [(e.detail["change"], e.detail["last"]) for e in reversed(changes)] == [
        ("added", None),
        ("changed", "2025-06"),
    ]
    assert audit.door_of(changes[-1]) == "cli" and changes[-1].actor == "feed"
    assert changes[-1].detail["category"] == "pensioner"


def test_a_feed_without_the_columns_is_refused_whole(session: Session) -> None:
    with pytest.raises(ServiceError) as caught:
        categories.import_category_feed(
            session, io.BytesIO(b"who,what\n1,2\n"), source="bad", actor="feed"
        )
    assert caught.value.code == "feed.malformed"


def _pregnancy_application(session: Session) -> TemporaryApplication:
    """OTHER applies through Qoldau on 3 March 2025 with her form 027/u."""
    return temporary.apply(
        session,
        OTHER,
        "pregnant",
        [Document("form_027u", "027-1", date(2025, 2, 28))],
        submitted_on=date(2025, 3, 3),
        submitted_through="qoldau",
        actor="citizen",
    )


def test_temporary_status_apply_approve_and_its_month(session: Session) -> None:
    application = _pregnancy_application(session)
    temporary.approve(
        session, application.id, granted_on=date(2025, 3, 3), today=date(2025, 3, 3), actor="op-7"
    )
    on = status.status_of(session, OTHER, date(2025, 4, 2), actor="x", channel="x").decision
    after = status.status_of(session, OTHER, date(2025, 4, 3), actor="x", channel="x").decision
    assert on.reason is Reason.TEMPORARY and on.insured_until == date(2025, 4, 2)
    assert after.status is Status.UNINSURED
    assert _actions(session)[:2] == ["temporary.apply", "temporary.approve"]
    with pytest.raises(ServiceError) as twice:
        temporary.approve(
            session, application.id, granted_on=date(2025, 3, 3), today=date(2025, 3, 3), actor="op"
        )
    assert twice.value.code == "temporary.already_decided"


@pytest.mark.parametrize(
    ("category", "documents", "code"),
    [
        ("pregnant", [], "temporary.documents_missing"),
        ("carer_disabled_child", ["disability_certificate"], "temporary.documents_missing"),
        ("prisoner", [], "temporary.not_on_documents"),
        ("astronaut", [], "category.unknown"),
    ],
)
def test_temporary_status_needs_the_documents_of_its_category(
    session: Session, category: str, documents: list[str], code: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        temporary.apply(
            session,
            OTHER,
            category,
            [Document(kind, "1", date(2025, 1, 1)) for kind in documents],
            submitted_on=date(2025, 3, 3),
            submitted_through="qoldau",
            actor="citizen",
        )
    assert caught.value.code == code


def test_temporary_status_is_for_people_shown_uninsured(session: Session) -> None:
    pay(session, ADULT, Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
    with pytest.raises(ServiceError) as caught:
        temporary.apply(
            session,
            ADULT,
            "disabled",
            [Document("disability_certificate", "1", date(2024, 1, 1))],
            submitted_on=date(2024, 9, 2),
            submitted_through="qoldau",
            actor="citizen",
        )
    assert caught.value.code == "temporary.already_insured"


def test_a_refund_stops_the_item_counting_from_the_refund_date(session: Session) -> None:
    ids = pay(session, ADULT, Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
    application = refunds.apply(
        session, ids[0], "wrong_period", applied_on=date(2024, 7, 1), actor="citizen"
    )
    # 15 working days (R-R-1); 8 July 2024 is a day off (Capital Day, 6 July, moved)
    assert application.due_by == date(2024, 7, 23)
    on_the_deadline = date(2024, 7, 23)
    assert refunds.pending(session, actor="op", channel="cli", overdue_on=on_the_deadline) == []
    late = refunds.pending(session, actor="op", channel="cli", overdue_on=date(2024, 7, 24))
    assert [a.id for a in late] == [application.id]
    refunds.approve(
        session,
        application.id,
        refunded_on=date(2024, 7, 15),
        today=date(2024, 7, 15),
        actor="operator-2",
    )
    as_known_then = status.status_of(
        session, ADULT, date(2024, 6, 20), as_of=date(2024, 7, 1), actor="x", channel="x"
    ).decision
    as_known_now = status.status_of(
        session, ADULT, date(2024, 6, 20), as_of=date(2024, 7, 20), actor="x", channel="x"
    ).decision
    assert as_known_then.insured
    assert not as_known_now.insured
    assert refunds.pending(session, actor="op", channel="cli") == []
    with pytest.raises(ServiceError) as again:
        refunds.apply(session, ids[0], "overpayment", applied_on=date(2024, 8, 1), actor="c")
    assert again.value.code == "refund.already_refunded"


def test_a_refund_names_a_known_reason_and_payment(session: Session) -> None:
    with pytest.raises(ServiceError) as reason:
        refunds.apply(session, 1, "because", applied_on=date(2024, 7, 1), actor="c")
    assert reason.value.code == "refund.reason"
    with pytest.raises(ServiceError) as missing:
        refunds.apply(session, 999_999, "overpayment", applied_on=date(2024, 7, 1), actor="c")
    assert missing.value.code == "refund.payment_not_found"


def test_refusals_give_reasons(session: Session, uow: Callable[[], object]) -> None:
    ids = pay(session, ADULT, Month(2024, 6), Month(2024, 6), date(2024, 6, 3))
    application = refunds.apply(
        session, ids[0], "overpayment", applied_on=date(2024, 7, 1), actor="c"
    )
    with pytest.raises(ServiceError):
        refunds.refuse(session, application.id, reason=" ", actor="op")
    refused = refunds.refuse(session, application.id, reason="no overpayment found", actor="op")
    assert refused.refusal_reason == "no overpayment found"


def test_a_refund_closes_the_other_applications_on_its_payment(session: Session) -> None:
    """R-R-1: a payment is refunded once.  Approving one application refuses the others on
    the same payment, with the reason stated and audited (decided rows are never rewritten);
    one still pending from before is refused on approval as ``refund.already_refunded``."""
    ids = pay(session, ADULT, Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
    year = refunds.apply(session, ids[0], "wrong_year", applied_on=date(2024, 7, 1), actor="c")
    period = refunds.apply(session, ids[0], "wrong_period", applied_on=date(2024, 7, 1), actor="c")
    refunds.approve(
        session, year.id, refunded_on=date(2024, 7, 15), today=date(2024, 7, 15), actor="op-2"
    )
    assert (period.status.value, period.decided_by) == ("refused", "op-2")
    assert period.refusal_reason == (
        f"payment {ids[0]} is refunded under application {year.id} (R-R-1)"
    )
    assert refunds.pending(session, actor="op", channel="cli") == []
    closed = [e for e in audit.for_person(session, ADULT) if e.action == "refund.refuse"]
    assert [e.detail for e in closed] == [{"application": period.id, "refunded_by": year.id}]
    with pytest.raises(ServiceError) as again:
        refunds.approve(
            session, period.id, refunded_on=date(2024, 7, 16), today=date(2024, 7, 16), actor="o"
        )
    assert again.value.code == "refund.already_decided"


def test_approving_a_second_application_on_a_refunded_payment_says_so(session: Session) -> None:
    """An application left pending on a payment refunded before this fix: its approval is
    refused as ``refund.already_refunded`` (409), not ``already_decided``."""
    ids = pay(session, ADULT, Month(2024, 6), Month(2024, 6), date(2024, 6, 3))
    first = registry_refunds.apply(
        session, ids[0], RefundReason.WRONG_YEAR, applied_on=date(2024, 7, 1)
    )
    stale = registry_refunds.apply(
        session, ids[0], RefundReason.WRONG_PERIOD, applied_on=date(2024, 7, 1)
    )
    registry_refunds.approve(session, first.id, decided_by="op-1", refunded_on=date(2024, 7, 2))
    with pytest.raises(ServiceError) as caught:
        refunds.approve(
            session, stale.id, refunded_on=date(2024, 7, 15), today=date(2024, 7, 15), actor="o"
        )
    assert (caught.value.code, caught.value.status) == ("refund.already_refunded", 409)


@pytest.mark.parametrize(
    "applied_on", [date(2026, 12, 8), date(2026, 3, 16), date(2025, 3, 3), date(2024, 7, 1)]
)
def test_all_fifteen_working_days_are_left_on_the_day_of_the_application(applied_on: date) -> None:
    """R-R-1: decided within 15 working days, counted from the day after the application
    (``decision_due_by``): 15 left on the day itself, none on the due day, overdue the next
    working day (8 December 2026 is due on 30 December)."""
    application = RefundApplication(applied_on=applied_on, due_by=decision_due_by(applied_on))
    assert refunds.working_days_left(application, applied_on) == 15
    assert refunds.working_days_left(application, application.due_by) == 0
    after = application.due_by + timedelta(days=1)
    while refunds.working_days_left(application, after) == 0:  # a weekend or a holiday
        after += timedelta(days=1)
    assert refunds.working_days_left(application, after) == -1
    if applied_on == date(2026, 12, 8):
        assert application.due_by == date(2026, 12, 30)


def test_temporary_status_is_not_granted_to_a_person_insured_on_the_grant_day(
    session: Session,
) -> None:
    """R-TMP-1: temporary status is for a person shown as uninsured.  Uninsured when applying,
    insured by the ``disabled`` category by the decision: the approval is refused as at the
    application (``temporary.already_insured``) and the application stays to be refused."""
    application = _pregnancy_application(session)
    feed = io.BytesIO(f"iin,category,first,last\n{OTHER},disabled,2025-03,\n".encode())
    categories.import_category_feed(session, feed, source="mtszn", actor="feed")
    with pytest.raises(ServiceError) as caught:
        temporary.approve(
            session, application.id, granted_on=date(2025, 3, 4), today=date(2025, 3, 4), actor="o"
        )
    assert (caught.value.code, caught.value.status) == ("temporary.already_insured", 409)
    assert "on 2025-03-04" in caught.value.message
    assert application.status.value == "applied"
    assert "temporary.approve" not in _actions(session)
