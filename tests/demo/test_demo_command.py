"""`osms demo` tells the truth on the day it is run: its printed examples are what the page says
today, its printed API key works against the app over the demo database, and a demo of another
day is set aside and rebuilt (osms.cli.demo)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from osms import clock
from osms.api.asgi import create
from osms.cli.demo import TRY
from osms.cli.main import app
from osms.demo.build import build_demo, built_demo
from osms.i18n import label
from osms.registry import migrate
from osms.registry.db import make_engine
from osms.registry.facts import load_facts
from osms.rules.status import decide
from osms.synthetic.profiles import EXPECTATIONS, Profile

PEOPLE = 300
KEY = re.compile(r"osms_[0-9a-f]{8}_[A-Za-z0-9_-]{20,100}")
EXAMPLE = re.compile(r"^  (\d{12})  (\w+)\s+(.+)$")


@dataclass(frozen=True)
class Run:
    database: Path
    output: str
    examples: list[tuple[str, str, str]]
    """(IIN, profile, what was printed) under "IINs to try"."""
    key: str


def _run(database: Path, *args: str) -> Run:
    result = CliRunner().invoke(
        app,
        ["demo", "--no-serve", "--people", str(PEOPLE), "--database", str(database), *args],
        env={"OSMS_COMMAND": "./dev"},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.split("IINs to try", 1)[1].splitlines()[1:]
    examples = []
    for line in lines:
        match = EXAMPLE.match(line)
        if match is None:
            break
        examples.append((match[1], match[2], match[3]))
    keys = KEY.findall(result.output)
    assert keys, result.output
    return Run(database, result.output, examples, keys[0])


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp("demo") / "demo.sqlite", "--lang", "en")


def test_every_printed_example_is_what_its_profile_says_today(demo_run: Run) -> None:
    today = clock.today()
    assert f"for {today:%d.%m.%Y}" in demo_run.output
    assert [profile for _, profile, _ in demo_run.examples] == list(TRY)
    engine = make_engine(f"sqlite:///{demo_run.database}")
    try:
        with Session(engine) as session:
            for iin, profile, printed in demo_run.examples:
                facts = load_facts(session, iin)
                assert facts is not None, iin
                decision = decide(facts, today)
                expected = EXPECTATIONS[Profile(profile)]
                assert expected.met_by(decision), (profile, iin, expected.problems(decision))
                said = (
                    f"{label('en', 'status', decision.status.value)} — "
                    f"{label('en', 'reason', decision.reason.value)}"
                )
                assert printed == said
    finally:
        engine.dispose()


def test_the_printed_key_authenticates_against_the_app_over_the_demo_database(
    demo_run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The printed curl command, asked of the app the demo serves (same database URL)."""
    curl = re.search(
        r'curl -H "Authorization: Bearer (\S+)" http://127\.0\.0\.1:8000(\S+)', demo_run.output
    )
    assert curl is not None, demo_run.output
    key, route = curl[1], curl[2]
    in_grace = next(iin for iin, profile, _ in demo_run.examples if profile == "in_grace")
    assert (key, route) == (demo_run.key, f"/api/v1/persons/{in_grace}/status")
    last = next(iin for iin, profile, _ in demo_run.examples if profile == "last_grace_month")
    monkeypatch.setenv("OSMS_DATABASE_URL", f"sqlite:///{demo_run.database}")
    with TestClient(create()) as client:
        answer = client.get(route, headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 200, answer.text
        assert (answer.json()["status"], answer.json()["reason"]) == ("insured", "grace")
        answer = client.get(
            f"/api/v1/persons/{last}/status", headers={"Authorization": f"Bearer {key}"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["loses_status_next_month"] is True
        assert client.get(route).status_code == 401
    assert f"OSMS_DATABASE_URL=sqlite:///{demo_run.database} ./dev status" in demo_run.output


def test_running_again_keeps_the_demo_and_replaces_the_key(
    demo_run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = _run(demo_run.database, "--lang", "en")
    assert "already built" in again.output and "moved to" not in again.output
    assert again.examples == demo_run.examples
    assert again.key != demo_run.key
    monkeypatch.setenv("OSMS_DATABASE_URL", f"sqlite:///{demo_run.database}")
    route = f"/api/v1/persons/{demo_run.examples[0][0]}/status"
    with TestClient(create()) as client:
        assert client.get(route, headers={"X-API-Key": again.key}).status_code == 200
        old = client.get(route, headers={"X-API-Key": demo_run.key})
        assert old.status_code == 401 and old.json()["code"] == "auth.key_revoked"


@pytest.mark.slow
def test_a_demo_of_another_day_is_set_aside_and_todays_built(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite"
    url = f"sqlite:///{database}"
    migrate.upgrade(url)
    engine = make_engine(url)
    build_demo(engine, people=PEOPLE, seed=2026, today=date(2026, 11, 22))
    engine.dispose()

    run = _run(database)
    today = clock.today()
    previous = tmp_path / "demo.sqlite.previous"
    assert (
        f"{database} held a demo built for 22.11.2026, not {today:%d.%m.%Y}: moved to {previous}"
        in run.output
    )
    assert f"Demo registry built: {PEOPLE} people" in run.output
    for path, day in ((database, today), (previous, date(2026, 11, 22))):
        engine = make_engine(f"sqlite:///{path}")
        held = built_demo(engine)
        engine.dispose()
        assert held is not None and held.today == day
