"""History cannot be rewritten in the database (revision 0004), on SQLite and PostgreSQL.

Decided applications (R-R-1, R-TMP-1), the audit trail (RULES.md §11) and the registers'
records (R-F-3, R-L-7) refuse UPDATE and DELETE by trigger, whoever connects, like the ledger
(R-L-8).  What the program legitimately does still works: an application is decided once,
booking writes a register's counters once, in the transaction that inserted it.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import Engine, exc, text
from sqlalchemy.orm import Session

from osms.registry import audit, ledger, people, refunds, temporary
from osms.registry.models import ApplicationStatus, RefundReason
from osms.rules.month import Month
from osms.services.registers import book_register
from tests.conftest import self_payment

IIN = "900515300018"
MOTHER = "850312401235"

CSV = (
    "iin,period,amount,knp,payer,paid_on,channel,reference\n"
    f"{IIN},2025-01,4250,122,{IIN},2025-01-10,terminal,T-1\n"
    f"{IIN},2025-13,4250,122,{IIN},2025-01-10,terminal,T-2\n"
)


def _refund(session: Session) -> int:
    people.ensure(session, IIN)
    payment = ledger.book(
        session, self_payment(IIN, Month(2025, 1), date(2025, 1, 10), "csv:append-only")
    )
    application = refunds.apply(
        session, payment.id, RefundReason.WRONG_PERIOD, applied_on=date(2025, 2, 3)
    )
    session.commit()
    return application.id


def _grant(session: Session) -> int:
    people.ensure(session, MOTHER)
    application = temporary.apply(
        session, MOTHER, "pregnant", [], submitted_on=date(2025, 3, 3), channel="operator"
    )
    session.commit()
    return application.id


def _refused(session: Session, statement: str, **values: object) -> None:
    with pytest.raises(exc.IntegrityError, match="refused"):
        session.execute(text(statement), values)
    session.rollback()


def test_an_application_is_decided_once_and_then_final(session: Session) -> None:
    refund = _refund(session)
    undecided = "UPDATE refund_applications SET reason = 'wrong_iin' WHERE id = :id"
    _refused(session, undecided, id=refund)
    refunds.approve(session, refund, decided_by="operator:2", refunded_on=date(2025, 2, 10))
    session.commit()
    for statement in (
        "UPDATE refund_applications SET refunded_on = '2024-10-01' WHERE id = :id",
        "UPDATE refund_applications SET status = 'refused', refusal_reason = 'x' WHERE id = :id",
        "UPDATE refund_applications SET decided_by = 'someone' WHERE id = :id",
        "DELETE FROM refund_applications WHERE id = :id",
    ):
        _refused(session, statement, id=refund)
    stored = refunds.get(session, refund)
    assert stored is not None
    assert (stored.status, stored.refunded_on) == (ApplicationStatus.APPROVED, date(2025, 2, 10))


def test_a_decision_cannot_change_what_was_applied_for(session: Session) -> None:
    grant = _grant(session)
    _refused(
        session,
        "UPDATE temporary_applications SET status = 'refused', refusal_reason = 'no', "
        "decided_by = 'op', decided_at = CURRENT_TIMESTAMP, iin = :other WHERE id = :id",
        id=grant,
        other=IIN,
    )
    _refused(session, "DELETE FROM temporary_applications WHERE id = :id", id=grant)
    temporary.refuse(session, grant, decided_by="operator:2", reason="documents unreadable")
    session.commit()
    _refused(
        session,
        "UPDATE temporary_applications SET status = 'applied', decided_by = NULL, "
        "decided_at = NULL, refusal_reason = NULL WHERE id = :id",
        id=grant,
    )
    stored = temporary.get(session, grant)
    assert stored is not None and stored.status is ApplicationStatus.REFUSED


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET why = 'nothing happened'", "DELETE FROM audit_events"],
)
def test_the_audit_trail_refuses_update_and_delete(session: Session, statement: str) -> None:
    audit.record(session, "api", "status.lookup", IIN, "public check")
    session.commit()
    _refused(session, statement)
    (event,) = audit.for_person(session, IIN)
    assert event.why == "public check"


def test_a_booked_register_and_its_lines_are_final(engine: Engine, session: Session) -> None:
    source = io.BytesIO(CSV.encode())
    report = book_register(engine, source, actor="bank", format="csv", sender="kazpost")
    assert (report.booked, report.rejected) == (1, 1)
    for statement in (
        "UPDATE registers SET accepted_count = 2, rejected_count = 0",
        "UPDATE registers SET status = 'rejected', reason = 'made up'",
        "DELETE FROM registers",
        "UPDATE register_lines SET codes = ''",
        "DELETE FROM register_lines",
    ):
        _refused(session, statement)
    counts = session.execute(
        text("SELECT line_count, accepted_count, rejected_count FROM registers")
    ).one()
    assert tuple(counts) == (2, 1, 1)
    assert session.execute(text("SELECT count(*) FROM register_lines")).scalar_one() == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_writes_counters_only_in_the_registers_own_transaction(
    session: Session,
) -> None:
    """A register left at zero (as booking inserts it) is still closed once committed."""
    session.execute(
        text(
            "INSERT INTO registers (format, sender, reference, received_at, line_count, "
            "accepted_count, rejected_count, status, file_sha256) VALUES ('csv', 'kazpost', "
            "'K-1', CURRENT_TIMESTAMP, 0, 0, 0, 'accepted', :sha)"
        ),
        {"sha": "a" * 64},
    )
    session.commit()
    _refused(session, "UPDATE registers SET line_count = 5, rejected_count = 5")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    "table", ["audit_events", "register_lines", "registers", "refund_applications"]
)
def test_postgresql_refuses_truncate(session: Session, table: str) -> None:
    _refused(session, f"TRUNCATE {table} CASCADE")
