"""``osms amount`` and ``osms penalty``: the Fund's calculators on the command line (R-K-1,
R-K-4; SOURCES.md T1-T3, §8), in kk/ru/en; bad input exits 2 with a coded message."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from osms import clock
from osms.cli.main import app
from osms.i18n import error_message, format_date, format_money, t
from osms.views.amounts import CAPPED, MONTHLY_AMOUNT, ON_TIME, PROVISIONAL, RATE_MISSING

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("kind", "year", "expected"),
    [("self_payer", "2024", "4250.00"), ("entrepreneur", "2024", "5950.00")],
)
def test_fixed_amounts_as_json(kind: str, year: str, expected: str) -> None:
    code, out, _ = run("amount", "--kind", kind, "--year", year, "--json")
    assert code == 0, out
    assert json.loads(out)["amount"] == expected


def test_an_employer_in_2026_is_capped_at_40_wages_in_kazakh_by_default() -> None:
    code, out, _ = run("amount", "--kind", "employer", "--year", "2026", "--income", "5 000 000")
    assert code == 0, out
    assert f"{t('kk', MONTHLY_AMOUNT)}: {format_money(102000, 'kk')}" in out
    assert t("kk", CAPPED) in out
    assert "121" in out


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_employee_cap_of_2025_in_each_language(lang: str) -> None:
    code, out, _ = run(
        "amount", "--kind", "employee", "--year", "2025", "--income", "900000", "--lang", lang
    )
    assert code == 0, out
    assert f"{t(lang, MONTHLY_AMOUNT)}: {format_money(17000, lang)}" in out


def test_an_unpublished_year_says_it_is_provisional() -> None:
    code, out, _ = run("amount", "--kind", "self_payer", "--year", "2027", "--lang", "ru")
    assert code == 0
    assert t("ru", PROVISIONAL, year=2027) in out


def test_the_year_defaults_to_this_year(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_utc_now", lambda: datetime(2023, 12, 31, 20, 0, tzinfo=UTC))
    code, out, _ = run("amount", "--kind", "self_payer", "--json")
    assert code == 0
    assert json.loads(out)["year"] == 2024  # 01:00 on 1 January in Almaty (R-T-4)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("amount", "--kind", "boss", "--year", "2024"), "amount.kind"),
        (("amount", "--kind", "self_payer", "--year", "24"), "amount.year"),
        (("amount", "--kind", "self_payer", "--year", "2019"), "amount.not_due"),
        (("amount", "--kind", "employee", "--year", "2024"), "amount.income_required"),
        (("amount", "--kind", "employee", "--year", "2024", "--income", "-1"), "amount.income"),
        (("penalty", "--arrears", "0", "--period", "2023-06"), "penalty.arrears"),
        (("penalty", "--arrears", "1", "--period", "2023/06"), "penalty.period"),
        (
            ("penalty", "--arrears", "1", "--period", "2023-06", "--paid-on", "4.8.2023"),
            "penalty.paid_on",
        ),
    ],
)
@pytest.mark.parametrize("lang", ["kk", "en"])
def test_bad_input_exits_2_with_the_code_and_a_message(
    args: tuple[str, ...], code: str, lang: str
) -> None:
    status, out, err = run(*args, "--lang", lang)
    assert status == 2
    assert out == ""
    assert err.startswith(f"error {code}: {error_message(code, lang)} (")
    assert "Traceback" not in err


def test_a_wrong_language_exits_2() -> None:
    status, _, err = run("amount", "--kind", "self_payer", "--lang", "de")
    assert status == 2
    assert "--lang" in err


def test_scenario_28_penalty() -> None:
    code, out, _ = run(
        "penalty", "--arrears", "21000", "--period", "2023-06", "--paid-on", "2023-08-04", "--json"
    )
    assert code == 0, out
    body = json.loads(out)
    assert (body["days"], body["amount"], body["due_on"]) == (10, "120.46", "2023-07-25")


def test_a_penalty_in_russian_lists_its_parts() -> None:
    code, out, _ = run(
        "penalty",
        "--arrears",
        "100000",
        "--period",
        "2021-12",
        "--paid-on",
        "2022-05-10",
        "--lang",
        "ru",
    )
    assert code == 0, out
    assert format_money("4559.08", "ru") in out
    assert out.count("× 1,25") == 3  # three base rates: 10.25, 13.5, 14 % (RULES.md §13)


def test_paid_on_time() -> None:
    code, out, _ = run(
        "penalty",
        "--arrears",
        "21000",
        "--period",
        "2023-06",
        "--paid-on",
        "2023-07-25",
        "--lang",
        "en",
    )
    assert code == 0
    assert t("en", ON_TIME) in out


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_day_without_a_base_rate_is_named_and_exits_2(lang: str) -> None:
    """R-K-4: the first day whose NBK base rate is not recorded, never a guess."""
    status, out, err = run(
        "penalty",
        "--arrears",
        "21000",
        "--period",
        "2024-01",
        "--paid-on",
        "2024-03-01",
        "--lang",
        lang,
    )
    assert status == 2
    assert out == ""
    day = format_date("2024-02-26", lang)
    assert err.startswith(f"error parameter.missing: {t(lang, RATE_MISSING, date=day)}")


# -- the words ------------------------------------------------------------------------------------


def test_every_calculator_word_is_translated_with_its_placeholders() -> None:
    from osms.i18n import placeholders, read_catalog
    from osms.views.amounts import AMOUNT_MESSAGES

    for lang in ("kk", "ru"):
        catalog = read_catalog(lang)
        for msgid in AMOUNT_MESSAGES:
            message = catalog.get(msgid)
            assert message is not None and message.string, (lang, msgid)
            assert placeholders(str(message.string)) == placeholders(msgid), (lang, msgid)
    assert len(set(AMOUNT_MESSAGES)) == len(AMOUNT_MESSAGES)
