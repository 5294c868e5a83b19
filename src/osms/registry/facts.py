"""Everything the rules need about one person, in two queries.

:func:`load_facts` reads a person's :class:`~osms.rules.facts.PersonFacts` with exactly two
SQL statements, each an index range scan on the IIN:

1. :func:`person_statement`: one ``UNION ALL`` of the person row (``people`` primary key),
   the payer-kind periods (primary key ``(iin, first_period)``), the category periods
   (``ix_category_periods_iin_first_period``) and the approved temporary grants
   (``ix_temporary_applications_iin_status``), all in one row shape ``(tag, label,
   first_period, last_period, starts_on, ends_on)``;
2. :func:`payments_statement`: the person's payments (``ix_payments_iin_period``) ``LEFT JOIN``
   their approved refund (``ux_refund_applications_approved_payment``, a partial unique index
   on ``payment_id`` where the status is approved), which gives each item its
   ``refunded_on``.

The birth date comes from the IIN (R-IIN-1); the payer kind is that of the latest payer-kind
period (self-payer when there is none).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause, Label

from osms.registry.columns import int_to_month
from osms.registry.models import (
    ApplicationStatus,
    CategoryPeriodRecord,
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

__all__ = ["load_facts", "payments_statement", "person_statement"]

_PERSON = "person"
_KIND = "kind"
_CATEGORY = "category"
_GRANT = "grant"
_APPROVED: ColumnClause[str] = literal_column(f"'{ApplicationStatus.APPROVED.value}'")
"""A literal, not a bound parameter, so the planners can use the partial index."""


def _tag(name: str) -> Label[str]:
    return literal_column(f"'{name}'", String).label("tag")


def person_statement(iin: str) -> CompoundSelect[Any]:
    """Query 1: the person, payer kinds, category periods and approved grants of one IIN."""
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
    kinds = select(
        _tag(_KIND),
        PayerKindPeriod.kind,
        type_coerce(PayerKindPeriod.first_period, Integer),
        type_coerce(PayerKindPeriod.last_period, Integer),
        no_date,
        no_date,
    ).where(PayerKindPeriod.iin == iin)
    categories = select(
        _tag(_CATEGORY),
        CategoryPeriodRecord.category,
        type_coerce(CategoryPeriodRecord.first_period, Integer),
        type_coerce(CategoryPeriodRecord.last_period, Integer),
        no_date,
        no_date,
    ).where(CategoryPeriodRecord.iin == iin)
    grants = select(
        _tag(_GRANT),
        TemporaryApplication.category,
        no_month,
        no_month,
        TemporaryApplication.granted_on,
        TemporaryApplication.ends_on,
    ).where(TemporaryApplication.iin == iin, TemporaryApplication.status == _APPROVED)
    return union_all(person, kinds, categories, grants)


def payments_statement(
    iin: str,
) -> Select[Month, Decimal, date, date, KNP, str, Channel | None, date | None, str | None]:
    """Query 2: the payments of one IIN, each with the day its approved refund was paid."""
    return (
        select(
            Payment.period,
            Payment.amount,
            Payment.paid_on,
            Payment.credited_on,
            Payment.knp,
            Payment.payer,
            Payment.channel,
            RefundApplication.refunded_on,
            Payment.reference,
        )
        .outerjoin(
            RefundApplication,
            and_(
                RefundApplication.payment_id == Payment.id,
                RefundApplication.status == _APPROVED,
            ),
        )
        .where(Payment.iin == iin)
        .order_by(Payment.period, Payment.id)
    )


def load_facts(session: Session, iin: str) -> PersonFacts | None:
    """The facts of the person with this IIN, or None when the registry does not know them.

    Exactly two SQL statements (see the module text); payments come ordered by period.
    """
    parameters = {"iin": iin}
    rows = session.execute(_PERSON_QUERY, parameters).all()
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
    # the columns are selected in PaymentItem's field order (payments_statement)
    payments = tuple(PaymentItem(*row) for row in session.execute(_PAYMENTS_QUERY, parameters))
    return PersonFacts(
        iin=iin,
        birth_date=iin_rules.birth_date(iin),
        kind=kind,
        categories=tuple(
            sorted(categories, key=lambda c: (c.first, c.category, c.last or c.first))
        ),
        temporary=tuple(sorted(grants, key=lambda g: (g.granted_on, g.ends_on, g.category))),
        payments=payments,
    )


# Built once with a bound IIN: composing the statements cost more than running them.
_PERSON_QUERY = person_statement(bindparam("iin"))  # type: ignore[arg-type]
_PAYMENTS_QUERY = payments_statement(bindparam("iin"))  # type: ignore[arg-type]
