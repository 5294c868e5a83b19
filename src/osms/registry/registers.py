"""Registers as received (MT102, CSV), their line results and totals (R-F-3, R-L-7).

Intake calls :func:`receive` for the register, :func:`add_line` for every line (booked,
duplicate or rejected, with stable codes) and :func:`finish` to count: accepted (booked and
duplicate lines) plus rejected always equals the register's lines.

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

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from osms.registry.columns import utc_now
from osms.registry.models import (
    LineStatus,
    Register,
    RegisterFormat,
    RegisterLine,
    RegisterStatus,
)
from osms.rules.month import Month

__all__ = [
    "SENDERS",
    "SENDER_MAX",
    "add_line",
    "count_lines",
    "find",
    "find_sent",
    "finish",
    "get",
    "lines_page",
    "receive",
    "sender_namespace",
]

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


def receive(
    session: Session,
    *,
    format: RegisterFormat,
    sender: str,
    reference: str,
    file_sha256: str,
    declared_total: Decimal | None = None,
    received_at: datetime | None = None,
) -> Register:
    """Record a register as it arrives, before its lines (no lines yet: accepted, 0 of 0)."""
    register = Register(
        format=RegisterFormat(format),
        sender=sender,
        reference=reference,
        file_sha256=file_sha256,
        declared_total=declared_total,
        received_at=received_at or utc_now(),
        line_count=0,
        accepted_count=0,
        rejected_count=0,
        status=RegisterStatus.ACCEPTED,
    )
    session.add(register)
    session.flush()
    return register


def find(session: Session, sender: str, reference: str, file_sha256: str) -> Register | None:
    """The register already received with this sender, reference and content, or None."""
    statement = select(Register).where(
        Register.sender == sender,
        Register.reference == reference,
        Register.file_sha256 == file_sha256,
    )
    return session.scalars(statement).one_or_none()


def find_sent(session: Session, sender: str, file_sha256: str) -> Register | None:
    """The first register this sender sent with this content, or None (R-L-7: the same file
    from the same sender is the same register, whatever reference or format it claims)."""
    statement = (
        select(Register)
        .where(Register.sender == sender, Register.file_sha256 == file_sha256)
        .order_by(Register.id)
        .limit(1)
    )
    return session.scalars(statement).first()


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


def add_line(
    session: Session,
    register: Register,
    line_no: int,
    status: LineStatus,
    *,
    codes: Iterable[str] = (),
    field: str | None = None,
    message: str | None = None,
    iin: str | None = None,
    period: Month | None = None,
    amount: Decimal | None = None,
    payment_id: int | None = None,
) -> RegisterLine:
    """Record what became of one line (``payment_id``: the payment booked, or booked before)."""
    code_list = [code for code in codes if code]
    for code in code_list:
        if "," in code:
            raise ValueError(f"a line code cannot contain a comma: {code!r}")
    line = RegisterLine(
        register_id=register.id,
        line_no=line_no,
        status=LineStatus(status),
        codes=",".join(code_list),
        field=field,
        message=message,
        iin=iin,
        period=period,
        amount=amount,
        payment_id=payment_id,
    )
    session.add(line)
    session.flush()
    return line


def finish(
    session: Session,
    register: Register,
    *,
    status: RegisterStatus | None = None,
    reason: str | None = None,
) -> Register:
    """Count the register's lines and set its status.

    Without ``status``: ``accepted`` when no line was rejected, ``rejected`` when every line
    was (and there was at least one), else ``partially_accepted``.
    """
    session.flush()
    rows = session.execute(
        select(RegisterLine.status, func.count())
        .where(RegisterLine.register_id == register.id)
        .group_by(RegisterLine.status)
    ).all()
    counts = {LineStatus(line_status): int(n) for line_status, n in rows}
    rejected = counts.get(LineStatus.REJECTED, 0)
    accepted = counts.get(LineStatus.BOOKED, 0) + counts.get(LineStatus.DUPLICATE, 0)
    if status is None:
        if rejected == 0:
            status = RegisterStatus.ACCEPTED
        elif accepted == 0:
            status = RegisterStatus.REJECTED
        else:
            status = RegisterStatus.PARTIALLY_ACCEPTED
    register.line_count = accepted + rejected
    register.accepted_count = accepted
    register.rejected_count = rejected
    register.status = RegisterStatus(status)
    register.reason = reason
    session.flush()
    return register
