"""The repositories: people, categories, registers, temporary status, refunds, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from osms.registry import audit, categories, ledger, people, refunds, registers, temporary
from osms.registry.errors import AlreadyDecided, AlreadyRefunded, NotFound
from osms.registry.facts import load_facts
from osms.registry.models import (
    ApplicationStatus,
    LineStatus,
    Payment,
    RefundApplication,
    RefundReason,
    RegisterStatus,
)
from osms.rules.errors import ValidationError
from osms.rules.facts import CategoryPeriod, TemporaryGrant
from osms.rules.month import Month
from osms.rules.temporary import Document
from tests.conftest import self_payment

IIN = "900515300018"
DECIDED = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def _payment(session: Session, key: str = "csv:1") -> Payment:
    people.ensure(session, IIN)
    return ledger.book(session, self_payment(IIN, Month(2025, 2), date(2025, 2, 3), key))


def test_people_are_added_with_a_valid_iin_and_its_birth_date(session: Session) -> None:
    person = people.add(session, " 900515 300018 ", people.WrittenName("Ахметов"))
    assert (person.iin, person.birth_date) == (IIN, date(1990, 5, 15))
    with pytest.raises(ValidationError):
        people.add(session, "900515300019")
    assert people.get(session, IIN) is person
    assert people.get(session, "850312401235") is None


def test_ensure_adds_once_and_fills_in_missing_names(session: Session) -> None:
    first = people.ensure(session, IIN, people.WrittenName("Ахметов"))
    again = people.ensure(session, IIN, people.WrittenName("Other", "Ерлан"))
    assert again is first
    assert (again.surname, again.given_name, again.patronymic) == ("Ахметов", "Ерлан", None)


def test_category_periods(session: Session) -> None:
    people.add(session, IIN)
    open_period = categories.add(
        session, IIN, CategoryPeriod("unemployed", Month(2024, 1)), source="enbek"
    )
    categories.add(
        session, IIN, CategoryPeriod("pregnant", Month(2021, 5), Month(2021, 12)), source="egov"
    )
    with pytest.raises(ValueError, match="before it starts"):
        categories.add(
            session, IIN, CategoryPeriod("x", Month(2021, 5), Month(2021, 4)), source="egov"
        )
    categories.close(session, open_period.id, Month(2024, 6), on=date(2024, 7, 10))
    with pytest.raises(NotFound):
        categories.close(session, 999, Month(2024, 6), on=date(2024, 7, 10))
    assert [(c.category, c.last_period) for c in categories.for_person(session, IIN)] == [
        ("pregnant", Month(2021, 12)),
        ("unemployed", Month(2024, 6)),
    ]
    facts = load_facts(session, IIN)
    assert facts is not None
    assert facts.categories == (
        CategoryPeriod("pregnant", Month(2021, 5), Month(2021, 12)),
        CategoryPeriod("unemployed", Month(2024, 1), Month(2024, 6)),
    )


def _register(session: Session, sha256: str = "0" * 64) -> int:
    return registers.open_register(
        session.connection(),
        format="mt102",
        sender="halyk",
        reference="M-1",
        file_sha256=sha256,
        declared_total=Decimal("8500.00"),
    )


def test_registers_count_their_lines(session: Session) -> None:
    payment = _payment(session, ledger.mt102_key("HSBKKZKX", "M-1", 1))
    register_id = _register(session)
    register = registers.get(session, register_id)
    assert register is not None
    assert (register.status, register.line_count) == (RegisterStatus.ACCEPTED, 0)
    before = ledger.BookedBefore(
        2, "k", IIN, Month(2025, 2), Decimal("4250"), payment.id, None, None, same=True
    )
    duplicate = registers.not_booked(before)
    rejected = registers.LineOutcome(
        3,
        LineStatus.REJECTED.value,
        "iin.checksum",
        ("iin.checksum", "ledger.period"),
        "iin",
        "check digit is 9, expected 8",
        "900515300019",
    )
    connection = session.connection()
    registers.record_lines(
        connection,
        register_id,
        [(duplicate, before.period, before.amount), (rejected, None, Decimal("1"))],
    )
    report = registers.BookingReport(
        register_id, "mt102", "halyk", "M-1", "", lines=3, booked=1, duplicates=1, rejected=1
    )
    report.status = report.status_of_lines().value
    registers.close_register(connection, report, Decimal("8500.00"), "test")
    session.expire_all()
    register = registers.get(session, register_id)
    assert register is not None
    assert (register.line_count, register.accepted_count, register.rejected_count) == (3, 2, 1)
    assert register.status is RegisterStatus.PARTIALLY_ACCEPTED
    assert registers.find_sent(session, "halyk", "0" * 64, "mt102") is register
    assert registers.find_sent(session, "halyk", "1" * 64, "mt102") is None
    assert registers.find_sent(session, "halyk", "0" * 64, "csv") is register  # booked
    assert registers.outcomes_page(session, register_id, 0, 10) == [
        registers.LineOutcome(
            2,
            "duplicate",
            registers.DUPLICATE,
            (registers.DUPLICATE,),
            "reference",
            duplicate.message,
            IIN,
            payment.id,
        ),
        rejected,
    ]
    summary = registers.summary(session, register, resent=True)
    assert (summary.booked, summary.duplicates, summary.recorded, summary.resent) == (
        1,
        1,
        2,
        True,
    )
    # The counters are written once (revision 0004): a second close is refused.
    with pytest.raises(exc.IntegrityError, match="final"):
        registers.close_register(connection, report, None, "test")


def test_a_register_rejected_whole_keeps_its_reason(session: Session) -> None:
    report = registers.BookingReport(
        None,
        "csv",
        "kazpost",
        "K-1",
        RegisterStatus.REJECTED.value,
        reason="total 1 differs",
        reason_code="register.total_mismatch",
        lines=4,
        rejected=4,
    )
    registers.reject_whole(session.connection(), report, "f" * 64, "test")
    assert report.register_id is not None
    register = registers.get(session, report.register_id)
    assert register is not None
    assert register.status is RegisterStatus.REJECTED
    assert register.reason == "register.total_mismatch: total 1 differs"
    assert registers.summary(session, register, resent=False).reason_code == (
        "register.total_mismatch"
    )


def test_temporary_status_is_granted_for_one_calendar_month(session: Session) -> None:
    people.add(session, IIN)
    document = Document("disability_certificate", "МСЭ-1", date(2024, 5, 2))
    application = temporary.apply(
        session, IIN, "disabled", [document], submitted_on=date(2025, 1, 30), channel="egov"
    )
    assert application.status is ApplicationStatus.APPLIED
    assert load_facts(session, IIN).temporary == ()  # type: ignore[union-attr]
    temporary.approve(
        session,
        application.id,
        decided_by="operator:7",
        granted_on=date(2025, 1, 31),
        decided_at=DECIDED,
    )
    assert (application.granted_on, application.ends_on) == (date(2025, 1, 31), date(2025, 2, 28))
    assert temporary.documents_of(application) == [document]
    assert load_facts(session, IIN).temporary == (  # type: ignore[union-attr]
        TemporaryGrant("disabled", date(2025, 1, 31), date(2025, 2, 28)),
    )
    with pytest.raises(AlreadyDecided):
        temporary.refuse(session, application.id, decided_by="operator:8", reason="late")
    with pytest.raises(NotFound):
        temporary.approve(session, 999, decided_by="x", granted_on=date(2025, 1, 1))


def test_a_refused_temporary_application_keeps_its_reason(session: Session) -> None:
    people.add(session, IIN)
    application = temporary.apply(
        session, IIN, "student", [], submitted_on=date(2025, 3, 1), channel="fund_office"
    )
    with pytest.raises(ValueError, match="reason"):
        temporary.refuse(session, application.id, decided_by="operator:7", reason=" ")
    temporary.refuse(session, application.id, decided_by="operator:7", reason="no enrolment")
    assert (application.status, application.refusal_reason) == (
        ApplicationStatus.REFUSED,
        "no enrolment",
    )
    assert temporary.for_person(session, IIN) == [application]
    assert temporary.get(session, application.id) is application
    assert load_facts(session, IIN).temporary == ()  # type: ignore[union-attr]


def test_a_refund_leaves_the_payment_as_it_was(session: Session) -> None:
    payment = _payment(session)
    application = refunds.apply(
        session, payment.id, RefundReason.WRONG_PERIOD, applied_on=date(2026, 3, 16)
    )
    assert (application.iin, application.due_by) == (IIN, date(2026, 4, 9))
    assert load_facts(session, IIN).payments[0].refunded_on is None  # type: ignore[union-attr]
    refunds.approve(session, application.id, decided_by="operator:7", refunded_on=date(2026, 4, 1))
    session.commit()
    session.expunge_all()
    (item,) = load_facts(session, IIN).payments  # type: ignore[union-attr]
    assert item.refunded_on == date(2026, 4, 1)
    assert item.amount == Decimal("4250") and item.period == Month(2025, 2)
    assert refunds.for_person(session, IIN)[0].status is ApplicationStatus.APPROVED

    with pytest.raises(AlreadyRefunded):
        refunds.apply(session, payment.id, RefundReason.OVERPAYMENT, applied_on=date(2026, 4, 2))
    with pytest.raises(AlreadyDecided):
        refunds.refuse(session, application.id, decided_by="operator:8", reason="no")
    with pytest.raises(NotFound):
        refunds.apply(session, 999, RefundReason.OVERPAYMENT, applied_on=date(2026, 4, 2))


def test_only_one_refund_of_a_payment_is_approved(session: Session) -> None:
    payment = _payment(session)
    first = refunds.apply(session, payment.id, RefundReason.WRONG_IIN, applied_on=date(2025, 3, 3))
    second = refunds.apply(
        session, payment.id, RefundReason.WRONG_PERIOD, applied_on=date(2025, 3, 4)
    )
    refunds.refuse(session, first.id, decided_by="operator:7", reason="documents missing")
    refunds.approve(session, second.id, decided_by="operator:7", refunded_on=date(2025, 3, 10))
    third = refunds.get(session, first.id)
    assert third is not None and third.status is ApplicationStatus.REFUSED
    (item,) = load_facts(session, IIN).payments  # type: ignore[union-attr]
    assert item.refunded_on == date(2025, 3, 10)


def test_a_second_pending_application_is_the_first(session: Session) -> None:
    """R-R-1, R-TMP-1: the same payment and reason, or the same person and category, while
    one is pending is the same application; once decided, a new one may be made."""
    payment = _payment(session)
    first = refunds.apply(session, payment.id, RefundReason.WRONG_IIN, applied_on=date(2025, 3, 3))
    again = refunds.apply(session, payment.id, RefundReason.WRONG_IIN, applied_on=date(2025, 3, 5))
    assert again.id == first.id and again.applied_on == date(2025, 3, 3)
    refunds.refuse(session, first.id, decided_by="operator:7", reason="documents missing")
    later = refunds.apply(session, payment.id, RefundReason.WRONG_IIN, applied_on=date(2025, 3, 6))
    assert later.id != first.id

    documents = [Document("form_027u", "1", date(2025, 3, 1))]
    asked = temporary.apply(
        session, IIN, "pregnant", documents, submitted_on=date(2025, 3, 3), channel="qoldau"
    )
    repeated = temporary.apply(
        session, IIN, "pregnant", documents, submitted_on=date(2025, 3, 4), channel="cli"
    )
    assert repeated.id == asked.id
    other = temporary.apply(
        session, IIN, "unemployed", documents, submitted_on=date(2025, 3, 4), channel="cli"
    )
    assert other.id != asked.id


def test_the_database_refuses_a_second_pending_application(session: Session) -> None:
    payment = _payment(session)
    refunds.apply(session, payment.id, RefundReason.WRONG_IIN, applied_on=date(2025, 3, 3))
    session.add(
        RefundApplication(
            payment_id=payment.id,
            iin=IIN,
            reason=RefundReason.WRONG_IIN,
            applied_on=date(2025, 3, 4),
            due_by=date(2025, 3, 31),
            status=ApplicationStatus.APPLIED,
        )
    )
    with pytest.raises(exc.IntegrityError):
        session.flush()


def test_a_lookup_is_audited_in_a_commit_that_waits_for_the_disk(session: Session) -> None:
    audit.record_lookup(
        session, "api", "status.lookup", IIN, "public check", {"on": date(2026, 1, 5)}
    )
    if session.get_bind().dialect.name == "postgresql":
        assert session.execute(text("SHOW synchronous_commit")).scalar() == "on"
    session.commit()
    (event,) = audit.for_person(session, IIN)
    assert (event.actor, event.action, event.why) == ("api", "status.lookup", "public check")
    assert event.detail == {"on": "2026-01-05"}


def test_audit_records_who_what_which_iin_when_and_why(session: Session) -> None:
    event = audit.record(
        session,
        "operator:7",
        "refund.approve",
        IIN,
        "wrong month",
        {"amount": Decimal("4505.60"), "period": Month(2022, 10), "on": date(2025, 3, 4)},
        at=DECIDED,
    )
    later = audit.record(session, "api", "status.check", IIN, "public check")
    audit.record(session, "api", "status.check", None, "malformed IIN")
    session.commit()
    session.expunge_all()
    assert [e.id for e in audit.for_person(session, IIN)] == [later.id, event.id]
    (stored,) = audit.for_person(session, IIN)[1:]
    assert stored.detail == {"amount": "4505.60", "period": "2022-10", "on": "2025-03-04"}
    assert (stored.actor, stored.action, stored.why, stored.at) == (
        "operator:7",
        "refund.approve",
        "wrong month",
        DECIDED,
    )
    with pytest.raises(TypeError, match="float"):
        audit.record(session, "api", "x", None, "y", {"amount": 0.1})
