"""People and their payer-kind periods (R-K-1).

A person is created with a valid IIN (R-IIN-3 is checked here); the birth date is the IIN's
(R-IIN-1).  Names are optional: a payment or a category feed may name a person the registry
has never seen, and :func:`ensure` adds them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.registry.models import PayerKindPeriod, Person
from osms.rules import iin as iin_rules
from osms.rules.facts import PayerKind
from osms.rules.month import Month

__all__ = ["add", "add_payer_kind", "ensure", "get", "payer_kinds"]


def add(
    session: Session,
    iin: str,
    *,
    surname: str | None = None,
    given_name: str | None = None,
    patronymic: str | None = None,
) -> Person:
    """Add a person (raises a :class:`~osms.rules.errors.ValidationError` for an invalid IIN)."""
    number = iin_rules.validate(iin)
    person = Person(
        iin=number,
        surname=surname,
        given_name=given_name,
        patronymic=patronymic,
        birth_date=iin_rules.birth_date(number),
    )
    session.add(person)
    session.flush()
    return person


def get(session: Session, iin: str) -> Person | None:
    """The person with this IIN, or None."""
    return session.get(Person, iin)


def ensure(
    session: Session,
    iin: str,
    *,
    surname: str | None = None,
    given_name: str | None = None,
    patronymic: str | None = None,
) -> Person:
    """The person with this IIN, added when missing; known names are never overwritten, but
    missing ones are filled in."""
    person = session.get(Person, iin_rules.validate(iin))
    if person is None:
        return add(session, iin, surname=surname, given_name=given_name, patronymic=patronymic)
    if person.surname is None and surname is not None:
        person.surname = surname
    if person.given_name is None and given_name is not None:
        person.given_name = given_name
    if person.patronymic is None and patronymic is not None:
        person.patronymic = patronymic
    return person


def add_payer_kind(
    session: Session, iin: str, kind: PayerKind, first: Month, last: Month | None = None
) -> PayerKindPeriod:
    """Record that the person pays as ``kind`` from ``first`` (through ``last`` if known)."""
    period = PayerKindPeriod(iin=iin, kind=kind, first_period=first, last_period=last)
    session.add(period)
    session.flush()
    return period


def payer_kinds(session: Session, iin: str) -> list[PayerKindPeriod]:
    """The person's payer-kind periods, oldest first."""
    statement = (
        select(PayerKindPeriod)
        .where(PayerKindPeriod.iin == iin)
        .order_by(PayerKindPeriod.first_period)
    )
    return list(session.scalars(statement))
