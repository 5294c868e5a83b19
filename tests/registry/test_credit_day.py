"""R-T-3 with R-P-3: a payment is credited on the day its record carried, else on paid_on + 3
working days by the calendar as it stands when the payment is read, so that a correction added
later as data (the next year's decree of transfers) reaches payments booked before it; and
revision 0006, which keeps the dates of the rows booked before it.

The day off written here is test data, not a real decree."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from osms.batch.export import export_registry
from osms.batch.schema import PAYMENTS, paths
from osms.registry import ledger, migrate, people
from osms.registry.facts import load_facts
from osms.rules import parameters
from osms.rules.month import Month
from osms.rules.status import decide
from osms.scenarios.facts_file import parse_facts
from osms.services.status import status_of
from tests.conftest import pay, self_payment

IIN = "690527316083"
PAID_ON = date(2026, 12, 8)  # a Tuesday: credited on Friday 11 December by today's calendar
CREDITED_BEFORE = date(2026, 12, 11)
CREDITED_AFTER = date(2026, 12, 14)  # once Thursday 10 December is a day off
FACTS = {"periods": "2025-12..2026-12", "paid_on": PAID_ON.isoformat()}

DAY_OFF = """\
country: KZ
checked_through: 2026-12-31
entries:
  - date: 2026-12-10
    kind: day_off
    name: Day off decreed after the payments were booked (test decree)
    source: "Test decree, not a real one (R-P-3)"
"""


@pytest.fixture
def correction(parameters_folder: Path) -> Path:
    """An override folder (OSMS_PARAMETERS_DIR) that makes 10 December 2026 a day off once
    written; the packaged calendar afterwards."""
    return parameters_folder


def _correct_the_calendar(folder: Path) -> None:
    path = folder / "calendar" / "kz_correction.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DAY_OFF, encoding="utf-8")
    parameters.reload()


def test_a_later_calendar_correction_reaches_payments_booked_before(
    session: Session, correction: Path
) -> None:
    """The registry's answer agrees with the rules on the same payments (``osms status
    --facts``) after the correction: the payments made on 8 December count from the 14th."""
    pay(session, IIN, Month(2025, 12), Month(2026, 12), PAID_ON)
    session.commit()
    _correct_the_calendar(correction)

    registry = status_of(session, IIN, CREDITED_BEFORE, actor="test", channel="test").decision
    rules = decide(parse_facts({"iin": IIN}, [FACTS]), CREDITED_BEFORE)
    assert not rules.insured
    assert registry == rules
    facts = load_facts(session, IIN)
    assert facts is not None
    assert {item.credited_on for item in facts.payments} == {CREDITED_AFTER}
    on_the_14th = status_of(session, IIN, CREDITED_AFTER, actor="test", channel="test").decision
    assert on_the_14th == decide(parse_facts({"iin": IIN}, [FACTS]), CREDITED_AFTER)


def test_the_batch_export_credits_by_the_corrected_calendar(
    engine: Engine, session: Session, correction: Path, tmp_path: Path
) -> None:
    """The nightly recompute reads a credit day for every payment: the one the calendar gives
    now, for a payment whose record carried none."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    pay(session, IIN, Month(2026, 12), Month(2026, 12), PAID_ON)
    session.commit()
    _correct_the_calendar(correction)
    export_registry(engine, tmp_path / "population", parts=1)
    table = pq.read_table(paths(tmp_path / "population")[PAYMENTS])
    assert table.column("credited_on").to_pylist() == [CREDITED_AFTER]


def test_a_credit_date_the_record_carries_is_kept(session: Session, correction: Path) -> None:
    """R-T-3: "unless the intake record carries its own credited_on"; a later correction of
    the calendar does not move it."""
    people.ensure(session, IIN)
    carried = date(2026, 12, 9)
    payment = self_payment(IIN, Month(2026, 12), PAID_ON, "csv:carried")
    ledger.book(session, ledger.NewPayment(**{**_fields(payment), "credited_on": carried}))
    session.commit()
    _correct_the_calendar(correction)
    facts = load_facts(session, IIN)
    assert facts is not None
    assert [item.credited_on for item in facts.payments] == [carried]


def _fields(payment: ledger.NewPayment) -> dict[str, object]:
    return {name: getattr(payment, name) for name in ledger.NewPayment.__slots__}


def test_revision_0006_computes_the_credit_days_booked_from_registers(
    database_url: str, engine: Engine
) -> None:
    """At revision 0005 every row stored a credit day. A register's payment stored one
    computed at booking (no register format carries one): 0006 clears it, so a calendar
    correction reaches it (R-T-3, R-P-3); a row booked without a register keeps its day. The
    upgrade also goes through on SQLite while a refund application references a payment (the
    table is rebuilt with foreign keys off)."""
    command.downgrade(migrate.alembic_config(database_url), "0005")
    stored = date(2026, 12, 11)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO people (iin, birth_date, created_at) VALUES (:iin, :b, :at)"),
            {"iin": IIN, "b": date(1969, 5, 27), "at": "2026-12-08 04:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO registers (format, sender, reference, received_at, line_count, "
                "accepted_count, rejected_count, status, file_sha256) VALUES ('csv', 'kassa24', "
                "'R1', '2026-12-08 04:00:00', 1, 1, 0, 'accepted', :sha)"
            ),
            {"sha": "0" * 64},
        )
        register_id = connection.execute(text("SELECT id FROM registers")).scalar_one()
        for key, register in (("csv:booked", register_id), ("demo:loaded", None)):
            connection.execute(
                text(
                    "INSERT INTO payments (iin, period, amount, knp, payer, channel, paid_on, "
                    "credited_on, idempotency_key, booked_at, register_id, line_no) VALUES "
                    "(:iin, 202612, 4250, '122', :iin, 'bank_app', :paid, :credited, :key, "
                    "'2026-12-08 04:00:00', :register, :line)"
                ),
                {
                    "iin": IIN,
                    "paid": PAID_ON,
                    "credited": stored,
                    "key": key,
                    "register": register,
                    "line": 1 if register else None,
                },
            )
        payment_id = connection.execute(
            text("SELECT id FROM payments WHERE idempotency_key = 'csv:booked'")
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO refund_applications (payment_id, iin, reason, applied_on, due_by, "
                "status, applied_by) VALUES (:payment, :iin, 'wrong_iin', :day, :due, "
                "'applied', 'op1')"
            ),
            {"payment": payment_id, "iin": IIN, "day": PAID_ON, "due": date(2026, 12, 29)},
        )
    migrate.upgrade(database_url)
    with Session(engine) as session:
        ledger.book(session, self_payment(IIN, Month(2026, 11), PAID_ON, "csv:after"))
        session.commit()
        stored_dates = session.execute(
            text("SELECT idempotency_key, credited_on FROM payments ORDER BY id")
        ).all()
        refunds = session.execute(text("SELECT count(*) FROM refund_applications")).scalar()
    assert [(key, str(day) if day else None) for key, day in stored_dates] == [
        ("csv:booked", None),
        ("demo:loaded", "2026-12-11"),
        ("csv:after", None),
    ]
    assert refunds == 1


def test_the_downgrade_refuses_payments_without_a_stored_date(
    database_url: str, session: Session
) -> None:
    """Revision 0005 needs a date in every row and the ledger cannot be rewritten (R-L-8)."""
    pay(session, IIN, Month(2026, 12), Month(2026, 12), PAID_ON)
    session.commit()
    with pytest.raises(RuntimeError, match="no stored credit day"):
        command.downgrade(migrate.alembic_config(database_url), "0005")
    assert migrate.current(database_url) == "0006"
