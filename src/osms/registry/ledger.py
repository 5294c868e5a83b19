"""The payment ledger (R-L-1): append-only, idempotent (R-L-7), never edited (R-L-8).

This module can add and read payments and nothing else: there is no update and no delete.  A
wrong payment stays as it is until refunded (:mod:`osms.registry.refunds`).

>>> mt102_key("HSBKKZKX", "REF0001", 3)
'mt102:HSBKKZKX:REF0001:3'
>>> csv_key("kazpost", "KP-2025-000017")
'csv:kazpost:KP-2025-000017'
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.registry.errors import DuplicatePayment
from osms.registry.models import Payment
from osms.rules.calendar import credit_date
from osms.rules.facts import KNP, Channel, PaymentItem
from osms.rules.month import Month

__all__ = ["book", "book_item", "csv_key", "find", "for_person", "get", "mt102_key"]


def mt102_key(bank_bic: str, message_reference: str, line_no: int | str) -> str:
    """R-L-7: the idempotency key of an MT102 line (payer bank, message reference, line)."""
    return f"mt102:{bank_bic}:{message_reference}:{line_no}"


def csv_key(sender: str | None, reference: str) -> str:
    """R-L-7: the idempotency key of a line with its own reference (CSV channels), in its
    sender's namespace (:func:`osms.registry.registers.sender_namespace`): two senders may use
    the same reference."""
    return f"csv:{sender}:{reference}" if sender else f"csv:{reference}"


def book(
    session: Session,
    *,
    iin: str,
    period: Month,
    amount: Decimal,
    knp: KNP,
    payer: str,
    channel: Channel | None,
    paid_on: date,
    idempotency_key: str,
    credited_on: date | None = None,
    reference: str | None = None,
    register_id: int | None = None,
    line_no: int | None = None,
) -> Payment:
    """Append one payment to the ledger and return it (with its id).

    ``credited_on`` defaults to ``paid_on`` + 3 working days (R-T-3).  The person must exist
    (:func:`osms.registry.people.ensure`).  Raises :class:`DuplicatePayment` when the key is
    already booked (R-L-7); the unique index catches a concurrent twin at commit.
    """
    if amount <= 0:
        raise ValueError(f"a payment amount must be positive (R-L-3): {amount}")
    existing = find(session, idempotency_key)
    if existing is not None:
        raise DuplicatePayment(idempotency_key, existing.id)
    payment = Payment(
        iin=iin,
        period=period,
        amount=amount,
        knp=KNP(knp),
        payer=payer,
        channel=None if channel is None else Channel(channel),
        paid_on=paid_on,
        credited_on=credit_date(paid_on) if credited_on is None else credited_on,
        reference=reference,
        register_id=register_id,
        line_no=line_no,
        idempotency_key=idempotency_key,
    )
    session.add(payment)
    session.flush()
    return payment


def book_item(
    session: Session,
    iin: str,
    item: PaymentItem,
    *,
    idempotency_key: str,
    register_id: int | None = None,
    line_no: int | None = None,
) -> Payment:
    """:func:`book` for a rules-core :class:`~osms.rules.facts.PaymentItem`.

    The item must name its payer and must not be refunded: a refund is an approved refund
    application, never part of the payment row.
    """
    if item.payer is None:
        raise ValueError("a ledger item names its payer (R-L-1)")
    if item.refunded_on is not None:
        raise ValueError("a refund is booked as an approved refund application, not a payment")
    return book(
        session,
        iin=iin,
        period=item.period,
        amount=item.amount,
        knp=item.knp,
        payer=item.payer,
        channel=item.channel,
        paid_on=item.paid_on,
        credited_on=item.credited_on,
        reference=item.reference,
        idempotency_key=idempotency_key,
        register_id=register_id,
        line_no=line_no,
    )


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
