"""build_demo on SQLite and PostgreSQL: the population in the registry, the sample MT102 booked
through intake, a summary that agrees with the database, and building twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from osms.demo.build import (
    BANK_BIN,
    CLIENT,
    MARKER,
    BuiltDemo,
    DemoMismatch,
    DemoSummary,
    build_demo,
    built_demo,
    demo_key,
    register_reference,
)
from osms.registry.facts import load_facts
from osms.registry.ledger import credit_day
from osms.registry.models import (
    ApiClient,
    ApplicationStatus,
    AuditEvent,
    CategoryPeriodRecord,
    Payment,
    Person,
    RefundApplication,
    Register,
    TemporaryApplication,
)
from osms.rules.categories import categories
from osms.rules.facts import KNP, PaymentItem
from osms.rules.month import Month
from osms.rules.status import decide
from osms.services.clients import SCOPES, find_client
from osms.synthetic.draws import latest_payday
from osms.synthetic.people import PROFILES, generate
from osms.synthetic.profiles import EXPECTATIONS

TODAY = date(2026, 11, 22)
SEED = 7
PEOPLE = 120
BAD_CODES = ["line.amount_not_positive", "line.invalid_iin", "line.period_too_early"]


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def built(engine: Engine) -> DemoSummary:
    return build_demo(engine, people=PEOPLE, seed=SEED, today=TODAY)


def test_the_summary_counts_what_the_database_holds(engine: Engine, built: DemoSummary) -> None:
    assert built.people == _count(engine, Person) == PEOPLE
    assert built.payments == _count(engine, Payment)
    assert sum(built.by_status.values()) == PEOPLE
    assert built.profiles.keys() == set(PROFILES)
    assert sum(built.profiles.values()) == PEOPLE
    assert built.unexpected == []
    assert not built.already_built
    population = generate(PEOPLE, SEED, TODAY)
    generated = sum(len(p.facts.payments) for p in population)
    # Each register payer's current month came through the register instead of the bulk load.
    assert built.payments == generated
    assert _count(engine, CategoryPeriodRecord) == sum(len(p.facts.categories) for p in population)
    with Session(engine) as session:
        (marker,) = session.scalars(select(AuditEvent).where(AuditEvent.action == MARKER))
    assert marker.detail["seed"] == SEED and marker.detail["people"] == PEOPLE


def test_the_register_books_the_good_lines_and_rejects_the_three_bad_ones(
    engine: Engine, built: DemoSummary
) -> None:
    report = built.booking
    regular = [p for p in generate(PEOPLE, SEED, TODAY) if p.profile == "regular_payer"]
    assert report.reference == register_reference(SEED, TODAY)
    assert (report.lines, report.booked, report.rejected) == (len(regular) + 3, len(regular), 3)
    assert report.status == "partially_accepted" and not report.resent
    assert sorted(o.code for o in report.outcomes) == BAD_CODES
    assert all(o.codes == (o.code,) and o.status == "rejected" for o in report.outcomes)
    assert built.register_lines == report.lines
    with Session(engine) as session:
        booked = list(
            session.scalars(select(Payment).where(Payment.register_id == report.register_id))
        )
    assert {p.iin for p in booked} == {p.iin for p in regular}
    assert {(p.period, p.knp, p.payer, p.paid_on) for p in booked} == {
        (Month.of(TODAY), KNP.CONTRIBUTION, BANK_BIN, latest_payday(TODAY))
    }
    assert all(credit_day(p.paid_on, p.credited_on) <= TODAY for p in booked)


def test_examples_load_from_the_registry_and_decide_as_summarized(
    engine: Engine, built: DemoSummary
) -> None:
    assert built.examples.keys() == set(PROFILES)
    profile_of = {p.iin: p.profile for p in generate(PEOPLE, SEED, TODAY)}
    with Session(engine) as session:
        for profile, iins in built.examples.items():
            assert 1 <= len(iins) <= 3
            for iin in iins:
                assert profile_of[iin] == profile
                facts = load_facts(session, iin)
                assert facts is not None
                decision = decide(facts, TODAY)
                assert (decision.status.value, decision.reason.value) == (
                    built.example_decisions[iin]
                )
                assert EXPECTATIONS[profile].met_by(decision)


def test_the_registry_holds_the_generated_facts(engine: Engine, built: DemoSummary) -> None:
    """Every person's facts as loaded back equal the generated ones, except the current month of
    the register's payers, which the register paid (bank BIN, register day)."""
    register_payers = {p.iin for p in generate(PEOPLE, SEED, TODAY) if p.profile == "regular_payer"}
    month = Month.of(TODAY)

    def plain(items: tuple[PaymentItem, ...]) -> list[PaymentItem]:
        return sorted(
            (replace(i, reference=None) for i in items),
            key=lambda i: (i.period, i.paid_on, i.knp, i.amount),
        )

    with Session(engine) as session:
        for person in generate(PEOPLE, SEED, TODAY):
            facts = load_facts(session, person.iin)
            assert facts is not None
            assert facts.birth_date == person.facts.birth_date
            assert facts.kind is person.facts.kind
            assert facts.categories == person.facts.categories
            assert facts.temporary == person.facts.temporary
            expected = plain(person.facts.payments)
            loaded = plain(facts.payments)
            if person.iin in register_payers:
                # The register paid this month: the bank's BIN, on the register's day.
                (paid,) = [i for i in loaded if i.period == month]
                assert (paid.payer, paid.paid_on, paid.knp) == (
                    BANK_BIN,
                    latest_payday(TODAY),
                    KNP.CONTRIBUTION,
                )
                assert [i.amount for i in expected if i.period == month] == [paid.amount]
                expected = [i for i in expected if i.period != month]
                loaded = [i for i in loaded if i.period != month]
            assert loaded == expected
            person_row = session.get(Person, person.iin)
            assert person_row is not None
            assert (person_row.surname, person_row.given_name, person_row.patronymic) == tuple(
                person.names
            )


def test_grants_and_refunds_are_approved_applications(engine: Engine, built: DemoSummary) -> None:
    population = generate(PEOPLE, SEED, TODAY)
    with Session(engine) as session:
        grants = list(session.scalars(select(TemporaryApplication)))
        refunds = list(session.scalars(select(RefundApplication)))
    assert len(grants) == sum(p.profile == "temporary_grant" for p in population)
    assert all(g.status is ApplicationStatus.APPROVED and g.documents for g in grants)
    assert len(refunds) == sum(p.profile == "refunded" for p in population)
    assert all(r.status is ApplicationStatus.APPROVED and r.reason == "wrong_year" for r in refunds)


def test_building_twice_changes_nothing(engine: Engine, built: DemoSummary) -> None:
    payments = _count(engine, Payment)
    again = build_demo(engine, people=PEOPLE, seed=SEED, today=TODAY)
    assert again.already_built and again.booking.resent
    assert (
        (again.people, again.payments)
        == (built.people, built.payments)
        == (
            _count(engine, Person),
            payments,
        )
    )
    assert again.by_status == built.by_status
    assert again.examples == built.examples
    assert again.example_decisions == built.example_decisions
    assert sorted(o.code for o in again.booking.outcomes) == BAD_CODES
    assert again.booking.booked == built.booking.booked
    assert _count(engine, Register) == 1
    with Session(engine) as session:
        markers = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == MARKER)
        )
    assert markers == 1
    with pytest.raises(DemoMismatch, match="seed=7"):
        build_demo(engine, people=PEOPLE, seed=SEED + 1, today=TODAY)
    assert _count(engine, Payment) == payments


def test_the_registry_says_which_demo_it_holds(engine: Engine) -> None:
    assert built_demo(engine) is None
    build_demo(engine, people=PEOPLE, seed=SEED, today=TODAY)
    held = built_demo(engine)
    assert held == BuiltDemo(PEOPLE, SEED, TODAY)
    assert held.differs(people=PEOPLE, seed=SEED, today=TODAY) == []
    assert held.differs(people=PEOPLE + 1, seed=SEED, today=date(2026, 12, 7)) == [
        "built for 22.11.2026, not 07.12.2026",
        f"{PEOPLE} people, not {PEOPLE + 1}",
    ]


def test_each_demo_key_has_every_scope_and_revokes_the_one_before(engine: Engine) -> None:
    first = demo_key(engine)
    second = demo_key(engine)
    with Session(engine) as session:
        clients = list(session.scalars(select(ApiClient).where(ApiClient.name == CLIENT)))
        assert len(clients) == 2
        old, new = find_client(session, first), find_client(session, second)
        assert old is not None and old.revoked_at is not None
        assert new is not None and new.revoked_at is None
        assert set(new.scopes.split()) == set(SCOPES)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_progress_is_reported_by_stage(engine: Engine) -> None:
    seen: list[tuple[str, int, int]] = []
    build_demo(engine, people=60, seed=3, today=TODAY, progress=lambda *step: seen.append(step))
    stages = [stage for stage, _, _ in seen]
    assert set(stages) == {
        "generate",
        "people",
        "payments",
        "applications",
        "register",
        "decide",
    }
    for stage in set(stages):
        done, total = [(d, t) for s, d, t in seen if s == stage][-1]
        assert done == total


@pytest.mark.parametrize("today", [TODAY, date(2026, 1, 5), date(2026, 12, 7)], ids=str)
def test_the_default_demo_holds_every_category_each_decided_as_it(today: date) -> None:
    """Every code of categories.yaml (R-CAT-1): the child category from the IIN's birth date,
    the others as category periods in the registry, each deciding as that category."""
    people = generate(3000, 2026, today)
    held = {period.category for person in people for period in person.facts.categories}
    assert held | {"child"} == set(categories())
    assert any(person.profile == "child" for person in people)
    for person in people:
        if person.profile == "other_category":
            (period,) = person.facts.categories
            decision = decide(person.facts, today)
            assert (decision.reason.value, decision.category) == ("category", period.category)


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_default_demo_of_three_thousand_people_decides_as_intended(engine: Engine) -> None:
    """The size `osms demo` builds, for today; its speed is a benchmark's business."""
    summary = build_demo(engine)
    assert summary.people == 3000 and summary.unexpected == []
    assert summary.booking.booked == 200 and summary.booking.rejected == 3
    assert summary.payments > 3000 * 20
    with Session(engine) as session:
        held = set(session.scalars(select(CategoryPeriodRecord.category).distinct()))
    assert held | {"child"} == set(categories())
