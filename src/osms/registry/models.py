"""The registry's tables as typed SQLAlchemy 2 models.

The schema itself is made only by the Alembic migrations (``osms db upgrade``); a test checks
that these models and the migrated schema agree on SQLite and PostgreSQL.

Conventions:

- a month is an INTEGER ``YYYYMM`` (:class:`~osms.registry.columns.MonthType`);
- money is ``NUMERIC(14, 2)`` read back as :class:`~decimal.Decimal`
  (:class:`~osms.registry.columns.Money`);
- codes (payer kind, КНП, channel, statuses) are short texts with a CHECK constraint;
- timestamps are timezone-aware UTC (:class:`~osms.registry.columns.UTCDateTime`);
- every table with a person's facts is keyed or indexed IIN first, so that everything about one
  IIN is one index range per table (see :mod:`osms.registry.facts`);
- relationships are many-to-one (``payment.person``, ``refund.payment``...), plus
  ``register.lines``: they order the unit of work's INSERTs, and no collection reaches the
  ledger (which would UPDATE payments from the other side).

The ledger (``payments``) is append-only (R-L-8): the ORM refuses to flush an UPDATE or DELETE
of a :class:`Payment`, and the database refuses them too (a trigger made by the migration).
Decided applications, audit events and registers' records are append-only in the database
too (revision 0004): an application is decided once, a register's counters written once.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CHAR,
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from osms.registry.columns import (
    EnumText,
    Money,
    MonthType,
    UTCDateTime,
    one_of,
    utc_now,
)
from osms.registry.errors import AppendOnly
from osms.rules.facts import KNP, Channel, PayerKind
from osms.rules.month import Month

__all__ = [
    "NAMING_CONVENTION",
    "ApplicationStatus",
    "AuditEvent",
    "Base",
    "CategoryPeriodRecord",
    "CategoryPeriodVersion",
    "LineStatus",
    "PayerKindPeriod",
    "Payment",
    "Person",
    "RefundApplication",
    "RefundReason",
    "Register",
    "RegisterFormat",
    "RegisterLine",
    "RegisterStatus",
    "TemporaryApplication",
]


class RegisterFormat(StrEnum):
    """The format a register arrived in (R-F-1, R-F-2)."""

    MT102 = "mt102"
    CSV = "csv"


class RegisterStatus(StrEnum):
    """How a register was accepted (R-F-3, R-L-7)."""

    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"


class LineStatus(StrEnum):
    """What became of one register line: booked, already booked (R-L-7), or rejected (R-L-3)."""

    BOOKED = "booked"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class ApplicationStatus(StrEnum):
    """The state of a temporary-status (R-TMP-1) or refund (R-R-1) application."""

    APPLIED = "applied"
    APPROVED = "approved"
    REFUSED = "refused"


class RefundReason(StrEnum):
    """Why a payment is refunded (R-R-1)."""

    WRONG_PERIOD = "wrong_period"
    WRONG_YEAR = "wrong_year"
    WRONG_IIN = "wrong_iin"
    OVERPAYMENT = "overpayment"


NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

IIN = CHAR(12)
"""An IIN (or, for a payer, a BIN): always exactly 12 digits."""

ID: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")
"""A surrogate key: BIGINT on PostgreSQL, INTEGER (the rowid) on SQLite."""

JSON_DOCUMENT: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


def _month_check(column: str) -> str:
    return f"{column} % 100 BETWEEN 1 AND 12"


def _period_checks() -> tuple[CheckConstraint, ...]:
    """The CHECKs every table of periods shares: months of a year, the last not before the
    first (None: open)."""
    return (
        CheckConstraint(_month_check("first_period"), name="first_period"),
        CheckConstraint(_month_check("last_period"), name="last_period"),
        CheckConstraint("last_period IS NULL OR last_period >= first_period", name="period_order"),
    )


def _decision_checks() -> tuple[CheckConstraint, ...]:
    """The CHECKs every application shares: a decision names who and when, a refusal why."""
    return (
        CheckConstraint(one_of("status", ApplicationStatus), name="status"),
        CheckConstraint(
            "(status = 'applied') = (decided_by IS NULL AND decided_at IS NULL)",
            name="decided_by_and_at",
        ),
        CheckConstraint(
            "(status = 'refused') = (refusal_reason IS NOT NULL)", name="refusal_reason"
        ),
    )


class _Decided:
    """The decision every application records (its CHECKs: :func:`_decision_checks`)."""

    applied_by: Mapped[str | None] = mapped_column(String(64))
    """Who recorded it (None before revision 0004); by default someone else decides."""
    status: Mapped[ApplicationStatus] = mapped_column(
        EnumText(ApplicationStatus, 16), default=ApplicationStatus.APPLIED
    )
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refusal_reason: Mapped[str | None] = mapped_column(Text)


class _CategoryPeriod:
    """A category period (R-CAT-1) as a version of it records it, the current one or an earlier
    one (its CHECKs: :func:`_period_checks`)."""

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    iin: Mapped[str] = mapped_column(IIN, ForeignKey("people.iin"))
    category: Mapped[str] = mapped_column(String(64))
    first_period: Mapped[Month] = mapped_column(MonthType())
    last_period: Mapped[Month | None] = mapped_column(MonthType())
    source: Mapped[str] = mapped_column(String(64))
    """Where the version came from, e.g. the name of the state feed."""
    known_from: Mapped[date | None] = mapped_column(Date)
    """The first knowledge date (in Kazakhstan) the version answers; None for the period's
    first version, which answers every earlier day too (revision 0005)."""


class Base(DeclarativeBase):
    """The declarative base; its metadata names every constraint (Alembic needs the names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Person(Base):
    """A person known to the registry, keyed by IIN.  Names are optional (R-L-1 needs none)."""

    __tablename__ = "people"
    __table_args__ = (CheckConstraint("length(iin) = 12", name="iin_length"),)

    iin: Mapped[str] = mapped_column(IIN, primary_key=True)
    surname: Mapped[str | None] = mapped_column(String(100))
    given_name: Mapped[str | None] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    """From the IIN (R-IIN-1); kept as a column for whole-table queries."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class PayerKindPeriod(Base):
    """How a person pays for themselves from one month on (R-K-1): self-payer, IE, employee."""

    __tablename__ = "payer_kind_periods"
    __table_args__ = (CheckConstraint(one_of("kind", PayerKind), name="kind"), *_period_checks())

    iin: Mapped[str] = mapped_column(IIN, ForeignKey("people.iin"), primary_key=True)
    first_period: Mapped[Month] = mapped_column(MonthType(), primary_key=True)
    kind: Mapped[PayerKind] = mapped_column(EnumText(PayerKind, 16))
    last_period: Mapped[Month | None] = mapped_column(MonthType())

    person: Mapped[Person] = relationship()


class CategoryPeriodRecord(_CategoryPeriod, Base):
    """The current version of a state-paid category period (R-CAT-1), months inclusive.

    Keyed by (IIN, category, first month): a later record of the key replaces this row (its
    earlier version goes to :class:`CategoryPeriodVersion`), a withdrawal removes it.
    """

    __tablename__ = "category_periods"
    __table_args__ = (
        *_period_checks(),
        Index("ix_category_periods_iin_first_period", "iin", "first_period"),
        Index(
            "ux_category_periods_iin_category_first_period",
            "iin",
            "category",
            "first_period",
            unique=True,
        ),
    )

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    """When this version was recorded."""

    person: Mapped[Person] = relationship()


class CategoryPeriodVersion(_CategoryPeriod, Base):
    """An earlier version of a category period, replaced or withdrawn (R-CAT-1).

    It answered the knowledge dates [``known_from``, ``replaced_on``) (``known_from`` None:
    every day before ``replaced_on``).  Append-only in the database (revision 0005).
    """

    __tablename__ = "category_period_history"
    __table_args__ = (
        *_period_checks(),
        CheckConstraint("replaced_by IN ('record', 'withdrawal')", name="replaced_by"),
        CheckConstraint("known_from IS NULL OR replaced_on >= known_from", name="known_order"),
        Index("ix_category_period_history_iin_first_period", "iin", "first_period"),
    )

    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    """When the version was recorded."""
    replaced_on: Mapped[date] = mapped_column(Date)
    """The first knowledge date (in Kazakhstan) the version no longer answers."""
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_by: Mapped[str] = mapped_column(String(16))
    """``record`` (a later record of the same key) or ``withdrawal``."""
    replacing_source: Mapped[str] = mapped_column(String(64))
    """The feed whose record replaced or withdrew it."""

    person: Mapped[Person] = relationship()


class Register(Base):
    """A payment register as received (MT102 or CSV) with its totals and outcome (R-F-3)."""

    __tablename__ = "registers"
    __table_args__ = (
        CheckConstraint(one_of("format", RegisterFormat), name="format"),
        CheckConstraint(one_of("status", RegisterStatus), name="status"),
        CheckConstraint(
            "line_count >= 0 AND accepted_count >= 0 AND rejected_count >= 0", name="counts"
        ),
        CheckConstraint("accepted_count + rejected_count = line_count", name="counts_add_up"),
        UniqueConstraint("sender", "reference", "file_sha256"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    format: Mapped[RegisterFormat] = mapped_column(EnumText(RegisterFormat, 8))
    sender: Mapped[str] = mapped_column(String(32))
    """Who sent it, as the door authenticated it: the API client's name or the operator's
    ``--channel``, lower-cased (:func:`osms.registry.registers.sender_namespace`, R-L-7)."""
    reference: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    declared_total: Mapped[Decimal | None] = mapped_column(Money())
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[RegisterStatus] = mapped_column(EnumText(RegisterStatus, 24))
    reason: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(CHAR(64))

    lines: Mapped[list[RegisterLine]] = relationship(
        back_populates="register", order_by="RegisterLine.line_no"
    )


class RegisterLine(Base):
    """The result of one line of a register: booked, duplicate or rejected with its codes."""

    __tablename__ = "register_lines"
    __table_args__ = (
        CheckConstraint(one_of("status", LineStatus), name="status"),
        CheckConstraint(_month_check("period"), name="period"),
        CheckConstraint(
            "(status = 'rejected') = (payment_id IS NULL)", name="payment_unless_rejected"
        ),
        Index("ix_register_lines_iin", "iin"),
    )

    register_id: Mapped[int] = mapped_column(ID, ForeignKey("registers.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[LineStatus] = mapped_column(EnumText(LineStatus, 16))
    codes: Mapped[str] = mapped_column(String(255), default="")
    """Comma-separated stable codes (``iin.checksum,ledger.amount``); empty when booked."""
    field: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    iin: Mapped[str | None] = mapped_column(IIN)
    """The IIN as read, when it had 12 characters (it may still be invalid)."""
    period: Mapped[Month | None] = mapped_column(MonthType())
    amount: Mapped[Decimal | None] = mapped_column(Money())
    payment_id: Mapped[int | None] = mapped_column(ID, ForeignKey("payments.id"))
    """The payment booked, or for a duplicate the payment booked before."""

    register: Mapped[Register] = relationship(back_populates="lines")
    payment: Mapped[Payment | None] = relationship()

    @property
    def code_list(self) -> tuple[str, ...]:
        """:attr:`codes` as a tuple."""
        return tuple(code for code in self.codes.split(",") if code)


class Payment(Base):
    """One ledger item (R-L-1): one person, one month, one amount.  Never updated (R-L-8)."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(_month_check("period"), name="period"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(one_of("knp", KNP), name="knp"),
        CheckConstraint(one_of("channel", Channel), name="channel"),
        CheckConstraint("length(payer) = 12", name="payer_length"),
        CheckConstraint("credited_on >= paid_on", name="credited_after_paid"),
        UniqueConstraint("idempotency_key"),
        UniqueConstraint("register_id", "line_no"),
        Index("ix_payments_iin_period", "iin", "period"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    iin: Mapped[str] = mapped_column(IIN, ForeignKey("people.iin"))
    period: Mapped[Month] = mapped_column(MonthType())
    amount: Mapped[Decimal] = mapped_column(Money())
    knp: Mapped[KNP] = mapped_column(EnumText(KNP, 3))
    payer: Mapped[str] = mapped_column(IIN)
    """The payer's IIN or BIN."""
    channel: Mapped[Channel | None] = mapped_column(EnumText(Channel, 16))
    """Unknown only for history loaded from elsewhere; intake always knows it."""
    paid_on: Mapped[date] = mapped_column(Date)
    credited_on: Mapped[date | None] = mapped_column(Date)
    """The credit day the intake record carried (R-T-3); NULL: computed when read, by the
    calendar as it then stands (:func:`osms.registry.ledger.credit_day`)."""
    reference: Mapped[str | None] = mapped_column(String(64))
    register_id: Mapped[int | None] = mapped_column(ID, ForeignKey("registers.id"))
    line_no: Mapped[int | None] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    """R-L-7: ``mt102:<BIC>:<message ref>:<line>`` or ``csv:<reference>``."""
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    person: Mapped[Person] = relationship()
    register: Mapped[Register | None] = relationship()


@event.listens_for(Payment, "before_update")
def _refuse_update(mapper: Mapper[Payment], connection: Any, target: Payment) -> None:
    raise AppendOnly(f"payment {target.id} cannot be changed: the ledger is append-only (R-L-8)")


@event.listens_for(Payment, "before_delete")
def _refuse_delete(mapper: Mapper[Payment], connection: Any, target: Payment) -> None:
    raise AppendOnly(f"payment {target.id} cannot be deleted: the ledger is append-only (R-L-8)")


class TemporaryApplication(_Decided, Base):
    """An application for one month of temporary status (R-TMP-1) and its decision."""

    __tablename__ = "temporary_applications"
    __table_args__ = (
        *_decision_checks(),
        CheckConstraint(
            "(status = 'approved') = (granted_on IS NOT NULL AND ends_on IS NOT NULL)",
            name="grant_dates",
        ),
        CheckConstraint("ends_on IS NULL OR ends_on > granted_on", name="grant_order"),
        Index("ix_temporary_applications_iin_status", "iin", "status"),
        Index(
            "ux_temporary_applications_pending_iin_category",
            "iin",
            "category",
            unique=True,
            sqlite_where=text("status = 'applied'"),
            postgresql_where=text("status = 'applied'"),
        ),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    iin: Mapped[str] = mapped_column(IIN, ForeignKey("people.iin"))
    category: Mapped[str] = mapped_column(String(64))
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON_DOCUMENT)
    """``[{"kind": ..., "number": ..., "issued_on": "YYYY-MM-DD"}, ...]``"""
    submitted_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(32))
    granted_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    """The first day no longer covered: the grant is [granted_on, ends_on)."""

    person: Mapped[Person] = relationship()


class RefundApplication(_Decided, Base):
    """An application to refund one payment (R-R-1) and its decision.

    An approved refund with its ``refunded_on`` is how a payment leaves coverage (all of it,
    or the ``refunded_amount`` of an overpayment): the payment row itself never changes.  A
    payment has at most one approved refund, and at most one pending application per reason
    (partial unique indexes).
    """

    __tablename__ = "refund_applications"
    __table_args__ = (
        *_decision_checks(),
        CheckConstraint(one_of("reason", RefundReason), name="reason"),
        CheckConstraint("(status = 'approved') = (refunded_on IS NOT NULL)", name="refunded_on"),
        CheckConstraint("due_by >= applied_on", name="due_order"),
        Index("ix_refund_applications_iin", "iin"),
        Index("ix_refund_applications_payment_id", "payment_id"),
        Index(
            "ux_refund_applications_approved_payment",
            "payment_id",
            unique=True,
            sqlite_where=text("status = 'approved'"),
            postgresql_where=text("status = 'approved'"),
        ),
        CheckConstraint(
            "refunded_amount IS NULL OR (refunded_amount > 0 AND status = 'approved')",
            name="refunded_amount",
        ),
        Index(
            "ux_refund_applications_pending_payment_reason",
            "payment_id",
            "reason",
            unique=True,
            sqlite_where=text("status = 'applied'"),
            postgresql_where=text("status = 'applied'"),
        ),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ID, ForeignKey("payments.id"))
    iin: Mapped[str] = mapped_column(IIN, ForeignKey("people.iin"))
    reason: Mapped[RefundReason] = mapped_column(EnumText(RefundReason, 16))
    applied_on: Mapped[date] = mapped_column(Date)
    due_by: Mapped[date] = mapped_column(Date)
    """``applied_on`` + 15 working days (R-R-1, ``refund_decision_working_days``)."""
    refunded_on: Mapped[date | None] = mapped_column(Date)
    refunded_amount: Mapped[Decimal | None] = mapped_column(Money())
    """What the approved refund returned; None: the whole payment (revision 0005).  An
    overpayment returns only the surplus above the month's amount due (R-R-1, R-L-5)."""

    person: Mapped[Person] = relationship()
    payment: Mapped[Payment] = relationship()


class AuditEvent(Base):
    """Who did what, about which IIN, when and why."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_iin_at", "iin", "at"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    iin: Mapped[str | None] = mapped_column(IIN)
    """No foreign key: a lookup of an IIN the registry does not know is audited too."""
    why: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON_DOCUMENT, default=dict)


class ApiClient(Base):
    """A bank, clinic or operator system calling the API with a key (issue #4).

    Only a SHA-256 hash of the key is stored; ``key_prefix`` (the key's first characters,
    shown to operators) finds the row.  ``scopes`` is a space-separated list such as
    ``status:read history:read``.
    """

    __tablename__ = "api_clients"
    __table_args__ = (
        UniqueConstraint("key_prefix"),
        CheckConstraint("rate_limit_per_minute > 0", name="rate_limit_positive"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    key_prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(CHAR(64))
    scopes: Mapped[str] = mapped_column(String(255))
    rate_limit_per_minute: Mapped[int] = mapped_column(Integer, default=600)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(64))


class BotSubscription(Base):
    """A Telegram chat that asked to be warned before an IIN loses status (issue #4)."""

    __tablename__ = "bot_subscriptions"
    __table_args__ = (
        CheckConstraint("lang IN ('kk', 'ru', 'en')", name="lang"),
        Index("ix_bot_subscriptions_iin", "iin"),
    )

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    iin: Mapped[str] = mapped_column(IIN, primary_key=True)
    lang: Mapped[str] = mapped_column(String(2), default="kk")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_reminded_period: Mapped[Month | None] = mapped_column(MonthType())
    """The month of the last warning sent, so that a month is warned about once."""
