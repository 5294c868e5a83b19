"""The command line, run in-process through Typer's runner (real commands, real rules)."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from osms.cli.main import app
from osms.i18n import explain, format_money, t
from osms.rules.calculator import calculate
from osms.rules.status import decide
from osms.scenarios.facts_file import load_facts_file
from osms.views.models import StatusDetail
from osms.views.public import beneficiary

runner = CliRunner()

FACTS = """\
person: {iin: "900515300018"}
payments:
  - {periods: 2022-10..2023-09, paid_on: 2022-10-17}
"""


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "person.yaml"
    path.write_text(FACTS, encoding="utf-8")
    return path


def test_status_json_is_the_documented_shape(facts: Path) -> None:
    result = runner.invoke(app, ["status", "--facts", str(facts), "--date", "2023-11-10", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["status"] == "insured"
    assert body["reason"] == "grace"
    assert body["debt_months"] == ["2023-10", "2023-11"]
    assert body["debt_total"] == "7000.00"
    assert body["insured_until"] == "2023-12-31"
    assert body["rules"] == ["R-S-5"]
    assert len(body["payments"]) == 12
    assert body["lang"] == "kk"


def test_status_json_is_the_apis_model_without_known(facts: Path) -> None:
    """One definition of the shape: the CLI prints the API's model; ``known`` is the API's."""
    result = runner.invoke(app, ["status", "--facts", str(facts), "--date", "2023-11-10", "--json"])
    decision = decide(load_facts_file(facts), date(2023, 11, 10))
    model = StatusDetail.from_decision(decision, "kk")
    assert json.loads(result.output) == model.model_dump(
        mode="json", by_alias=True, exclude={"known"}
    )
    assert StatusDetail.model_validate_json(result.output) == model


def test_status_as_of_sees_only_what_was_credited(facts: Path) -> None:
    """R-S-0: the payment of 17 October is credited on the 20th."""
    before = runner.invoke(
        app, ["status", "--facts", str(facts), "--date", "2022-10-20", "--as-of", "2022-10-19"]
    )
    after = runner.invoke(app, ["status", "--facts", str(facts), "--date", "2022-10-20"])
    assert "САҚТАНДЫРЫЛМАҒАН" in before.output
    assert "САҚТАНДЫРЫЛҒАН" in after.output


@pytest.mark.parametrize(("lang", "word"), [("kk", "Себебі"), ("ru", "Почему"), ("en", "Why")])
def test_status_card_speaks_the_language(facts: Path, lang: str, word: str) -> None:
    result = runner.invoke(
        app, ["status", "--facts", str(facts), "--date", "2023-11-10", "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    assert word in result.output
    assert "R-S-5" in result.output


def test_calc_recommends_and_prints_the_plan(facts: Path) -> None:
    result = runner.invoke(app, ["calc", "--facts", str(facts), "--date", "2024-02-10", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    names = [o["name"] for o in body["options"]]
    assert names == ["clear_debt", "minimum_now", "prepay_now", "prepay_next"]
    clear = body["options"][0]
    assert clear["months"] == ["2023-10", "2023-11", "2023-12", "2024-01", "2024-02"]
    assert clear["total"] == "19000.00"
    assert clear["plan"][0] == {
        "iin": "900515300018",
        "period": "2023-10",
        "period_mt102": "102023",
        "knp": "122",
        "amount": "3500.00",
    }
    assert body["fund"]["iik"] == "KZ92009MEDS368609103"
    assert body["recommended"] == "prepay_now"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_calc_says_when_its_amounts_rest_on_an_unpublished_wage(facts: Path, lang: str) -> None:
    """R-P-1: every amount computed from the last published MW says so, in the text too."""
    on = date(2031, 3, 10)
    note = calculate(load_facts_file(facts), on).provisional_note
    assert note is not None
    later = runner.invoke(app, ["calc", "--facts", str(facts), "--date", str(on), "--lang", lang])
    assert later.exit_code == 0, later.output
    assert "⚠ " + explain(note, lang) in later.output
    published = runner.invoke(
        app, ["calc", "--facts", str(facts), "--date", "2024-02-10", "--lang", lang]
    )
    assert "⚠" not in published.output


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_calc_names_the_payee_in_its_language(facts: Path, lang: str) -> None:
    """R-K-3: the card names the Fund's payee as the page and the bot do, in the language."""
    result = runner.invoke(
        app, ["calc", "--facts", str(facts), "--date", "2024-02-10", "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    assert f"{t(lang, 'Beneficiary')}: {beneficiary(lang)}" in result.output
    if lang != "ru":
        assert "Правительство для граждан" not in result.output


def test_iin_explains_a_valid_number() -> None:
    result = runner.invoke(app, ["iin", "850312401235", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["birth_date"] == "1985-03-12"
    assert json.loads(result.output)["sex"] == "female"


def test_iin_rejects_with_the_stable_code() -> None:
    result = runner.invoke(app, ["iin", "900515300019", "--json", "--lang", "ru"])
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["code"] == "iin.checksum"
    assert body["valid"] is False
    assert "контрольн" in body["message"].lower()


def test_bad_facts_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text('person: {iin: "900515300019"}\n', encoding="utf-8")
    result = runner.invoke(app, ["status", "--facts", str(path), "--date", "2023-11-10"])
    assert result.exit_code == 2
    assert "person.iin" in result.output


def test_bad_date_is_a_clear_error(facts: Path) -> None:
    result = runner.invoke(app, ["status", "--facts", str(facts), "--date", "10.11.2023"])
    assert result.exit_code == 2
    assert "--date" in result.output


def test_demo_prints_the_seed_examples() -> None:
    result = runner.invoke(app, ["scenarios", "seeds", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Prepayment" in result.output
    assert "51\u202f000\u00a0₸" in result.output  # narrow no-break spaces, as typeset


def test_demo_builds_a_registry_and_says_what_to_try(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite"
    args = ["demo", "--no-serve", "--people", "60", "--database", str(database), "--lang", "en"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Demo registry built: 60 people" in result.output
    assert "3 rejected (line.invalid_iin, line.period_too_early, line.amount_not_positive)" in (
        result.output
    )
    assert "IINs to try:" in result.output
    again = runner.invoke(app, args)
    assert "Demo registry already built: 60 people" in again.output


@pytest.mark.parametrize(
    ("url", "code", "kk"),
    [
        ("nonsense://x", "database.url", "OSMS_DATABASE_URL баптауы дерекқордың мекенжайы емес."),
        ("%%%", "database.url", "OSMS_DATABASE_URL баптауы дерекқордың мекенжайы емес."),
        (
            "postgresql+psycopg://nobody@127.0.0.1:1/x",
            "database.unavailable",
            "Дерекқорға қосылу мүмкін болмады",
        ),
    ],
)
@pytest.mark.parametrize(
    "command", [["status", "900515300018"], ["person", "900515300018", "--operator", "op"]]
)
def test_a_database_the_command_cannot_use_is_said_so(
    cli_database: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    url: str,
    code: str,
    kk: str,
) -> None:
    """A wrong OSMS_DATABASE_URL, or a database that does not answer, was a traceback."""
    monkeypatch.setenv("OSMS_DATABASE_URL", url)
    found = runner.invoke(app, command)
    assert found.exit_code == 2, found.output
    assert isinstance(found.exception, SystemExit)
    assert f"error {code}: {kk}" in found.output


def test_a_data_folder_that_cannot_be_made_is_said_so(
    cli_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded default's folder under a file (OSMS_DATA_DIR) was an OSError traceback."""
    a_file = cli_database / "a-file"
    a_file.write_text("")
    monkeypatch.setenv("OSMS_DATA_DIR", str(a_file / "data"))
    found = runner.invoke(app, ["status", "900515300018", "--lang", "en"])
    assert found.exit_code == 2, found.output
    assert "error database.unavailable: The database cannot be reached" in found.output


def test_a_parameter_folder_that_cannot_be_read_is_said_so_before_the_commands_load(
    tmp_path: Path,
) -> None:
    """The commands read the parameters as they load (the dates they take start with the
    liability start): a wrong OSMS_PARAMETERS_DIR was a traceback before any command ran."""
    env = {**os.environ, "OSMS_PARAMETERS_DIR": str(tmp_path / "none")}
    env["OSMS_DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-c", "from osms.cli import main; main()"]
    found = subprocess.run(
        [*command, "iin", "900515300018", "--lang", "ru"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert found.returncode == 2, found.stderr
    assert "Traceback" not in found.stderr
    assert found.stderr.startswith("error parameter.schema: Файл параметров содержит ошибку"), (
        found.stderr
    )
    assert "OSMS_PARAMETERS_DIR: not a folder" in found.stderr


def test_the_card_shows_what_an_employer_paid_for_a_month(tmp_path: Path) -> None:
    """An employer's month is covered by its deductions: the card shows their amount, where it
    showed the person's own payments (0 ₸)."""
    path = tmp_path / "employee.yaml"
    path.write_text(
        'person: {iin: "900515300018", kind: employee}\n'
        "payments:\n"
        '  - {period: 2024-05, paid_on: 2024-06-20, knp: 121, payer: "160440007161", '
        "amount: 9000}\n",
        encoding="utf-8",
    )
    card = runner.invoke(
        app, ["status", "--facts", str(path), "--date", "2024-07-10", "--lang", "en"]
    )
    assert card.exit_code == 0, card.output
    [may] = [line for line in card.output.splitlines() if "May 2024" in line]
    assert format_money(Decimal("9000"), "en") in may, may


def _commands(command: Any, path: str) -> list[tuple[str, Any]]:
    """Every command below ``command`` (typer's own click), by its path."""
    found: list[tuple[str, Any]] = []
    for name, sub in getattr(command, "commands", {}).items():
        found += [(f"{path} {name}", sub), *_commands(sub, f"{path} {name}")]
    return found


def test_every_command_is_summed_up_in_one_line_of_its_group_help() -> None:
    """A group's help lists each command by its first paragraph with that paragraph's line
    breaks kept, so a summary wrapped in the source printed as two ragged lines."""
    commands = _commands(typer.main.get_command(app), "osms")
    assert len(commands) > 30
    ragged = {
        path: summary
        for path, command in commands
        if "\n" in (summary := inspect.cleandoc(command.help or "").split("\n\n")[0])
    }
    assert ragged == {}
    listed = runner.invoke(app, ["refunds", "--help"], terminal_width=200).output
    assert "What approving the refund would change (R-R-1); nothing is decided." in listed


@pytest.mark.parametrize(
    "arguments",
    [
        ["person", "900515300018", "--operator", "\udcff"],
        ["audit", "--actor", "\udcffab"],
        ["audit", "--door", "\udcff"],
        ["categories", "import", "feed-\udcff.csv", "--lang", "ru"],
    ],
)
def test_an_argument_that_is_not_utf8_is_refused_before_the_database(
    arguments: list[str], cli_database: Path
) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates: an operator's name or an
    audit filter so written was a UnicodeEncodeError traceback from the database driver."""
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error argument.encoding: "), result.output
    if "ru" in arguments:
        assert "не текст в UTF-8" in result.output


def test_every_option_says_what_it_is() -> None:
    """``--help`` explains every option and argument of every command: ``osms temporary apply
    --channel`` was listed bare."""
    bare = [
        f"{path} {'/'.join(parameter.opts)}"
        for path, command in _commands(typer.main.get_command(app), "osms")
        for parameter in getattr(command, "params", [])
        if not getattr(parameter, "help", None)
        and parameter.name not in ("help", "install_completion", "show_completion")
    ]
    assert bare == []
