"""Everything the rules need about one person, in two queries (or about everyone, in five).

:func:`load_facts` reads a person's :class:`~osms.rules.facts.PersonFacts` with exactly two
SQL statements, each an index range scan on the IIN:

1. :func:`person_statement`: one ``UNION ALL`` of the person row (``people`` primary key),
   the payer-kind periods (primary key ``(iin, first_period)``), the category periods
   (``ix_category_periods_iin_first_period``; as known on a date, also the versions of
   ``category_period_history`` that answered it, ``ix_category_period_history_iin_first_period``)
   and the approved temporary grants (``ix_temporary_applications_iin_status``), all in one row
   shape ``(tag, label, first_period, last_period, starts_on, ends_on)``;
2. :func:`payments_statement`: the person's payments (``ix_payments_iin_period``) ``LEFT JOIN``
   their approved refund (``ux_refund_applications_approved_payment``, a partial unique index
   on ``payment_id`` where the status is approved), which gives each item its
   ``refunded_on`` and, for an overpayment, the amount refunded: such an item reads as the part
   kept and the part refunded (:func:`osms.rules.refunds.refunded_items`).

The category periods are those known on ``known_on`` when it is given (R-CAT-1: a period
closed or withdrawn later answers as it was), else the current ones.  The birth date comes
from the IIN (R-IIN-1); the payer kind is that of the latest payer-kind period (self-payer when
there is none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause, Label

from osms.registry import bulk
from osms.registry.columns import int_to_month
from osms.registry.ledger import credit_day
from osms.registry.models import (
    ApplicationStatus,
    CategoryPeriodRecord,
    CategoryPeriodVersion,
    PayerKindPeriod,
    Payment,
    Person,
    RefundApplication,
    TemporaryApplication,
)
from osms.rules import iin as iin_rules
from osms.rules.facts import (
    KNP,
    CategoryPeriod,
    Channel,
    PayerKind,
    PaymentItem,
    PersonFacts,
    TemporaryGrant,
)
from osms.rules.month import Month
from osms.rules.refunds import refunded_items

__all__ = ["load_all", "load_facts", "payments_statement", "person_statement"]

_PERSON = "person"
_KIND = "kind"
_CATEGORY = "category"
_GRANT = "grant"
_APPROVED: ColumnClause[str] = literal_column(f"'{ApplicationStatus.APPROVED.value}'")
"""A literal, not a bound parameter, so the planners can use the partial index."""


def _tag(name: str) -> Label[str]:
    return literal_column(f"'{name}'", String).label("tag")


def person_statement(iin: str, known_on: date | None = None) -> CompoundSelect[Any]:
    """Query 1: the person, payer kinds, category periods and approved grants of one IIN;
    the category periods as known on ``known_on`` when given (R-CAT-1), else the current."""
    no_label = cast(null(), String(64)).label("label")
    no_month = cast(null(), Integer)
    no_date = cast(null(), Date)
    person = select(
        _tag(_PERSON),
        no_label,
        no_month.label("first_period"),
        no_month.label("last_period"),
        no_date.label("starts_on"),
        no_date.label("ends_on"),
    ).where(Person.iin == iin)
    kinds = _periods(_KIND, PayerKindPeriod.kind, PayerKindPeriod, no_date).where(
        PayerKindPeriod.iin == iin
    )
    categories = _periods(
        _CATEGORY, CategoryPeriodRecord.category, CategoryPeriodRecord, no_date
    ).where(CategoryPeriodRecord.iin == iin)
    parts = [person, kinds, categories]
    if known_on is not None:
        categories = categories.where(_known(CategoryPeriodRecord.known_from, known_on))
        earlier = _periods(
            _CATEGORY, CategoryPeriodVersion.category, CategoryPeriodVersion, no_date
        ).where(
            CategoryPeriodVersion.iin == iin,
            _known(CategoryPeriodVersion.known_from, known_on),
            CategoryPeriodVersion.replaced_on > known_on,
        )
        parts = [person, kinds, categories, earlier]
    grants = select(
        _tag(_GRANT),
        TemporaryApplication.category,
        no_month,
        no_month,
        TemporaryApplication.granted_on,
        TemporaryApplication.ends_on,
    ).where(TemporaryApplication.iin == iin, TemporaryApplication.status == _APPROVED)
    return union_all(*parts, grants)


def _periods(tag: str, label: Any, model: Any, no_date: Any) -> Select[Any]:
    """The rows of a table of month periods (``first_period``, ``last_period``) in the union's
    shape, labelled by ``label``."""
    return select(
        _tag(tag),
        label,
        type_coerce(model.first_period, Integer),
        type_coerce(model.last_period, Integer),
        no_date,
        no_date,
    )


def _known(known_from: Any, known_on: date) -> Any:
    """A version answers ``known_on`` from its first knowledge day (None: every day)."""
    return or_(known_from.is_(None), known_from <= known_on)


def payments_statement(
    iin: str,
) -> Select[
    Month,
    Decimal,
    date,
    date | None,
    KNP,
    str,
    Channel | None,
    date | None,
    str | None,
    Decimal | None,
]:
    """Query 2: the payments of one IIN, each with the day its approved refund was paid and
    the amount it returned (None: all of it)."""
    return (
        select(*_PAYMENT_COLUMNS[1:])
        .outerjoin(*_APPROVED_REFUND)
        .where(Payment.iin == iin)
        .order_by(Payment.period, Payment.id)
    )


_PAYMENT_COLUMNS: Final = (
    Payment.iin,
    # then in PaymentItem's field order, and the amount refunded
    Payment.period,
    Payment.amount,
    Payment.paid_on,
    Payment.credited_on,
    Payment.knp,
    Payment.payer,
    Payment.channel,
    RefundApplication.refunded_on,
    Payment.reference,
    RefundApplication.refunded_amount,
)
_APPROVED_REFUND: Final = (
    RefundApplication,
    and_(RefundApplication.payment_id == Payment.id, RefundApplication.status == _APPROVED),
)


def load_facts(session: Session, iin: str, known_on: date | None = None) -> PersonFacts | None:
    """The facts of the person with this IIN, or None when the registry does not know them.

    The category periods are those known on ``known_on`` (R-CAT-1), the current ones when it
    is None.  Exactly two SQL statements (see the module text); payments come ordered by period.
    """
    parameters: dict[str, Any] = {"iin": iin}
    if known_on is None:
        rows = session.execute(_PERSON_QUERY, parameters).all()
    else:
        rows = session.execute(_PERSON_QUERY_AS_OF, {**parameters, "known_on": known_on}).all()
    if not any(row.tag == _PERSON for row in rows):
        return None
    kinds: list[tuple[Month, PayerKind]] = []
    categories: list[CategoryPeriod] = []
    grants: list[TemporaryGrant] = []
    for row in rows:
        if row.tag == _KIND:
            kinds.append((int_to_month(row.first_period), PayerKind(row.label)))
        elif row.tag == _CATEGORY:
            last = None if row.last_period is None else int_to_month(row.last_period)
            categories.append(CategoryPeriod(row.label, int_to_month(row.first_period), last))
        elif row.tag == _GRANT:
            grants.append(TemporaryGrant(row.label, row.starts_on, row.ends_on))
    kind = max(kinds, key=lambda pair: pair[0])[1] if kinds else PayerKind.SELF_PAYER
    payments = tuple(_items(session.execute(_PAYMENTS_QUERY, parameters)))
    return _person_facts(iin, kind, categories, grants, payments)


def _person_facts(
    iin: str,
    kind: PayerKind,
    categories: Iterable[CategoryPeriod],
    grants: Iterable[TemporaryGrant],
    payments: tuple[PaymentItem, ...],
) -> PersonFacts:
    """A person's facts, the periods and grants in their one order; the birth date from the IIN."""
    return PersonFacts.in_order(iin, iin_rules.birth_date(iin), kind, categories, grants, payments)


def load_all(session: Session) -> dict[str, PersonFacts]:
    """The current facts of every person of the registry, by IIN, in five queries.

    The same facts as :func:`load_facts` gives one IIN at a time (a whole population, as the
    demo's summary decides it): each value converted by its column's own result processor,
    once per distinct value (:func:`osms.registry.bulk.select_rows`).
    """
    connection = session.connection()
    iins = list(connection.execute(select(Person.iin).order_by(Person.iin)).scalars())
    kinds = _by_person(
        connection, PayerKindPeriod.iin, PayerKindPeriod.first_period, PayerKindPeriod.kind
    )
    categories = _by_person(
        connection,
        CategoryPeriodRecord.iin,
        CategoryPeriodRecord.category,
        CategoryPeriodRecord.first_period,
        CategoryPeriodRecord.last_period,
    )
    grants = _by_person(
        connection,
        TemporaryApplication.iin,
        TemporaryApplication.category,
        TemporaryApplication.granted_on,
        TemporaryApplication.ends_on,
        where=TemporaryApplication.status == _APPROVED,
    )
    payments = _by_person(
        connection,
        *_PAYMENT_COLUMNS,
        join=_APPROVED_REFUND,
        order_by=(Payment.iin, Payment.period, Payment.id),
    )
    return {
        iin: _person_facts(
            iin,
            max(kinds[iin], key=lambda kind: kind[0])[1] if kinds[iin] else PayerKind.SELF_PAYER,
            [CategoryPeriod(*values) for values in categories[iin]],
            [TemporaryGrant(*values) for values in grants[iin] if None not in values[1:]],
            tuple(_items(payments[iin])),
        )
        for iin in iins
    }


def _by_person(
    connection: Connection, iin: Any, *columns: Any, **query: Any
) -> defaultdict[str, list[list[Any]]]:
    """The rows of ``columns`` (after the IIN column ``iin``) grouped by person, in order."""
    grouped: defaultdict[str, list[list[Any]]] = defaultdict(list)
    for number, *values in bulk.select_rows(connection, iin, *columns, **query):
        grouped[number].append(values)
    return grouped


def _items(rows: Iterable[Any]) -> Iterator[PaymentItem]:
    """The ledger items of the payment rows, each credited on its :func:`credit_day` (R-T-3);
    a partly refunded one as two (R-R-1)."""
    for row in rows:
        # the first columns are selected in PaymentItem's field order (payments_statement)
        period, amount, paid_on, stored, *rest, refunded_amount = row
        item = PaymentItem(period, amount, paid_on, credit_day(paid_on, stored), *rest)
        if refunded_amount is None or item.refunded_on is None:
            yield item
        else:
            yield from refunded_items(item, item.refunded_on, refunded_amount)


# Built once with a bound IIN: composing the statements cost more than running them.
_PERSON_QUERY = person_statement(bindparam("iin"))  # type: ignore[arg-type]
_PERSON_QUERY_AS_OF = person_statement(bindparam("iin"), bindparam("known_on"))  # type: ignore[arg-type]
_PAYMENTS_QUERY = payments_statement(bindparam("iin"))  # type: ignore[arg-type]
