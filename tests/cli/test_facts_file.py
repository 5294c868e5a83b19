"""The facts reader never fails with anything but a FactsError (code, field, message), and the
command line turns each into a message in --lang and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from osms.cli.main import app
from osms.i18n import error_message
from osms.rules.facts import PersonFacts
from osms.scenarios.facts_file import (
    LAST_DATE,
    MAX_DEPTH,
    MAX_FACTS_BYTES,
    FactsError,
    load_facts_file,
    read_facts,
)

runner = CliRunner()

GOOD = """\
person: {iin: "900515300018"}
payments:
  - {periods: 2024-01..2024-06, paid_on: 2024-01-10}
"""
CODES = {"facts.encoding", "facts.unreadable", "facts.too_large", "facts.yaml", "facts.invalid"}


def _payment(**fields: str) -> str:
    entry = {"period": "2024-01", "paid_on": "2024-01-10", **fields}
    inner = ", ".join(f"{key}: {value}" for key, value in entry.items())
    return f'person: {{iin: "900515300018"}}\npayments:\n  - {{{inner}}}\n'


_LAUGHS = (
    "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 9))
    + 'person: {{iin: "900515300018", kind: self_payer}}\n'
    + "payments: [{{period: 2024-01, paid_on: 2024-01-10, {where}: *l8}}]\n"
)
"""Nine levels of ten aliases: 10⁹ values in a few hundred bytes once expanded."""

# name -> (bytes, the expected code)
CORPUS: dict[str, tuple[bytes, str]] = {
    "windows-1251": (
        'person: {iin: "900515300018", kind: "Өзін"}\n'.encode("cp1251", "replace"),
        "facts.encoding",
    ),
    "kz-1048 bytes": (b"person:\n  iin: \xb0\xbe\xc6\n", "facts.encoding"),
    "utf-16": (GOOD.encode("utf-16"), "facts.encoding"),
    "nul byte": (b'person: {iin: "9005\x0015300018"}\n', "facts.encoding"),
    "binary": (bytes(range(256)) * 4, "facts.encoding"),
    "deep nesting": (b"[" * 2000 + b"]" * 2000, "facts.yaml"),
    "deep mapping": (b"a: " * (MAX_DEPTH + 5) + b"1\n", "facts.yaml"),
    "malformed yaml": (b"person: {iin: [\n", "facts.yaml"),
    "tab indentation": (b"person:\n\tiin: 1\n", "facts.yaml"),
    "empty": (b"", "facts.invalid"),
    "a list": (b"- 1\n- 2\n", "facts.invalid"),
    "a number": (b"42\n", "facts.invalid"),
    "no person": (b"payments: []\n", "facts.invalid"),
    "unknown top-level key": (GOOD.encode() + b"shoe_size: 42\n", "facts.invalid"),
    "unknown person key": (b'person: {iin: "900515300018", shoe: 42}\n', "facts.invalid"),
    "numeric keys": (b'person: {iin: "900515300018", 1: a, b: 2}\n', "facts.invalid"),
    "bad iin": (b'person: {iin: "900515300019"}\n', "facts.invalid"),
    "iin as a list": (b"person: {iin: [1, 2]}\n", "facts.invalid"),
    "date 0000-00-00": (_payment(paid_on="0000-00-00").encode(), "facts.invalid"),
    "date 9999-12-31": (_payment(paid_on="9999-12-31").encode(), "facts.invalid"),
    "date 0001-01-01": (_payment(paid_on="0001-01-01").encode(), "facts.invalid"),
    "date 2023-02-29": (_payment(paid_on="2023-02-29").encode(), "facts.invalid"),
    "week date": (_payment(paid_on="2024-W01-1").encode(), "facts.invalid"),
    "date as a number": (_payment(paid_on="20240110").encode(), "facts.invalid"),
    "month 9999-12": (_payment(period="9999-12").encode(), "facts.invalid"),
    "month 13": (_payment(period="2024-13").encode(), "facts.invalid"),
    "range to 9999": (
        _payment(periods="2024-01..9999-12").replace("period: 2024-01, ", "").encode(),
        "facts.invalid",
    ),
    "huge amount": (_payment(amount="1e999999").encode(), "facts.invalid"),
    "infinite amount": (_payment(amount=".inf").encode(), "facts.invalid"),
    "nan amount": (_payment(amount=".nan").encode(), "facts.invalid"),
    "amount of minus a trillion": (_payment(amount="-1e12").encode(), "facts.invalid"),
    "amount as a mapping": (_payment(amount="{a: 1}").encode(), "facts.invalid"),
    "credited before paid": (
        _payment(paid_on="2024-01-10", credited_on="2024-01-09").encode(),
        "facts.invalid",
    ),
    "refunded before paid": (
        _payment(paid_on="2024-01-10", refunded_on="2023-12-31").encode(),
        "facts.invalid",
    ),
    "temporary in 9999": (
        b'person: {iin: "900515300018",'
        b" temporary: [{category: pregnant, granted_on: 9999-12-31}]}\n",
        "facts.invalid",
    ),
    "category from year 1": (
        b'person: {iin: "900515300018", categories: [{category: child, from: 0001-01}]}\n',
        "facts.invalid",
    ),
    "payments a mapping": (b'person: {iin: "900515300018"}\npayments: {a: 1}\n', "facts.invalid"),
    "alias bomb": (
        b'person: {iin: "900515300018"}\n'
        b"p: &p {periods: 2020-01..2099-12, paid_on: 2024-01-10}\n"
        b"payments: [" + b", ".join([b"*p"] * 40) + b"]\n",
        "facts.invalid",
    ),
    "an unknown category": (
        b'person: {iin: "900515300018", categories: [{category: nonsense, from: 2024-01}]}\n',
        "facts.invalid",
    ),
    "an unknown temporary category": (
        b'person: {iin: "900515300018", temporary: [{category: x, granted_on: 2024-01-10}]}\n',
        "facts.invalid",
    ),
    "a category as a list": (
        b'person: {iin: "900515300018", categories: [{category: [a], from: 2024-01}]}\n',
        "facts.invalid",
    ),
    # found by fuzzing: each of these was a MemoryError or a UnicodeEncodeError traceback
    "billion laughs as the iin": (_LAUGHS.format(where="iin").encode(), "facts.yaml"),
    "billion laughs as a reference": (_LAUGHS.format(where="reference").encode(), "facts.yaml"),
    "an alias of itself": (b'person: &a {iin: "900515300018", kind: [*a]}\n', "facts.yaml"),
    "a lone surrogate key": (b'person: {iin: "900515300018", "\\ud800": 1}\n', "facts.yaml"),
    "a lone surrogate category": (
        b'person: {iin: "900515300018", categories: [{category: "\\udfff", from: 2024-01}]}\n',
        "facts.yaml",
    ),
}


def _assert_clean(data: bytes) -> PersonFacts | FactsError:
    try:
        return read_facts(data, "fuzz.yaml")
    except FactsError as error:
        assert error.code in CODES
        assert error.field and error.message
        return error


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_bad_file_is_a_facts_error_with_its_code(name: str) -> None:
    data, code = CORPUS[name]
    with pytest.raises(FactsError) as raised:
        read_facts(data, "bad.yaml")
    assert raised.value.code == code, raised.value


def test_utf8_with_or_without_a_byte_order_mark_is_read() -> None:
    plain = read_facts(GOOD.encode(), "good.yaml")
    assert read_facts(b"\xef\xbb\xbf" + GOOD.encode(), "bom.yaml") == plain
    assert len(plain.payments) == 6
    kazakh = read_facts("# Төлемдер — ЖСН\n".encode() + GOOD.encode(), "kk.yaml")
    assert kazakh == plain


def test_the_bounds_themselves_are_read() -> None:
    facts = read_facts(
        _payment(paid_on=LAST_DATE.isoformat(), period="2099-12", amount="1").encode()
    )
    assert facts.payments[0].paid_on == date(2099, 12, 31)


def test_a_file_too_large_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "large.yaml"
    path.write_bytes(b"#" * (MAX_FACTS_BYTES + 1))
    with pytest.raises(FactsError) as raised:
        load_facts_file(path)
    assert raised.value.code == "facts.too_large"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_any_bytes_are_read_or_refused_cleanly(data: bytes) -> None:
    _assert_clean(data)


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "900515300018",
            "900515300019",
            "2024-01",
            "2024-01..2024-12",
            "0000-00-00",
            "9999-12-31",
            "2024-02-30",
            "1e999999",
            "122",
            "183",
            "self_payer",
            "employee",
            "pregnant",
            "child",
            "2024-01-10",
            "12.2024",
            "122024",
            "-1",
            "NaN",
            "∞",
        ]
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_PAYMENT = st.dictionaries(
    st.sampled_from(
        [
            "period",
            "periods",
            "paid_on",
            "amount",
            "knp",
            "payer",
            "credited_on",
            "refunded_on",
            "channel",
            "reference",
            "extra",
        ]
    ),
    _VALUES,
    max_size=6,
)
_PERSON = st.dictionaries(
    st.sampled_from(["iin", "kind", "categories", "temporary", "extra"]),
    _VALUES
    | st.lists(
        st.dictionaries(
            st.sampled_from(["category", "from", "to", "granted_on"]), _VALUES, max_size=3
        ),
        max_size=3,
    ),
    max_size=4,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {
            "person": _PERSON | _VALUES,
            "payments": st.lists(_PAYMENT | _VALUES, max_size=4) | _VALUES,
        }
    )
)
def test_any_facts_shaped_document_is_read_or_refused_cleanly(document: dict[str, Any]) -> None:
    _assert_clean(yaml.safe_dump(document, allow_unicode=True).encode())


# -- the command line ----------------------------------------------------------------------------


def _run(args: list[str]) -> Any:
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("command", ["status", "calc"])
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_cli_refuses_each_bad_file_with_status_2(
    tmp_path: Path, command: str, name: str
) -> None:
    data, code = CORPUS[name]
    path = tmp_path / "facts.yaml"
    path.write_bytes(data)
    result = _run([command, "--facts", str(path), "--date", "2025-01-10", "--lang", "ru"])
    assert result.exit_code == 2, result.output
    assert f"error {code}: {error_message(code, 'ru')}" in result.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["status", "--facts", "{good}", "--date", "9999-12-31"], "--date"),
        (["status", "--facts", "{good}", "--date", "0000-00-00"], "--date"),
        (["status", "--facts", "{good}", "--date", "2019-12-31"], "--date"),
        (["calc", "--facts", "{good}", "--date", "31.12.2024"], "--date"),
        (
            ["status", "--facts", "{good}", "--date", "2025-01-10", "--as-of", "9999-01-01"],
            "--as-of",
        ),
        (["status", "--facts", "{good}", "--lang", "fr"], "--lang"),
        (["calc", "--facts", "{good}", "--lang", ""], "--lang"),
        (["status", "--facts", "{missing}", "--date", "2025-01-10"], "facts.unreadable"),
        (["calc", "--facts", "{folder}", "--date", "2025-01-10"], "facts.unreadable"),
    ],
)
def test_bad_invocations_are_clear_errors(tmp_path: Path, args: list[str], says: str) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    paths = {"good": good, "missing": tmp_path / "missing.yaml", "folder": tmp_path}
    result = _run([arg.format(**paths) for arg in args])
    assert result.exit_code == 2, result.output
    assert says in result.output


def test_the_good_file_answers(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    for command in ("status", "calc"):
        assert _run([command, "--facts", str(good), "--date", "2024-03-10"]).exit_code == 0


@pytest.mark.parametrize("name", ["windows-1251", "deep nesting"])
def test_a_real_process_prints_no_traceback(tmp_path: Path, name: str) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(CORPUS[name][0])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "osms.cli.main",
            "status",
            "--facts",
            str(path),
            "--date",
            "2025-01-10",
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"error {CORPUS[name][1]}: " in done.stderr
