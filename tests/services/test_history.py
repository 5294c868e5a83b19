"""History is never rewritten by a decision (R-S-0, R-R-1, R-TMP-1).

A refund or a grant takes effect on its decision day or later: an answer given "as known on"
an earlier day is the same after the decision as before it.  The operator who recorded an
application does not decide it (four eyes, on by default).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from osms.registry import audit, ledger, people
from osms.registry import refunds as refund_records
from osms.registry.models import AuditEvent, RefundReason
from osms.rules.month import Month
from osms.rules.status import Reason, Status
from osms.rules.temporary import Document
from osms.services import refunds, status, temporary
from osms.services.errors import ServiceError
from osms.services.settings import DecisionSettings
from osms.views.models.decision import PaymentMonth
from tests.conftest import pay, self_payment

ADULT = "900515300018"  # born 1990-05-15, a self-payer
MOTHER = "850312401235"  # a woman born 1985-03-12
TODAY = date(2026, 12, 7)
FORM = [Document("form_027u", "027-1", date(2026, 11, 20))]


def _monthly(session: Session, first: Month, last: Month) -> dict[Month, int]:
    """A month paid on the 5th of each month, one by one (never a prepaid block, R-S-4)."""
    return {
        month: pay(session, ADULT, month, month, date(month.year, month.month, 5))[0]
        for month in Month.range(first, last + 1)
    }


def _clinic_answer(session: Session, as_of: date) -> tuple[Status, Reason]:
    """The clinic's question: was the person insured at the visit of 20 July 2026?"""
    decision = status.status_of(
        session, ADULT, date(2026, 7, 20), as_of, actor="clinic", channel="api:status"
    ).decision
    return decision.status, decision.reason


def test_a_refund_decided_today_leaves_the_answer_as_known_on_1_august(session: Session) -> None:
    """The issue's case: a refund approved on 7 December dated 1 August is refused; dated on
    its decision day, it leaves the answer "insured, as known on 2026-08-01" as it was."""
    payments = _monthly(session, Month(2025, 7), Month(2026, 12))
    before = _clinic_answer(session, date(2026, 8, 1))
    assert before == (Status.INSURED, Reason.REGULAR)

    application = refunds.apply(
        session, payments[Month(2026, 3)], "wrong_period", applied_on=date(2026, 12, 1), actor="c"
    )
    with pytest.raises(ServiceError) as backdated:
        refunds.approve(
            session, application.id, refunded_on=date(2026, 8, 1), today=TODAY, actor="op-2"
        )
    assert (backdated.value.code, backdated.value.field) == ("refund.backdated", "refunded_on")
    assert backdated.value.status == 422

    refunds.approve(session, application.id, refunded_on=TODAY, today=TODAY, actor="op-2")
    assert _clinic_answer(session, date(2026, 8, 1)) == before
    assert _clinic_answer(session, date(2026, 12, 6)) == before  # the day before the decision
    # As known from the decision day on, March 2026 is unpaid: a gap in the year (R-S-5).
    assert _clinic_answer(session, TODAY) == (Status.UNINSURED, Reason.DEBT)


def test_a_refund_may_take_effect_later_than_its_decision(session: Session) -> None:
    payments = _monthly(session, Month(2025, 7), Month(2026, 12))
    application = refunds.apply(
        session, payments[Month(2026, 3)], "wrong_year", applied_on=TODAY, actor="c"
    )
    refunds.approve(
        session, application.id, refunded_on=date(2026, 12, 10), today=TODAY, actor="op"
    )
    assert _clinic_answer(session, date(2026, 12, 9))[0] is Status.INSURED
    assert _clinic_answer(session, date(2026, 12, 10))[0] is Status.UNINSURED


def _pregnant(session: Session, submitted_on: date = date(2026, 12, 1), actor: str = "op-1") -> int:
    application = temporary.apply(
        session,
        MOTHER,
        "pregnant",
        FORM,
        submitted_on=submitted_on,
        submitted_through="qoldau",
        actor=actor,
        today=max(TODAY, submitted_on),  # recorded on its day (R-T-4: never ahead of today)
    )
    return application.id


def test_a_grant_starts_on_its_decision_day_or_later(session: Session) -> None:
    application = _pregnant(session)
    for day in (date(2026, 12, 1), date(2026, 12, 6)):  # the application day, the day before
        with pytest.raises(ServiceError) as caught:
            temporary.approve(session, application, granted_on=day, today=TODAY, actor="op-2")
        assert (caught.value.code, caught.value.field) == ("temporary.backdated", "granted_on")
    temporary.approve(session, application, granted_on=TODAY, today=TODAY, actor="op-2")

    def reason(on: date, as_of: date) -> Reason:
        found = status.status_of(session, MOTHER, on, as_of, actor="x", channel="x")
        return found.decision.reason

    assert reason(TODAY, TODAY) is Reason.TEMPORARY
    assert reason(TODAY, date(2026, 12, 6)) is not Reason.TEMPORARY  # not known before
    assert reason(date(2027, 1, 6), TODAY) is Reason.TEMPORARY  # one calendar month
    assert reason(date(2027, 1, 7), TODAY) is not Reason.TEMPORARY


def test_a_grant_never_starts_before_its_application(session: Session) -> None:
    """Even on a decision day before it (an application recorded on a clock ahead of the
    decider's): the registry refuses."""
    application = _pregnant(session, submitted_on=date(2026, 12, 9))
    with pytest.raises(ServiceError) as caught:
        temporary.approve(
            session, application, granted_on=date(2026, 12, 8), today=TODAY, actor="op-2"
        )
    assert caught.value.code == "temporary.backdated"
    assert "before 2026-12-09" in caught.value.message


@pytest.mark.parametrize("decide", ["approve", "refuse"])
def test_the_operator_who_recorded_an_application_does_not_decide_it(
    session: Session, decide: str
) -> None:
    payment = _monthly(session, Month(2026, 1), Month(2026, 1))[Month(2026, 1)]
    refund = refunds.apply(session, payment, "wrong_period", applied_on=TODAY, actor="op-1")
    grant = _pregnant(session, actor="op-1")
    attempts = {
        "refund": lambda who, settings=None: (
            refunds.approve(
                session, refund.id, refunded_on=TODAY, today=TODAY, actor=who, settings=settings
            )
            if decide == "approve"
            else refunds.refuse(session, refund.id, reason="no", actor=who, settings=settings)
        ),
        "temporary": lambda who, settings=None: (
            temporary.approve(
                session, grant, granted_on=TODAY, today=TODAY, actor=who, settings=settings
            )
            if decide == "approve"
            else temporary.refuse(session, grant, reason="no", actor=who, settings=settings)
        ),
    }
    for kind, attempt in attempts.items():
        for same in ("op-1", "OP-1", " Op-1 "):  # one operator, however the name is typed
            with pytest.raises(ServiceError) as caught:
                attempt(same)
            assert (caught.value.code, caught.value.status) == (f"{kind}.decider_is_applicant", 403)
        decided = attempt("op-2")
        assert (decided.applied_by, decided.decided_by) == ("op-1", "op-2")


def test_one_operator_may_do_both_when_four_eyes_is_off(session: Session) -> None:
    alone = DecisionSettings(four_eyes=False)
    grant = _pregnant(session, actor="op-1")
    decided = temporary.approve(
        session, grant, granted_on=TODAY, today=TODAY, actor="op-1", settings=alone
    )
    assert (decided.applied_by, decided.decided_by) == ("op-1", "op-1")
    assert DecisionSettings.from_env({"OSMS_FOUR_EYES": "no"}) == alone
    assert DecisionSettings.from_env({}).four_eyes
    with pytest.raises(ValueError, match="OSMS_FOUR_EYES"):
        DecisionSettings.from_env({"OSMS_FOUR_EYES": "maybe"})


def test_an_application_recorded_before_0004_names_its_applicant_in_the_audit(
    session: Session,
) -> None:
    payment = _monthly(session, Month(2026, 1), Month(2026, 1))[Month(2026, 1)]
    people.ensure(session, ADULT)
    old = refund_records.apply(session, payment, RefundReason.OVERPAYMENT, applied_on=TODAY)
    assert old.applied_by is None
    audit.record(session, "op-1", "refund.apply", ADULT, "overpayment", {"application": old.id})
    with pytest.raises(ServiceError) as caught:
        refunds.approve(session, old.id, refunded_on=TODAY, today=TODAY, actor="op-1")
    assert caught.value.code == "refund.decider_is_applicant"


def test_the_lists_of_applications_are_audited(session: Session) -> None:
    grant = _pregnant(session)
    found = temporary.pending(session, actor="op-2", channel="cli")
    assert [a.id for a in found] == [grant]
    payment = _monthly(session, Month(2026, 1), Month(2026, 1))[Month(2026, 1)]
    refund = refunds.apply(session, payment, "overpayment", applied_on=TODAY, actor="op-1")
    assert [a.id for a in refunds.pending(session, actor="op-2", channel="cli")] == [refund.id]
    events = {
        event.action: event
        for event in session.query(AuditEvent).filter(AuditEvent.actor == "op-2")
    }
    assert events["temporary.list"].detail["iins"] == [MOTHER]
    assert events["temporary.list"].detail["applications"] == [grant]
    assert events["refund.list"].detail["iins"] == [ADULT]
    assert "through cli" in events["refund.list"].why


def test_a_partial_refund_leaves_earlier_answers_showing_the_payment_as_paid(
    session: Session,
) -> None:
    """R-S-0: an overpayment's surplus refunded today is invisible as known on an earlier day,
    in the payments listed too: one payment of 6 000 ₸, not two parts of 4 250 and 1 750."""
    people.ensure(session, ADULT)
    [paid] = [
        ledger.book(
            session,
            self_payment(ADULT, Month(2026, 11), date(2026, 11, 2), "t:1", amount="6000"),
        ).id
    ]
    application = refunds.apply(session, paid, "overpayment", applied_on=TODAY, actor="op-1")
    refunds.approve(session, application.id, refunded_on=TODAY, today=TODAY, actor="op-2")

    def november(as_of: date) -> list[str]:
        decision = status.status_of(
            session, ADULT, as_of, as_of, actor="clinic", channel="api:status"
        ).decision
        [month] = [m for m in PaymentMonth.each(decision) if m.month == "2026-11"]
        return [item.amount for item in month.items]

    assert november(date(2026, 12, 6)) == ["6000.00"]  # as known before the refund
    assert november(TODAY) == ["4250.00"]  # the kept part: 1 750 returned
