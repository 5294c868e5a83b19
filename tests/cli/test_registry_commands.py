"""The registry's command line on a fresh SQLite file (the embedded default)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from osms.cli import context
from osms.cli.main import app
from osms.i18n import label
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.registry.models import AuditEvent
from osms.rules.month import Month
from osms.views.public import no_records

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_database(
    cli_database: Path, on_3_march_2025: date, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("OSMS_OPERATOR", "operator-1")
    return cli_database


@pytest.fixture
def register(tmp_path: Path) -> Path:
    path = tmp_path / "halyk.mt102"
    months = list(Month.range(Month(2024, 6), Month(2025, 6)))
    lines = [SampleLine("900515300018", m, Decimal("4250"), "Иванов", "Иван") for m in months]
    lines.append(SampleLine("900515300019", Month(2025, 5), Decimal("4250")))
    write_mt102(
        path,
        lines,
        sender_bic="HSBKKZKX",
        reference="R7",
        paid_on=date(2024, 6, 3),
        knp="122",
        payer="900515300018",
    )
    return path


def test_import_books_reports_and_is_idempotent(register: Path) -> None:
    first = runner.invoke(app, ["import", str(register), "--channel", "halyk", "--json"])
    assert first.exit_code == 3, first.output  # partly accepted: not every line was booked
    body = json.loads(first.output)
    assert (body["accepted"], body["rejected"]) == (12, 1)
    assert body["lines"][0]["code"] == "line.invalid_iin"
    assert body["lines"][0]["line"] == 13
    again = json.loads(
        runner.invoke(app, ["import", str(register), "--channel", "halyk", "--json"]).output
    )
    assert again["resent"] is True and again["accepted"] == 12


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("kk", "Жолдағы ЖСН қате."),
        ("ru", "В строке неверный ИИН."),
        ("en", "The line has an invalid IIN."),
    ],
)
def test_a_rejected_line_names_what_failed_in_every_language(
    register: Path, lang: str, message: str
) -> None:
    """R-IIN-3: every rejection names which check failed — the text as well as ``--json``."""
    detail = "(IIN '900515300019' is invalid: check digit is 9, expected 8)"
    imported = runner.invoke(app, ["import", str(register), "--channel", "halyk", "--lang", lang])
    assert f"line.invalid_iin [iin]: {message} {detail}" in imported.output
    page = runner.invoke(app, ["registers", "lines", "1", "--lang", lang])
    assert f"line.invalid_iin [iin]: {message} {detail}" in page.output


@pytest.mark.parametrize(
    ("lang", "named"),
    [
        ("kk", "Бұл төлем бұрын қабылданған (қайталанған төлем: төлем 1, №1 тізілім)."),
        ("ru", "Этот платёж уже получен (дубликат: платёж 1, реестр 1)."),
        ("en", "This payment has already been received (duplicate: payment 1, register 1)."),
    ],
)
def test_a_duplicate_names_the_payment_booked_before(tmp_path: Path, lang: str, named: str) -> None:
    """As ``osms registers lines --help`` promises, and as a key conflict does."""
    paid = SampleLine("900515300018", Month(2025, 1), Decimal("4250"), reference="D-1")
    other = SampleLine("900515300018", Month(2025, 2), Decimal("4250"), reference="D-2")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    write_csv(first, [paid], paid_on=date(2025, 2, 10))
    write_csv(second, [paid, other], paid_on=date(2025, 2, 10))
    for path in (first, second):
        runner.invoke(app, ["import", str(path), "--channel", "kaspi"])
    page = runner.invoke(app, ["registers", "lines", "2", "--lang", lang])
    assert f"line.duplicate [reference]: {named}\n" in page.output
    as_json = json.loads(runner.invoke(app, ["registers", "lines", "2", "--json"]).output)
    assert as_json["lines"][0]["payment_id"] == 1


def test_import_needs_a_known_channel(register: Path) -> None:
    missing = runner.invoke(app, ["import", str(register)])
    assert missing.exit_code == 2 and "--channel" in missing.output
    unknown = runner.invoke(app, ["import", str(register), "--channel", "anyone"])
    assert unknown.exit_code == 2 and "kazpost" in unknown.output
    assert runner.invoke(app, ["import", str(register), "--sender", "halyk"]).exit_code == 2


def test_import_exits_0_only_when_every_line_is_booked(tmp_path: Path) -> None:
    """The issue: 15 of 19 lines rejected and the command said success."""
    good = [SampleLine("900515300018", Month(2025, m), Decimal("4250")) for m in range(1, 5)]
    bad = [SampleLine("900515300019", Month(2025, 5), Decimal("4250"))] * 15
    statuses = {}
    for name, lines in (("all", good), ("some", good + bad), ("none", bad)):
        path = tmp_path / f"{name}.csv"
        write_csv(path, lines, paid_on=date(2025, 2, 10), payer="900515300018")
        statuses[name] = runner.invoke(app, ["import", str(path), "--channel", "kaspi"]).exit_code
    assert statuses == {"all": 0, "some": 3, "none": 1}


def test_the_same_list_with_the_channel_in_any_case_is_booked_once(tmp_path: Path) -> None:
    """Plain, kazpost and KAZPOST were three senders, and the list was booked three times."""
    path = tmp_path / "kazpost.csv"
    write_csv(
        path,
        [SampleLine("900515300018", Month(2025, 5), Decimal("4250"), reference="K-1")],
        paid_on=date(2025, 2, 10),
    )
    first = json.loads(
        runner.invoke(app, ["import", str(path), "--channel", "kazpost", "--json"]).output
    )
    assert (first["booked"], first["sender"]) == (1, "kazpost")
    for channel in ("KAZPOST", " Kazpost "):
        again = runner.invoke(app, ["import", str(path), "--channel", channel, "--lang", "en"])
        assert again.exit_code == 0, again.output
        assert f"received before as register {first['register']}: nothing changed" in again.output


def test_a_re_sent_register_prints_its_summary_and_how_to_page(register: Path) -> None:
    runner.invoke(app, ["import", str(register), "--channel", "halyk"])
    again = runner.invoke(app, ["import", str(register), "--channel", "halyk", "--lang", "en"])
    assert "nothing changed" in again.output and "Line 13" not in again.output
    assert "osms registers lines 1 --offset 0 --limit 100" in again.output
    as_json = json.loads(
        runner.invoke(app, ["import", str(register), "--channel", "halyk", "--json"]).output
    )
    assert "lines" not in as_json and as_json["recorded"] == 1
    page = runner.invoke(app, ["registers", "lines", "1", "--json", "--lang", "ru"])
    assert page.exit_code == 0, page.output
    body = json.loads(page.output)
    assert [(line["line"], line["code"]) for line in body["lines"]] == [(13, "line.invalid_iin")]
    assert body["lines"][0]["text"] == "В строке неверный ИИН."
    assert body["next_command"] is None
    text = runner.invoke(
        app, ["registers", "lines", "1", "--offset", "0", "--limit", "1", "--lang", "en"]
    )
    assert "Register 1 from halyk: lines 1–1 of 1 not simply booked" in text.output
    assert "Line 13: Rejected — line.invalid_iin [iin]: The line has an invalid IIN." in (
        text.output
    )
    missing = runner.invoke(app, ["registers", "lines", "99", "--lang", "ru"])
    assert missing.exit_code == 1
    assert missing.output.startswith("request.not_found: Не найдено. (no register 99)")


def test_status_by_iin_answers_from_the_database(register: Path) -> None:
    runner.invoke(app, ["import", str(register), "--channel", "halyk"])
    result = runner.invoke(app, ["status", "900515300018", "--date", "2024-06-20", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["status"], body["reason"]) == ("insured", "prepaid")
    unknown = runner.invoke(app, ["status", "900515300019", "--date", "2024-06-20"])
    assert unknown.exit_code == 1
    assert "iin.checksum" in unknown.output


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_iin_the_registry_does_not_know_is_no_debtor(register: Path, lang: str) -> None:
    """RULES.md §11: "no records yet", never a debtor, as the page and the bot say it; an
    operator quoting 13 unpaid months to a caller who mistyped an IIN misleads them."""
    runner.invoke(app, ["import", str(register), "--channel", "halyk"])
    known = runner.invoke(app, ["status", "900515300018", "--json"])
    assert json.loads(known.output)["known"] is True
    card = runner.invoke(app, ["status", "880607310009", "--lang", lang])
    assert card.exit_code == 0, card.output
    assert no_records(date(2025, 3, 3), lang) in card.output
    assert label(lang, "reason", "debt") not in card.output
    body = json.loads(runner.invoke(app, ["status", "880607310009", "--json"]).output)
    assert body["known"] is False
    calc = runner.invoke(app, ["calc", "880607310009", "--lang", lang])
    assert no_records(date(2025, 3, 3), lang) in calc.output
    options = json.loads(runner.invoke(app, ["calc", "880607310009", "--json"]).output)
    assert options["known"] is False
    assert {o["name"] for o in options["options"]} == {"prepay_now", "prepay_next"}


def test_an_iin_the_registry_does_not_know_insured_by_grace_is_no_debtor(register: Path) -> None:
    """RULES.md §11: 18 in September 2026, unknown to the registry: the card gives the status
    the IIN alone decides (grace after the child category), never its months as a debt."""
    runner.invoke(app, ["import", str(register), "--channel", "halyk"])
    just_18 = ["080915500001", "--date", "2026-12-08", "--lang", "en"]
    card = runner.invoke(app, ["status", *just_18])
    assert card.exit_code == 0, card.output
    assert "INSURED · Grace period" in card.output
    assert no_records(date(2026, 12, 8), "en") in card.output
    assert "Debt:" not in card.output and "12 750" not in card.output
    assert label("en", "cover", "unpaid") not in card.output
    calc = runner.invoke(app, ["calc", *just_18])
    assert label("en", "option", "clear_debt") not in calc.output
    assert label("en", "option", "prepay_next") in calc.output


def test_categories_import_reports_bad_lines(tmp_path: Path) -> None:
    feed = tmp_path / "students.csv"
    feed.write_text(
        "iin,category,first,last\n850312401235,student,2020-09,2024-06\n1,student,2020-09,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["categories", "import", str(feed), "--json"])
    assert result.exit_code == 3, result.output  # part of the feed taken in
    body = json.loads(result.output)
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert body["lines"][0]["code"] == "iin.length"
    again = runner.invoke(app, ["categories", "import", str(feed), "--lang", "ru"])
    assert again.exit_code == 3
    assert "students.csv: строк 2, принято 1, отклонено 1" in again.output
    assert "Без изменений: 1" in again.output  # re-importing changes nothing (R-CAT-1)
    status = runner.invoke(app, ["status", "850312401235", "--date", "2023-01-10", "--json"])
    assert json.loads(status.output)["category"] == "student"


def test_temporary_status_and_refund_workflows(register: Path) -> None:
    applied = runner.invoke(
        app,
        [
            "temporary",
            "apply",
            "850312401235",
            "--category",
            "pregnant",
            "--document",
            "form_027u:027-5:2025-03-01",
            "--date",
            "2025-03-03",
            "--lang",
            "en",
        ],
    )
    assert applied.exit_code == 0, applied.output
    assert applied.output == "Temporary-status application 1: pending\n"
    application_id = "1"
    decide = ["--operator", "operator-2", "--lang", "en"]
    own = runner.invoke(app, ["temporary", "approve", application_id])
    assert own.exit_code == 1 and "temporary.decider_is_applicant" in own.output
    backdated = runner.invoke(
        app, ["temporary", "approve", application_id, "--date", "2025-03-02", *decide]
    )
    assert backdated.exit_code == 1 and "temporary.backdated" in backdated.output
    approved = runner.invoke(app, ["temporary", "approve", application_id, *decide])
    assert "approved; insured from 3 March 2025 through 2 April 2025" in approved.output, (
        approved.output
    )
    status = runner.invoke(app, ["status", "850312401235", "--date", "2025-03-20", "--json"])
    assert json.loads(status.output)["reason"] == "temporary"

    runner.invoke(app, ["import", str(register), "--channel", "halyk"])
    refund = runner.invoke(
        app,
        ["refunds", "apply", "1", "--reason", "wrong_period", "--date", "2024-07-01"],
        env={"OSMS_OPERATOR": "operator-1"},
    )
    assert "решить до" not in refund.output  # Kazakh by default
    assert "2024 жылғы 23 шілде күніне дейін шешілуі тиіс" in refund.output, refund.output
    listed = runner.invoke(
        app, ["refunds", "list", "--overdue", "--date", "2024-07-24", "--lang", "en"]
    )
    assert "due by 23 July 2024: overdue by 1 working day" in listed.output, listed.output
    backdated = runner.invoke(app, ["refunds", "approve", "1", "--date", "2024-07-10", *decide])
    assert backdated.exit_code == 1 and "refund.backdated" in backdated.output
    approved = runner.invoke(app, ["refunds", "approve", "1", *decide])
    assert "approved; 4\u202f250\xa0₸ refunded from 3 March 2025" in approved.output, (
        approved.output
    )


def _audit() -> list[AuditEvent]:
    with Session(context.engine()) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_the_lists_of_applications_are_audited() -> None:
    """RULES.md §11: a list shows people's IINs; it is a look-up, audited with ``cli``."""
    assert runner.invoke(app, ["refunds", "list"]).exit_code == 0
    listed = runner.invoke(app, ["temporary", "list", "--lang", "en"])
    assert "No temporary-status applications to decide." in listed.output
    events = [(e.actor, e.action, e.iin) for e in _audit()]
    assert events == [("operator-1", "refund.list", None), ("operator-1", "temporary.list", None)]
    assert all("through cli" in e.why for e in _audit())


def test_calc_by_iin_is_audited_through_the_service(register: Path) -> None:
    runner.invoke(app, ["import", str(register), "--channel", "halyk"])
    calc = runner.invoke(app, ["calc", "900515300018", "--date", "2025-09-10", "--json"])
    assert calc.exit_code == 0, calc.output
    assert json.loads(calc.output)["iin"] == "900515300018"
    (event,) = [e for e in _audit() if e.action == "calculator.lookup"]
    assert (event.actor, event.iin, event.detail["date"]) == (
        "operator-1",
        "900515300018",
        "2025-09-10",
    )
    assert "through cli" in event.why


def test_the_whole_registry_export_is_audited_before_anything_leaves(
    register: Path, tmp_path: Path
) -> None:
    runner.invoke(app, ["import", str(register), "--channel", "halyk"])
    out = tmp_path / "exported"
    result = runner.invoke(app, ["batch", "export", "--out", str(out), "--parts", "2"])
    assert result.exit_code == 0, result.output
    (event,) = [e for e in _audit() if e.action == "registry.export"]
    assert (event.actor, event.iin) == ("operator-1", None)
    assert str(out) in event.why and "through cli" in event.why

    with context.engine().begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit storage down'); END"
            )
        )
    refused = runner.invoke(app, ["batch", "export", "--out", str(tmp_path / "again")])
    assert refused.exit_code == 2 and "audit.unavailable" in refused.output
    assert not (tmp_path / "again").exists()


def test_operator_errors_are_stable_codes() -> None:
    missing = runner.invoke(
        app,
        [
            "temporary",
            "apply",
            "850312401235",
            "--category",
            "pregnant",
            "--document",
            "birth_certificate:1:2025-01-01",
        ],
    )
    assert missing.exit_code == 1
    assert "temporary.documents_missing" in missing.output
    nothing = runner.invoke(app, ["refunds", "approve", "42"])
    assert "refund.not_found" in nothing.output


def _big_register(tmp_path: Path) -> Path:
    """1 200 lines: 1 199 good ones and one with an invalid IIN (the last)."""
    good = [
        SampleLine("900515300018", Month(2025, 1), Decimal("4250"), reference=f"B-{n}")
        for n in range(1, 1200)
    ]
    bad = SampleLine("900515300019", Month(2025, 1), Decimal("4250"), reference="B-1200")
    path = tmp_path / "big.csv"
    write_csv(path, [*good, bad], paid_on=date(2025, 2, 10), payer="900515300018")
    return path


def test_the_import_report_speaks_kazakh_by_default_and_russian(tmp_path: Path) -> None:
    """Issue 11: the status in words, counts grouped (1 200), each line's code with its
    message in the operator's language; the exit status still says partly accepted."""
    path = _big_register(tmp_path)
    kk = runner.invoke(app, ["import", str(path), "--channel", "kaspi"])
    assert kk.exit_code == 3, kk.output
    assert "big.csv: Ішінара қабылданды (№1 тізілім)" in kk.output
    assert "1\u202f200 жол, 1\u202f199 қабылданды (1\u202f199 есепке алынды" in kk.output
    assert "1\u202f200-жол: Қабылданбады — line.invalid_iin" in kk.output
    assert "partially_accepted" not in kk.output and "lines" not in kk.output

    ru = runner.invoke(app, ["import", str(path), "--channel", "kaspi", "--lang", "ru"])
    assert ru.exit_code == 3, ru.output
    assert "big.csv: Принят частично (уже получен как реестр 1: ничего не изменилось)" in (
        ru.output
    )
    assert "строк 1\u202f200, принято 1\u202f199 (учтено 1\u202f199" in ru.output
    assert "отклонённых или повторных строк: 1; список: osms registers lines 1" in ru.output
    page = runner.invoke(app, ["registers", "lines", "1", "--lang", "ru"])
    assert "Реестр 1 от kaspi: строки 1–1 из 1 отклонённых или повторных" in page.output
    assert "Строка 1\u202f200: Отклонено — line.invalid_iin [iin]: В строке неверный ИИН." in (
        page.output
    )


def test_english_counts_say_line_for_one_and_lines_for_more(register: Path, tmp_path: Path) -> None:
    """A report of one line said "1 lines": the counts of lines are plural messages."""
    runner.invoke(app, ["import", str(register), "--channel", "halyk"])
    again = runner.invoke(app, ["import", str(register), "--channel", "halyk", "--lang", "en"])
    assert "13 lines, 12 accepted" in again.output
    assert "1 line not simply booked: osms registers lines 1" in again.output
    assert "1 lines" not in again.output
    feed = tmp_path / "one.csv"
    feed.write_text("iin,category,first,last\n850312401235,student,2020-09,2024-06\n")
    one = runner.invoke(app, ["categories", "import", str(feed), "--lang", "en"])
    assert "one.csv: 1 line, 1 accepted, 0 rejected" in one.output, one.output
    ru = runner.invoke(app, ["categories", "import", str(feed), "--lang", "ru"])
    assert "one.csv: строк 1, принято 1, отклонено 0" in ru.output, ru.output


def test_the_json_report_keeps_its_codes_in_any_language(tmp_path: Path) -> None:
    path = _big_register(tmp_path)
    body = json.loads(
        runner.invoke(
            app, ["import", str(path), "--channel", "kaspi", "--json", "--lang", "ru"]
        ).output
    )
    assert (body["status"], body["lines_total"], body["accepted"]) == (
        "partially_accepted",
        1200,
        1199,
    )
    assert body["lines"][0]["status"] == "rejected" and body["lines"][0]["line"] == 1200


def test_the_lines_of_a_register_rejected_whole_say_there_are_none(tmp_path: Path) -> None:
    """A register rejected whole records no line: its page says so, not "lines 1–0 of 0"."""
    bad = tmp_path / "bad.csv"
    bad.write_text("who;what\n1;2\n", encoding="utf-8")
    rejected = runner.invoke(app, ["import", str(bad), "--channel", "kassa24"])
    assert rejected.exit_code == 1, rejected.output
    page = runner.invoke(app, ["registers", "lines", "1", "--lang", "ru"])
    assert page.exit_code == 0, page.output
    assert "здесь строк нет (отклонённых или повторных строк: 0)" in page.output
    assert "1–0" not in page.output
