"""A disagreement's scenario file runs as it is (:mod:`osms.batch.check`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from osms.batch.check import Disagreement, expected_row
from osms.batch.facts import Population
from osms.rules.status import decide
from osms.scenarios.runner import run_paths
from osms.synthetic.generate import PROFILES, generate_tables


def test_disagreement_files_run_with_the_scenario_runner(tmp_path: Path) -> None:
    tables = generate_tables(300, seed=2, months=40, profiles={n: 1.0 for n in PROFILES})
    population = Population(tables)
    on, as_of = date(2025, 3, 10), date(2025, 6, 1)
    for iin in population.iins[:60]:
        facts = population.facts(iin)
        rules = expected_row(decide(facts, on, as_of))
        Disagreement(facts, on, as_of, {}, rules).write(tmp_path)
    lines: list[str] = []
    passed, failed = run_paths([tmp_path], emit=lines.append)
    assert (passed, failed) == (60, 0), "\n".join(lines)
