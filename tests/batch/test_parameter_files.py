"""A parameter file changes both engines alike (R-P-3): the batch plan reads the same dated
parameters as the per-person engine, so an override in ``OSMS_PARAMETERS_DIR`` reaches the
SQL forms of the rules too, and the two still agree person by person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from osms.batch.engine import snapshot_tables
from osms.batch.facts import tables_from_facts
from osms.rules import parameters
from osms.rules.facts import PersonFacts
from osms.rules.month import Month
from osms.rules.plan import plan
from osms.rules.status import decide
from osms.scenarios.facts_file import parse_facts
from osms.synthetic.generate import PROFILES, generate_tables
from tests.batch.helpers import assert_equal_to_rules


def _override(name: str, value: int) -> str:
    return f"""\
description: "{name} as a published change would set it (test)"
unit: months
until: null
open_ended: "no sunset (test)"
values:
  - from: 2020-01-01
    value: {value}
    reference: "Test override of {name} (R-P-3)"
    last_checked: 2026-11-22
"""


@pytest.fixture
def override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Write ``<name>.yaml`` into a folder named by ``OSMS_PARAMETERS_DIR`` and reload."""
    folder = tmp_path / "parameters"
    folder.mkdir()

    def write(name: str, value: int) -> None:
        (folder / f"{name}.yaml").write_text(_override(name, value), encoding="utf-8")
        monkeypatch.setenv(parameters.PARAMETERS_DIR_ENV, str(folder))
        parameters.reload()

    yield write
    monkeypatch.delenv(parameters.PARAMETERS_DIR_ENV, raising=False)
    parameters.reload()


def _both(facts: PersonFacts, on: date, con: Any) -> tuple[tuple[str, str], tuple[str, str]]:
    """(status, reason) of the per-person engine and of the batch engine."""
    decision = decide(facts, on)
    table = snapshot_tables(tables_from_facts([facts]), on, con=con)
    row = table.to_pylist()[0]
    return (decision.status.value, decision.reason.value), (row["status"], row["reason"])


def _paid(iin: str, *runs: tuple[str, str]) -> PersonFacts:
    payments = [{"periods": f"{first}..{last}", "paid_on": f"{first}-10"} for first, last in runs]
    return parse_facts({"iin": iin, "kind": "self_payer"}, payments)


def test_a_longer_grace_in_a_parameter_file(override: Any, con: Any, tmp_path: Path) -> None:
    """R-S-5, R-S-6: four unpaid months are debt with G = 3 and grace with G = 4, in both."""
    facts = _paid("900515300018", ("2025-01", "2025-12"))
    on = date(2026, 4, 20)
    packaged = _both(facts, on, con)
    assert packaged == (("uninsured", "debt"), ("uninsured", "debt"))
    override("grace_months", 4)
    assert plan(on).grace == 4
    assert _both(facts, on, con) == (("insured", "grace"), ("insured", "grace"))
    assert_equal_to_rules(_population(on), on, on, tmp_path, con=con)


def test_a_shorter_look_back_in_a_parameter_file(override: Any, con: Any, tmp_path: Path) -> None:
    """R-S-5: an unpaid month eleven months back blocks status with a look-back of 12, not
    with one of 6, in both."""
    facts = _paid("900515300018", ("2025-01", "2025-03"), ("2025-05", "2026-03"))
    on = date(2026, 3, 15)
    assert _both(facts, on, con) == (("uninsured", "debt"), ("uninsured", "debt"))
    override("lookback_months", 6)
    assert plan(on).lookback == 6
    assert _both(facts, on, con) == (("insured", "regular"), ("insured", "regular"))
    assert_equal_to_rules(_population(on), on, on, tmp_path, con=con)


def _population(on: date) -> dict[str, Any]:
    """Every profile of the generator, with a ledger up to the date."""
    end = Month.of(on)
    return generate_tables(
        300,
        seed=12,
        months=end.index - Month(2020, 1).index + 1,
        today=on,
        profiles=dict.fromkeys(PROFILES, 1.0),
    )
