"""Shared helpers for the batch tests: compare the batch engine with the per-person engine
and, on a disagreement, fail with the person's facts written as a scenario file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, settings

from osms.batch.check import Disagreement, diff
from osms.batch.facts import Population

MAX_SHOWN = 3


def assert_equal_to_rules(
    tables: Mapping[str, pa.Table] | Population,
    on: date,
    as_of: date,
    scenarios: Path,
    con: Any = None,
) -> int:
    """Every person's batch answer equals :func:`osms.rules.status.decide`; returns how many
    people were compared.  A disagreement fails the test with the scenario files' paths and
    contents (``expect`` holds the per-person engine's answer)."""
    population = tables if isinstance(tables, Population) else Population(tables)
    found = diff(population, on, as_of, con=con)
    if found:
        raise AssertionError(report(found, scenarios))
    return len(population.iins)


def report(found: Sequence[Disagreement], scenarios: Path) -> str:
    lines = [f"{len(found)} people differ between osms.batch and osms.rules.status.decide:"]
    for disagreement in found[:MAX_SHOWN]:
        path = disagreement.write(scenarios)
        lines += [
            "",
            disagreement.describe(),
            f"scenario file: {path}",
            path.read_text(encoding="utf-8"),
        ]
    if len(found) > MAX_SHOWN:
        lines.append(f"... and {len(found) - MAX_SHOWN} more")
    return "\n".join(lines)


def population_settings(examples: int) -> settings:
    """Hypothesis settings for tests that run the engine on drawn populations: no deadline, and
    large or slow draws are expected."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
        print_blob=True,
    )
