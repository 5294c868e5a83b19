"""Booking a register into the ledger: idempotent, reconciled, all or nothing (R-L-7, R-F-3).

One register is one database transaction.  Its lines are read as a stream and written in
chunks inside that transaction, so a register of a million lines never sits in memory, and:

- a register whose total differs from its lines (``register.total_mismatch``) or that cannot
  be read to its end (``register.malformed``) is rolled back and recorded as rejected whole,
  with the reason;
- an import killed midway leaves nothing behind: run again, it books every line exactly once;
- a register received before (same sender, reference and file content) changes nothing: the
  stored outcome is returned;
- a line whose idempotency key another register booked already is a ``duplicate``: accepted,
  not booked again, and pointing at the payment booked before.

Booked lines live in ``payments`` (``register_id``, ``line_no``); ``register_lines`` keeps
the lines that were not booked — rejected with their codes, or duplicates.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from osms.intake.lines import IntakeLine, LineError, RegisterError
from osms.intake.register import parse_register
from osms.registry import audit
from osms.registry.columns import utc_now
from osms.registry.db import make_session_factory
from osms.registry.models import (
    AuditEvent,
    LineStatus,
    Payment,
    Person,
    Register,
    RegisterFormat,
    RegisterLine,
    RegisterStatus,
)
from osms.rules.calendar import credit_date
from osms.rules.facts import Channel
from osms.rules.iin import birth_date
from osms.rules.month import Month

__all__ = ["BookingReport", "LineOutcome", "book_register"]

CHUNK = 2000
_PEOPLE: Table = Person.__table__  # type: ignore[assignment]
_PAYMENTS: Table = Payment.__table__  # type: ignore[assignment]
_REGISTERS: Table = Register.__table__  # type: ignore[assignment]
_LINES: Table = RegisterLine.__table__  # type: ignore[assignment]
_AUDIT: Table = AuditEvent.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """A line that was not simply booked: rejected with its codes, or a duplicate."""

    line_no: int
    status: str
    code: str
    codes: tuple[str, ...]
    field: str | None
    message: str
    iin: str | None = None
    payment_id: int | None = None


@dataclass(slots=True)
class BookingReport:
    """What became of a register (R-F-3): ``accepted + rejected == lines``."""

    register_id: int | None
    format: str
    sender: str
    reference: str
    status: str
    reason: str | None = None
    reason_code: str | None = None
    lines: int = 0
    booked: int = 0
    duplicates: int = 0
    rejected: int = 0
    resent: bool = False
    """True when this exact register had been received before: nothing changed."""
    outcomes: list[LineOutcome] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.booked + self.duplicates


Progress = Callable[[int], None]


def book_register(
    engine: Engine,
    source: Path | IO[bytes],
    *,
    actor: str,
    format: str | None = None,
    sender: str | None = None,
    total: Decimal | None = None,
    channel: Channel | None = None,
    progress: Progress | None = None,
    chunk: int = CHUNK,
) -> BookingReport:
    """Book a register from a file or a binary stream; see the module text."""
    with _seekable(source) as stream:
        digest = _sha256(stream)
        stream.seek(0)
        try:
            reader = parse_register(
                stream,
                format,  # type: ignore[arg-type]
                sender,
                total=total,
                channel=channel,
            )
            header = reader.header
        except RegisterError as error:
            return _reject_whole(
                engine, format or "csv", sender, digest[:16], digest, error, 0, actor
            )
        key_sender = header.sender or sender or "unknown"
        reference = header.reference or digest[:16]
        previous = _previous(engine, key_sender, reference, digest)
        if previous is not None:
            return previous
        report = BookingReport(
            register_id=None,
            format=header.format,
            sender=key_sender,
            reference=reference,
            status=RegisterStatus.ACCEPTED.value,
        )
        try:
            with engine.begin() as connection:
                register_id = connection.execute(
                    _REGISTERS.insert().returning(_REGISTERS.c.id),
                    {
                        "format": RegisterFormat(header.format),
                        "sender": key_sender,
                        "reference": reference,
                        "received_at": utc_now(),
                        "declared_total": header.declared_total,
                        "line_count": 0,
                        "accepted_count": 0,
                        "rejected_count": 0,
                        "status": RegisterStatus.ACCEPTED,
                        "file_sha256": digest,
                    },
                ).scalar_one()
                report.register_id = register_id
                _book_lines(connection, register_id, reader.lines(), report, progress, chunk)
                totals = reader.verify()
                report.status = _status(report).value
                connection.execute(
                    update(_REGISTERS)
                    .where(_REGISTERS.c.id == register_id)
                    .values(
                        declared_total=totals.declared_total,
                        line_count=report.lines,
                        accepted_count=report.accepted,
                        rejected_count=report.rejected,
                        status=RegisterStatus(report.status),
                    )
                )
                _audit(connection, actor, report)
        except RegisterError as error:
            return _reject_whole(
                engine, header.format, key_sender, reference, digest, error, report.lines, actor
            )
        except IntegrityError:
            # A twin of this register was being booked at the same time and committed first.
            again = _previous(engine, key_sender, reference, digest)
            if again is None:
                raise
            return again
        return report


def _book_lines(
    connection: Connection,
    register_id: int,
    results: Iterable[IntakeLine | LineError],
    report: BookingReport,
    progress: Progress | None,
    chunk: int,
) -> None:
    good: list[IntakeLine] = []
    bad: list[LineError] = []
    for result in results:
        report.lines += 1
        if isinstance(result, IntakeLine):
            good.append(result)
        else:
            bad.append(result)
        if len(good) + len(bad) >= chunk:
            _write_chunk(connection, register_id, good, bad, report)
            if progress is not None:
                progress(len(good) + len(bad))
            good, bad = [], []
    if good or bad:
        _write_chunk(connection, register_id, good, bad, report)
        if progress is not None:
            progress(len(good) + len(bad))


_PAYMENT_COLUMNS = (
    "iin",
    "period",
    "amount",
    "knp",
    "payer",
    "channel",
    "paid_on",
    "credited_on",
    "reference",
    "register_id",
    "line_no",
    "idempotency_key",
    "booked_at",
)
_PEOPLE_COLUMNS = ("iin", "surname", "given_name", "patronymic", "birth_date", "created_at")


def _payment_rows(register_id: int, good: list[IntakeLine], now: datetime) -> list[tuple[Any, ...]]:
    """The ledger rows of a chunk, as the database stores them (month as ``YYYYMM``)."""
    return [
        (
            line.iin,
            line.period.year * 100 + line.period.month,
            line.amount,
            line.knp.value,
            line.payer,
            line.channel.value,
            line.paid_on,
            _credit(line.paid_on),
            line.reference[:64],
            register_id,
            line.line_no,
            line.reference,
            now,
        )
        for line in good
    ]


def _people_rows(good: list[IntakeLine], now: datetime) -> list[tuple[Any, ...]]:
    people = {}
    for line in good:
        if line.iin not in people:
            people[line.iin] = (
                line.iin,
                line.surname,
                line.given_name,
                line.patronymic,
                birth_date(line.iin),
                now,
            )
    return list(people.values())


def _book_postgresql(
    connection: Connection, register_id: int, good: list[IntakeLine], now: datetime
) -> set[str]:
    """COPY the chunk into temporary tables, then INSERT … ON CONFLICT DO NOTHING from them.

    COPY avoids sending one parameter per value; the database does the conflict checks.
    Returns the idempotency keys booked now.
    """
    raw = connection.connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS osms_staging_people ("
            " iin char(12), surname varchar(100), given_name varchar(100),"
            " patronymic varchar(100), birth_date date, created_at timestamptz)"
            " ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS osms_staging_payments ("
            " iin char(12), period integer, amount numeric(14, 2), knp varchar(3),"
            " payer char(12), channel varchar(16), paid_on date, credited_on date,"
            " reference varchar(64), register_id bigint, line_no integer,"
            " idempotency_key varchar(200), booked_at timestamptz) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE osms_staging_people, osms_staging_payments")
        with cursor.copy(
            f"COPY osms_staging_people ({', '.join(_PEOPLE_COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in _people_rows(good, now):
                copy.write_row(row)
        with cursor.copy(
            f"COPY osms_staging_payments ({', '.join(_PAYMENT_COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in _payment_rows(register_id, good, now):
                copy.write_row(row)
        people = ", ".join(_PEOPLE_COLUMNS)
        cursor.execute(
            f"INSERT INTO people ({people}) SELECT {people} FROM osms_staging_people"
            " ON CONFLICT (iin) DO NOTHING"
        )
        payments = ", ".join(_PAYMENT_COLUMNS)
        cursor.execute(
            f"INSERT INTO payments ({payments}) SELECT {payments} FROM osms_staging_payments"
            " ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key"
        )
        return {row[0] for row in cursor.fetchall()}


def _book_sqlite(
    connection: Connection, register_id: int, good: list[IntakeLine], now: datetime
) -> set[str]:
    """SQLite: one writer at a time, so read the keys already booked, then insert the rest."""
    keys = [line.reference for line in good]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        found = connection.execute(
            select(_PAYMENTS.c.idempotency_key).where(_PAYMENTS.c.idempotency_key.in_(part))
        )
        existing.update(found.scalars())
    fresh = [line for line in good if line.reference not in existing]
    if fresh:
        connection.execute(
            sqlite.insert(_PEOPLE).on_conflict_do_nothing(index_elements=["iin"]),
            [dict(zip(_PEOPLE_COLUMNS, row, strict=True)) for row in _people_rows(fresh, now)],
        )
        connection.execute(
            _PAYMENTS.insert(),
            [
                {
                    "iin": line.iin,
                    "period": line.period,
                    "amount": line.amount,
                    "knp": line.knp,
                    "payer": line.payer,
                    "channel": line.channel,
                    "paid_on": line.paid_on,
                    "credited_on": _credit(line.paid_on),
                    "reference": line.reference[:64],
                    "register_id": register_id,
                    "line_no": line.line_no,
                    "idempotency_key": line.reference,
                    "booked_at": now,
                }
                for line in fresh
            ],
        )
    return {line.reference for line in fresh}


def _write_chunk(
    connection: Connection,
    register_id: int,
    good: list[IntakeLine],
    bad: list[LineError],
    report: BookingReport,
) -> None:
    now = utc_now()
    if good:
        dialect = connection.dialect.name
        if dialect == "postgresql":
            booked = _book_postgresql(connection, register_id, good, now)
        elif dialect == "sqlite":
            booked = _book_sqlite(connection, register_id, good, now)
        else:
            raise NotImplementedError(f"booking supports PostgreSQL and SQLite, not {dialect}")
        report.booked += len(booked)
        twins = [line for line in good if line.reference not in booked]
        if twins:
            found = connection.execute(
                select(_PAYMENTS.c.idempotency_key, _PAYMENTS.c.id).where(
                    _PAYMENTS.c.idempotency_key.in_([t.reference for t in twins])
                )
            )
            earlier = {key: payment_id for key, payment_id in found}
            for line in twins:
                outcome = LineOutcome(
                    line.line_no,
                    LineStatus.DUPLICATE.value,
                    "line.duplicate",
                    ("line.duplicate",),
                    "reference",
                    f"already booked from another register (key {line.reference})",
                    line.iin,
                    earlier[line.reference],
                )
                report.duplicates += 1
                report.outcomes.append(outcome)
                connection.execute(
                    _LINES.insert(), _line_row(register_id, outcome, line.period, line.amount)
                )
    if bad:
        outcomes = [
            LineOutcome(
                error.line_no,
                LineStatus.REJECTED.value,
                error.code,
                error.codes,
                error.field,
                error.message,
                _iin_as_read(error),
            )
            for error in bad
        ]
        report.rejected += len(outcomes)
        report.outcomes.extend(outcomes)
        connection.execute(
            _LINES.insert(),
            [
                _line_row(register_id, outcome, None, error.amount)
                for outcome, error in zip(outcomes, bad, strict=True)
            ],
        )


def _line_row(
    register_id: int, outcome: LineOutcome, period: Month | None, amount: Decimal | None
) -> dict[str, Any]:
    return {
        "register_id": register_id,
        "line_no": outcome.line_no,
        "status": LineStatus(outcome.status),
        "codes": ",".join(outcome.codes)[:255],
        "field": outcome.field,
        "message": outcome.message,
        "iin": outcome.iin,
        "period": period,
        "amount": amount if amount is not None and abs(amount) < 10**12 else None,
        "payment_id": outcome.payment_id,
    }


def _iin_as_read(error: LineError) -> str | None:
    """The IIN as read from the raw line when it has 12 digits (for the bank's report)."""
    for token in error.raw.replace("/", " ").split():
        if len(token) == 12 and token.isdigit():
            return token
    return None


_CREDIT: dict[date, date] = {}


def _credit(paid_on: date) -> date:
    credited = _CREDIT.get(paid_on)
    if credited is None:
        credited = _CREDIT[paid_on] = credit_date(paid_on)
    return credited


def _status(report: BookingReport) -> RegisterStatus:
    if report.rejected == 0:
        return RegisterStatus.ACCEPTED
    if report.accepted == 0:
        return RegisterStatus.REJECTED
    return RegisterStatus.PARTIALLY_ACCEPTED


def _audit(connection: Connection, actor: str, report: BookingReport) -> None:
    """The register's audit event, in the register's own transaction."""
    connection.execute(
        _AUDIT.insert(),
        {
            "at": utc_now(),
            "actor": actor,
            "action": "register.book",
            "iin": None,
            "why": f"register {report.reference} from {report.sender}: {report.status}",
            "detail": audit.jsonable(
                {
                    "register": report.register_id,
                    "lines": report.lines,
                    "booked": report.booked,
                    "duplicates": report.duplicates,
                    "rejected": report.rejected,
                    "reason": report.reason,
                }
            ),
        },
    )


def _reject_whole(
    engine: Engine,
    register_format: str,
    sender: str | None,
    reference: str,
    digest: str,
    error: RegisterError,
    lines: int,
    actor: str,
) -> BookingReport:
    """Record a register rejected whole (R-L-7), with the reason; nothing of it is booked."""
    key_sender = sender or "unknown"
    previous = _previous(engine, key_sender, reference, digest)
    if previous is not None:
        return previous
    report = BookingReport(
        register_id=None,
        format=register_format,
        sender=key_sender,
        reference=reference,
        status=RegisterStatus.REJECTED.value,
        reason=str(error),
        reason_code=error.code,
        lines=lines,
        rejected=lines,
    )
    with engine.begin() as connection:
        report.register_id = connection.execute(
            _REGISTERS.insert().returning(_REGISTERS.c.id),
            {
                "format": RegisterFormat(register_format),
                "sender": key_sender,
                "reference": reference,
                "received_at": utc_now(),
                "line_count": lines,
                "accepted_count": 0,
                "rejected_count": lines,
                "status": RegisterStatus.REJECTED,
                "reason": f"{error.code}: {error}",
                "file_sha256": digest,
            },
        ).scalar_one()
        _audit(connection, actor, report)
    return report


def _previous(engine: Engine, sender: str, reference: str, digest: str) -> BookingReport | None:
    """The outcome of the same register received before, if it was (R-L-7: nothing changes)."""
    session_factory = make_session_factory(engine)
    with session_factory() as session:
        register = session.scalars(
            select(Register).where(
                Register.sender == sender,
                Register.reference == reference,
                Register.file_sha256 == digest,
            )
        ).one_or_none()
        if register is None:
            return None
        reason_code = None
        if register.reason and ":" in register.reason:
            reason_code = register.reason.split(":", 1)[0]
        report = BookingReport(
            register_id=register.id,
            format=register.format.value,
            sender=register.sender,
            reference=register.reference,
            status=register.status.value,
            reason=register.reason,
            reason_code=reason_code,
            lines=register.line_count,
            rejected=register.rejected_count,
            resent=True,
        )
        for line in register.lines:
            outcome = LineOutcome(
                line.line_no,
                line.status.value,
                line.code_list[0] if line.code_list else "",
                line.code_list,
                line.field,
                line.message or "",
                line.iin,
                line.payment_id,
            )
            report.outcomes.append(outcome)
            if line.status is LineStatus.DUPLICATE:
                report.duplicates += 1
        report.booked = register.accepted_count - report.duplicates
        return report


class _seekable:
    """A context manager giving a seekable binary stream for a path or any stream."""

    def __init__(self, source: Path | IO[bytes]) -> None:
        self.source = source
        self.opened: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if isinstance(self.source, (str, Path)):
            self.opened = open(self.source, "rb")
            return self.opened
        if self.source.seekable():
            return self.source
        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
        shutil.copyfileobj(self.source, spool)
        spool.seek(0)
        self.opened = spool
        return spool

    def __exit__(self, *exc: object) -> None:
        if self.opened is not None:
            self.opened.close()


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()
