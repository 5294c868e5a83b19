"""load_facts: the stored facts come back equal, in at most two statements, by index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from osms.registry import people
from osms.registry.facts import load_facts, payments_statement, person_statement
from osms.rules.calendar import credit_date
from osms.rules.checkdigit import calc_check_digit
from osms.rules.facts import (
    KNP,
    CategoryPeriod,
    Channel,
    PayerKind,
    PaymentItem,
    PersonFacts,
    TemporaryGrant,
)
from osms.rules.iin import birth_date
from osms.rules.month import Month

IIN = "900515300018"
FUND_BIN = "160440007161"

StoreFacts = Callable[..., None]


def _item(
    period: Month,
    amount: str,
    paid_on: date,
    *,
    knp: KNP = KNP.CONTRIBUTION,
    payer: str = IIN,
    channel: Channel | None = Channel.BANK_APP,
    refunded_on: date | None = None,
    reference: str | None = None,
) -> PaymentItem:
    return PaymentItem(
        period=period,
        amount=Decimal(amount),
        paid_on=paid_on,
        credited_on=credit_date(paid_on),
        knp=knp,
        payer=payer,
        channel=channel,
        refunded_on=refunded_on,
        reference=reference,
    )


def _sample_facts() -> PersonFacts:
    return PersonFacts(
        iin=IIN,
        birth_date=date(1990, 5, 15),
        kind=PayerKind.ENTREPRENEUR,
        categories=(
            CategoryPeriod("unemployed", Month(2021, 3), Month(2021, 8)),
            CategoryPeriod("pregnant", Month(2023, 1), None),
        ),
        temporary=(TemporaryGrant("unemployed", date(2022, 2, 3), date(2022, 3, 3)),),
        payments=(
            _item(Month(2022, 10), "4505.60", date(2022, 10, 17), reference="A-1"),
            _item(Month(2022, 10), "0.01", date(2022, 10, 18), refunded_on=date(2022, 11, 30)),
            _item(
                Month(2022, 11),
                "1234567890.12",
                date(2022, 10, 17),
                knp=KNP.EMPLOYER_DEDUCTION,
                payer=FUND_BIN,
                channel=Channel.EMPLOYER,
            ),
            _item(Month(2023, 1), "3000", date(2023, 1, 5), channel=None),
            _item(Month(2023, 1), "12.50", date(2023, 1, 6), knp=KNP.CONTRIBUTION_PENALTY),
        ),
    )


def test_load_facts_gives_back_what_was_stored(
    session: Session, store_facts: StoreFacts, statements: list[str]
) -> None:
    facts = _sample_facts()
    store_facts(session, facts)
    session.commit()
    session.expunge_all()

    statements.clear()
    loaded = load_facts(session, IIN)

    assert loaded == facts
    assert loaded is not None
    assert [p.amount for p in loaded.payments] == [
        Decimal("4505.60"),
        Decimal("0.01"),
        Decimal("1234567890.12"),
        Decimal("3000"),
        Decimal("12.50"),
    ]
    assert all(isinstance(p.amount, Decimal) for p in loaded.payments)
    assert len(statements) <= 2, statements


def test_load_facts_uses_two_statements_in_a_fresh_session(
    session_factory: sessionmaker[Session], store_facts: StoreFacts, statements: list[str]
) -> None:
    with session_factory() as session:
        store_facts(session, _sample_facts())
        session.commit()
    statements.clear()
    with session_factory() as session:
        assert load_facts(session, IIN) is not None
    assert len(statements) == 2, statements


def test_unknown_person_is_none_in_one_statement(session: Session, statements: list[str]) -> None:
    statements.clear()
    assert load_facts(session, IIN) is None
    assert len(statements) == 1


def test_defaults_and_the_latest_payer_kind(session: Session) -> None:
    people.add(session, IIN)
    facts = load_facts(session, IIN)
    assert facts == PersonFacts(iin=IIN, birth_date=date(1990, 5, 15))

    people.add_payer_kind(session, IIN, PayerKind.EMPLOYEE, Month(2019, 1), Month(2021, 12))
    people.add_payer_kind(session, IIN, PayerKind.ENTREPRENEUR, Month(2022, 1))
    people.add_payer_kind(session, IIN, PayerKind.SELF_PAYER, Month(2020, 6), Month(2020, 12))
    loaded = load_facts(session, IIN)
    assert loaded is not None and loaded.kind is PayerKind.ENTREPRENEUR


def test_facts_of_other_people_stay_apart(session: Session, store_facts: StoreFacts) -> None:
    mine = _sample_facts()
    other_iin = "850312401235"
    theirs = PersonFacts(
        iin=other_iin,
        birth_date=birth_date(other_iin),
        payments=(_item(Month(2022, 10), "3000", date(2022, 10, 17), payer=other_iin),),
    )
    store_facts(session, mine)
    store_facts(session, theirs)
    assert load_facts(session, IIN) == mine
    assert load_facts(session, other_iin) == theirs


def _plan(engine: Engine, sql: str) -> list[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
            return [str(row[-1]) for row in rows]
        connection.execute(text("SET enable_seqscan = off"))
        return [str(row[0]) for row in connection.exec_driver_sql(f"EXPLAIN {sql}").all()]


@pytest.mark.parametrize("build", [person_statement, payments_statement])
def test_both_queries_are_index_range_scans_on_the_iin(
    engine: Engine, build: Callable[[str], object]
) -> None:
    statement = build(IIN)
    sql = str(
        statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
    )
    plan = _plan(engine, sql)
    if engine.dialect.name == "sqlite":
        scans = [line for line in plan if line.startswith("SCAN")]
        assert not scans, plan
        assert any("payments" in line or "people" in line for line in plan), plan
    else:
        assert not any("Seq Scan" in line for line in plan), plan


# -- property: arbitrary small ledgers come back equal -------------------------------------------


@st.composite
def iins(draw: st.DrawFn) -> str:
    born = draw(st.dates(date(1930, 1, 1), date(2024, 12, 31)))
    century = {19: "3", 20: "5"}[born.year // 100]
    digits = born.strftime("%y%m%d") + century + f"{draw(st.integers(0, 9999)):04d}"
    check = calc_check_digit(digits)
    if check is None:
        digits = digits[:-1] + str((int(digits[-1]) + 1) % 10)
        check = calc_check_digit(digits)
    assert check is not None
    return digits + str(check)


months = st.builds(Month, st.integers(2017, 2030), st.integers(1, 12))
days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
"""Payment and grant dates.  From 2020: a PaymentItem paid earlier cannot be made at the moment
(the rules core asks ``prepayment_months``, which starts on 2020-01-01)."""
amounts = st.integers(1, 99_999_999_999).map(lambda tiyn: Decimal(tiyn).scaleb(-2))


@st.composite
def payment_items(draw: st.DrawFn, iin: str) -> PaymentItem:
    paid_on = draw(days)
    credited_on = paid_on + timedelta(days=draw(st.integers(0, 10)))
    refunded = draw(st.booleans())
    return PaymentItem(
        period=draw(months),
        amount=draw(amounts),
        paid_on=paid_on,
        credited_on=credited_on,
        knp=draw(st.sampled_from(KNP)),
        payer=draw(st.sampled_from([iin, FUND_BIN])),
        channel=draw(st.one_of(st.none(), st.sampled_from(Channel))),
        refunded_on=credited_on + timedelta(days=draw(st.integers(0, 400))) if refunded else None,
        reference=draw(st.one_of(st.none(), st.text("ABC123-", min_size=1, max_size=12))),
    )


@st.composite
def category_periods(draw: st.DrawFn) -> CategoryPeriod:
    first = draw(months)
    last = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda n: first + n)))
    return CategoryPeriod(draw(st.sampled_from(["unemployed", "pregnant", "student"])), first, last)


@st.composite
def grants(draw: st.DrawFn) -> TemporaryGrant:
    granted_on = draw(days)
    ends_on = granted_on + timedelta(days=draw(st.integers(1, 31)))
    return TemporaryGrant(draw(st.sampled_from(["unemployed", "disabled"])), granted_on, ends_on)


def _period_key(period: CategoryPeriod) -> tuple[str, Month]:
    return (period.category, period.first)  # R-CAT-1: one period per key


@st.composite
def person_facts(draw: st.DrawFn) -> PersonFacts:
    iin = draw(iins())
    return PersonFacts(
        iin=iin,
        birth_date=birth_date(iin),
        kind=draw(st.sampled_from(PayerKind)),
        categories=tuple(
            draw(
                st.lists(category_periods(), max_size=3, unique_by=lambda c: (c.category, c.first))
            )
        ),
        temporary=tuple(draw(st.lists(grants(), max_size=2))),
        payments=tuple(draw(st.lists(payment_items(iin), max_size=8))),
    )


def _unordered(facts: PersonFacts) -> tuple[object, ...]:
    return (
        facts.iin,
        facts.birth_date,
        facts.kind,
        Counter(facts.categories),
        Counter(facts.temporary),
        Counter(facts.payments),
    )


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(facts=person_facts())
def test_any_small_ledger_comes_back_equal(
    session_factory: sessionmaker[Session], store_facts: StoreFacts, facts: PersonFacts
) -> None:
    with session_factory() as session:
        store_facts(session, facts)
        loaded = load_facts(session, facts.iin)
        session.rollback()
    assert loaded is not None
    assert _unordered(loaded) == _unordered(facts)
    assert [p.period for p in loaded.payments] == sorted(p.period for p in facts.payments)
