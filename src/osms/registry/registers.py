"""Registers as received (MT102, CSV), their line results and totals (R-F-3, R-L-7).

Intake calls :func:`receive` for the register, :func:`add_line` for every line (booked,
duplicate or rejected, with stable codes) and :func:`finish` to count: accepted (booked and
duplicate lines) plus rejected always equals the register's lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

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

__all__ = ["add_line", "find", "finish", "get", "receive"]


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
