"""Booking registers into the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.registry.db import make_session_factory
from osms.registry.facts import load_facts
from osms.registry.models import AuditEvent, Payment, Register, RegisterLine
from osms.registry.registers import SENDER_MAX
from osms.rules.month import Month
from osms.rules.status import decide
from osms.services.registers import book_register, report_lines

GOOD = [
    SampleLine("900515300018", Month(2025, 5), Decimal("4250"), "Иванов", "Иван", "Иванович"),
    SampleLine("850312401235", Month(2025, 5), Decimal("4250"), "Ахметова", "Айгерім"),
]
BAD = [
    SampleLine("900515300019", Month(2025, 5), Decimal("4250")),  # check digit
    SampleLine("900515300018", Month(2019, 5), Decimal("4250")),  # before 2020-01
    SampleLine("850312401235", Month(2025, 6), Decimal("0")),  # amount
]


def _mt102(lines: list[SampleLine], reference: str = "OSMS1", **options: object) -> bytes:
    out = io.BytesIO()
    write_mt102(
        out,
        lines,
        sender_bic="HSBKKZKX",
        reference=reference,
        paid_on=date(2025, 6, 10),
        knp="122",
        **options,  # type: ignore[arg-type]
    )
    return out.getvalue()


def _payments(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Payment)).scalar_one())


def test_good_lines_are_booked_and_bad_ones_reported_with_codes(engine: Engine) -> None:
    report = book_register(
        engine, io.BytesIO(_mt102(GOOD + BAD)), actor="bank:halyk", sender="halyk"
    )
    assert (report.lines, report.booked, report.rejected) == (5, 2, 3)
    assert report.accepted + report.rejected == report.lines
    assert report.status == "partially_accepted"
    assert [(o.line_no, o.code) for o in report.outcomes] == [
        (3, "line.invalid_iin"),
        (4, "line.period_too_early"),
        (5, "line.amount_not_positive"),
    ]
    assert _payments(engine) == 2
    with make_session_factory(engine)() as session:
        facts = load_facts(session, "900515300018")
        assert facts is not None
        # КНП 122 paid by the employer's BIN covers the month as employer-paid (R-L-6)
        assert decide(facts, date(2025, 6, 20)).payments[-2].cover.value == "employer"
        register = session.scalars(select(Register)).one()
        assert (register.line_count, register.accepted_count, register.rejected_count) == (5, 2, 3)
        stored = session.scalars(select(RegisterLine).order_by(RegisterLine.line_no)).all()
        assert [line.code_list[0] for line in stored] == [o.code for o in report.outcomes]
        assert session.scalars(select(AuditEvent.action)).all() == ["register.book"]


def test_re_sending_a_register_changes_nothing(engine: Engine) -> None:
    data = _mt102(GOOD + BAD)
    first = book_register(engine, io.BytesIO(data), actor="bank", sender="halyk")
    again = book_register(engine, io.BytesIO(data), actor="bank", sender="halyk")
    assert again.resent and not first.resent
    assert (again.register_id, again.booked, again.rejected) == (first.register_id, 2, 3)
    assert again.outcomes == [] and again.recorded == 3  # a summary: the lines are paged
    assert again.register_id is not None
    stored = report_lines(engine, again.register_id, 0, 100, actor="bank", channel="test")
    assert [(o.line_no, o.code) for o in stored] == [(o.line_no, o.code) for o in first.outcomes]
    assert [
        o.line_no
        for o in report_lines(engine, again.register_id, 1, 1, actor="bank", channel="test")
    ] == [4]
    assert _payments(engine) == 2


def test_the_same_lines_in_another_register_are_duplicates(engine: Engine) -> None:
    book_register(engine, io.BytesIO(_mt102(GOOD)), actor="bank", sender="halyk")
    # same bank, message reference and line numbers: the same payments, re-sent differently
    again = book_register(
        engine, io.BytesIO(_mt102(GOOD, document_number="2")), actor="bank", sender="halyk"
    )
    assert (again.booked, again.duplicates, again.rejected) == (0, 2, 0)
    assert all(o.status == "duplicate" and o.payment_id for o in again.outcomes)
    assert again.status == "accepted"
    assert _payments(engine) == 2


def test_a_register_whose_total_differs_is_rejected_whole(engine: Engine) -> None:
    report = book_register(
        engine, io.BytesIO(_mt102(GOOD, total=Decimal("9999.00"))), actor="bank", sender="halyk"
    )
    assert report.status == "rejected"
    assert report.reason_code == "register.total_mismatch"
    assert (report.lines, report.accepted, report.rejected) == (2, 0, 2)
    assert _payments(engine) == 0


def test_a_rejected_register_sent_again_answers_the_stored_reason(engine: Engine) -> None:
    """R-L-7: the stored outcome is returned unchanged, reason and code apart as the first
    time."""
    data = (Path(__file__).parents[1] / "intake" / "data" / "total_mismatch.mt102").read_bytes()
    first = book_register(engine, io.BytesIO(data), actor="bank", sender="halyk")
    again = book_register(engine, io.BytesIO(data), actor="bank", sender="halyk")
    assert again.resent and again.register_id == first.register_id
    assert (again.reason_code, again.reason) == (first.reason_code, first.reason)
    assert first.reason is not None and first.reason.startswith("the declared total 24000.00")


@pytest.mark.parametrize(
    ("change", "reference"),
    [
        ((":32A:250625", ":32A:270229"), "OSMS20250625001"),  # 29 February 2027: no date
        ((":20:OSMS20250625001", ":20:" + "R" * 100), None),  # no valid :20: to name it by
    ],
)
def test_an_mt102_rejected_while_its_header_is_read_is_reported_as_mt102(
    engine: Engine, change: tuple[str, str], reference: str | None
) -> None:
    data = (Path(__file__).parents[1] / "intake" / "data" / "total_mismatch.mt102").read_bytes()
    data = data.replace(change[0].encode(), change[1].encode())
    report = book_register(engine, io.BytesIO(data), actor="bank", sender="halyk")
    assert (report.status, report.reason_code) == ("rejected", "register.malformed")
    assert report.format == "mt102"
    if reference is None:
        assert len(report.reference) == 16  # the file's hash, as for any nameless register
    else:
        assert report.reference == reference
    with engine.connect() as connection:
        stored = connection.execute(select(Register.format, Register.reference)).one()
    assert (stored.format.value, stored.reference) == ("mt102", report.reference)


def test_a_register_rejected_for_its_total_still_reports_its_malformed_lines(
    engine: Engine,
) -> None:
    """R-F-3: bad lines are returned with their reasons, even when the total (R-L-7) rejects
    the register whole: here the amount that cannot be read is why the total differs."""
    data = (Path(__file__).parents[1] / "intake" / "data" / "t8_example.mt102").read_bytes()
    data = data.replace(b":32B:KZT17000,00", b":32B:KZT17O00,00")
    data = data.replace(b":20:OSMS20250625001", b":20:OSMS20250625002")
    report = book_register(engine, io.BytesIO(data), actor="bank", sender="halyk")
    assert (report.status, report.reason_code) == ("rejected", "register.total_mismatch")
    assert (report.lines, report.accepted, report.rejected) == (2, 0, 2)
    [line] = report.outcomes
    assert (line.line_no, line.status, line.code, line.field) == (
        2,
        "rejected",
        "line.malformed",
        "amount",
    )
    assert line.iin == "850312401235"
    assert report.recorded == 1
    assert _payments(engine) == 0
    assert report.register_id is not None
    stored = report_lines(engine, report.register_id, 0, 10, actor="t", channel="test")
    assert [(o.line_no, o.code) for o in stored] == [(2, "line.malformed")]
    again = book_register(engine, io.BytesIO(data), actor="bank", sender="halyk")
    assert (again.resent, again.recorded) == (True, 1)


def test_windows_1251_and_csv_registers(engine: Engine) -> None:
    russian = [SampleLine("900515300018", Month(2025, 5), Decimal("4250"), "Иванов", "Иван")]
    cp1251 = _mt102(russian, encoding="cp1251")
    assert book_register(engine, io.BytesIO(cp1251), actor="bank", sender="halyk").booked == 1
    out = io.BytesIO()
    write_csv(out, GOOD, paid_on=date(2025, 6, 11), knp="122", channel="terminal")
    report = book_register(engine, io.BytesIO(out.getvalue()), actor="kassa24", sender="KASSA24")
    assert (report.format, report.booked) == ("csv", 2)
    with make_session_factory(engine)() as session:
        names = session.scalars(select(Payment.channel).order_by(Payment.id)).all()
    assert [n.value if n else None for n in names] == ["bank_branch", "terminal", "terminal"]


CRASH = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from osms.services.registers import book_register
    from osms.registry.db import make_engine

    seen = 0
    def progress(n):
        global seen
        seen += n
        if seen >= int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)  # the import dies midway, no clean-up

    book_register(make_engine(sys.argv[1]), Path(sys.argv[2]), actor="crash", sender="halyk",
                  progress=progress, chunk=100)
    """
)


def test_an_import_killed_midway_books_every_line_exactly_once_when_run_again(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    lines = [
        SampleLine("900515300018", Month(2024, 1) + i % 12, Decimal("4250"), line_ref=str(i))
        for i in range(1, 1201)
    ]
    register = tmp_path / "big.mt102"
    register.write_bytes(_mt102(lines, reference="BIG1"))
    killed = subprocess.run(
        [sys.executable, "-c", CRASH, str(engine.url.render_as_string(False)), register, "500"],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr.decode()
    assert _payments(engine) == 0  # the register's transaction died with it
    report = book_register(engine, register, actor="retry", sender="halyk")
    assert (report.lines, report.booked, report.rejected) == (1200, 1200, 0)
    with engine.connect() as connection:
        keys = connection.execute(
            select(func.count(func.distinct(Payment.idempotency_key)))
        ).scalar_one()
    assert keys == _payments(engine) == 1200
    assert book_register(engine, register, actor="again", sender="halyk").resent


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=600), st.sampled_from(["mt102", "csv", None]))
def test_arbitrary_bytes_never_crash_nor_book_partly(
    engine: Engine, data: bytes, form: str | None
) -> None:
    before = _payments(engine)
    report = book_register(engine, io.BytesIO(data), actor="fuzz", format=form, sender="FUZZ")
    assert report.accepted + report.rejected == report.lines
    booked = _payments(engine) - before
    if report.status == "rejected":
        assert booked == 0
    else:
        assert booked <= report.booked


def test_two_senders_may_use_the_same_csv_reference(engine: Engine) -> None:
    """R-L-7: a CSV line's key is its sender's reference, not the reference alone."""
    out = io.BytesIO()
    write_csv(out, GOOD[:1], paid_on=date(2025, 6, 11), knp="122", channel="terminal")
    kaspi = book_register(engine, io.BytesIO(out.getvalue()), actor="k", sender="KASPI")
    halyk = book_register(engine, io.BytesIO(out.getvalue()), actor="h", sender="HALYK")
    assert (kaspi.booked, halyk.booked, halyk.duplicates) == (1, 1, 0)


@pytest.mark.parametrize("sender", ["t", "KASSA24", "s" * SENDER_MAX])
def test_a_csv_reference_may_have_160_characters_whoever_sends_it(
    engine: Engine, sender: str
) -> None:
    """R-L-7: the limit is the reference's, not that of ``csv:<sender>:<reference>``."""
    text = (
        "iin,period,amount,knp,payer,paid_on,channel,reference\n"
        f"900515300018,2025-05,4250,122,900515300018,2025-06-11,terminal,{'R' * 160}\n"
        f"850312401235,2025-05,4250,122,850312401235,2025-06-11,terminal,{'R' * 161}\n"
    )
    report = book_register(engine, io.BytesIO(text.encode()), actor="t", sender=sender)
    assert (report.booked, report.rejected) == (1, 1)
    [line] = report.outcomes
    assert (line.line_no, line.code, line.field) == (2, "line.malformed", "reference")
    assert "at most 160 printable characters" in line.message
    with engine.connect() as connection:
        key = connection.execute(select(Payment.idempotency_key)).scalar_one()
    assert key == f"csv:{sender.lower()}:{'R' * 160}"


@pytest.mark.parametrize("reference", ["R\x001", "R" * 161])
def test_a_reference_the_ledger_cannot_keep_is_a_malformed_line(
    engine: Engine, reference: str
) -> None:
    text = (
        "iin,period,amount,knp,payer,paid_on,channel,reference\n"
        f"900515300018,2025-05,4250,122,900515300018,2025-06-11,terminal,{reference}\n"
        "850312401235,2025-05,4250,122,850312401235,2025-06-11,terminal,R2\n"
    )
    report = book_register(engine, io.BytesIO(text.encode()), actor="t", sender="KASSA24")
    assert (report.booked, report.rejected) == (1, 1)
    assert report.outcomes[0].code == "line.malformed"
    assert report.outcomes[0].field == "reference"
