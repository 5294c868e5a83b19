"""The migrated schema and the models agree, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import CheckConstraint, Engine, inspect, text

from osms.registry import migrate
from osms.registry.db import make_engine
from osms.registry.models import Base


def test_models_and_migrated_schema_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        assert migrate.differences(connection) == []


def test_database_is_at_head(database_url: str) -> None:
    assert migrate.current(database_url) == migrate.head() == "0006"


def test_every_model_table_is_migrated(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_comparison_sees_a_missing_schema() -> None:
    """The agreement test would notice a difference: an empty database differs."""
    engine = make_engine("sqlite://")
    try:
        with engine.connect() as connection:
            found = migrate.differences(connection)
    finally:
        engine.dispose()
    added = {diff[1].name for diff in found if diff[0] == "add_table"}
    assert added == set(Base.metadata.tables)


def test_comparison_sees_a_missing_index(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_payments_iin_period"))
    with engine.connect() as connection:
        found = migrate.differences(connection)
    assert [(diff[0], diff[1].name) for diff in found] == [("add_index", "ix_payments_iin_period")]


def test_downgrade_to_base_and_upgrade_again(database_url: str, engine: Engine) -> None:
    command.downgrade(migrate.alembic_config(database_url), "base")
    assert migrate.current(database_url) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(database_url)
    assert migrate.current(database_url) == migrate.head()
    with engine.connect() as connection:
        assert migrate.differences(connection) == []


def test_upgrade_is_idempotent(database_url: str) -> None:
    migrate.upgrade(database_url)
    migrate.upgrade(database_url)
    assert migrate.current(database_url) == migrate.head()


def test_check_constraints_agree(engine: Engine) -> None:
    """Alembic does not compare CHECKs: the migration and the models name the same ones."""
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        expected = {
            str(constraint.name)
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
        }
        found = {str(check["name"]) for check in inspector.get_check_constraints(table.name)}
        assert found == expected, table.name
