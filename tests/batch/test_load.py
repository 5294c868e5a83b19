"""``load_registry``: the Parquet population into the registry, on SQLite and PostgreSQL.

What the registry then reads back for each person (:func:`osms.registry.facts.load_facts`,
with refunds as approved refund applications and grants as approved applications) is exactly
:func:`osms.batch.facts.to_facts` of the batch rows.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import Engine

from osms.batch.facts import Population, iin_string
from osms.batch.load import load_registry
from osms.registry.db import make_session_factory
from osms.registry.facts import load_facts
from osms.synthetic.generate import generate


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("population")
    generate(path, 400, seed=17, months=30, profiles=None)
    return path


def test_loaded_registry_gives_the_same_facts(engine: Engine, folder: Path) -> None:
    counts = load_registry(engine, folder)
    population = Population.read(folder)
    assert counts["people"] == 400
    assert counts["payments"] == population.tables["payments"].num_rows
    assert counts["refund_applications"] > 0
    with make_session_factory(engine)() as session:
        for iin in population.iins:
            assert load_facts(session, iin_string(iin)) == population.facts(iin)


def test_loading_twice_is_refused(engine: Engine, folder: Path) -> None:
    load_registry(engine, folder)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        load_registry(engine, folder)


def test_export_of_the_loaded_registry_gives_the_same_snapshot(
    engine: Engine, folder: Path, tmp_path: Path
) -> None:
    """generate → load_registry → export_registry → the batch engine: the same answers."""
    from datetime import date

    from osms.batch.engine import snapshot
    from osms.batch.export import export_registry

    load_registry(engine, folder)
    exported = tmp_path / "exported"
    counts = export_registry(engine, exported, parts=3)
    assert counts["people"] == 400
    on = date(2026, 11, 22)
    key = [("iin", "ascending")]
    original = pa.concat_tables(list(snapshot(folder, on))).sort_by(key)
    again = pa.concat_tables(list(snapshot(exported, on, parts_per_step=2))).sort_by(key)
    assert again.drop_columns(["kind"]).equals(original.drop_columns(["kind"]))
    assert Population.read(exported).facts(population_first(folder)) == Population.read(
        folder
    ).facts(population_first(folder))


def population_first(folder: Path) -> int:
    return Population.read(folder).iins[0]


def test_a_generated_folder_stores_no_credit_date_of_its_own(engine: Engine, folder: Path) -> None:
    """The generator credits every item by the calendar (R-T-3): the registry stores none of
    those days, so that a calendar correction added later (R-P-3) reaches them when read."""
    from sqlalchemy import text

    load_registry(engine, folder)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT count(*) FROM payments WHERE credited_on IS NOT NULL")
        ).scalar_one()
    assert stored == 0
