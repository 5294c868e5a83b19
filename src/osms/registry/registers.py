"""Registers as received (MT102, CSV), their line results and totals (R-F-3, R-L-7).

A register is booked on the booking's connection (:mod:`osms.services.registers`):
:func:`open_register` before its lines, :func:`record_lines` for the lines not simply booked
(:class:`LineOutcome`: rejected with their codes, duplicates, key conflicts),
:func:`close_register` with the counts of its :class:`BookingReport` — accepted (booked and
duplicate lines) plus rejected always equals the register's lines — or :func:`reject_whole`
for a register refused whole; :func:`summary` and :func:`outcomes_page` read a stored
register's outcome back.

Who sent a register (R-L-7) is known from the door it came through, never from the file nor
from a parameter the caller may set: an API client's name, or the ``--channel`` of
``osms import``, one of :data:`SENDERS`.  :func:`sender_namespace` turns it into the
``registers.sender`` and the namespace of its CSV lines' idempotency keys
(``csv:<sender>:<reference>``), so that ``Kazpost`` and ``KAZPOST`` are one sender
and the same list through the API and the command line is booked once.

>>> sender_namespace(" KazPost "), sender_namespace("Halyk Bank")
('kazpost', 'halyk bank')
>>> sender_namespace("a:b")  # a colon would make ``csv:<sender>:<reference>`` ambiguous
'a.b'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import Connection, Table, func, select, update
from sqlalchemy.orm import Session

from osms.registry import audit
from osms.registry.columns import utc_now
from osms.registry.ledger import BookedBefore
from osms.registry.models import (
    LineStatus,
    Register,
    RegisterFormat,
    RegisterLine,
    RegisterStatus,
)
from osms.rules.month import Month

__all__ = [
    "DUPLICATE",
    "KEY_CONFLICT",
    "SENDERS",
    "SENDER_MAX",
    "BookingReport",
    "LineOutcome",
    "close_register",
    "count_lines",
    "find_sent",
    "get",
    "lines_page",
    "not_booked",
    "open_register",
    "outcomes_page",
    "record_lines",
    "reject_whole",
    "sender_namespace",
    "sent_files",
    "summary",
]

KEY_CONFLICT: Final = "line.key_conflict"
"""A line whose idempotency key was booked before for another payment (R-L-7, R-F-3)."""
DUPLICATE: Final = "line.duplicate"

SENDER_MAX: Final = 32
"""The longest sender (``registers.sender``, like an API client's name)."""

SENDERS: Final[tuple[str, ...]] = (
    "kazpost",
    "kassa24",
    "qiwi",
    "halyk",
    "kaspi",
    "bcc",
    "forte",
    "jusan",
    "freedom",
    "bereke",
    "eurasian",
    "homecredit",
    "otbasy",
    "tengri",
    "gcvp",
)
"""Who may deliver registers through ``osms import --channel`` (SOURCES.md R3.6, R3.7): Kazpost,
the terminals Kassa 24 and Qiwi, the second-tier banks and their apps, and the State Corporation
(``gcvp``, the state's contributions).  A bank uploading through the API is its client's name;
an operator importing that bank's file names the same sender."""


def sender_namespace(name: str) -> str:
    """The sender as stored and as the namespace of CSV keys: trimmed, lower-cased, ``:`` → ``.``.

    Raises :class:`ValueError` for an empty or overlong name.
    """
    namespace = name.strip().lower().replace(":", ".")
    if not namespace or len(namespace) > SENDER_MAX or not namespace.isprintable():
        raise ValueError(f"a sender has 1 to {SENDER_MAX} printable characters, not {name!r}")
    return namespace


def find_sent(session: Session, sender: str, file_sha256: str, format: str) -> Register | None:
    """The register that answers this sender's file sent again, read as ``format``, or None.

    R-L-7: the same file from the same sender is the same register, whatever reference or
    format it claims, once it was booked.  A file only ever rejected whole as read in another
    format (the operator's ``--format`` or the API's ``?format=`` was wrong) booked nothing:
    it is read again as ``format``; sent again as it was read before, it answers that
    rejection."""
    sent = sent_files(session, sender, file_sha256)
    booked = [register for register in sent if register.reason is None]
    same = [register for register in sent if register.format == RegisterFormat(format)]
    return next(iter(booked or same), None)


def sent_files(session: Session, sender: str, file_sha256: str) -> list[Register]:
    """Every register this sender sent with this content, the first first."""
    statement = (
        select(Register)
        .where(Register.sender == sender, Register.file_sha256 == file_sha256)
        .order_by(Register.id)
    )
    return list(session.scalars(statement))


def count_lines(session: Session, register_id: int, status: LineStatus | None = None) -> int:
    """How many lines of the register are recorded (every line not simply booked), or only
    those with ``status``."""
    statement = select(func.count()).where(RegisterLine.register_id == register_id)
    if status is not None:
        statement = statement.where(RegisterLine.status == LineStatus(status))
    return int(session.scalar(statement) or 0)


def lines_page(session: Session, register_id: int, offset: int, limit: int) -> list[RegisterLine]:
    """``limit`` recorded lines of the register from the ``offset``-th, by line number."""
    statement = (
        select(RegisterLine)
        .where(RegisterLine.register_id == register_id)
        .order_by(RegisterLine.line_no)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(statement))


def get(session: Session, register_id: int) -> Register | None:
    """The register with this id, or None."""
    return session.get(Register, register_id)


# -- booking a register ----------------------------------------------------------------------


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
    empty (the stored lines are read with :func:`outcomes_page`)."""
    outcomes: list[LineOutcome] = field(default_factory=list)
    recorded: int = 0
    """How many lines ``register_lines`` keeps for the register (duplicates and rejected lines;
    for a register rejected whole, the lines read that were malformed): what
    :func:`outcomes_page` pages through."""

    @property
    def accepted(self) -> int:
        return self.booked + self.duplicates

    def status_of_lines(self) -> RegisterStatus:
        """Accepted when no line was rejected, rejected when no line was accepted, else
        partially accepted (R-F-3)."""
        if self.rejected == 0:
            return RegisterStatus.ACCEPTED
        if self.accepted == 0:
            return RegisterStatus.REJECTED
        return RegisterStatus.PARTIALLY_ACCEPTED


_REGISTERS: Table = Register.__table__  # type: ignore[assignment]
_LINES: Table = RegisterLine.__table__  # type: ignore[assignment]


def open_register(
    connection: Connection,
    *,
    format: str,
    sender: str,
    reference: str,
    file_sha256: str,
    declared_total: Decimal | None = None,
    lines: int = 0,
    reason: str | None = None,
) -> int:
    """Record a register as it arrives and return its id: accepted, 0 of 0 lines, or, with a
    ``reason``, rejected whole with its ``lines``."""
    return int(
        connection.execute(
            _REGISTERS.insert().returning(_REGISTERS.c.id),
            {
                "format": RegisterFormat(format),
                "sender": sender,
                "reference": reference,
                "received_at": utc_now(),
                "declared_total": declared_total,
                "line_count": lines,
                "accepted_count": 0,
                "rejected_count": lines,
                "status": RegisterStatus.ACCEPTED if reason is None else RegisterStatus.REJECTED,
                "reason": reason,
                "file_sha256": file_sha256,
            },
        ).scalar_one()
    )


def close_register(
    connection: Connection,
    report: BookingReport,
    declared_total: Decimal | None,
    actor: str,
    door: str | None = None,
) -> None:
    """Store the counts and status of a booked register, and its audit event (through
    ``door``, when the caller names it)."""
    connection.execute(
        update(_REGISTERS)
        .where(_REGISTERS.c.id == report.register_id)
        .values(
            declared_total=declared_total,
            line_count=report.lines,
            accepted_count=report.accepted,
            rejected_count=report.rejected,
            status=RegisterStatus(report.status),
        )
    )
    _audit_booking(connection, actor, report, door)


def reject_whole(
    connection: Connection,
    report: BookingReport,
    file_sha256: str,
    actor: str,
    door: str | None = None,
) -> None:
    """Record a register rejected whole (R-L-7) with its reason and its audit event."""
    report.register_id = open_register(
        connection,
        format=report.format,
        sender=report.sender,
        reference=report.reference,
        file_sha256=file_sha256,
        lines=report.lines,
        reason=f"{report.reason_code}: {report.reason}",
    )
    _audit_booking(connection, actor, report, door)


def _audit_booking(
    connection: Connection, actor: str, report: BookingReport, door: str | None
) -> None:
    """The register's audit event, in the register's own transaction."""
    audit.append(
        connection,
        actor,
        "register.book",
        None,
        f"register {report.reference} from {report.sender}: {report.status}" + audit.through(door),
        {
            "register": report.register_id,
            "lines": report.lines,
            "booked": report.booked,
            "duplicates": report.duplicates,
            "rejected": report.rejected,
            "reason": report.reason,
        },
    )


def record_lines(
    connection: Connection,
    register_id: int,
    lines: Sequence[tuple[LineOutcome, Month | None, Decimal | None]],
) -> None:
    """Keep the lines not simply booked (each with its month and amount as read)."""
    if lines:
        connection.execute(
            _LINES.insert(),
            [_line_row(register_id, outcome, period, amount) for outcome, period, amount in lines],
        )


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


def not_booked(before: BookedBefore) -> LineOutcome:
    """A line whose key was booked before: a duplicate of that payment, or a key conflict with
    it (R-L-7, R-F-3)."""
    payment_id = before.payment_id
    where = (
        "no register"
        if before.register_id is None
        else f"register {before.register_id}, line {before.register_line_no}"
    )
    line_no = before.line_no or 0
    if before.same:
        return LineOutcome(
            line_no,
            LineStatus.DUPLICATE.value,
            DUPLICATE,
            (DUPLICATE,),
            "reference",
            f"already booked as payment {payment_id} ({where}) with the same content "
            f"(key {before.key})",
            before.iin,
            payment_id,
            before.register_id,
        )
    return LineOutcome(
        line_no,
        LineStatus.REJECTED.value,
        KEY_CONFLICT,
        (KEY_CONFLICT,),
        "reference",
        f"booked before as payment {payment_id} ({where}) with other content: not booked; "
        f"send this payment with a new reference (key {before.key})",
        before.iin,
        payment_id,
        before.register_id,
    )


_EARLIER = re.compile(r"(?:already booked|booked before) as payment (\d+) \((?:register (\d+)|no)")
"""Reads back the payment and register of :func:`not_booked`'s messages (anchored at the
start: the key, which the sender chose, comes last)."""


def summary(session: Session, register: Register, *, resent: bool) -> BookingReport:
    """A stored register's outcome without its lines (they are read page by page)."""
    reason_code, reason = _stored_reason(register.reason)
    duplicates = count_lines(session, register.id, LineStatus.DUPLICATE)
    return BookingReport(
        register_id=register.id,
        format=register.format.value,
        sender=register.sender,
        reference=register.reference,
        status=register.status.value,
        reason=reason,
        reason_code=reason_code,
        lines=register.line_count,
        booked=register.accepted_count - duplicates,
        duplicates=duplicates,
        rejected=register.rejected_count,
        resent=resent,
        recorded=count_lines(session, register.id),
    )


def _stored_reason(stored: str | None) -> tuple[str | None, str | None]:
    """``(code, reason)`` of a reason as :func:`reject_whole` stores it (``<code>: <reason>``):
    the stored outcome is answered as it was the first time (R-L-7).

    >>> _stored_reason("register.total_mismatch: the declared total 1.00 differs")
    ('register.total_mismatch', 'the declared total 1.00 differs')
    >>> _stored_reason(None)
    (None, None)
    """
    if stored is None:
        return None, None
    code, separator, reason = stored.partition(": ")
    if not separator or not code.startswith("register."):
        return None, stored
    return code, reason


def outcomes_page(session: Session, register_id: int, offset: int, limit: int) -> list[LineOutcome]:
    """``limit`` of the register's recorded lines (not simply booked) from the ``offset``-th."""
    return [_stored_outcome(line) for line in lines_page(session, register_id, offset, limit)]


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
