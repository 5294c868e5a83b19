"""A taken port: `osms serve` and `osms demo` say so and name a free port (exit 2), before
Uvicorn's bare error and before the demo builds anything (osms.cli.ports)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osms.cli.main import app
from osms.cli.ports import free_port, port_problem

HOST = "127.0.0.1"


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port held by a listening socket for the test's length."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind((HOST, 0))
        holder.listen()
        yield holder.getsockname()[1]


def _free() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_listening_port_is_busy_and_a_closed_one_is_free(taken_port: int) -> None:
    busy = port_problem(HOST, taken_port)
    assert busy is not None and busy.errno is not None
    assert port_problem(HOST, _free()) is None


def test_the_free_port_found_is_after_the_asked_one_and_free(taken_port: int) -> None:
    found = free_port(HOST, taken_port)
    assert found is not None and found > taken_port
    assert port_problem(HOST, found) is None


@pytest.mark.parametrize(
    ("command", "extra"),
    [("serve", []), ("demo", ["--people", "30"])],
)
def test_a_busy_port_is_a_clear_message_with_a_free_port(
    command: str, extra: list[str], taken_port: int, tmp_path: Path
) -> None:
    database = tmp_path / "demo.sqlite"
    env = {"OSMS_DATABASE_URL": f"sqlite:///{tmp_path / 'osms.sqlite'}", "OSMS_COMMAND": "./dev"}
    result = CliRunner().invoke(
        app,
        [command, "--port", str(taken_port), *extra]
        + (["--database", str(database)] if command == "demo" else []),
        env=env,
    )
    assert result.exit_code == 2, result.output
    assert f"error port.busy: {HOST}:{taken_port} is taken" in result.output
    suggested = int(result.output.split(f"./dev {command} --port ")[1].split()[0])
    assert suggested > taken_port and port_problem(HOST, suggested) is None
    assert "Errno" not in result.output and "Traceback" not in result.output
    assert not database.exists()  # the demo stopped before building anything


@pytest.mark.parametrize(
    ("arguments", "refused"),
    [
        (["serve", "--port", "65536"], "--port"),
        (["serve", "--port", "0"], "--port"),
        (["demo", "--no-serve", "--port", "99999"], "--port"),
        (["serve", "--workers", "100000000000000000000"], "--workers"),
        (["serve", "--workers", "65"], "--workers"),
        (["demo", "--no-serve", "--people", "10000000000"], "--people"),
        (["batch", "generate", "--out", "unused", "--people", "1000000000000"], "--people"),
        (["batch", "run", "--date", "2025-01-10", "--data", ".", "--out", "x", "--jobs", "65"],
         "--jobs"),
    ],
)  # fmt: skip
def test_what_would_exhaust_the_machine_is_refused_before_it_starts(
    arguments: list[str], refused: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port out of range was a traceback; a million workers, or a demo of ten billion
    people, ran the machine out of memory.  Each is an invalid value (exit 2), and nothing
    is served, built or written."""
    monkeypatch.chdir(tmp_path)
    found = CliRunner().invoke(app, arguments)
    assert found.exit_code == 2, found.output
    assert f"Invalid value for '{refused}'" in found.output
    assert list(tmp_path.iterdir()) == []
