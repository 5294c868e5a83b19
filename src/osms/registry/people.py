"""People and their payer-kind periods (R-K-1).

A person is created with a valid IIN (R-IIN-3 is checked here); the birth date is the IIN's
(R-IIN-1).  Names are optional: a payment or a category feed may name a person the registry
has never seen, and :func:`ensure` adds them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final, NamedTuple, Protocol

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from osms.registry import bulk
from osms.registry.models import PayerKindPeriod, Person
from osms.rules import iin as iin_rules
from osms.rules.facts import PayerKind
from osms.rules.month import Month

__all__ = [
    "NAME_COLUMNS",
    "UNNAMED",
    "WrittenName",
    "add",
    "add_many",
    "add_missing",
    "add_missing_staged",
    "add_payer_kind",
    "add_payer_kinds",
    "ensure",
    "get",
    "load",
    "load_payer_kinds",
    "names_of",
    "payer_kinds",
]

NAME_COLUMNS: Final = ("surname", "given_name", "patronymic", "birth_date")
"""What a new person is added with besides the IIN (the birth date is the IIN's, R-IIN-1)."""

_PEOPLE: Table = Person.__table__  # type: ignore[assignment]
_PAYER_KINDS: Table = PayerKindPeriod.__table__  # type: ignore[assignment]


class WrittenName(NamedTuple):
    """A person's name as a register line writes it, each part None when the line has none:
    what a person new to the registry is added with."""

    surname: str | None = None
    given_name: str | None = None
    patronymic: str | None = None


UNNAMED: Final = WrittenName()
"""A line that writes no part of the name."""


class Named(Protocol):
    """Something that names a person: a payment line, a register line."""

    @property
    def iin(self) -> str: ...
    @property
    def name(self) -> WrittenName: ...


def add(session: Session, iin: str, name: WrittenName = UNNAMED) -> Person:
    """Add a person (raises a :class:`~osms.rules.errors.ValidationError` for an invalid IIN)."""
    number = iin_rules.validate(iin)
    person = Person(iin=number, birth_date=iin_rules.birth_date(number), **name._asdict())
    session.add(person)
    session.flush()
    return person


def add_many(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Add many new people at once (rows of ``people`` columns, IINs already valid)."""
    bulk.insert_rows(connection, _PEOPLE, rows, progress)


def load(connection: Connection, columns: Sequence[str], source: bulk.Source) -> int:
    """Load new people already in the database's representation (a population folder)."""
    return bulk.load(connection, _PEOPLE, columns, source)


def load_payer_kinds(connection: Connection, columns: Sequence[str], source: bulk.Source) -> int:
    """Load payer-kind periods already in the database's representation."""
    return bulk.load(connection, _PAYER_KINDS, columns, source)


def names_of(named: Named) -> tuple[str | None, str | None, str | None, date]:
    """The :data:`NAME_COLUMNS` values a person named by ``named`` is added with."""
    return (*named.name, iin_rules.birth_date(named.iin))


def add_missing(connection: Connection, named: Sequence[Named], now: datetime) -> None:
    """Add the people these lines name and the registry lacks, in IIN order (the order every
    writer takes its locks in), each with the names of its first line."""
    rows: dict[str, dict[str, Any]] = {}
    for line in sorted(named, key=lambda line: line.iin):
        if line.iin not in rows:
            surname, given_name, patronymic, born = names_of(line)
            rows[line.iin] = {
                "iin": line.iin,
                "surname": surname,
                "given_name": given_name,
                "patronymic": patronymic,
                "birth_date": born,
                "created_at": now,
            }
    insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert
    connection.execute(
        insert(_PEOPLE).on_conflict_do_nothing(index_elements=["iin"]), list(rows.values())
    )


def add_missing_staged(cursor: Any, staging: str) -> None:
    """PostgreSQL: add the people of the payments staged in ``staging`` (a temporary table
    with ``iin``, :data:`NAME_COLUMNS`, ``line_no``, ``idempotency_key`` and ``booked_at``)
    whose payment may be booked (its key not booked yet), in IIN order, each with the names of
    its first named line."""
    columns = ", ".join(("iin", *NAME_COLUMNS, "created_at"))
    names = ", ".join(f"s.{name}" for name in NAME_COLUMNS)
    cursor.execute(
        f"INSERT INTO people ({columns})"
        f" SELECT DISTINCT ON (s.iin) s.iin, {names}, s.booked_at FROM {staging} s"
        " WHERE NOT EXISTS (SELECT 1 FROM payments p"
        "  WHERE p.idempotency_key = s.idempotency_key)"
        " ORDER BY s.iin, s.surname IS NULL, s.line_no"
        " ON CONFLICT (iin) DO NOTHING"
    )


def get(session: Session, iin: str) -> Person | None:
    """The person with this IIN, or None."""
    return session.get(Person, iin)


def ensure(session: Session, iin: str, name: WrittenName = UNNAMED) -> Person:
    """The person with this IIN, added when missing; known names are never overwritten, but
    missing ones are filled in.  A person another transaction adds meanwhile (its row waited
    for, the primary key) is that person, not an error."""
    number = iin_rules.validate(iin)
    person = session.get(Person, number)
    if person is None:
        try:
            with session.begin_nested():
                return add(session, number, name)
        except IntegrityError:
            person = session.get(Person, number)
            if person is None:
                raise
    for column, part in name._asdict().items():
        if part is not None and getattr(person, column) is None:
            setattr(person, column, part)
    return person


def add_payer_kind(
    session: Session, iin: str, kind: PayerKind, first: Month, last: Month | None = None
) -> PayerKindPeriod:
    """Record that the person pays as ``kind`` from ``first`` (through ``last`` if known)."""
    period = PayerKindPeriod(iin=iin, kind=kind, first_period=first, last_period=last)
    session.add(period)
    session.flush()
    return period


def add_payer_kinds(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Record many payer-kind periods at once (rows of ``payer_kind_periods`` columns)."""
    bulk.insert_rows(connection, _PAYER_KINDS, rows)


def payer_kinds(session: Session, iin: str) -> list[PayerKindPeriod]:
    """The person's payer-kind periods, oldest first."""
    statement = (
        select(PayerKindPeriod)
        .where(PayerKindPeriod.iin == iin)
        .order_by(PayerKindPeriod.first_period)
    )
    return list(session.scalars(statement))
