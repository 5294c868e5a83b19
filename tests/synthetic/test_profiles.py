"""One profile vocabulary: both generators draw from synthetic.profiles.Profile."""

from __future__ import annotations

from datetime import date

from osms.batch.facts import Population
from osms.rules.status import decide
from osms.synthetic import generate, people
from osms.synthetic.profiles import EXPECTATIONS, Profile


def test_both_generators_draw_from_the_one_vocabulary() -> None:
    assert set(generate.PROFILES) <= set(Profile)
    assert set(people.PROFILES) == set(EXPECTATIONS) <= set(Profile)
    assert set(Profile) == set(generate.PROFILES) | set(people.PROFILES)


def test_the_vectorised_population_names_its_profiles_in_that_vocabulary() -> None:
    tables = generate.generate_tables(3000, seed=5, months=24, today=date(2026, 11, 22))
    drawn = set(tables["people"]["profile"].to_pylist())
    assert drawn <= {profile.value for profile in Profile}
    assert {"regular_payer", "long_payer"} <= drawn


def test_every_profile_of_the_demo_has_its_expectation() -> None:
    for person in people.generate(len(people.PROFILES), seed=3, today=date(2026, 11, 22)):
        assert person.expectation is EXPECTATIONS[person.profile]


def test_where_the_vectorised_generator_builds_one_outcome_it_is_the_demos() -> None:
    """Children, pensioners, debtors and people who never paid are one outcome in both
    generators; the vectorised one varies the others on purpose (leavers, late employers, short
    payments, a ledger window that hides old months) to exercise the batch engine."""
    today = date(2026, 11, 22)
    exact = (Profile.CHILD, Profile.PENSIONER, Profile.DEBTOR, Profile.NEVER_PAID)
    tables = generate.generate_tables(
        2000, seed=9, months=40, today=today, profiles=dict.fromkeys(exact, 1.0)
    )
    population = Population(tables)
    profiles = dict(
        zip(
            tables["people"]["iin"].to_pylist(),
            tables["people"]["profile"].to_pylist(),
            strict=True,
        )
    )
    seen = set()
    for iin, profile in profiles.items():
        decision = decide(population.facts(iin), today)
        assert EXPECTATIONS[Profile(profile)].problems(decision) == [], (profile, iin)
        seen.add(profile)
    assert seen == set(exact)
