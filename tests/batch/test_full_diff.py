"""The full diff: 100 000 generated people on one date, every field, against the per-person
engine.  About 2-3 minutes on 2 cores, so it runs only when asked (CI):

    OSMS_BATCH_FULL_DIFF=1 uv run pytest tests/batch/test_full_diff.py -q

``OSMS_BATCH_FULL_DIFF_PEOPLE`` changes the number of people.  A disagreement is written as a
scenario file into the test's tmp folder and shown in the failure.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from osms.batch.facts import Population
from osms.synthetic.generate import generate_tables
from tests.batch.helpers import assert_equal_to_rules

ENABLED = os.environ.get("OSMS_BATCH_FULL_DIFF") == "1"
PEOPLE = int(os.environ.get("OSMS_BATCH_FULL_DIFF_PEOPLE", "100000"))


@pytest.mark.slow
@pytest.mark.skipif(not ENABLED, reason="set OSMS_BATCH_FULL_DIFF=1 (CI) to run the full diff")
def test_one_hundred_thousand_people_equal_the_rules(tmp_path: Path) -> None:
    started = time.perf_counter()
    tables = generate_tables(PEOPLE, seed=20261122, months=60, today=date(2026, 11, 30))
    population = Population(tables)
    compared = assert_equal_to_rules(population, date(2026, 11, 30), date(2026, 11, 30), tmp_path)
    assert compared == PEOPLE
    print(f"{compared:,} people equal in {time.perf_counter() - started:.0f} s")
