"""Operators' integrity: overpayment refunds return only the surplus and every refund shows its
effect first (R-R-1); applications are plausible and made once while pending (R-TMP-1, R-R-1);
category feeds upsert, close and withdraw periods, and re-importing changes nothing (R-CAT-1).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from osms.registry import ledger, people
from osms.registry.categories import Change
from osms.registry.facts import load_facts
from osms.registry.models import AuditEvent, CategoryPeriodVersion
from osms.rules.facts import KNP
from osms.rules.month import Month
from osms.rules.status import Status
from osms.rules.temporary import Document
from osms.services import categories, refunds, status, temporary
from osms.services.errors import ServiceError
from tests.conftest import pay, self_payment

ADULT = "900515300018"  # a man born 1990-05-15, a self-payer
MOTHER = "850312401235"  # a woman born 1985-03-12
OLD_MAN = "590101300016"  # a man born 1959-01-01
FUND_BIN = "160440007161"
TODAY = date(2025, 4, 10)


def _monthly_payer(session: Session) -> dict[Month, int]:
    """2024-03 … 2025-02 paid one by one (4 250 ₸, R-L-4 for 2024 and 2025); 2025-03 paid
    6 000 ₸, 1 750 ₸ more than due."""
    ids = {
        month: pay(session, ADULT, month, month, date(month.year, month.month, 5))[0]
        for month in Month.range(Month(2024, 3), Month(2025, 3))
    }
    ids[Month(2025, 3)] = _book(session, ADULT, Month(2025, 3), "6000", date(2025, 3, 5))
    return ids


def _book(
    session: Session,
    iin: str,
    month: Month,
    amount: str,
    paid_on: date,
    *,
    knp: KNP = KNP.CONTRIBUTION,
    payer: str | None = None,
) -> int:
    people.ensure(session, iin)
    key = f"test:{iin}:{month}:{paid_on}:{amount}"
    payment = self_payment(iin, month, paid_on, key, amount=amount, knp=knp, payer=payer)
    return ledger.book(session, payment).id


def _status(session: Session, on: date = TODAY, as_of: date | None = None) -> Status:
    return status.status_of(session, ADULT, on, as_of, actor="x", channel="x").decision.status


def _apply(session: Session, payment: int, reason: str = "overpayment") -> int:
    return refunds.apply(session, payment, reason, applied_on=TODAY, actor="op-1").id


def _effect(
    session: Session, application: int, amount: Decimal | None = None
) -> refunds.RefundEffect:
    return refunds.effect(
        session, application, refunded_on=TODAY, actor="op-2", channel="cli", amount=amount
    )


def _approve(session: Session, application: int, amount: Decimal | None = None) -> object:
    return refunds.approve(
        session, application, refunded_on=TODAY, today=TODAY, actor="op-2", amount=amount
    )


def test_an_overpayment_refund_returns_the_surplus_and_the_month_stays_covered(
    session: Session,
) -> None:
    ids = _monthly_payer(session)
    application = _apply(session, ids[Month(2025, 3)])
    shown = _effect(session, application)
    assert shown.amount == Decimal("1750.00") and shown.problem is None
    assert shown.unpaid_months == () and not shown.loses_status
    assert shown.before.insured and shown.after.insured
    approved = _approve(session, application)
    assert approved.refunded_amount == Decimal("1750.00")  # type: ignore[attr-defined]
    assert _status(session) is Status.INSURED
    facts = load_facts(session, ADULT)
    assert facts is not None
    march = [(i.amount, i.refunded_on) for i in facts.payments if i.period == Month(2025, 3)]
    assert march == [(Decimal("4250.00"), None), (Decimal("1750.00"), TODAY)]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "refund.approve")).one()
    assert event.detail["amount"] == "1750.00" and event.detail["unpaid_months"] == []


def test_an_exact_payment_has_no_surplus_to_refund(session: Session) -> None:
    """The issue's case: an 'overpayment' refund of the only 4 250 ₸ of a month took the
    person from INSURED to NOT INSURED.  There is nothing above the amount due: refused."""
    ids = _monthly_payer(session)
    application = _apply(session, ids[Month(2025, 1)])
    shown = _effect(session, application)
    assert (shown.amount, shown.problem) == (None, "refund.no_surplus")
    assert shown.after.status is shown.before.status is Status.INSURED
    with pytest.raises(ServiceError) as caught:
        _approve(session, application)
    assert caught.value.code == "refund.no_surplus"
    assert _status(session) is Status.INSURED


def test_a_wrong_payment_refund_shows_the_months_and_the_status_it_takes(
    session: Session,
) -> None:
    ids = _monthly_payer(session)
    application = _apply(session, ids[Month(2025, 1)], "wrong_period")
    shown = _effect(session, application)
    assert shown.amount == Decimal("4250.00")
    assert shown.unpaid_months == (Month(2025, 1),)
    assert shown.before.status is Status.INSURED and shown.after.status is Status.UNINSURED
    assert shown.loses_status
    assert _status(session) is Status.INSURED  # showing the effect changes nothing
    with pytest.raises(ServiceError) as caught:
        _approve(session, application, Decimal("100"))
    assert caught.value.code == "refund.amount_whole"
    _approve(session, application)
    assert _status(session) is Status.UNINSURED


def test_a_month_paid_twice_is_refunded_once(session: Session) -> None:
    ids = _monthly_payer(session)
    twice = _book(session, ADULT, Month(2025, 2), "4250", date(2025, 2, 20))
    first = _apply(session, ids[Month(2025, 2)])
    second = _apply(session, twice)
    assert _effect(session, first).amount == Decimal("4250.00")
    _approve(session, first)
    assert _effect(session, second).problem == "refund.no_surplus"
    with pytest.raises(ServiceError):
        _approve(session, second)
    assert _status(session) is Status.INSURED


def test_an_employers_overpayment_needs_its_amount(session: Session) -> None:
    """R-L-6: the Fund does not know an employee's income, so not what was due."""
    employer = _book(
        session, ADULT, Month(2025, 3), "20000", date(2025, 3, 20),
        knp=KNP.EMPLOYER_DEDUCTION, payer=FUND_BIN,
    )  # fmt: skip
    application = _apply(session, employer)
    assert _effect(session, application).problem == "refund.amount_required"
    with pytest.raises(ServiceError) as needed:
        _approve(session, application)
    assert needed.value.code == "refund.amount_required"
    with pytest.raises(ServiceError) as whole:
        _approve(session, application, Decimal("20000"))
    assert whole.value.code == "refund.amount_exceeds_surplus"
    shown = _effect(session, application, Decimal("5000"))
    assert shown.amount == Decimal("5000") and shown.unpaid_months == ()
    _approve(session, application, Decimal("5000"))


def test_a_second_application_while_one_is_pending_is_the_first(session: Session) -> None:
    ids = _monthly_payer(session)
    first = _apply(session, ids[Month(2025, 3)])
    assert _apply(session, ids[Month(2025, 3)]) == first
    assert _apply(session, ids[Month(2025, 3)], "wrong_year") != first
    form = [Document("form_027u", "027-1", date(2025, 4, 1))]
    asked = temporary.apply(
        session,
        MOTHER,
        "pregnant",
        form,
        submitted_on=TODAY,
        submitted_through="qoldau",
        actor="op-1",
    )
    again = temporary.apply(
        session, MOTHER, "pregnant", form, submitted_on=TODAY, submitted_through="cli", actor="op-3"
    )
    assert again.id == asked.id and again.applied_by == "op-1"
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("refund.apply_again") == 1
    assert actions.count("temporary.apply_again") == 1


@pytest.mark.parametrize(
    ("iin", "category", "documents", "code"),
    [
        (ADULT, "pregnant", [("form_027u", "027-1")], "temporary.not_a_woman"),
        (ADULT, "child", [("birth_certificate", "I-1")], "temporary.not_a_child"),
        (ADULT, "pensioner", [("identity_card", "0001")], "temporary.below_pension_age"),
    ],
)
def test_an_application_must_be_plausible_for_the_person(
    session: Session, iin: str, category: str, documents: list[tuple[str, str]], code: str
) -> None:
    papers = [Document(kind, number, date(2025, 4, 1)) for kind, number in documents]
    with pytest.raises(ServiceError) as caught:
        temporary.apply(
            session,
            iin,
            category,
            papers,
            submitted_on=TODAY,
            submitted_through="cli",
            actor="op-1",
        )
    assert (caught.value.code, caught.value.field) == (code, "category")


def test_a_pensioner_of_pension_age_or_with_the_document_may_apply(session: Session) -> None:
    card = [Document("identity_card", "0001", date(2020, 1, 1))]
    veteran = [Document("veteran_certificate", "В-1", date(2020, 1, 1))]
    old = temporary.apply(
        session,
        OLD_MAN,
        "pensioner",
        card,
        submitted_on=TODAY,
        submitted_through="cli",
        actor="op-1",
    )
    young = temporary.apply(
        session,
        ADULT,
        "pensioner",
        veteran,
        submitted_on=TODAY,
        submitted_through="cli",
        actor="op-1",
    )
    assert old.id != young.id


def _feed(session: Session, text: str, on: date) -> categories.FeedReport:
    return categories.import_category_feed(
        session, io.BytesIO(text.encode()), source="enbek", actor="op-1", on=on
    )


def _history(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CategoryPeriodVersion)) or 0


def test_a_feed_upserts_closes_and_withdraws_and_a_re_import_changes_nothing(
    session: Session,
) -> None:
    """R-CAT-1, each step: the periods as known on each day stay answerable."""
    opened = "iin,category,first,last\n850312401235,unemployed,2025-01,\n"
    first = _feed(session, opened, date(2025, 1, 20))
    assert [line.status for line in first.lines] == [Change.ADDED]
    again = _feed(session, opened, date(2025, 2, 1))
    assert [line.status for line in again.lines] == [Change.UNCHANGED]
    assert _history(session) == 0

    closed = "iin,category,first,last\n850312401235,unemployed,2025-01,2025-03\n"
    assert _feed(session, closed, date(2025, 4, 2)).lines[0].status == "changed"
    assert _feed(session, closed, date(2025, 4, 3)).lines[0].status == "unchanged"
    assert _history(session) == 1

    def in_category(on: date, as_of: date) -> bool:
        found = status.status_of(session, MOTHER, on, as_of, actor="x", channel="x")
        return found.decision.category == "unemployed"

    assert in_category(date(2025, 4, 1), date(2025, 4, 1))  # open, as known then
    assert not in_category(date(2025, 4, 10), date(2025, 4, 10))  # closed with March

    gone = "iin,category,first,last,action\n850312401235,unemployed,2025-01,,withdraw\n"
    assert _feed(session, gone, date(2025, 5, 5)).lines[0].status == "withdrawn"
    assert _feed(session, gone, date(2025, 5, 6)).lines[0].status == "unchanged"
    assert _history(session) == 2
    assert not in_category(date(2025, 2, 10), date(2025, 5, 5))
    assert in_category(date(2025, 2, 10), date(2025, 5, 4))


def test_a_feed_naming_a_period_twice_is_decided_by_its_last_line(session: Session) -> None:
    text = (
        "iin,category,first,last,action\n"
        "850312401235,unemployed,2025-01,,\n"
        "850312401235,unemployed,2025-01,2025-02,\n"
        "900515300018,pregnant,2025-01,,\n"
        "850312401235,student,2024-09,,withdraw\n"
        "850312401235,unemployed,2024-01,,maybe\n"
    )
    report = _feed(session, text, date(2025, 3, 1))
    assert [(line.status.value, line.code) for line in report.lines] == [
        ("superseded", None),
        ("added", None),
        ("rejected", "feed.not_a_woman"),
        ("rejected", "feed.withdraw_unknown"),
        ("rejected", "feed.action"),
    ]
    assert (report.accepted, report.rejected) == (2, 3)
    again = _feed(session, text, date(2025, 3, 2))
    assert [line.status.value for line in again.lines][:2] == ["superseded", "unchanged"]
    assert _history(session) == 0
