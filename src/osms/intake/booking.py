"""Booking a register into the ledger: idempotent, reconciled, all or nothing (R-L-7, R-F-3).

One register is one database transaction.  Its lines are read as a stream and written in
chunks inside that transaction, so a register of a million lines never sits in memory, and:

- the register's sender is who sent it, as the door knows it (the API client, the operator's
  ``--channel``; :func:`osms.registry.registers.sender_namespace`), never what the file or a
  parameter claims; it is the namespace of the register's CSV keys (``csv:<sender>:<ref>``);
- the same file from the same sender, received before, changes nothing whatever reference or
  format it claims now: the stored outcome is returned as a summary (``resent``, no lines), and
  its lines are read page by page with :func:`report_lines`;
- a register whose total differs from its lines (``register.total_mismatch``) or that cannot
  be read to its end (``register.malformed``) is rolled back and recorded as rejected whole,
  with the reason;
- an import killed midway leaves nothing behind: run again, it books every line exactly once;
- a line whose idempotency key was booked before is compared with that payment (person,
  month, amount, КНП, payer, payment date: :data:`SAME_PAYMENT`): the same payment is a
  ``duplicate``, accepted, not booked again and pointing at the payment booked before; another
  payment under the same key (a bank's ``:20:`` counter that restarted, a reused reference) is
  rejected as ``line.key_conflict``, naming the earlier payment and its register.  No line is
  ever dropped silently (R-F-3);
- two registers booked at once never deadlock: each inserts its new people in IIN order, then
  its payments in key order, both ``ON CONFLICT DO NOTHING``, so that they take their locks in
  one global order.  On PostgreSQL the lines are therefore staged (COPY into a temporary table)
  and inserted at the end, after the totals are verified; SQLite has one writer at a time
  (``BEGIN IMMEDIATE``, :mod:`osms.registry.db`) and books chunk by chunk.

Booked lines live in ``payments`` (``register_id``, ``line_no``); ``register_lines`` keeps
the lines that were not booked — rejected with their codes, or duplicates.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from osms.intake.lines import IntakeLine, LineError, RegisterError
from osms.intake.register import parse_register
from osms.registry import audit, registers
from osms.registry.columns import utc_now
from osms.registry.db import READ_ONLY, make_session_factory
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

__all__ = [
    "KEY_CONFLICT",
    "SAME_PAYMENT",
    "BookingReport",
    "LineOutcome",
    "book_register",
    "register_summary",
    "report_lines",
]

CHUNK = 2000
KEY_CONFLICT: Final = "line.key_conflict"
"""A line whose idempotency key was booked before for another payment (R-L-7, R-F-3)."""
DUPLICATE: Final = "line.duplicate"

SAME_PAYMENT: Final = ("iin", "period", "amount", "knp", "payer", "paid_on")
"""What makes a line the payment booked before under its key.  Not the channel (how the payer
paid: the same payment may come through two doors that name it differently) nor the names."""

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
    """A duplicate's or a key conflict's payment booked before under the same key."""
    earlier_register: int | None = None
    """The register of that payment (None when it came from none)."""

    def values(self) -> dict[str, object]:
        """The placeholders of the code's message (:func:`osms.i18n.error_message`)."""
        if self.payment_id is None:
            return {}
        return {"payment": self.payment_id, "register": self.earlier_register or "—"}


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
    """True when this sender had sent this file before: nothing changed, and ``outcomes`` is
    empty (the stored lines are read with :func:`report_lines`)."""
    outcomes: list[LineOutcome] = field(default_factory=list)
    recorded: int = 0
    """How many lines ``register_lines`` keeps for the register (duplicates and rejected lines,
    unless rejected whole): what :func:`report_lines` pages through."""

    @property
    def accepted(self) -> int:
        return self.booked + self.duplicates


Progress = Callable[[int], None]


def book_register(
    engine: Engine,
    source: Path | IO[bytes],
    *,
    actor: str,
    sender: str,
    format: str | None = None,
    total: Decimal | None = None,
    channel: Channel | None = None,
    progress: Progress | None = None,
    chunk: int = CHUNK,
) -> BookingReport:
    """Book a register from a file or a binary stream; see the module text.

    ``sender`` is who sent it, as the door authenticated it (see
    :func:`~osms.registry.registers.sender_namespace`; :class:`ValueError` when empty).
    """
    namespace = registers.sender_namespace(sender)
    with _seekable(source) as stream:
        digest = _sha256(stream)
        previous = _previous(engine, namespace, digest)
        if previous is not None:
            return previous
        stream.seek(0)
        try:
            reader = parse_register(
                stream,
                format,  # type: ignore[arg-type]
                namespace,
                total=total,
                channel=channel,
            )
            header = reader.header
        except RegisterError as error:
            return _reject_whole(engine, format or "csv", namespace, digest, error, 0, actor)
        report = BookingReport(
            register_id=None,
            format=header.format,
            sender=namespace,
            reference=header.reference or digest[:16],
            status=RegisterStatus.ACCEPTED.value,
        )
        try:
            with engine.begin() as connection:
                report.register_id = connection.execute(
                    _REGISTERS.insert().returning(_REGISTERS.c.id),
                    {
                        "format": RegisterFormat(header.format),
                        "sender": namespace,
                        "reference": report.reference,
                        "received_at": utc_now(),
                        "declared_total": header.declared_total,
                        "line_count": 0,
                        "accepted_count": 0,
                        "rejected_count": 0,
                        "status": RegisterStatus.ACCEPTED,
                        "file_sha256": digest,
                    },
                ).scalar_one()
                ledger = _ledger(connection, report.register_id)
                _book_lines(connection, ledger, reader.lines(), report, progress, chunk)
                totals = reader.verify()
                ledger.finish(report)
                report.outcomes.sort(key=lambda outcome: outcome.line_no)
                report.recorded = len(report.outcomes)
                report.status = _status(report).value
                connection.execute(
                    update(_REGISTERS)
                    .where(_REGISTERS.c.id == report.register_id)
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
                engine,
                header.format,
                namespace,
                digest,
                error,
                report.lines,
                actor,
                report.reference,
            )
        except IntegrityError:
            # A twin of this register was being booked at the same time and committed first.
            again = _previous(engine, namespace, digest)
            if again is None:
                raise
            return again
        return report


def register_summary(engine: Engine, register_id: int) -> BookingReport | None:
    """The stored outcome of a register, without its lines, or None when there is none."""
    with make_session_factory(engine)() as session:
        session.connection(execution_options=READ_ONLY)
        register = registers.get(session, register_id)
        return None if register is None else _summary(session, register, resent=False)


def report_lines(engine: Engine, register_id: int, offset: int, limit: int) -> list[LineOutcome]:
    """``limit`` of the register's recorded lines (not simply booked) from the ``offset``-th."""
    with make_session_factory(engine)() as session:
        session.connection(execution_options=READ_ONLY)
        return [
            _stored_outcome(line)
            for line in registers.lines_page(session, register_id, offset, limit)
        ]


def _book_lines(
    connection: Connection,
    ledger: _Ledger,
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
            _write_chunk(connection, ledger, good, bad, report)
            if progress is not None:
                progress(len(good) + len(bad))
            good, bad = [], []
    if good or bad:
        _write_chunk(connection, ledger, good, bad, report)
        if progress is not None:
            progress(len(good) + len(bad))


def _write_chunk(
    connection: Connection,
    ledger: _Ledger,
    good: list[IntakeLine],
    bad: list[LineError],
    report: BookingReport,
) -> None:
    if good:
        ledger.add(good, report)
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
                _line_row(ledger.register_id, outcome, None, error.amount)
                for outcome, error in zip(outcomes, bad, strict=True)
            ],
        )


# -- the ledger side: new people, payments, duplicates and key conflicts ----------------------


@dataclass(frozen=True, slots=True)
class _Earlier:
    """The payment booked before under a line's key, and whether it is the line's payment."""

    payment_id: int
    register_id: int | None
    line_no: int | None
    same: bool


class _Ledger:
    """Books the good lines of one register, in its transaction."""

    def __init__(self, connection: Connection, register_id: int) -> None:
        self.connection = connection
        self.register_id = register_id

    def add(self, good: list[IntakeLine], report: BookingReport) -> None:
        raise NotImplementedError

    def finish(self, report: BookingReport) -> None:
        """After the last chunk and the totals' check."""

    def _not_booked(
        self,
        line: tuple[int, str, str, Month, Decimal],
        earlier: _Earlier,
        report: BookingReport,
    ) -> dict[str, Any]:
        """Count a line (number, key, IIN, month, amount) whose key was booked before: a
        duplicate or a key conflict.  Returns its ``register_lines`` row."""
        line_no, key, iin, period, amount = line
        outcome = _not_booked_outcome(line_no, key, iin, earlier)
        if earlier.same:
            report.duplicates += 1
        else:
            report.rejected += 1
        report.outcomes.append(outcome)
        return _line_row(self.register_id, outcome, period, amount)


def _ledger(connection: Connection, register_id: int) -> _Ledger:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return _PostgresLedger(connection, register_id)
    if dialect == "sqlite":
        return _SqliteLedger(connection, register_id)
    raise NotImplementedError(f"booking supports PostgreSQL and SQLite, not {dialect}")


def _not_booked_outcome(line_no: int, key: str, iin: str | None, earlier: _Earlier) -> LineOutcome:
    """A duplicate of the payment booked before under the key, or a key conflict with it."""
    payment_id = earlier.payment_id
    where = (
        "no register"
        if earlier.register_id is None
        else f"register {earlier.register_id}, line {earlier.line_no}"
    )
    if earlier.same:
        return LineOutcome(
            line_no,
            LineStatus.DUPLICATE.value,
            DUPLICATE,
            (DUPLICATE,),
            "reference",
            f"already booked as payment {payment_id} ({where}) with the same content (key {key})",
            iin,
            payment_id,
            earlier.register_id,
        )
    return LineOutcome(
        line_no,
        LineStatus.REJECTED.value,
        KEY_CONFLICT,
        (KEY_CONFLICT,),
        "reference",
        f"booked before as payment {payment_id} ({where}) with other content: not booked; "
        f"send this payment with a new reference (key {key})",
        iin,
        payment_id,
        earlier.register_id,
    )


_EARLIER = re.compile(r"(?:already booked|booked before) as payment (\d+) \((?:register (\d+)|no)")
"""Reads back the payment and register of :func:`_not_booked_outcome`'s messages (anchored at
the start: the key, which the sender chose, comes last)."""


def _payload(line: IntakeLine) -> tuple[Any, ...]:
    return (line.iin, line.period, line.amount, line.knp, line.payer, line.paid_on)


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
_NAME_COLUMNS = ("surname", "given_name", "patronymic", "birth_date")
_PEOPLE_COLUMNS = ("iin", *_NAME_COLUMNS, "created_at")


class _SqliteLedger(_Ledger):
    """SQLite: one writer at a time, so read the keys already booked, then insert the rest."""

    def add(self, good: list[IntakeLine], report: BookingReport) -> None:
        now = utc_now()
        earlier = self._earlier(good)
        fresh = [line for line in good if line.reference not in earlier]
        if fresh:
            people: dict[str, dict[str, Any]] = {}
            for line in sorted(fresh, key=lambda line: line.iin):
                people.setdefault(line.iin, _person_row(line, now))
            self.connection.execute(
                sqlite.insert(_PEOPLE).on_conflict_do_nothing(index_elements=["iin"]),
                list(people.values()),
            )
            self.connection.execute(
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
                        "register_id": self.register_id,
                        "line_no": line.line_no,
                        "idempotency_key": line.reference,
                        "booked_at": now,
                    }
                    for line in fresh
                ],
            )
            report.booked += len(fresh)
        rows = [
            self._not_booked(
                (line.line_no, line.reference, line.iin, line.period, line.amount),
                earlier[line.reference],
                report,
            )
            for line in good
            if line.reference in earlier
        ]
        if rows:
            self.connection.execute(_LINES.insert(), rows)

    def _earlier(self, good: list[IntakeLine]) -> dict[str, _Earlier]:
        """The payments already booked under the keys of these lines, by key."""
        lines = {line.reference: line for line in good}
        keys = list(lines)
        found: dict[str, _Earlier] = {}
        for start in range(0, len(keys), 500):
            rows = self.connection.execute(
                select(
                    _PAYMENTS.c.idempotency_key,
                    _PAYMENTS.c.id,
                    _PAYMENTS.c.register_id,
                    _PAYMENTS.c.line_no,
                    *(_PAYMENTS.c[name] for name in SAME_PAYMENT),
                ).where(_PAYMENTS.c.idempotency_key.in_(keys[start : start + 500]))
            )
            for key, payment_id, register_id, line_no, *stored in rows:
                same = tuple(stored) == _payload(lines[key])
                found[key] = _Earlier(payment_id, register_id, line_no, same)
        return found


class _PostgresLedger(_Ledger):
    """PostgreSQL: COPY every good line into a temporary table (no parameter per value), then,
    after the totals' check, insert the new people in IIN order and the payments in key order,
    ``ON CONFLICT DO NOTHING``: concurrent registers take their row locks in one order."""

    _STAGING = "osms_staging_lines"

    def __init__(self, connection: Connection, register_id: int) -> None:
        super().__init__(connection, register_id)
        self.staged = 0
        with self._cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {self._STAGING} ("
                " iin char(12), period integer, amount numeric(14, 2), knp varchar(3),"
                " payer char(12), channel varchar(16), paid_on date, credited_on date,"
                " reference varchar(64), register_id bigint, line_no integer,"
                " idempotency_key varchar(200), booked_at timestamptz,"
                " surname varchar(100), given_name varchar(100), patronymic varchar(100),"
                " birth_date date) ON COMMIT DROP"
            )
            cursor.execute(f"TRUNCATE {self._STAGING}")

    def _cursor(self) -> Any:
        raw = self.connection.connection.dbapi_connection
        assert raw is not None
        return raw.cursor()

    def add(self, good: list[IntakeLine], report: BookingReport) -> None:
        now = utc_now()
        columns = ", ".join((*_PAYMENT_COLUMNS, *_NAME_COLUMNS))
        with (
            self._cursor() as cursor,
            cursor.copy(f"COPY {self._STAGING} ({columns}) FROM STDIN") as copy,
        ):
            for line, row in zip(good, _payment_rows(self.register_id, good, now), strict=True):
                copy.write_row(
                    (*row, line.surname, line.given_name, line.patronymic, birth_date(line.iin))
                )
        self.staged += len(good)

    def finish(self, report: BookingReport) -> None:
        if not self.staged:
            return
        people = ", ".join(_PEOPLE_COLUMNS)
        names = ", ".join(f"s.{name}" for name in _NAME_COLUMNS)
        payments = ", ".join(_PAYMENT_COLUMNS)
        same = " AND ".join(f"p.{name} = s.{name}" for name in SAME_PAYMENT)
        with self._cursor() as cursor:
            cursor.execute(f"ANALYZE {self._STAGING}")
            # People whose line may be booked (its key not booked yet), first line's names.
            cursor.execute(
                f"INSERT INTO people ({people})"
                f" SELECT DISTINCT ON (s.iin) s.iin, {names}, s.booked_at FROM {self._STAGING} s"
                " WHERE NOT EXISTS (SELECT 1 FROM payments p"
                "  WHERE p.idempotency_key = s.idempotency_key)"
                " ORDER BY s.iin, s.surname IS NULL, s.line_no"
                " ON CONFLICT (iin) DO NOTHING"
            )
            cursor.execute(
                f"INSERT INTO payments ({payments}) SELECT {payments} FROM {self._STAGING}"
                ' ORDER BY idempotency_key COLLATE "C"'
                " ON CONFLICT (idempotency_key) DO NOTHING"
            )
            booked = cursor.rowcount
            cursor.execute(
                "SELECT s.line_no, s.idempotency_key, s.iin, s.period, s.amount,"
                f" p.id, p.register_id, p.line_no, ({same})"
                f" FROM {self._STAGING} s"
                " JOIN payments p ON p.idempotency_key = s.idempotency_key"
                " WHERE p.register_id IS DISTINCT FROM s.register_id"
                "  OR p.line_no IS DISTINCT FROM s.line_no"
                " ORDER BY s.line_no"
            )
            earlier = cursor.fetchall()
        if booked + len(earlier) != self.staged:
            raise RuntimeError(
                f"register {self.register_id}: {self.staged} lines staged, {booked} booked "
                f"and {len(earlier)} booked before"
            )
        report.booked += booked
        for start in range(0, len(earlier), CHUNK):
            rows = [
                self._not_booked(
                    (line_no, key, iin, Month(period // 100, period % 100), amount),
                    _Earlier(payment_id, register_id, at, bool(same)),
                    report,
                )
                for line_no, key, iin, period, amount, payment_id, register_id, at, same in (
                    earlier[start : start + CHUNK]
                )
            ]
            self.connection.execute(_LINES.insert(), rows)


def _payment_rows(register_id: int, good: list[IntakeLine], now: datetime) -> list[tuple[Any, ...]]:
    """The ledger rows of a chunk for COPY (:data:`_PAYMENT_COLUMNS`), the month as ``YYYYMM``."""
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


def _person_row(line: IntakeLine, now: datetime) -> dict[str, Any]:
    return {
        "iin": line.iin,
        "surname": line.surname,
        "given_name": line.given_name,
        "patronymic": line.patronymic,
        "birth_date": birth_date(line.iin),
        "created_at": now,
    }


def _line_row(
    register_id: int, outcome: LineOutcome, period: Month | None, amount: Decimal | None
) -> dict[str, Any]:
    rejected = outcome.status == LineStatus.REJECTED.value
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
        # A rejected line points at no payment (a key conflict names it in its message).
        "payment_id": None if rejected else outcome.payment_id,
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
    sender: str,
    digest: str,
    error: RegisterError,
    lines: int,
    actor: str,
    reference: str | None = None,
) -> BookingReport:
    """Record a register rejected whole (R-L-7), with the reason; nothing of it is booked."""
    report = BookingReport(
        register_id=None,
        format=register_format,
        sender=sender,
        reference=reference or digest[:16],
        status=RegisterStatus.REJECTED.value,
        reason=str(error),
        reason_code=error.code,
        lines=lines,
        rejected=lines,
    )
    try:
        with engine.begin() as connection:
            report.register_id = connection.execute(
                _REGISTERS.insert().returning(_REGISTERS.c.id),
                {
                    "format": RegisterFormat(register_format),
                    "sender": sender,
                    "reference": report.reference,
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
    except IntegrityError:
        again = _previous(engine, sender, digest)  # its twin, recorded first
        if again is None:
            raise
        return again
    return report


def _previous(engine: Engine, sender: str, digest: str) -> BookingReport | None:
    """The outcome of the same file from the same sender, if received before (R-L-7)."""
    with make_session_factory(engine)() as session:
        session.connection(execution_options=READ_ONLY)
        register = registers.find_sent(session, sender, digest)
        return None if register is None else _summary(session, register, resent=True)


def _summary(session: Session, register: Register, *, resent: bool) -> BookingReport:
    """A stored register's outcome without its lines (they are read page by page)."""
    reason_code = None
    if register.reason and ":" in register.reason:
        reason_code = register.reason.split(":", 1)[0]
    duplicates = registers.count_lines(session, register.id, LineStatus.DUPLICATE)
    return BookingReport(
        register_id=register.id,
        format=register.format.value,
        sender=register.sender,
        reference=register.reference,
        status=register.status.value,
        reason=register.reason,
        reason_code=reason_code,
        lines=register.line_count,
        booked=register.accepted_count - duplicates,
        duplicates=duplicates,
        rejected=register.rejected_count,
        resent=resent,
        recorded=registers.count_lines(session, register.id),
    )


def _stored_outcome(line: RegisterLine) -> LineOutcome:
    payment_id, earlier_register = line.payment_id, None
    message = line.message or ""
    if (found := _EARLIER.match(message)) is not None:
        payment_id = int(found.group(1))
        earlier_register = int(found.group(2)) if found.group(2) else None
    return LineOutcome(
        line.line_no,
        line.status.value,
        line.code_list[0] if line.code_list else "",
        line.code_list,
        line.field,
        message,
        line.iin,
        payment_id,
        earlier_register,
    )


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
