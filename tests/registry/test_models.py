"""Every model survives a round trip through the database exactly: money, months, codes, time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import exc, inspect, select, text
from sqlalchemy.orm import Session

from osms.registry.columns import Money, int_to_month, month_to_int
from osms.registry.models import (
    ApiClient,
    ApplicationStatus,
    AuditEvent,
    Base,
    BotSubscription,
    CategoryPeriodRecord,
    CategoryPeriodVersion,
    LineStatus,
    PayerKindPeriod,
    Payment,
    Person,
    RefundApplication,
    RefundReason,
    Register,
    RegisterFormat,
    RegisterLine,
    RegisterStatus,
    TemporaryApplication,
)
from osms.rules.facts import KNP, Channel, PayerKind
from osms.rules.month import Month

IIN = "900515300018"
ALMATY = timezone(timedelta(hours=5))
AT = datetime(2025, 3, 3, 14, 30, 15, 123456, tzinfo=ALMATY)
SHA = "ab" * 32


def _columns(row: Base) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _rows() -> list[Base]:
    """One row of every model, every column set (FK order)."""
    return [
        Person(
            iin=IIN,
            surname="Ахметов",
            given_name="Ерлан",
            patronymic="Серікұлы",
            birth_date=date(1990, 5, 15),
            created_at=AT,
        ),
        PayerKindPeriod(
            iin=IIN,
            first_period=Month(2020, 1),
            kind=PayerKind.ENTREPRENEUR,
            last_period=Month(2023, 12),
        ),
        CategoryPeriodRecord(
            id=1,
            iin=IIN,
            category="unemployed",
            first_period=Month(2021, 3),
            last_period=None,
            source="enbek.kz",
            created_at=AT,
            known_from=date(2025, 3, 3),
        ),
        CategoryPeriodVersion(
            id=1,
            iin=IIN,
            category="unemployed",
            first_period=Month(2021, 3),
            last_period=Month(2021, 9),
            source="enbek.kz",
            recorded_at=AT,
            known_from=None,
            replaced_on=date(2025, 3, 3),
            replaced_at=AT,
            replaced_by="record",
            replacing_source="enbek.kz",
        ),
        Register(
            id=1,
            format=RegisterFormat.MT102,
            sender="HSBKKZKX",
            reference="M-0001",
            received_at=AT,
            declared_total=Decimal("4505.61"),
            line_count=2,
            accepted_count=1,
            rejected_count=1,
            status=RegisterStatus.PARTIALLY_ACCEPTED,
            reason="line 2 rejected",
            file_sha256=SHA,
        ),
        Payment(
            id=1,
            iin=IIN,
            period=Month(2022, 10),
            amount=Decimal("4505.60"),
            knp=KNP.CONTRIBUTION,
            payer="160440007161",
            channel=Channel.BANK_BRANCH,
            paid_on=date(2022, 10, 17),
            credited_on=date(2022, 10, 20),
            reference="M-0001/1",
            register_id=1,
            line_no=1,
            idempotency_key="mt102:HSBKKZKX:M-0001:1",
            booked_at=AT,
        ),
        RegisterLine(
            register_id=1,
            line_no=1,
            status=LineStatus.BOOKED,
            codes="",
            field=None,
            message=None,
            iin=IIN,
            period=Month(2022, 10),
            amount=Decimal("4505.60"),
            payment_id=1,
        ),
        RegisterLine(
            register_id=1,
            line_no=2,
            status=LineStatus.REJECTED,
            codes="iin.checksum,ledger.amount",
            field="iin",
            message="check digit is 9, expected 8",
            iin="900515300019",
            period=Month(2022, 11),
            amount=Decimal("0.01"),
            payment_id=None,
        ),
        TemporaryApplication(
            id=1,
            iin=IIN,
            category="disabled",
            documents=[{"kind": "certificate", "number": "№ 17", "issued_on": "2024-05-02"}],
            submitted_on=date(2025, 3, 1),
            channel="egov",
            status=ApplicationStatus.APPROVED,
            decided_by="operator:7",
            decided_at=AT,
            refusal_reason=None,
            granted_on=date(2025, 3, 3),
            ends_on=date(2025, 4, 3),
        ),
        RefundApplication(
            id=1,
            payment_id=1,
            iin=IIN,
            reason=RefundReason.WRONG_PERIOD,
            applied_on=date(2025, 3, 3),
            due_by=date(2025, 3, 25),
            status=ApplicationStatus.APPROVED,
            decided_by="operator:7",
            decided_at=AT,
            refusal_reason=None,
            refunded_on=date(2025, 3, 20),
            refunded_amount=Decimal("255.60"),
        ),
        AuditEvent(
            id=1,
            at=AT,
            actor="operator:7",
            action="refund.approve",
            iin=IIN,
            why="wrong month",
            detail={"payment": 1, "amount": "4505.60", "nested": {"ok": True, "list": [1, 2]}},
        ),
        ApiClient(
            id=1,
            name="Halyk Bank",
            key_prefix="osms_ab12",
            key_hash="0" * 64,
            scopes="status:read history:read",
            rate_limit_per_minute=600,
            created_at=AT,
            created_by="operator:7",
            revoked_at=None,
            revoked_by=None,
        ),
        BotSubscription(
            chat_id=123456789012,
            iin=IIN,
            lang="ru",
            created_at=AT,
            active=True,
            last_reminded_period=Month(2025, 9),
        ),
    ]


def test_every_model_round_trips(session: Session) -> None:
    rows = _rows()
    assert {type(row).__tablename__ for row in rows} == set(Base.metadata.tables)
    expected = [(type(row), _columns(row)) for row in rows]
    session.add_all(rows)
    session.commit()
    session.expunge_all()

    for model, columns in expected:
        key = tuple(columns[c.name] for c in inspect(model).primary_key)
        loaded = session.get(model, key)
        assert loaded is not None, (model, key)
        assert _columns(loaded) == columns, model.__name__


def test_values_come_back_with_their_types(session: Session) -> None:
    session.add_all(_rows())
    session.commit()
    session.expunge_all()
    payment = session.scalars(select(Payment)).one()
    assert type(payment.amount) is Decimal and str(payment.amount) == "4505.60"
    assert payment.period == Month(2022, 10)
    assert payment.knp is KNP.CONTRIBUTION and payment.channel is Channel.BANK_BRANCH
    assert payment.booked_at == AT and payment.booked_at.tzinfo is not None
    assert payment.booked_at.utcoffset() == timedelta(0)
    register = session.scalars(select(Register)).one()
    assert [line.code_list for line in register.lines] == [(), ("iin.checksum", "ledger.amount")]
    raw = session.execute(text("SELECT period FROM payments")).scalar_one()
    assert raw == 202210


@pytest.mark.parametrize(
    "amount",
    ["4505.60", "0.01", "0.10", "1", "3000", "999999999999.99", "123456789012.34", "7.05"],
)
def test_money_is_exact(session: Session, amount: str) -> None:
    session.add(Person(iin=IIN, birth_date=date(1990, 5, 15)))
    session.add(
        Register(
            format=RegisterFormat.CSV,
            sender="kazpost",
            reference=amount,
            declared_total=Decimal(amount),
            status=RegisterStatus.ACCEPTED,
            file_sha256=SHA,
        )
    )
    session.commit()
    session.expunge_all()
    loaded = session.scalars(select(Register.declared_total)).one()
    assert loaded == Decimal(amount)
    assert str(loaded) == str(Decimal(amount).quantize(Decimal("0.01")))


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0.1, TypeError),
        (True, TypeError),
        (Decimal("0.001"), ValueError),
        (Decimal("1000000000000"), ValueError),
        (Decimal("NaN"), ValueError),
    ],
)
def test_money_refuses_floats_and_fractions_of_a_tiyn(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        Money().process_bind_param(value, None)


def test_months_are_integers_yyyymm() -> None:
    for month in (Month(2017, 7), Month(2022, 10), Month(2030, 12)):
        assert int_to_month(month_to_int(month)) == month
    assert month_to_int(Month(2020, 1)) == 202001


def test_naive_timestamps_are_refused(session: Session) -> None:
    session.add(Person(iin=IIN, birth_date=date(1990, 5, 15), created_at=datetime(2025, 1, 1)))
    with pytest.raises(exc.StatementError, match="timezone-aware"):
        session.flush()


def test_timestamps_are_stored_as_utc(session: Session) -> None:
    session.add(Person(iin=IIN, birth_date=date(1990, 5, 15), created_at=AT))
    session.commit()
    session.expunge_all()
    person = session.get(Person, IIN)
    assert person is not None
    assert person.created_at == AT
    assert person.created_at.tzinfo == UTC
    assert person.created_at.hour == 9  # 14:30 in Almaty (UTC+5)


def _application(**changes: Any) -> TemporaryApplication:
    values: dict[str, Any] = {
        "iin": IIN,
        "category": "disabled",
        "documents": [],
        "submitted_on": date(2025, 3, 1),
        "channel": "egov",
        "status": ApplicationStatus.APPLIED,
    }
    return TemporaryApplication(**{**values, **changes})


@pytest.mark.parametrize(
    "changes",
    [
        {"status": ApplicationStatus.APPROVED},  # no decider, no dates
        {"status": ApplicationStatus.REFUSED, "decided_by": "op", "decided_at": AT},  # no reason
        {"decided_by": "op", "decided_at": AT},  # decided but still applied
        {
            "status": ApplicationStatus.APPROVED,
            "decided_by": "op",
            "decided_at": AT,
            "granted_on": date(2025, 3, 3),
            "ends_on": date(2025, 3, 3),
        },  # empty grant
    ],
)
def test_database_checks_decisions(session: Session, changes: dict[str, Any]) -> None:
    session.add(Person(iin=IIN, birth_date=date(1990, 5, 15)))
    session.commit()
    session.add(_application(**changes))
    with pytest.raises(exc.IntegrityError):
        session.flush()


def test_register_counts_must_add_up(session: Session) -> None:
    session.add(
        Register(
            format=RegisterFormat.CSV,
            sender="kazpost",
            reference="R",
            line_count=3,
            accepted_count=1,
            rejected_count=1,
            status=RegisterStatus.PARTIALLY_ACCEPTED,
            file_sha256=SHA,
        )
    )
    with pytest.raises(exc.IntegrityError):
        session.flush()
