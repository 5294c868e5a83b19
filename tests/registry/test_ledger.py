"""The ledger is append-only (R-L-8) and idempotent (R-L-7), in code and in the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, exc, text, update
from sqlalchemy.orm import Session

from osms.registry import ledger, people
from osms.registry.errors import AppendOnly, DuplicatePayment
from osms.registry.models import Payment
from osms.rules.calendar import credit_date
from osms.rules.facts import Channel
from osms.rules.month import Month
from tests.conftest import self_payment

IIN = "900515300018"


def _book(session: Session, key: str = "csv:REF-1", amount: str = "4250") -> Payment:
    people.ensure(session, IIN)
    return ledger.book(session, _new(key, amount, reference="REF-1"))


def test_booking_leaves_the_credit_date_to_the_calendar(session: Session) -> None:
    """R-T-3: a record without its own credit date stores none; it is read as paid_on + 3
    working days (computed when read, so that a later calendar correction reaches it)."""
    payment = _book(session)
    assert payment.credited_on is None
    assert ledger.credit_day(payment.paid_on, payment.credited_on) == date(2025, 1, 8)
    assert credit_date(date(2024, 12, 31)) == date(2025, 1, 8)
    assert ledger.find(session, "csv:REF-1") is payment
    assert ledger.for_person(session, IIN) == [payment]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE payments SET amount = 1",
        "UPDATE payments SET period = 202502 WHERE iin = '900515300018'",
        "DELETE FROM payments",
    ],
)
def test_database_refuses_update_and_delete(session: Session, statement: str) -> None:
    _book(session)
    session.commit()
    with pytest.raises(exc.IntegrityError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    (payment,) = ledger.for_person(session, IIN)
    assert (payment.amount, payment.period) == (Decimal("4250"), Month(2025, 1))


def test_database_refuses_core_update_and_delete(session: Session) -> None:
    payment_id = _book(session).id
    session.commit()
    with pytest.raises(exc.IntegrityError):
        session.execute(update(Payment).where(Payment.id == payment_id).values(iin=IIN))
    session.rollback()
    with pytest.raises(exc.IntegrityError):
        session.execute(delete(Payment).where(Payment.id == payment_id))
    session.rollback()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_refuses_truncate(session: Session) -> None:
    _book(session)
    session.commit()
    with pytest.raises(exc.IntegrityError, match="append-only"):
        session.execute(text("TRUNCATE payments CASCADE"))
    session.rollback()


def test_orm_refuses_to_flush_a_changed_or_deleted_payment(session: Session) -> None:
    payment = _book(session)
    payment.amount = Decimal("1")
    with pytest.raises(AppendOnly):
        session.flush()
    session.rollback()
    payment = _book(session)
    session.delete(payment)
    with pytest.raises(AppendOnly):
        session.flush()


def test_the_repository_has_no_update_or_delete() -> None:
    public = set(ledger.__all__)
    assert not {name for name in public if "update" in name or "delete" in name}


def test_a_duplicate_key_is_refused_by_the_repository(session: Session) -> None:
    first = _book(session)
    with pytest.raises(DuplicatePayment) as raised:
        _book(session, amount="1")
    assert raised.value.payment_id == first.id
    assert raised.value.code == "ledger.duplicate"
    assert len(ledger.for_person(session, IIN)) == 1


def test_the_idempotency_key_is_unique_in_the_database(session: Session) -> None:
    first = _book(session)
    session.commit()
    twin = Payment(
        iin=IIN,
        period=first.period,
        amount=first.amount,
        knp=first.knp,
        payer=first.payer,
        channel=first.channel,
        paid_on=first.paid_on,
        credited_on=first.credited_on,
        idempotency_key=first.idempotency_key,
    )
    session.add(twin)
    with pytest.raises(exc.IntegrityError):
        session.flush()


def test_mt102_keys_name_bank_message_and_line(session: Session) -> None:
    _book(session, key=ledger.mt102_key("HSBKKZKX", "M-1", 1))
    _book(session, key=ledger.mt102_key("HSBKKZKX", "M-1", 2))
    with pytest.raises(DuplicatePayment):
        _book(session, key="mt102:HSBKKZKX:M-1:2")


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_amounts_must_be_positive(session: Session, amount: str) -> None:
    with pytest.raises(ValueError, match="positive"):
        _book(session, amount=amount)


def test_database_checks_codes_and_amounts(session: Session) -> None:
    payment = _book(session)
    session.commit()
    row = {
        "iin": IIN,
        "period": 202501,
        "amount": 1,
        "knp": "122",
        "payer": IIN,
        "channel": "kazpost",
        "paid_on": payment.paid_on,
        "credited_on": payment.credited_on,
        "booked_at": payment.booked_at,
    }
    insert = text(
        "INSERT INTO payments (iin, period, amount, knp, payer, channel, paid_on, credited_on,"
        " idempotency_key, booked_at) VALUES (:iin, :period, :amount, :knp, :payer, :channel,"
        " :paid_on, :credited_on, :key, :booked_at)"
    )
    bad: list[dict[str, Any]] = [
        {"knp": "125"},
        {"amount": 0},
        {"channel": "pigeon"},
        {"period": 202513},
        {"credited_on": date(2024, 12, 1)},
        {"iin": "850312401235"},  # not in people: the foreign key
    ]
    for n, change in enumerate(bad):
        with pytest.raises(exc.IntegrityError):
            session.execute(insert, {**row, **change, "key": f"bad:{n}"})
        session.rollback()
    session.execute(insert, {**row, "key": "good"})
    session.commit()


def _new(
    key: str,
    amount: str = "4250",
    iin: str = IIN,
    line_no: int | None = None,
    reference: str | None = None,
) -> ledger.NewPayment:
    """Ахметова's payment for January 2025, paid at Kazpost on 31 December 2024."""
    return self_payment(
        iin,
        Month(2025, 1),
        date(2024, 12, 31),
        key,
        amount=amount,
        channel=Channel.KAZPOST,
        reference=reference,
        line_no=line_no,
        name=people.WrittenName("Ахметова"),
    )


def test_book_many_adds_people_and_books_each_key_once(session: Session) -> None:
    """R-L-7 in bulk: a key booked before comes back, the same payment or another one."""
    other = "850101400011"
    connection = session.connection()
    first = ledger.book_many(connection, [_new("csv:x:1"), _new("csv:x:2", iin=other)])
    assert (first.booked, first.before) == (2, [])
    assert people.get(session, other) is not None
    assert people.get(session, IIN).surname == "Ахметова"  # type: ignore[union-attr]
    again = ledger.book_many(
        connection, [_new("csv:x:1", line_no=7), _new("csv:x:2", "1", other, line_no=8)]
    )
    assert again.booked == 0
    booked = {payment.idempotency_key: payment.id for payment in ledger.for_person(session, IIN)}
    same, conflict = sorted(again.before, key=lambda before: before.key)
    assert (same.key, same.line_no, same.same, same.payment_id) == (
        "csv:x:1",
        7,
        True,
        booked["csv:x:1"],
    )
    assert (conflict.key, conflict.line_no, conflict.same) == ("csv:x:2", 8, False)
    assert len(ledger.for_person(session, other)) == 1


def test_book_many_in_chunks_books_everything(session: Session) -> None:
    told: list[int] = []
    payments = [_new(f"csv:x:{n}") for n in range(7)]
    booked = ledger.book_many(session.connection(), payments, chunk=3, progress=told.append)
    assert booked.booked == 7 and told == [3, 3, 1]
    assert sorted(p.idempotency_key for p in ledger.for_person(session, IIN)) == sorted(
        p.idempotency_key for p in payments
    )
    assert all(p.credited_on is None for p in ledger.for_person(session, IIN))
