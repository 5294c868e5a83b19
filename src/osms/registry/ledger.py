"""The payment ledger (R-L-1): append-only, idempotent (R-L-7), never edited (R-L-8).

This module can add and read payments and nothing else: there is no update and no delete.  A
wrong payment stays as it is until refunded (:mod:`osms.registry.refunds`).  It is the one
writer of the ``payments`` table: :func:`book` appends one :class:`NewPayment`,
:func:`book_many` (and the streaming :class:`Booking` under it) many — a register's lines, the
demo's population — and :func:`load` a batch population folder's; and it alone builds the
idempotency keys (:func:`mt102_key`, :func:`csv_key`, :func:`batch_key`, :func:`item_key`).

A payment stores its credit day only when its record carried one (R-T-3); otherwise the day is
computed when the payment is read (:func:`credit_day`), with the calendar as it stands then, so
that a correction published later (R-P-3: the next year's decree of transfers) reaches the
payments booked before it.  Rows booked before revision 0006 keep the day they stored.

:func:`book_many` books new people and payments in one global order, ``ON CONFLICT DO
NOTHING`` (people by IIN, payments by key), so that two bookings at once take their row locks
in one order and never deadlock.  A payment whose key was booked before is not booked again:
it comes back as :class:`BookedBefore`, saying whether it is the same payment
(:data:`SAME_PAYMENT`) or another one under a reused key.  On PostgreSQL the payments are
staged (``COPY`` into a temporary table) and inserted by :meth:`Booking.finish`; SQLite has one
writer at a time (``BEGIN IMMEDIATE``, :mod:`osms.registry.db`) and books chunk by chunk.

>>> mt102_key("HSBKKZKX", "REF0001", 3)
'mt102:HSBKKZKX:REF0001:3'
>>> csv_key("kazpost", "KP-2025-000017")
'csv:kazpost:KP-2025-000017'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from osms.registry import bulk, people
from osms.registry.columns import utc_now
from osms.registry.errors import DuplicatePayment
from osms.registry.models import Payment, Register
from osms.rules.calendar import credit_date
from osms.rules.facts import KNP, Channel, PaymentItem
from osms.rules.month import Month

__all__ = [
    "SAME_PAYMENT",
    "Booked",
    "BookedBefore",
    "Booking",
    "NewPayment",
    "batch_key",
    "batch_key_sql",
    "book",
    "book_many",
    "booking",
    "carried_credit",
    "credit_day",
    "csv_key",
    "find",
    "for_person",
    "for_person_with_registers",
    "get",
    "item_key",
    "line_reference",
    "load",
    "mt102_key",
]

SAME_PAYMENT: Final = ("iin", "period", "amount", "knp", "payer", "paid_on")
"""What makes a payment the one booked before under its key (R-L-7).  Not the channel (how the
payer paid: the same payment may come through two doors that name it differently) nor the
names."""

_PAYMENTS: Table = Payment.__table__  # type: ignore[assignment]


def mt102_key(bank_bic: str, message_reference: str, line_no: int | str) -> str:
    """R-L-7: the idempotency key of an MT102 line (payer bank, message reference, line)."""
    return f"mt102:{bank_bic}:{message_reference}:{line_no}"


def csv_key(sender: str | None, reference: str) -> str:
    """R-L-7: the idempotency key of a line with its own reference (CSV channels), in its
    sender's namespace (:func:`osms.registry.registers.sender_namespace`): two senders may use
    the same reference."""
    return f"csv:{sender}:{reference}" if sender else f"csv:{reference}"


def line_reference(key: str, sender: str) -> str | None:
    """The reference a CSV line gave its payment, from its key (:func:`csv_key`) in its
    register's ``sender`` namespace, or None (an MT102 line is known by its register's
    ``:20:`` and its line).

    >>> line_reference("csv:kazpost:KP-17", "kazpost"), line_reference("mt102:B:R:1", "halyk")
    ('KP-17', None)
    """
    prefix = csv_key(sender, "")
    return key[len(prefix) :] if key.startswith(prefix) else None


def batch_key(row: int) -> str:
    """R-L-7: the key of the ``row``-th payment of a batch population folder (``osms batch
    generate --load``): loading the same folder twice is refused by the unique key.

    >>> batch_key(17)
    'batch:17'
    """
    return f"{_BATCH}{row}"


def batch_key_sql(row: str) -> str:
    """:func:`batch_key` as SQL text, of the SQL integer expression ``row`` (a population
    folder's query builds the keys of all its rows at once)."""
    return f"'{_BATCH}' || CAST({row} AS VARCHAR)"


_BATCH: Final = "batch:"


def item_key(source: str, iin: str, period: Month, n: int) -> str:
    """R-L-7: the key of a person's ``n``-th item for ``period`` from a source whose items have
    no reference of their own (the demo's population, ``osms demo``)."""
    return f"{source}:{iin}:{period}:{n}"


def credit_day(paid_on: date, stored: date | None) -> date:
    """R-T-3: the day a booked payment is credited: the one its record carried (``stored``),
    else ``paid_on`` + the credit delay in working days by the calendar as it now stands.

    >>> credit_day(date(2022, 10, 17), None)
    datetime.date(2022, 10, 20)
    >>> credit_day(date(2022, 10, 17), date(2022, 10, 18))
    datetime.date(2022, 10, 18)
    """
    return credit_date(paid_on) if stored is None else stored


def carried_credit(paid_on: date, credited_on: date) -> date | None:
    """The credit day to store for a payment whose source gives ``credited_on`` whether or not
    its record carried it (a rules item, a population folder): None when it is the day the
    calendar gives today, which :func:`credit_day` then computes on every read (R-T-3)."""
    return None if credited_on == credit_date(paid_on) else credited_on


def book(session: Session, payment: NewPayment) -> Payment:
    """Append one payment to the ledger and return it (with its id).

    ``credited_on`` is stored only when the record carried it (R-T-3).  The person must exist
    (:func:`osms.registry.people.ensure`; the payment's names are not used).  Raises
    :class:`DuplicatePayment` when the key is already booked (R-L-7); the unique index catches
    a concurrent twin at commit.
    """
    if payment.amount <= 0:
        raise ValueError(f"a payment amount must be positive (R-L-3): {payment.amount}")
    existing = find(session, payment.idempotency_key)
    if existing is not None:
        raise DuplicatePayment(payment.idempotency_key, existing.id)
    row = Payment(**dict(zip(_PAYMENT_COLUMNS, _row(payment, utc_now()), strict=True)))
    session.add(row)
    session.flush()
    return row


def load(connection: Connection, columns: Sequence[str], source: bulk.Source) -> int:
    """Load a population folder's payments, already in the database's representation and
    keyed by :func:`batch_key` (R-L-7): a key booked before fails the load (the unique key),
    since a folder is loaded once, into a registry that does not hold its people."""
    return bulk.load(connection, _PAYMENTS, columns, source)


def get(session: Session, payment_id: int) -> Payment | None:
    """The payment with this id, or None."""
    return session.get(Payment, payment_id)


def find(session: Session, idempotency_key: str) -> Payment | None:
    """The payment booked under this idempotency key, or None."""
    return session.scalars(
        select(Payment).where(Payment.idempotency_key == idempotency_key)
    ).one_or_none()


def for_person(session: Session, iin: str) -> list[Payment]:
    """The person's payments, by period then booking order."""
    statement = select(Payment).where(Payment.iin == iin).order_by(Payment.period, Payment.id)
    return list(session.scalars(statement))


def for_person_with_registers(session: Session, iin: str) -> list[tuple[Payment, Register | None]]:
    """The person's payments, each with the register that brought it (None: none did)."""
    statement = (
        select(Payment, Register)
        .outerjoin(Register, Register.id == Payment.register_id)
        .where(Payment.iin == iin)
        .order_by(Payment.period, Payment.id)
    )
    return [(payment, register) for payment, register in session.execute(statement)]


# -- many payments at once ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewPayment:
    """A payment to append (R-L-1) under its idempotency key (R-L-7), with what is known of its
    person: the names a new person is added with (:func:`osms.registry.people.add_missing`)."""

    iin: str
    period: Month
    amount: Decimal
    knp: KNP
    payer: str
    channel: Channel | None
    paid_on: date
    idempotency_key: str
    credited_on: date | None = None
    """The credit day the intake record carried (R-T-3); None: :func:`credit_day` computes it
    when the payment is read."""
    reference: str | None = None
    register_id: int | None = None
    line_no: int | None = None
    name: people.WrittenName = people.UNNAMED
    """The person's name as the line wrote it (none: a payment loaded from elsewhere)."""

    @classmethod
    def of_item(
        cls, iin: str, item: PaymentItem, idempotency_key: str, *, reference: str | None = None
    ) -> NewPayment:
        """``iin``'s rules-core item to book under ``idempotency_key``: paid by the person unless
        the item names its payer; its reference is ``reference`` if given, else the item's.
        Its credit day is kept only when it is not the calendar's (:func:`carried_credit`).

        The item's ``refunded_on`` is not part of the payment: a refund is an approved refund
        application (:mod:`osms.registry.refunds`), recorded after the payment is booked."""
        return cls(
            iin=iin,
            period=item.period,
            amount=item.amount,
            knp=item.knp,
            payer=item.payer or iin,
            channel=item.channel,
            paid_on=item.paid_on,
            idempotency_key=idempotency_key,
            credited_on=carried_credit(item.paid_on, item.credited_on),
            reference=reference or item.reference,
        )

    def same_payment(self) -> tuple[Any, ...]:
        """The values of :data:`SAME_PAYMENT`."""
        return (self.iin, self.period, self.amount, self.knp, self.payer, self.paid_on)


@dataclass(frozen=True, slots=True)
class BookedBefore:
    """A payment not booked because its key was booked before (R-L-7): the same payment (a
    duplicate) when ``same``, else another payment under a reused key (a key conflict)."""

    line_no: int | None
    key: str
    iin: str
    period: Month
    amount: Decimal
    payment_id: int
    """The payment booked before under the key."""
    register_id: int | None
    """Its register (None when it came from none) …"""
    register_line_no: int | None
    """… and its line there."""
    same: bool


@dataclass(slots=True)
class Booked:
    """What :func:`book_many` did: ``booked`` new payments, the others booked before."""

    booked: int
    before: list[BookedBefore]


def book_many(
    connection: Connection,
    payments: Iterable[NewPayment],
    *,
    chunk: int = bulk.CHUNK,
    progress: Callable[[int], None] | None = None,
) -> Booked:
    """Append many payments in the connection's transaction (see the module text); new
    people are added with the names of their first payment.  ``progress`` is told how many
    payments each chunk held."""
    ledger = booking(connection)
    before: list[BookedBefore] = []
    pending: list[NewPayment] = []
    for payment in payments:
        pending.append(payment)
        if len(pending) >= chunk:
            before.extend(ledger.add(pending))
            if progress is not None:
                progress(len(pending))
            pending = []
    if pending:
        before.extend(ledger.add(pending))
        if progress is not None:
            progress(len(pending))
    before.extend(ledger.finish())
    return Booked(ledger.booked, before)


def booking(connection: Connection) -> Booking:
    """A :class:`Booking` for the connection's database."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return _PostgresBooking(connection)
    if dialect == "sqlite":
        return _SqliteBooking(connection)
    raise NotImplementedError(f"booking supports PostgreSQL and SQLite, not {dialect}")


class Booking:
    """Books payments chunk by chunk in one transaction: :meth:`add` each chunk, then
    :meth:`finish` once; each returns the payments booked before (R-L-7)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.booked = 0

    def add(self, payments: Sequence[NewPayment]) -> list[BookedBefore]:
        raise NotImplementedError

    def finish(self) -> list[BookedBefore]:
        """After the last chunk."""
        return []


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


def _row(payment: NewPayment, now: datetime) -> tuple[Any, ...]:
    """The payment's values in the order of :data:`_PAYMENT_COLUMNS`."""
    return (
        payment.iin,
        payment.period,
        payment.amount,
        payment.knp,
        payment.payer,
        payment.channel,
        payment.paid_on,
        payment.credited_on,
        payment.reference,
        payment.register_id,
        payment.line_no,
        payment.idempotency_key,
        now,
    )


_KEYS_PER_QUERY: Final = 5000
"""Keys looked up in one query (SQLite allows 32 766 parameters since 3.32)."""


class _SqliteBooking(Booking):
    """SQLite: one writer at a time, so read the keys already booked, then insert the rest."""

    def add(self, payments: Sequence[NewPayment]) -> list[BookedBefore]:
        now = utc_now()
        earlier = self._earlier(payments)
        fresh = [payment for payment in payments if payment.idempotency_key not in earlier]
        if fresh:
            people.add_missing(self.connection, fresh, now)
            rows = [_row(payment, now) for payment in fresh]
            bulk.insert_rows(self.connection, _PAYMENTS, rows, names=_PAYMENT_COLUMNS)
            self.booked += len(fresh)
        return [
            earlier[payment.idempotency_key]
            for payment in payments
            if payment.idempotency_key in earlier
        ]

    def _earlier(self, payments: Sequence[NewPayment]) -> dict[str, BookedBefore]:
        """The payments already booked under these keys, by key."""
        by_key = {payment.idempotency_key: payment for payment in payments}
        keys = list(by_key)
        found: dict[str, BookedBefore] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            rows = self.connection.execute(
                select(
                    _PAYMENTS.c.idempotency_key,
                    _PAYMENTS.c.id,
                    _PAYMENTS.c.register_id,
                    _PAYMENTS.c.line_no,
                    *(_PAYMENTS.c[name] for name in SAME_PAYMENT),
                ).where(_PAYMENTS.c.idempotency_key.in_(keys[start : start + _KEYS_PER_QUERY]))
            )
            for key, payment_id, register_id, line_no, *stored in rows:
                payment = by_key[key]
                found[key] = BookedBefore(
                    payment.line_no,
                    key,
                    payment.iin,
                    payment.period,
                    payment.amount,
                    payment_id,
                    register_id,
                    line_no,
                    tuple(stored) == payment.same_payment(),
                )
        return found


def _staged_row(payment: NewPayment, now: datetime) -> tuple[Any, ...]:
    """:func:`_row` as COPY writes it (the month as ``YYYYMM``, codes as text), then the
    person's :data:`~osms.registry.people.NAME_COLUMNS`."""
    iin, period, amount, knp, payer, channel, *rest = _row(payment, now)
    month = period.year * 100 + period.month
    code = None if channel is None else channel.value
    return (iin, month, amount, knp.value, payer, code, *rest, *people.names_of(payment))


class _PostgresBooking(Booking):
    """PostgreSQL: COPY every payment into a temporary table (no parameter per value), then
    insert the new people in IIN order and the payments in key order, ``ON CONFLICT DO
    NOTHING``: concurrent bookings take their row locks in one order."""

    _STAGING = "osms_staging_payments"

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
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

    def add(self, payments: Sequence[NewPayment]) -> list[BookedBefore]:
        now = utc_now()
        columns = ", ".join((*_PAYMENT_COLUMNS, *people.NAME_COLUMNS))
        with (
            self._cursor() as cursor,
            cursor.copy(f"COPY {self._STAGING} ({columns}) FROM STDIN") as copy,
        ):
            for payment in payments:
                copy.write_row(_staged_row(payment, now))
        self.staged += len(payments)
        return []

    def finish(self) -> list[BookedBefore]:
        if not self.staged:
            return []
        columns = ", ".join(_PAYMENT_COLUMNS)
        same = " AND ".join(f"p.{name} = s.{name}" for name in SAME_PAYMENT)
        with self._cursor() as cursor:
            cursor.execute(f"ANALYZE {self._STAGING}")
            people.add_missing_staged(cursor, self._STAGING)
            cursor.execute(
                f"INSERT INTO payments ({columns}) SELECT {columns} FROM {self._STAGING}"
                ' ORDER BY idempotency_key COLLATE "C"'
                " ON CONFLICT (idempotency_key) DO NOTHING"
            )
            booked = cursor.rowcount
            # Booked before: under the key, a payment of another booking than this row's.
            cursor.execute(
                "SELECT s.line_no, s.idempotency_key, s.iin, s.period, s.amount,"
                f" p.id, p.register_id, p.line_no, ({same})"
                f" FROM {self._STAGING} s"
                " JOIN payments p ON p.idempotency_key = s.idempotency_key"
                " WHERE p.register_id IS DISTINCT FROM s.register_id"
                "  OR p.line_no IS DISTINCT FROM s.line_no"
                "  OR p.booked_at IS DISTINCT FROM s.booked_at"
                " ORDER BY s.line_no"
            )
            earlier = cursor.fetchall()
        if booked + len(earlier) != self.staged:
            raise RuntimeError(
                f"{self.staged} payments staged, {booked} booked and {len(earlier)} booked before"
            )
        self.booked += booked
        return [
            BookedBefore(
                line_no,
                key,
                iin,
                Month(period // 100, period % 100),
                amount,
                payment_id,
                register_id,
                at,
                bool(same),
            )
            for line_no, key, iin, period, amount, payment_id, register_id, at, same in earlier
        ]
