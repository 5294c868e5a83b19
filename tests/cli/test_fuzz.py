"""Fuzz the command line: whatever an operator types, a command answers (exit 0 to 3) or says
what is wrong; it never ends in a traceback.

Every input found that did is kept as a regression test where its option is tested
(``test_operator_tools.py``: days past 2099 and ids past a 64-bit integer; ``test_ports.py``:
ports and worker counts).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from osms.cli.main import app
from osms.intake.samples import SampleLine, write_csv
from osms.rules import iin as iin_rules
from osms.rules.errors import RuleError
from osms.rules.month import Month

runner = CliRunner()
ADULT = "900515300018"  # a man born 1990-05-15
MOTHER = "850312401235"  # a woman born 1985-03-12

ANSWERED = {0, 1, 2, 3}
"""The exit statuses of a command that ran: done, refused, unusable input, done in part."""


def _text() -> st.SearchStrategy[str]:
    return st.text(max_size=30)


_EDGE_DAYS = ["2025-03-03", "2020-01-01", "2099-12-31", "2100-01-01", "9999-12-31", "0001-01-01"]
_EDGE_DAYS += ["2019-12-31", "2025-02-29", "0000-00-00"]


def _day() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        st.sampled_from(_EDGE_DAYS),
        _text(),
    )


def _number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(["1", "2", "3", str(2**63 - 1), str(2**63), "1e9", "NaN", "-0", "0"]),
        _text(),
    )


def _issued(born: date, sex: Literal["male", "female"], serial: int) -> str:
    """An IIN that can be issued: the next serial when this one has no check digit."""
    try:
        return iin_rules.make(born, sex, serial)
    except RuleError:
        return iin_rules.make(born, sex, serial + 1)


def _iin() -> st.SearchStrategy[str]:
    valid = st.builds(
        _issued,
        st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 3, 3)),
        st.sampled_from(["male", "female"]),
        st.integers(min_value=0, max_value=9999),
    )
    known = st.sampled_from([ADULT, MOTHER])
    return st.one_of(known, valid, st.from_regex(r"\A[0-9]{12}\Z"), _text())


def _commands() -> st.SearchStrategy[list[str]]:
    """The commands an operator or a citizen types, with fuzzed values in every slot."""
    t, d, n, i = _text(), _day(), _number(), _iin()
    lists: list[st.SearchStrategy[list[str]]] = [
        st.tuples(i, d, d).map(lambda v: ["status", v[0], "--date", v[1], "--as-of", v[2]]),
        st.tuples(i, d).map(lambda v: ["calc", v[0], "--date", v[1]]),
        t.map(lambda v: ["iin", "--", v]),
        st.tuples(n, t, d).map(
            lambda v: ["refunds", "apply", "--reason", v[1], "--date", v[2], "--", v[0]]
        ),
        st.tuples(n, d, n).map(
            lambda v: ["refunds", "show", "--date", v[1], "--amount", v[2], "--", v[0]]
        ),
        st.tuples(n, d, n).map(
            lambda v: ["refunds", "approve", "--date", v[1], "--amount", v[2], "--", v[0]]
        ),
        st.tuples(n, t).map(lambda v: ["refunds", "refuse", "--reason", v[1], "--", v[0]]),
        d.map(lambda v: ["refunds", "list", "--overdue", "--date", v]),
        st.tuples(i, t, t, d).map(
            lambda v: [
                *("temporary", "apply", "--category", v[1], "--document", v[2]),
                *("--date", v[3], "--", v[0]),
            ]
        ),
        st.tuples(n, d).map(lambda v: ["temporary", "approve", "--date", v[1], "--", v[0]]),
        i.map(lambda v: ["person", "--", v]),
        st.tuples(t, t, t, d, d).map(
            lambda v: [
                *("audit", "--iin", v[0], "--actor", v[1], "--door", v[2]),
                *("--from", v[3], "--to", v[4]),
            ]
        ),
        st.tuples(n, n, n).map(
            lambda v: ["registers", "lines", "--offset", v[1], "--limit", v[2], "--", v[0]]
        ),
        d.map(lambda v: ["parameters", "check", "--date", v]),
        st.tuples(t, t, t).map(
            lambda v: ["amount", "--kind", v[0], "--year", v[1], "--income", v[2]]
        ),
        st.tuples(n, t, d).map(
            lambda v: ["penalty", "--arrears", v[0], "--period", v[1], "--paid-on", v[2]]
        ),
        t.map(lambda v: ["clients", "revoke", "--", v]),
    ]
    return st.one_of(lists)


@pytest.fixture
def registry(cli_database: Path, on_3_march_2025: date) -> Path:
    """A registry with something to find: three months paid by ADULT (payments 1 … 3), a
    refund application for payment 1 and a temporary-status application of MOTHER (both 1)."""
    register = cli_database / "kazpost.csv"
    lines = [
        SampleLine(ADULT, month, Decimal("4250"), reference=f"K-{month}")
        for month in Month.range(Month(2024, 12), Month(2025, 3))
    ]
    write_csv(register, lines, paid_on=date(2025, 2, 10), payer=ADULT)
    operator = ["--operator", "operator-1"]
    for command in (
        ["import", str(register), "--channel", "kazpost"],
        ["refunds", "apply", "1", "--reason", "wrong_period", *operator],
        [
            *("temporary", "apply", MOTHER, "--category", "pregnant"),
            *("--document", "form_027u:027-5:2025-03-01", *operator),
        ],
    ):
        done = runner.invoke(app, command)
        assert done.exit_code == 0, done.output
    return cli_database


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=_commands(), lang=st.sampled_from(["kk", "ru", "en"]), as_json=st.booleans())
def test_no_input_ends_in_a_traceback(
    registry: Path, command: list[str], lang: str, as_json: bool
) -> None:
    options = ["--lang", lang, *(["--json"] if as_json and command[0] in _JSON else [])]
    if command[0] in _OPERATORS:
        options += ["--operator", "operator-1"]
    separator = command.index("--") if "--" in command else len(command)
    arguments = [*command[:separator], *options, *command[separator:]]
    found = runner.invoke(app, arguments)
    assert found.exception is None or isinstance(found.exception, SystemExit), (
        arguments,
        found.output,
    )
    assert found.exit_code in ANSWERED, (arguments, found.output)


_JSON = {"status", "calc", "iin", "registers", "amount", "penalty"}
_OPERATORS = {"refunds", "temporary", "person", "audit", "clients"}


@pytest.mark.parametrize(
    "document",
    [
        "form_027u::2025-03-01",  # no number
        "form_027u:027\x01-5:2025-03-01",  # a control character
        "form_027u:\u202e5-720:2025-03-01",  # a bidirectional override
        "form_027u:" + "7" * 65 + ":2025-03-01",  # longer than the API takes
        "form_027u:027-5:0001-01-01",  # before any document could be issued
        ":027-5:2025-03-01",  # no kind
    ],
)
def test_a_document_the_api_would_refuse_is_refused_here_too(registry: Path, document: str) -> None:
    """Found by fuzzing: the command line stored such documents, and they were approved."""
    found = runner.invoke(
        app,
        [
            *("temporary", "apply", MOTHER, "--category", "pregnant"),
            *("--document", document, "--operator", "operator-1"),
        ],
    )
    assert found.exit_code == 2, found.output
    assert "--document: KIND:NUMBER:YYYY-MM-DD" in found.output
