"""The batch engine equals the per-person engine (R-S-0…R-S-7), person by person.

Three sources of people: the synthetic generator (the brief's property: seeds, sizes 50–300,
dates 2020-07…2026-12, as_of ≥ date), facts drawn by hypothesis to be hard for a vectorised
engine (``strategies.py``), and the project's scenario files.  Every field of the snapshot is
compared: status, reason, category, insured_until, the debt months (count, mask, amount),
grace, loses_status_next_month, grace_months.  A disagreement fails with the person's facts
as a scenario file (written to the test's tmp folder) whose ``expect`` is
:func:`osms.rules.status.decide`'s answer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osms.batch.facts import Population, tables_from_facts
from osms.rules.month import Month
from osms.rules.status import decide
from osms.scenarios.facts_file import FactsError, load_yaml, parse_date, parse_facts
from osms.synthetic.generate import PROFILES, generate_tables
from tests.batch.helpers import assert_equal_to_rules, population_settings
from tests.batch.strategies import cases

ROOT = Path(__file__).resolve().parents[2]
SHARED_SCENARIOS = Path(
    os.environ.get("OSMS_SHARED_SCENARIOS", ROOT.parent / "shared" / "scenarios")
)
PROJECT_SCENARIOS = ROOT / "scenarios"


@st.composite
def generated(draw: st.DrawFn) -> tuple[dict[str, Any], date, date]:
    """A generated population (default mix or every profile alike) and dates to ask."""
    people = draw(st.integers(50, 300))
    seed = draw(st.integers(0, 2**31))
    months = draw(st.integers(1, 83))
    end = Month(2020, 1) + draw(st.integers(months - 1, 83))
    today = min(date(end.year, end.month, draw(st.integers(1, 28))), date(2026, 12, 31))
    uniform = draw(st.booleans())
    profiles = {name: 1.0 for name in PROFILES} if uniform else None
    tables = generate_tables(people, seed, months=months, today=today, profiles=profiles)
    on = draw(st.dates(date(2020, 7, 1), date(2026, 12, 31)))
    later = draw(st.one_of(st.just(0), st.integers(0, 45), st.integers(0, 900)))
    as_of = min(on + timedelta(days=later), date(2027, 6, 30))
    return tables, on, as_of


@population_settings(20)
@given(case=generated())
def test_generated_populations_equal_the_rules(
    case: tuple[dict[str, Any], date, date], con: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tables, on, as_of = case
    scenarios = tmp_path_factory.mktemp("disagreements")
    assert_equal_to_rules(tables, on, as_of, scenarios, con=con)


@population_settings(30)
@given(case=cases(max_size=30))
def test_adversarial_facts_equal_the_rules(
    case: tuple[list[Any], date, date], con: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    people, on, as_of = case
    scenarios = tmp_path_factory.mktemp("disagreements")
    assert_equal_to_rules(tables_from_facts(people), on, as_of, scenarios, con=con)


def _scenario_cases() -> Iterator[Any]:
    shared = sorted(SHARED_SCENARIOS.glob("*.yaml"))
    if not shared and os.environ.get("CI") == "true":
        yield pytest.param(None, id="shared scenarios missing")
    files = shared + sorted(PROJECT_SCENARIOS.glob("*.yaml"))
    for path in files:
        for case in load_yaml(path.read_text(encoding="utf-8")) or []:
            if isinstance(case, dict) and "person" in case and case.get("expect"):
                yield pytest.param(case, id=f"{path.stem}: {case.get('name', '?')[:60]}")


@pytest.mark.parametrize("case", list(_scenario_cases()))
def test_scenario_files_equal_the_rules(
    case: dict[str, Any] | None, con: Any, tmp_path: Path
) -> None:
    """Every person and date of the scenario files: the batch answer is the engine's (in CI
    the shared folder, ``OSMS_SHARED_SCENARIOS`` or ``../shared/scenarios``, must be there)."""
    if case is None:
        pytest.fail(f"CI must compare the shared scenarios, but {SHARED_SCENARIOS} has none")
    try:
        facts = parse_facts(case["person"], case.get("payments"))
    except FactsError as error:
        pytest.skip(f"malformed on purpose: {error}")
    tables = tables_from_facts([facts])
    for expect in case["expect"]:
        on = parse_date(expect["date"], "date")
        as_of = parse_date(expect.get("as_of", expect["date"]), "as_of")
        if on < date(2020, 1, 1) or as_of < on:
            continue
        decide(facts, on, as_of)  # the per-person engine answers it
        assert_equal_to_rules(tables, on, as_of, tmp_path, con=con)


def test_many_dates_of_one_population(con: Any, tmp_path: Path) -> None:
    """One population with every profile, 83 months of ledger, on a day of each half-year
    from 2020-07, as known on the day and a year later."""
    tables = generate_tables(
        400,
        seed=20261122,
        months=83,
        today=date(2026, 11, 30),
        profiles=dict.fromkeys(PROFILES, 1.0),
    )
    population = Population(tables)
    compared = 0
    for year in range(2020, 2027):
        for day in (date(year, 7, 1), date(year, 12, 31)):
            later = min(day + timedelta(days=365), date(2027, 6, 30))
            for as_of in (day, later):
                compared += assert_equal_to_rules(population, day, as_of, tmp_path, con=con)
    assert compared == 400 * 7 * 2 * 2
