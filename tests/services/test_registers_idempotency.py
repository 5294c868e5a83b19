"""Idempotent booking (R-L-7, R-F-3): who sent a register, keys booked before, concurrency.

Every line of every register is booked exactly once, or counted a duplicate of the same
payment, or rejected with a reason; ``accepted + rejected == lines`` always, on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from osms.i18n import error_message
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.registry.models import Payment, Person, Register
from osms.rules.checkdigit import calc_check_digit
from osms.rules.month import Month
from osms.services.registers import KEY_CONFLICT, BookingReport, book_register, report_lines

IVAN, AIGERIM, NURLAN = "900515300018", "850312401235", "800101300096"
PAID_ON = date(2025, 6, 10)
MAY = Month(2025, 5)


def _mt102(lines: list[SampleLine], reference: str = "OSMS1", **options: Any) -> bytes:
    out = io.BytesIO()
    write_mt102(
        out, lines, sender_bic="HSBKKZKX", reference=reference, paid_on=PAID_ON, knp="122",
        **options,
    )  # fmt: skip
    return out.getvalue()


def _csv(lines: list[SampleLine], **options: Any) -> bytes:
    out = io.BytesIO()
    write_csv(out, lines, paid_on=PAID_ON, knp="122", channel="terminal", **options)
    return out.getvalue()


def _book(engine: Engine, data: bytes, sender: str, **options: Any) -> BookingReport:
    return book_register(engine, io.BytesIO(data), actor=f"test:{sender}", sender=sender, **options)


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


# -- who sent it -----------------------------------------------------------------------------


def test_the_same_list_from_one_sender_in_any_case_is_one_register(engine: Engine) -> None:
    data = _csv([SampleLine(IVAN, MAY, "4250", reference="K-1")])
    first = _book(engine, data, "kazpost")
    upper = _book(engine, data, "KAZPOST")
    spaced = _book(engine, data, " Kazpost ")
    assert (first.booked, first.resent) == (1, False)
    assert upper.resent and spaced.resent
    assert upper.register_id == spaced.register_id == first.register_id
    assert _count(engine, Payment) == 1 and _count(engine, Register) == 1
    with engine.connect() as connection:
        key = connection.execute(select(Payment.idempotency_key)).scalar_one()
    assert key == "csv:kazpost:K-1"


def test_the_same_file_from_the_same_sender_is_resent_whatever_it_claims(engine: Engine) -> None:
    data = _csv([SampleLine(IVAN, MAY, "4250", reference="K-1")])
    first = _book(engine, data, "kassa24")
    again = _book(engine, data, "kassa24", format="csv", total=Decimal("1.00"))
    assert again.resent and again.register_id == first.register_id
    assert (again.status, again.booked, again.reason_code) == ("accepted", 1, None)
    assert _count(engine, Register) == 1


@pytest.mark.parametrize(
    ("data", "wrong"),
    [
        (_mt102([SampleLine(IVAN, MAY, "4250"), SampleLine(AIGERIM, MAY, "4250")]), "csv"),
        (_csv([SampleLine(IVAN, MAY, "4250"), SampleLine(AIGERIM, MAY, "4250")]), "mt102"),
    ],
    ids=["mt102-read-as-csv", "csv-read-as-mt102"],
)
def test_a_file_rejected_for_a_wrong_format_is_booked_when_sent_as_it_is(
    engine: Engine, data: bytes, wrong: str
) -> None:
    """R-L-7: a file rejected whole as read in the wrong format booked nothing: sent again and
    read in its own format it is booked; sent again as read before, it answers that outcome."""
    refused = _book(engine, data, "halyk", format=wrong)
    assert (refused.status, refused.reason_code) == ("rejected", "register.malformed")
    again_wrong = _book(engine, data, "halyk", format=wrong)
    assert again_wrong.resent and again_wrong.register_id == refused.register_id
    booked = _book(engine, data, "halyk")
    assert (booked.resent, booked.status, booked.booked) == (False, "accepted", 2)
    assert booked.register_id != refused.register_id
    assert _count(engine, Payment) == 2
    for options in ({}, {"format": wrong}):
        resent = _book(engine, data, "halyk", **options)
        assert resent.resent and resent.register_id == booked.register_id
    assert _count(engine, Payment) == 2 and _count(engine, Register) == 2


def test_a_file_rejected_whole_in_its_own_format_answers_that_rejection(engine: Engine) -> None:
    data = _mt102([SampleLine(IVAN, MAY, "4250")], total=Decimal("1.00"))
    first = _book(engine, data, "halyk")
    again = _book(engine, data, "halyk", format="mt102")
    assert first.reason_code == "register.total_mismatch"
    assert again.resent and again.register_id == first.register_id
    assert _count(engine, Register) == 1


def test_a_sender_name_cannot_be_empty(engine: Engine) -> None:
    with pytest.raises(ValueError, match="sender"):
        _book(engine, _csv([SampleLine(IVAN, MAY, "4250")]), "  ")


# -- a key booked before ---------------------------------------------------------------------


def test_a_restarted_message_counter_is_a_key_conflict_not_a_silent_duplicate(
    engine: Engine,
) -> None:
    """The bank's :20: restarts: the same keys now carry other payments (R-L-7, R-F-3)."""
    first = _book(engine, _mt102([SampleLine(IVAN, MAY, "4250")]), "halyk")
    [earlier] = _payments(engine)
    later = [
        SampleLine(AIGERIM, MAY, "4250"),  # line 1: same key, another person
        SampleLine(NURLAN, MAY, "4250"),  # line 2: a new key
    ]
    report = _book(engine, _mt102(later, document_number="9"), "halyk")
    assert (report.lines, report.booked, report.duplicates, report.rejected) == (2, 1, 0, 1)
    assert report.accepted + report.rejected == report.lines
    assert report.status == "partially_accepted"
    [conflict] = report.outcomes
    assert (conflict.line_no, conflict.status, conflict.code) == (1, "rejected", KEY_CONFLICT)
    assert conflict.payment_id == earlier.id and conflict.earlier_register == first.register_id
    assert f"payment {earlier.id} (register {first.register_id}, line 1)" in conflict.message
    text = error_message(conflict.code, "kk", **conflict.values())
    assert f"төлем {earlier.id}, №{first.register_id} тізілім" in text
    # stored as a rejected line, read back with the same payment and register
    assert report.register_id is not None
    [stored] = report_lines(engine, report.register_id, 0, 10, actor="bank", channel="test")
    assert stored == conflict
    assert {p.iin for p in _payments(engine)} == {IVAN, NURLAN}


def test_another_senders_reference_is_its_own_key(engine: Engine) -> None:
    data = _csv([SampleLine(IVAN, MAY, "4250", reference="T-1")])
    other = _csv([SampleLine(AIGERIM, MAY, "4250", reference="T-1")])
    assert _book(engine, data, "kaspi").booked == 1
    assert _book(engine, other, "halyk").booked == 1
    # the same sender reusing its reference for another payment is a conflict
    report = _book(engine, other, "kaspi")
    assert (report.booked, report.rejected, report.outcomes[0].code) == (0, 1, KEY_CONFLICT)
    assert report.status == "rejected"
    assert _count(engine, Payment) == 2


def test_the_same_payment_re_encoded_is_a_duplicate(engine: Engine) -> None:
    lines = [SampleLine(IVAN, MAY, "4250", "Иванов", "Иван")]
    assert _book(engine, _mt102(lines), "halyk").booked == 1
    again = _book(engine, _mt102(lines, encoding="cp1251", newline="\n"), "halyk")
    assert not again.resent
    assert (again.booked, again.duplicates, again.rejected) == (0, 1, 0)
    [duplicate] = again.outcomes
    assert (duplicate.status, duplicate.code) == ("duplicate", "line.duplicate")
    assert duplicate.payment_id == _payments(engine)[0].id
    assert _count(engine, Payment) == 1


def test_a_conflicting_line_makes_no_person(engine: Engine) -> None:
    _book(engine, _csv([SampleLine(IVAN, MAY, "4250", reference="T-1")]), "kaspi")
    report = _book(engine, _csv([SampleLine(NURLAN, MAY, "4250", reference="T-1")]), "kaspi")
    assert report.rejected == 1
    with engine.connect() as connection:
        assert connection.execute(select(Person.iin)).scalars().all() == [IVAN]


def _payments(engine: Engine) -> list[Any]:
    """The ledger's rows (``.id``, ``.iin``...), in booking order."""
    with engine.connect() as connection:
        return list(connection.execute(select(Payment).order_by(Payment.id)).all())


# -- any sequence of registers (property) ----------------------------------------------------

PEOPLE = (IVAN, AIGERIM, NURLAN)
EXAMPLES = itertools.count()


@dataclass(frozen=True)
class Spec:
    """A register to write: CSV under its sender's keys, or MT102 under the bank's."""

    kind: str
    sender: int
    lines: tuple[tuple[str, int], ...]
    """(reference, content variant) per line."""
    variant: int
    """How the same content is written: line endings, byte order mark, encoding, order."""


def _content(variant: int) -> tuple[str, Month, Decimal]:
    return PEOPLE[variant % 3], MAY, Decimal(4250 + 10 * (variant // 3))


specs = st.builds(
    Spec,
    kind=st.sampled_from(["csv", "mt102"]),
    sender=st.integers(0, 1),
    lines=st.lists(
        st.tuples(st.sampled_from("ABCD"), st.integers(0, 3)), min_size=1, max_size=5
    ).map(tuple),
    variant=st.integers(0, 3),
)
operations = st.lists(
    st.one_of(
        specs.map(lambda spec: ("new", spec)),
        st.tuples(st.just("resend"), st.integers(0, 7), st.integers(0, 1)),
    ),
    min_size=1,
    max_size=6,
)


def _write(spec: Spec, message: str) -> bytes:
    rows = list(spec.lines)
    if spec.variant == 3:
        rows.reverse()
    lines = []
    for reference, variant in rows:
        iin, period, amount = _content(variant)
        lines.append(
            SampleLine(iin, period, amount, "Иванов", line_ref=reference, reference=reference)
        )
    if spec.kind == "mt102":
        encoding = "cp1251" if spec.variant == 1 else "utf-8"
        return _mt102(lines, reference=message, encoding=encoding, bom=spec.variant == 2)
    newline = "\n" if spec.variant == 1 else "\r\n"
    return _csv(lines, newline=newline, bom=spec.variant == 2)


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations)
def test_every_line_is_booked_once_or_counted_with_its_reason(
    engine: Engine, ops: list[Any]
) -> None:
    example = next(EXAMPLES)  # the database is shared by the examples: each has its own keys
    senders = (f"kaspi-{example}", f"halyk-{example}")
    message = f"E{example}"  # MT102 :20: of this example (the keys' bank is the same)
    sent: list[tuple[bytes, Spec]] = []
    received: dict[tuple[str, str], BookingReport] = {}
    booked: dict[tuple[str, ...], tuple[Any, ...]] = {}
    outcomes = 0
    for op in ops:
        if op[0] == "new":
            spec = op[1]
            data, sender = _write(spec, message), senders[spec.sender]
        elif sent:
            data, spec = sent[op[1] % len(sent)]
            sender = senders[op[2]]
        else:
            continue
        sent.append((data, spec))
        report = _book(engine, data, sender)
        assert report.accepted + report.rejected == report.lines
        digest = hashlib.sha256(data).hexdigest()
        if (sender, digest) in received:
            first = received[(sender, digest)]
            assert report.resent and report.outcomes == []
            assert (report.register_id, report.booked, report.duplicates, report.rejected) == (
                first.register_id,
                first.booked,
                first.duplicates,
                first.rejected,
            )
            continue
        assert not report.resent
        received[(sender, digest)] = report
        expected: list[tuple[int, str]] = []
        seen: set[tuple[str, ...]] = set()
        rows = list(spec.lines)[::-1] if spec.variant == 3 else list(spec.lines)
        for line_no, (reference, variant) in enumerate(rows, start=1):
            key = ("csv", sender, reference) if spec.kind == "csv" else ("mt102", reference)
            content = (*_content(variant), spec.kind)
            if key in seen:
                expected.append((line_no, "line.duplicate"))  # twice in one register
            elif key in booked:
                same = booked[key] == content
                expected.append((line_no, "line.duplicate" if same else KEY_CONFLICT))
            else:
                booked[key] = content
            seen.add(key)
        assert [(o.line_no, o.code) for o in report.outcomes] == expected
        assert report.booked == len(rows) - len(expected)
        outcomes += report.booked
        assert report.register_id is not None
        stored = report_lines(engine, report.register_id, 0, 100, actor="bank", channel="test")
        assert [(o.line_no, o.code) for o in stored] == expected
    with engine.connect() as connection:
        rows = connection.execute(
            select(Payment.idempotency_key, Payment.iin, Payment.period, Payment.amount).where(
                Payment.idempotency_key.like(f"csv:kaspi-{example}:%")
                | Payment.idempotency_key.like(f"csv:halyk-{example}:%")
                | Payment.idempotency_key.like(f"mt102:HSBKKZKX:{message}:%")
            )
        ).all()
    found = {}
    for key, iin, period, amount in rows:
        parts = key.split(":")
        ours = ("csv", parts[1], parts[2]) if parts[0] == "csv" else ("mt102", parts[3])
        found[ours] = (iin, period, amount, parts[0])
    assert found == booked  # each booked once, as first sent
    assert len(rows) == outcomes


# -- two registers at once (PostgreSQL) ------------------------------------------------------


def _new_people(count: int, born: date) -> list[str]:
    found: list[str] = []
    day = born
    while len(found) < count:
        prefix = f"{day:%y%m%d}30001"
        digit = calc_check_digit(prefix)
        if digit is not None:
            found.append(f"{prefix}{digit}")
        day += timedelta(days=1)
    return found


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_registers_adding_the_same_people_in_opposite_orders_do_not_deadlock(
    engine: Engine,
) -> None:
    people = _new_people(2500, date(1970, 1, 1))
    lines = [SampleLine(iin, MAY, "4250", reference=f"R{n}") for n, iin in enumerate(people)]
    registers = {"kaspi": _csv(lines), "halyk": _csv(lines[::-1])}
    start = threading.Barrier(len(registers))
    reports: dict[str, BookingReport] = {}
    errors: list[BaseException] = []

    def book(sender: str) -> None:
        try:
            start.wait(timeout=30)
            reports[sender] = _book(engine, registers[sender], sender, chunk=250)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=book, args=(sender,)) for sender in registers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert {s: (r.booked, r.rejected, r.status) for s, r in reports.items()} == {
        "kaspi": (2500, 0, "accepted"),
        "halyk": (2500, 0, "accepted"),
    }
    assert _count(engine, Person) == 2500 and _count(engine, Payment) == 5000
    assert _count(engine, Register) == 2


def test_the_same_register_sent_twice_at_once_is_booked_once(engine: Engine) -> None:
    data = _mt102([SampleLine(iin, MAY, "4250") for iin in _new_people(300, date(1981, 1, 1))])
    start = threading.Barrier(2)
    reports: list[BookingReport] = []
    errors: list[BaseException] = []

    def book() -> None:
        try:
            start.wait(timeout=30)
            reports.append(_book(engine, data, "halyk", chunk=50))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=book) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert sorted(r.resent for r in reports) == [False, True]
    assert reports[0].register_id == reports[1].register_id
    assert {(r.booked, r.rejected) for r in reports} == {(300, 0)}
    assert _count(engine, Payment) == 300 and _count(engine, Register) == 1
