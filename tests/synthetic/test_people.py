"""The synthetic demo population: deterministic, valid, realistic, and every profile decided
as intended (osms.synthetic.people)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osms.rules import bin as bin_rules
from osms.rules import iin as iin_rules
from osms.rules.calendar import credit_date
from osms.rules.facts import KNP, Channel, PayerKind, period_problem
from osms.rules.month import Month
from osms.rules.pending import due_date
from osms.rules.pricing import month_price
from osms.rules.status import Decision, decide
from osms.synthetic.draws import latest_payday
from osms.synthetic.people import PROFILES, WEIGHTS, DemoPerson, generate
from osms.synthetic.profiles import EXPECTATIONS

TODAY = date(2026, 11, 22)
TODAYS = (TODAY, date(2026, 1, 5), date(2026, 3, 2), date(2026, 6, 30), date(2026, 12, 31))
STATE_PAID = {
    "child",
    "pensioner",
    "student",
    "unemployed",
    "disabled",
    "temporary_grant",
    "other_category",
}
CYRILLIC = re.compile(r"^[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+$")
KAZAKH_LETTERS = set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _covered_months(person: DemoPerson) -> set[Month]:
    return {
        item.period
        for item in person.facts.payments
        if item.knp in (KNP.EMPLOYER_DEDUCTION, KNP.CONTRIBUTION) and item.refunded_on is None
    }


def _problems(people: list[DemoPerson], today: date) -> list[str]:
    found = []
    for person in people:
        for problem in EXPECTATIONS[person.profile].problems(decide(person.facts, today)):
            found.append(f"{person.profile} {person.iin}: {problem} ({person.story})")
    return found


# -- decisions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("today", TODAYS, ids=str)
@pytest.mark.parametrize("seed", [1, 2026])
def test_every_profile_gets_its_intended_decision(seed: int, today: date) -> None:
    people = generate(300, seed, today)
    assert {p.profile for p in people} == set(PROFILES)
    assert _problems(people, today) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**32), count=st.integers(min_value=50, max_value=90)
)
def test_any_seed_gives_every_profile_its_decision(seed: int, count: int) -> None:
    people = generate(count, seed, TODAY)
    assert len(people) == count
    assert {p.profile for p in people} == set(PROFILES)
    assert _problems(people, TODAY) == []


def test_the_decisions_named_in_the_brief() -> None:
    people = generate(400, 11, TODAY)
    by_profile: dict[str, list[DemoPerson]] = {}
    for person in people:
        by_profile.setdefault(person.profile, []).append(person)

    def decisions(profile: str) -> list[Decision]:
        return [decide(p.facts, TODAY) for p in by_profile[profile]]

    assert {(d.status, d.reason) for d in decisions("prepayer")} == {("insured", "prepaid")}
    assert {(d.status, d.reason) for d in decisions("debtor")} == {("uninsured", "debt")}
    assert all(d.loses_status_next_month for d in decisions("last_grace_month"))
    assert {(d.status, d.reason, d.grace_months) for d in decisions("long_payer")} == {
        ("insured", "grace", 6)
    }
    assert {(d.reason, d.category) for d in decisions("child")} == {("category", "child")}
    assert {d.reason for d in decisions("temporary_grant")} == {"temporary"}
    assert {(d.status, d.reason) for d in decisions("regular_payer")} == {("insured", "regular")}
    assert {(d.status, d.reason) for d in decisions("employee_late_employer")} == {
        ("uninsured", "debt")
    }


# -- determinism and mix -------------------------------------------------------------------------


def test_the_same_arguments_give_the_same_people() -> None:
    assert generate(120, 5, TODAY) == generate(120, 5, TODAY)
    assert [p.iin for p in generate(120, 5, TODAY)] != [p.iin for p in generate(120, 6, TODAY)]


@pytest.mark.parametrize("count", [len(PROFILES), 50, 51, 120])
def test_every_profile_appears_once_there_is_room(count: int) -> None:
    assert Counter(p.profile for p in generate(count, count, TODAY)).keys() == set(PROFILES)


def test_small_populations_and_bad_arguments() -> None:
    assert generate(0, 1, TODAY) == []
    assert len(generate(5, 1, TODAY)) == 5
    with pytest.raises(ValueError, match="count"):
        generate(-1, 1, TODAY)
    with pytest.raises(ValueError, match="R-S-6"):
        generate(10, 1, date(2025, 12, 31))


def test_the_mix_follows_the_funds_figures() -> None:
    """SOURCES.md §9: ≈ 60 % state-paid, ≈ 22 % paying, ≈ 18 % outside."""
    assert set(WEIGHTS) == set(PROFILES)
    people = generate(3000, 2026, TODAY)
    counts = Counter(p.profile for p in people)
    state_paid = sum(counts[p] for p in STATE_PAID) / len(people)
    uninsured = sum(1 for p in people if EXPECTATIONS[p.profile].status == "uninsured")
    assert 0.52 < state_paid < 0.65
    assert 0.14 < uninsured / len(people) < 0.23
    assert counts["regular_payer"] >= 200  # the demo's sample register pays for 200 of them


# -- identity ------------------------------------------------------------------------------------


@pytest.mark.parametrize("today", [TODAY, date(2026, 1, 5)], ids=str)
def test_iins_are_valid_unique_and_fit_the_profile(today: date) -> None:
    people = generate(1500, 3, today)
    assert len({p.iin for p in people}) == len(people)
    for person in people:
        birth = person.facts.birth_date
        info = iin_rules.describe(person.iin)
        assert info.birth_date == birth
        assert info.sex == person.sex
        age = _age(birth, today)
        if person.profile == "child":
            assert 0 <= age < 18
        elif person.profile == "pensioner":
            assert 1940 <= birth.year <= 1962
        elif person.profile == "turned_18":
            assert age == 18
            assert 1 <= Month.of(today).months_since(Month.of(birth) + 12 * 18) <= 3
        elif person.profile == "student":
            assert 18 <= age <= 23
        elif person.profile == "temporary_grant":
            assert person.sex == "female" and 20 <= age <= 40
        else:
            assert 18 < age <= 62


def test_names_are_cyrillic_kazakh_and_russian() -> None:
    people = generate(600, 8, TODAY)
    letters: set[str] = set()
    for person in people:
        for part in person.names:
            assert CYRILLIC.match(part), part
            letters.update(part)
        surname, _, patronymic = person.names
        if person.sex == "male":
            assert patronymic.endswith(("ұлы", "ович", "евич", "вич")), patronymic
        else:
            assert patronymic.endswith(("қызы", "овна", "евна", "вна")), patronymic
            assert surname.endswith(("а", "ая", "ко")), surname
    assert letters & KAZAKH_LETTERS
    patronymics = {p.names.patronymic for p in people}
    assert any(p.endswith("ұлы") for p in patronymics)
    assert any(p.endswith("қызы") for p in patronymics)
    surnames = {p.names.surname for p in people}
    assert any(name[-1] not in "ао" and set(name) & KAZAKH_LETTERS for name in surnames)
    assert any(name.startswith(("Иванов", "Петров", "Смирнов", "Кузнецов")) for name in surnames)
    assert all(p.story.endswith(".") and len(p.story) > 20 for p in people)


# -- payments ------------------------------------------------------------------------------------


@pytest.mark.parametrize("today", [TODAY, date(2026, 1, 5)], ids=str)
def test_payments_are_priced_credited_and_dated_like_real_ones(today: date) -> None:
    people = generate(800, 4, today)
    last_payday = latest_payday(today)
    assert credit_date(last_payday) <= today
    for person in people:
        facts = person.facts
        for item in facts.payments:
            assert item.paid_on <= today
            assert item.credited_on == credit_date(item.paid_on)
            assert period_problem(item.period, item.knp, item.paid_on) is None
            assert item.period <= Month.of(item.paid_on) + 12
            if item.knp is KNP.CONTRIBUTION:
                assert item.period >= Month(2020, 1)
            if item.payer == facts.iin and item.knp is KNP.SINGLE_PAYMENT:
                # ЕСП (R-L-2): any amount, for a month of its window
                assert person.profile == "esp_payer" and item.amount > 0
                assert Month(2019, 1) <= item.period <= Month(2023, 12)
            elif item.payer == facts.iin:
                assert item.knp is KNP.CONTRIBUTION
                assert item.channel in {
                    Channel.BANK_APP,
                    Channel.BANK_BRANCH,
                    Channel.TERMINAL,
                    Channel.KAZPOST,
                }
                kind = (
                    PayerKind.ENTREPRENEUR
                    if facts.kind is PayerKind.ENTREPRENEUR
                    else PayerKind.SELF_PAYER
                )
                assert item.amount == month_price(kind, item.period, item.paid_on)
                if item.refunded_on is None and person.profile != "prepayer":
                    assert 10 <= item.paid_on.day <= 20 or item.paid_on == last_payday
            else:
                assert item.payer is not None and bin_rules.is_valid(item.payer)
                assert item.payer[4] == "4"
                assert item.knp in (KNP.EMPLOYER_DEDUCTION, KNP.CONTRIBUTION)
                assert item.channel is Channel.EMPLOYER
                next_month = item.period + 1
                assert Month.of(item.paid_on) == next_month
                # by the due date: the 25th, or the next working day (R-L-9)
                assert item.paid_on.day >= 19 and item.paid_on <= due_date(item.period)
                assert item.amount > 0


def test_histories_match_their_profiles() -> None:
    people = generate(1500, 9, TODAY)
    month = Month.of(TODAY)
    seen = Counter[str]()
    for person in people:
        facts = person.facts
        covered = _covered_months(person)
        seen[person.profile] += 1
        if person.profile in ("regular_payer", "entrepreneur", "refunded"):
            assert all(m in covered for m in Month.range(month - 12, month + 1))
        elif person.profile == "prepayer":
            paid_on = Counter(i.paid_on for i in facts.payments).most_common(1)[0]
            assert paid_on[1] == 12
            block = sorted(i.period for i in facts.payments if i.paid_on == paid_on[0])
            assert block == list(Month.range(block[0], block[0] + 12))
            assert block[0] <= month <= block[-1]
        elif person.profile == "debtor":
            assert 5 <= month.months_since(max(covered)) <= 20
        elif person.profile == "in_grace":
            assert month.months_since(max(covered)) in (1, 2)
        elif person.profile == "long_payer":
            last = max(covered)
            assert 4 <= month.months_since(last) <= 6
            assert all(m in covered for m in Month.range(last - 59, last + 1))
        elif person.profile == "employee":
            assert {i.knp for i in facts.payments} == {KNP.EMPLOYER_DEDUCTION, KNP.CONTRIBUTION}
            assert max(covered) >= month - 2
        elif person.profile == "employee_late_employer":
            missing = [m for m in Month.range(month - 12, month - 2) if m not in covered]
            assert len(missing) in (4, 5)
            assert missing == list(Month.range(missing[0], missing[0] + len(missing)))
        elif person.profile == "employee_on_due_date":
            assert all(i.paid_on == due_date(i.period) for i in facts.payments)
        elif person.profile == "self_employed":
            regime = [i for i in facts.payments if i.period >= Month(2026, 1)]
            assert facts.kind is PayerKind.SELF_EMPLOYED and regime
            assert all(i.knp is KNP.CONTRIBUTION and i.payer != facts.iin for i in regime)
            assert all(i.paid_on <= due_date(i.period) for i in regime)
        elif person.profile == "esp_payer":
            esp = {i.period for i in facts.payments if i.knp is KNP.SINGLE_PAYMENT}
            assert max(esp) == Month(2023, 12) and len(esp) >= 42
        elif person.profile == "student":
            (period,) = facts.categories
            assert period.category == "student" and period.contains(month)
        elif person.profile == "pensioner":
            (period,) = facts.categories
            assert (period.category, period.last) == ("pensioner", None)
        elif person.profile in ("unemployed", "disabled"):
            (period,) = facts.categories
            assert period.category == person.profile and period.contains(month)
        elif person.profile == "refunded":
            refunded = [i for i in facts.payments if i.refunded_on is not None]
            assert len(refunded) == 1 and refunded[0].refunded_on is not None
            assert refunded[0].paid_on < refunded[0].refunded_on <= TODAY
            (refund,) = person.refunds
            assert facts.payments[refund.item] is refunded[0]
            assert refund.applied_on < refunded[0].refunded_on
        elif person.profile == "temporary_grant":
            (grant,) = facts.temporary
            assert grant.covers(TODAY) and grant.category == "pregnant"
            (application,) = person.applications
            assert application.granted_on == grant.granted_on
            assert application.submitted_on <= grant.granted_on
        elif person.profile in ("child", "turned_18", "never_paid"):
            assert facts.payments == () and facts.categories == ()
        if person.profile not in ("refunded",):
            assert all(i.refunded_on is None for i in facts.payments)
            assert person.refunds == ()
    assert seen.keys() == set(PROFILES)
