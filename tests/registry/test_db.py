"""Where the database is, SQLite's settings, and the `osms db` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from osms.cli.db import db_app
from osms.registry import migrate
from osms.registry.db import database_url, make_engine, redacted


def test_the_default_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data" / "nested"
    url = database_url(environ={"OSMS_DATA_DIR": str(data)})
    assert url == f"sqlite:///{data.as_posix()}/osms.sqlite"
    assert data.is_dir()


def test_the_default_data_dir_is_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert database_url(environ={}) == "sqlite:///var/osms.sqlite"
    assert (tmp_path / "var").is_dir()


def test_the_environment_selects_the_database() -> None:
    env = {"OSMS_DATABASE_URL": "postgresql://u:p@db/osms", "OSMS_DATA_DIR": "/nonexistent"}
    assert database_url(environ=env) == "postgresql+psycopg://u:p@db/osms"
    assert database_url("sqlite:///x.sqlite", environ=env) == "sqlite:///x.sqlite"
    assert redacted(database_url(environ=env)) == "postgresql+psycopg://u:***@db/osms"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_connections_use_wal_foreign_keys_and_normal_sync(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar_one() == 1  # NORMAL


def test_sqlite_reads_are_transactions(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            assert connection.connection.dbapi_connection.in_transaction  # type: ignore[union-attr]
    finally:
        engine.dispose()


def test_cli_upgrade_and_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OSMS_DATABASE_URL", raising=False)
    monkeypatch.setenv("OSMS_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()

    result = runner.invoke(db_app, ["current"])
    assert result.exit_code == 0, result.output
    assert "base (empty)" in result.output and "behind" in result.output

    result = runner.invoke(db_app, ["upgrade"])
    assert result.exit_code == 0, result.output
    assert f"base -> {migrate.head()}" in result.output
    assert (tmp_path / "data" / "osms.sqlite").is_file()

    result = runner.invoke(db_app, ["upgrade"])
    assert f"already at {migrate.head()}" in result.output
    result = runner.invoke(db_app, ["current"])
    assert f"{migrate.head()}, up to date" in result.output


def test_cli_takes_a_url(database_url: str) -> None:
    result = CliRunner().invoke(db_app, ["current", "--url", database_url])
    assert result.exit_code == 0, result.output
    assert f"{migrate.head()}, up to date" in result.output
