"""Book a register into the ledger: idempotent, reconciled, all or nothing (R-L-7, R-F-3).

The use case behind ``POST /v1/registers`` and ``osms import``.  Intake reads and validates the
register (:func:`osms.intake.register.parse_register`); the registry books its payments
(:func:`osms.registry.ledger.booking`) and keeps its bookkeeping
(:mod:`osms.registry.registers`).  One register is one database transaction: its lines are
read as a stream and booked in chunks inside that transaction, so a register of a million
lines never sits in memory, and:

- the register's sender is who sent it, as the door knows it (the API client, the operator's
  ``--channel``; :func:`osms.registry.registers.sender_namespace`), never what the file or a
  parameter claims; it is the namespace of the register's CSV keys (``csv:<sender>:<ref>``);
- the same file from the same sender, received before, changes nothing whatever reference or
  format it claims now: the stored outcome is returned as a summary (``resent``, no lines), and
  its lines are read page by page with :func:`report_lines` — unless it was only rejected whole
  as read in another format (a wrong ``--format``, nothing booked): then it is read again
  (:func:`osms.registry.registers.find_sent`);
- a register whose total differs from its lines (``register.total_mismatch``) or that cannot
  be read to its end (``register.malformed``) is rolled back and recorded as rejected whole,
  with the reason and the lines read that were malformed, with their codes (R-F-3);
- an import killed midway leaves nothing behind: run again, it books every line exactly once;
- a line whose idempotency key was booked before is compared with that payment (person,
  month, amount, КНП, payer, payment date: :data:`osms.registry.ledger.SAME_PAYMENT`): the
  same payment is a ``duplicate``, accepted, not booked again and pointing at the payment
  booked before; another payment under the same key (a bank's ``:20:`` counter that restarted,
  a reused reference) is rejected as ``line.key_conflict``, naming the earlier payment and its
  register.  No line is ever dropped silently (R-F-3);
- two registers booked at once never deadlock (:func:`osms.registry.ledger.book_many`).

Booked lines live in ``payments`` (``register_id``, ``line_no``); ``register_lines`` keeps
the lines that were not booked — rejected with their codes, or duplicates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TypeAlias

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from osms.intake._io import as_seekable
from osms.intake.lines import IntakeLine, LineError, RegisterError
from osms.intake.register import identify, parse_register
from osms.registry import ledger, registers
from osms.registry.db import READ_ONLY, make_session_factory
from osms.registry.ledger import NewPayment
from osms.registry.models import LineStatus, RegisterStatus
from osms.registry.registers import KEY_CONFLICT, SENDERS, BookingReport, LineOutcome
from osms.rules.facts import Channel
from osms.rules.month import Month
from osms.services.lookups import record_lookup

__all__ = [
    "KEY_CONFLICT",
    "SENDERS",
    "BookingReport",
    "LineOutcome",
    "book_register",
    "register_summary",
    "report_lines",
]

CHUNK = 2000

_Recorded: TypeAlias = tuple[LineOutcome, Month | None, Decimal | None]
"""A line kept in ``register_lines``, with its month and amount as read."""

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
    door: str | None = None,
) -> BookingReport:
    """Book a register from a file or a binary stream; see the module text.

    ``sender`` is who sent it, as the door authenticated it (see
    :func:`~osms.registry.registers.sender_namespace`; :class:`ValueError` when empty);
    ``channel`` how its payments were made; ``door`` the door it came through, for the audit.
    """
    namespace = registers.sender_namespace(sender)
    with ExitStack() as stack:
        if isinstance(source, str | Path):
            source = stack.enter_context(open(source, "rb"))
        stream = as_seekable(source)
        if stream is not source:
            stack.callback(stream.close)
        digest = _sha256(stream)
        stream.seek(0)
        read_as, _ = identify(stream, format)  # type: ignore[arg-type]
        previous, taken = _previous(engine, namespace, digest, read_as)
        if previous is not None:
            return previous
        return _book(
            engine,
            stream,
            _Sent(actor, namespace, digest, door, read_as, taken),
            format,
            total,
            channel,
            progress,
            chunk,
        )


@dataclass(frozen=True, slots=True)
class _Sent:
    """Who sent a register, as what sender, which file (its SHA-256), through which door, read
    as which format; ``taken``: the references of this file's registers rejected whole as read
    in another format (:func:`osms.registry.registers.find_sent`)."""

    actor: str
    sender: str
    digest: str
    door: str | None
    read_as: str
    taken: frozenset[str] = frozenset()

    def reference(self, own: str | None) -> str:
        """The register's reference: its own (an MT102's ``:20:``), else the start of the
        file's digest — with the format read when that names this file's rejection in another
        format, so that (sender, reference, file) stays unique."""
        if own:
            return own
        reference = self.digest[:16]
        return reference if reference not in self.taken else f"{reference}-{self.read_as}"


def _book(
    engine: Engine,
    stream: IO[bytes],
    sent: _Sent,
    format: str | None,
    total: Decimal | None,
    channel: Channel | None,
    progress: Progress | None,
    chunk: int,
) -> BookingReport:
    try:
        reader = parse_register(
            stream,
            format,  # type: ignore[arg-type]
            sent.sender,
            total=total,
            channel=channel,
        )
        header = reader.header
    except RegisterError as error:
        # The report names the register as it is (an MT102 by its :20:), even unreadable.
        stream.seek(0)
        register_format, reference = identify(stream, format)  # type: ignore[arg-type]
        return _reject_whole(engine, register_format, sent, error, 0, reference)
    report = BookingReport(
        register_id=None,
        format=header.format,
        sender=sent.sender,
        reference=sent.reference(header.reference),
        status=RegisterStatus.ACCEPTED.value,
    )
    malformed: list[_Recorded] = []
    """The lines the reader rejected, kept for the report should the register be rejected
    whole (R-F-3)."""
    try:
        with engine.begin() as connection:
            report.register_id = registers.open_register(
                connection,
                format=header.format,
                sender=sent.sender,
                reference=report.reference,
                file_sha256=sent.digest,
                declared_total=header.declared_total,
            )
            booking = ledger.booking(connection)
            _book_lines(connection, booking, reader.lines(), report, progress, chunk, malformed)
            totals = reader.verify()
            _not_booked(connection, report, booking.finish())
            report.booked = booking.booked
            report.outcomes.sort(key=lambda outcome: outcome.line_no)
            report.recorded = len(report.outcomes)
            report.status = report.status_of_lines().value
            registers.close_register(
                connection, report, totals.declared_total, sent.actor, sent.door
            )
    except RegisterError as error:
        return _reject_whole(
            engine, header.format, sent, error, report.lines, report.reference, malformed
        )
    except IntegrityError as error:
        return _twin(engine, sent, error)
    return report


def register_summary(
    engine: Engine, register_id: int, *, sent_by: str | None = None
) -> BookingReport | None:
    """The stored outcome of a register, without its lines, or None when there is none — or,
    with ``sent_by``, when that sender did not send it (a client reads only its own)."""
    with make_session_factory(engine)() as session:
        session.connection(execution_options=READ_ONLY)
        register = registers.get(session, register_id)
        if register is None or (
            sent_by is not None and register.sender != registers.sender_namespace(sent_by)
        ):
            return None
        return registers.summary(session, register, resent=False)


def report_lines(
    engine: Engine, register_id: int, offset: int, limit: int, *, actor: str, channel: str
) -> list[LineOutcome]:
    """``limit`` of the register's recorded lines (not simply booked) from the ``offset``-th.

    The lines name people: the look-up is audited with the IINs the page shows (RULES.md §11).
    """
    with make_session_factory(engine)() as session, session.begin():
        found = registers.outcomes_page(session, register_id, offset, limit)
        record_lookup(
            session,
            actor,
            "register.lines",
            None,
            f"lines of register {register_id} shown through {channel}",
            {
                "register": register_id,
                "offset": offset,
                "iins": sorted({line.iin for line in found if line.iin is not None}),
            },
        )
        return found


def _book_lines(
    connection: Connection,
    booking: ledger.Booking,
    results: Iterable[IntakeLine | LineError],
    report: BookingReport,
    progress: Progress | None,
    chunk: int,
    malformed: list[_Recorded],
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
            _write_chunk(connection, booking, good, bad, report, malformed)
            if progress is not None:
                progress(len(good) + len(bad))
            good, bad = [], []
    if good or bad:
        _write_chunk(connection, booking, good, bad, report, malformed)
        if progress is not None:
            progress(len(good) + len(bad))


def _write_chunk(
    connection: Connection,
    booking: ledger.Booking,
    good: list[IntakeLine],
    bad: list[LineError],
    report: BookingReport,
    malformed: list[_Recorded],
) -> None:
    assert report.register_id is not None
    if good:
        payments = [_payment(line, report.register_id) for line in good]
        _not_booked(connection, report, booking.add(payments))
    if bad:
        outcomes = [
            LineOutcome(
                error.line_no,
                LineStatus.REJECTED.value,
                error.code,
                error.codes,
                error.field,
                error.message,
                error.iin,
            )
            for error in bad
        ]
        report.rejected += len(outcomes)
        report.outcomes.extend(outcomes)
        recorded: list[_Recorded] = [
            (outcome, None, error.amount) for outcome, error in zip(outcomes, bad, strict=True)
        ]
        malformed.extend(recorded)
        registers.record_lines(connection, report.register_id, recorded)


def _payment(line: IntakeLine, register_id: int) -> NewPayment:
    return NewPayment(
        iin=line.iin,
        period=line.period,
        amount=line.amount,
        knp=line.knp,
        payer=line.payer,
        channel=line.channel,
        paid_on=line.paid_on,
        idempotency_key=line.reference,
        reference=line.reference[:64],
        register_id=register_id,
        line_no=line.line_no,
        name=line.name,
    )


def _not_booked(
    connection: Connection, report: BookingReport, before: list[ledger.BookedBefore]
) -> None:
    """Count and keep the lines whose key was booked before: duplicates or key conflicts."""
    assert report.register_id is not None
    for start in range(0, len(before), CHUNK):
        lines = []
        for earlier in before[start : start + CHUNK]:
            outcome = registers.not_booked(earlier)
            if earlier.same:
                report.duplicates += 1
            else:
                report.rejected += 1
            report.outcomes.append(outcome)
            lines.append((outcome, earlier.period, earlier.amount))
        registers.record_lines(connection, report.register_id, lines)


def _reject_whole(
    engine: Engine,
    register_format: str,
    sent: _Sent,
    error: RegisterError,
    lines: int,
    reference: str | None = None,
    malformed: Sequence[_Recorded] = (),
) -> BookingReport:
    """Record a register rejected whole (R-L-7), with the reason; nothing of it is booked.

    The ``malformed`` lines read before it was rejected are kept and reported with their codes
    (R-F-3): a line whose amount cannot be read is often why the total differs."""
    report = BookingReport(
        register_id=None,
        format=register_format,
        sender=sent.sender,
        reference=sent.reference(reference),
        status=RegisterStatus.REJECTED.value,
        reason=str(error),
        reason_code=error.code,
        lines=lines,
        rejected=lines,
        outcomes=[outcome for outcome, _, _ in malformed],
        recorded=len(malformed),
    )
    try:
        with engine.begin() as connection:
            registers.reject_whole(connection, report, sent.digest, sent.actor, sent.door)
            assert report.register_id is not None
            for start in range(0, len(malformed), CHUNK):
                registers.record_lines(
                    connection, report.register_id, malformed[start : start + CHUNK]
                )
    except IntegrityError as error:
        return _twin(engine, sent, error)
    return report


def _twin(engine: Engine, sent: _Sent, error: IntegrityError) -> BookingReport:
    """The outcome of a twin of this register, booked at the same time and committed first
    (R-L-7); ``error`` again when the key that clashed was not a twin's."""
    again, _ = _previous(engine, sent.sender, sent.digest, sent.read_as)
    if again is None:
        raise error
    return again


def _previous(
    engine: Engine, sender: str, digest: str, read_as: str
) -> tuple[BookingReport | None, frozenset[str]]:
    """The outcome of the same file from the same sender, if received before (R-L-7) — unless
    it was only rejected whole as read in another format — and the references of its earlier
    registers."""
    with make_session_factory(engine)() as session:
        session.connection(execution_options=READ_ONLY)
        register = registers.find_sent(session, sender, digest, read_as)
        if register is not None:
            return registers.summary(session, register, resent=True), frozenset()
        taken = frozenset(sent.reference for sent in registers.sent_files(session, sender, digest))
        return None, taken


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()
