"""One profile vocabulary: both generators draw from synthetic.profiles.Profile."""

from __future__ import annotations

from datetime import date

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
