"""Operators' tools on the command line, on a fresh SQLite file: the operator is named, every
command answers in kk/ru/en with words for codes and grouped numbers, and an operator goes from
an IIN to a refund decision and to who looked the IIN up with the CLI alone."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from osms import clock
from osms.cli import context
from osms.cli.main import app
from osms.i18n import translator
from osms.intake.samples import SampleLine, write_csv, write_mt102
from osms.registry.audit import door_of
from osms.registry.models import AuditEvent
from osms.rules.facts import PersonFacts
from osms.rules.month import Month
from osms.rules.status import Reason, decide
from osms.scenarios.facts_file import parse_facts
from osms.views.operator import OPERATOR_MESSAGES, PLURALS, status_words, word

runner = CliRunner()

ADULT = "900515300018"  # a man born 1990-05-15
MOTHER = "850312401235"  # a woman born 1985-03-12


@pytest.fixture(autouse=True)
def fresh_database(cli_database: Path, on_3_march_2025: date) -> Path:
    return cli_database


def osms(*args: str, operator: str | None = "operator-1", lang: str | None = None) -> str:
    """Run ``osms`` as ``operator`` (None: no operator named); the output, exit status 0."""
    found = _run(*args, operator=operator, lang=lang)
    assert found.exit_code == 0, found.output
    return found.output


def _run(*args: str, operator: str | None = "operator-1", lang: str | None = None) -> Result:
    extra = [*(["--operator", operator] if operator else []), *(["--lang", lang] if lang else [])]
    return runner.invoke(app, [*args, *extra])


@pytest.fixture
def payments(tmp_path: Path) -> Path:
    """13 months 2024-06 … 2025-06 paid in advance from Halyk (payments 1 … 13, a prepaid
    block, R-S-4), and February 2025 paid again through Kazpost (payment 14): an overpayment."""
    halyk = tmp_path / "halyk.mt102"
    months = list(Month.range(Month(2024, 6), Month(2025, 7)))
    write_mt102(
        halyk,
        [SampleLine(ADULT, m, Decimal("4250"), "Иванов", "Иван") for m in months],
        sender_bic="HSBKKZKX",
        reference="R7",
        paid_on=date(2024, 6, 3),
        knp="122",
        payer=ADULT,
    )
    kazpost = tmp_path / "kazpost.csv"
    write_csv(
        kazpost,
        [SampleLine(ADULT, Month(2025, 2), Decimal("4250"), reference="K-9")],
        paid_on=date(2025, 2, 10),
        payer=ADULT,
    )
    for path, channel in ((halyk, "halyk"), (kazpost, "kazpost")):
        booked = runner.invoke(app, ["import", str(path), "--channel", channel])
        assert booked.exit_code == 0, booked.output
    return tmp_path


def _events() -> list[AuditEvent]:
    with Session(context.engine()) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


@pytest.mark.parametrize(
    "command",
    [
        ["temporary", "list"],
        ["refunds", "list"],
        ["refunds", "show", "1"],
        ["person", ADULT],
        ["audit"],
        ["temporary", "apply", MOTHER, "--category", "pregnant", "--document", "f:1:2025-03-01"],
    ],
)
def test_an_operator_command_names_its_operator(command: list[str]) -> None:
    """Never ``cli:unknown`` in the audit trail: no operator, no command (exit 2)."""
    found = runner.invoke(app, [*command, "--lang", "en"])
    assert found.exit_code == 2, found.output
    assert "operator.missing: Name the operator: --operator NAME or the OSMS_OPERATOR" in (
        found.output
    )
    named = runner.invoke(app, [*command, "--lang", "en"], env={"OSMS_OPERATOR": "aigerim"})
    assert named.exit_code != 2, named.output
    assert all(event.actor == "aigerim" for event in _events())
    assert runner.invoke(app, [*command, "--lang", "de"]).exit_code == 2


def test_the_person_file_lists_payments_with_ids_registers_and_look_ups(payments: Path) -> None:
    text = osms("person", ADULT, lang="en")
    assert "Person file, IIN 900515300018" in text
    assert "Name: Иванов Иван" in text
    assert "Born 15 May 1990, male" in text
    assert "Status today: Insured · Prepayment" in text
    assert "payment 1: June 2024, 4\u202f250\xa0₸, KNP 122, payer 900515300018" in text
    assert "register 1 from halyk, reference R7, line 1" in text
    assert re.search(r"payment 14: February 2025, .*paid on 10 February 2025", text)
    # a CSV line by the reference its bank knows (R-R-1: a refund is matched to it)
    assert re.search(r"register 2 from kazpost \(file \w+\), line 1, reference K-9\n", text)
    assert "Person file viewed" in text  # the look-up itself is in the trail shown
    (event,) = [e for e in _events() if e.action == "person.lookup"]
    assert (event.actor, event.iin, event.why) == (
        "operator-1",
        ADULT,
        "person file read through cli",
    )
    unknown = osms("person", MOTHER, lang="ru")
    assert "В реестре пока нет." in unknown and "Платежей нет." in unknown
    bad = _run("person", "900515300019", lang="en")
    assert bad.exit_code == 1 and "iin.checksum" in bad.output


def test_the_person_file_shows_category_history_and_decisions(tmp_path: Path) -> None:
    feed = tmp_path / "enbek.csv"
    feed.write_text("iin,category,first,last\n850312401235,unemployed,2024-09,\n", "utf-8")
    osms("categories", "import", str(feed))
    feed.write_text("iin,category,first,last\n850312401235,unemployed,2024-09,2025-01\n", "utf-8")
    osms("categories", "import", str(feed))
    osms(
        "temporary",
        "apply",
        MOTHER,
        "--category",
        "pregnant",
        "--document",
        "form_027u:1:2025-03-01",
    )
    osms("temporary", "refuse", "1", "--reason", "the form is not signed", operator="operator-2")
    text = osms("person", MOTHER, lang="ru")
    assert "Безработные" in text or "безработн" in text.lower()
    assert "сентябрь 2024 – январь 2025, источник: enbek.csv" in text
    assert re.search(r"Дата рождения: [^;\n]+ г\.; пол: женский", text), text
    assert "Прежние версии" in text and "сентябрь 2024 – без срока, до 3 марта 2025 г." in text
    assert "временный статус 1, " in text and ": отказано, подано " in text
    assert ", зарегистрировал: " in text  # who took the application, not who approved it
    assert "решение принял operator-2, " in text  # on the day the registry recorded it
    assert "причина: the form is not signed" in text


def test_the_audit_trail_by_iin_actor_door_and_days(payments: Path) -> None:
    osms("status", ADULT, operator=None)  # a look-up through the command line
    osms("person", ADULT, operator="operator-2")
    text = osms("audit", "--iin", ADULT, lang="en")
    assert "Status look-up" in text and "Person file viewed" in text
    assert "operator-2" in text
    by_actor = osms("audit", "--actor", "operator-2", lang="en")
    assert "Person file viewed" in by_actor and "Status look-up" not in by_actor
    assert osms("audit", "--door", "api", lang="en").strip() == "No events."
    recorded = _events()[-1].at.astimezone(clock.KAZAKHSTAN).date()  # the trail's own clock
    later = (recorded + timedelta(days=1)).isoformat()
    assert osms("audit", "--from", later, lang="en").strip() == "No events."
    day = recorded.isoformat()
    today = osms("audit", "--from", day, "--to", day, "--csv")
    rows = list(csv.DictReader(io.StringIO(today)))
    assert list(rows[0]) == ["at", "actor", "action", "iin", "door", "why", "detail"]
    assert {(r["action"], r["door"]) for r in rows} >= {
        ("status.lookup", "cli"),
        ("person.lookup", "cli"),
    }
    backwards = _run("audit", "--from", "2025-03-04", "--to", "2025-03-03", lang="en")
    assert backwards.exit_code == 1 and "audit.period_order" in backwards.output
    reads = [e for e in _events() if e.action == "audit.lookup"]
    assert reads and all(e.actor == "operator-1" for e in reads)
    assert reads[0].detail["iins"] == [ADULT]


# Every action the registry audits (audit.record / record_lookup), by the door that records it.
AUDITED_ACTIONS = (
    "status.lookup",
    "calculator.lookup",
    "person.lookup",
    "audit.lookup",
    "register.book",
    "register.lines",
    "categories.import",
    "category.change",
    "refund.apply",
    "refund.apply_again",
    "refund.effect",
    "refund.approve",
    "refund.refuse",
    "refund.list",
    "temporary.apply",
    "temporary.apply_again",
    "temporary.approve",
    "temporary.refuse",
    "temporary.list",
    "api_client.create",
    "api_client.revoke",
    "bot.subscribe",
    "bot.unsubscribe",
    "bot.remind",
    "registry.export",
    "demo.build",
)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("action", AUDITED_ACTIONS)
def test_every_audited_action_has_words(action: str, lang: str) -> None:
    assert word(lang, "action", action) != action


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_audit_trail_names_registers_feeds_and_keys_in_words(
    payments: Path, tmp_path: Path, lang: str
) -> None:
    osms("registers", "lines", "1")
    feed = tmp_path / "enbek.csv"
    feed.write_text("iin,category,first,last\n850312401235,unemployed,2024-09,\n", "utf-8")
    osms("categories", "import", str(feed))
    osms("clients", "create", "kaspi", "--scope", "status:read")
    osms("clients", "revoke", "1")
    actions = {e.action for e in _events()}
    assert actions >= {"register.book", "register.lines", "category.change", "api_client.revoke"}
    text = osms("audit", lang=lang)
    assert not [a for a in actions if a in text], text


def test_api_keys_made_and_revoked_on_the_command_line_are_audited_through_cli() -> None:
    osms("clients", "create", "kaspi", "--scope", "status:read")
    osms("clients", "revoke", "1")
    made = [e for e in _events() if e.action.startswith("api_client.")]
    assert [(e.action, door_of(e)) for e in made] == [
        ("api_client.create", "cli"),
        ("api_client.revoke", "cli"),
    ]
    by_door = osms("audit", "--door", "cli", lang="en")
    assert "API client created" in by_door and "API client's key revoked" in by_door


def test_the_pending_temporary_applications_with_their_documents() -> None:
    form = ["--category", "pregnant", "--document", "form_027u:027-5:2025-03-01"]
    osms("temporary", "apply", MOTHER, *form, "--date", "2025-03-01")
    again = osms("temporary", "apply", MOTHER, *form, lang="en")
    assert "already pending for this person and category" in again
    text = osms("temporary", "list", lang="ru")
    assert text == (
        "Заявление на временный статус 1: 850312401235, Неработающие беременные женщины, "
        "подано 1 марта 2025 г. через operator, документы: form_027u 027-5 (1 марта 2025 г.)\n"
    )
    male = runner.invoke(app, ["temporary", "apply", ADULT, *form, "--operator", "op"])
    assert male.exit_code == 1
    assert "temporary.not_a_woman: Жүктілік санаты әйелдерге арналған" in male.output


def test_the_refund_list_shows_amounts_and_working_days_left(payments: Path) -> None:
    osms("refunds", "apply", "14", "--reason", "overpayment")
    kk = osms("refunds", "list")
    assert "14 төлем (2025 жылғы ақпан, 4\u202f250\xa0₸), артық төлем" in kk
    # 3 March 2025 and the 15 working days after it, to 28 March (Nauryz, 21-25 March, R-T-2):
    # R-R-1's 15 working days are all left on the day of the application, none on the due day
    assert "мерзімі 2025 жылғы 28 наурыз: 15 жұмыс күні қалды" in kk, kk
    ru = osms("refunds", "list", "--date", "2025-03-31", lang="ru")
    assert "просрочено на 1 рабочий день" in ru
    assert "остался 1 рабочий день" in osms("refunds", "list", "--date", "2025-03-27", lang="ru")
    en = osms("refunds", "list", "--date", "2025-03-28", lang="en")
    assert "due by 28 March 2025: due today" in en
    assert "4\u202f250\xa0₸), overpayment, due by" in en
    assert "бүгін" in osms("refunds", "list", "--date", "2025-03-28")


def test_a_refund_shows_what_it_changes_before_approval(payments: Path) -> None:
    applied = osms("refunds", "apply", "3", "--reason", "wrong_period", lang="en")
    assert "Refund application 1: payment 3, wrong month, to be decided by 28 March 2025" in applied
    shown = osms("refunds", "show", "1", lang="en")
    assert "Months that become unpaid: August 2024" in shown
    assert "Status on 3 March 2025: Insured · Prepayment before the refund" in shown
    overpaid = osms("refunds", "apply", "8", "--reason", "overpayment", lang="ru")
    assert "Одобрить нельзя: Платежи за месяц не превышают сумму к уплате" in overpaid
    nothing = _run("refunds", "approve", "2", operator="operator-2", lang="en")
    assert nothing.exit_code == 1 and "refund.no_surplus" in nothing.output


def test_every_operator_message_is_in_kazakh_and_russian() -> None:
    for lang in ("kk", "ru"):
        catalog = translator(lang)
        for msgid in OPERATOR_MESSAGES:
            if any(msgid == singular for singular, _ in PLURALS):
                continue
            assert catalog.gettext(msgid) != msgid, (lang, msgid)
        for singular, plural in PLURALS:
            assert catalog.ngettext(singular, plural, 5) not in (singular, plural), lang


def test_from_an_iin_to_a_refund_decision_and_to_who_looked_it_up(payments: Path) -> None:
    """The operator's day, in Russian, with the CLI alone: a person says they paid February
    twice.  Find the payment, apply, see the effect, another operator approves; then, who
    looked this IIN up?"""
    file = osms("person", ADULT, lang="ru")
    kazpost = re.search(r"платёж (\d+): февраль 2025[^\n]*\n\s+реестр \d+ от kazpost", file)
    assert kazpost is not None, file
    payment = kazpost.group(1)

    applied = osms("refunds", "apply", payment, "--reason", "overpayment", lang="ru")
    application = re.search(r"Заявление на возврат (\d+)", applied)
    assert application is not None, applied
    number = application.group(1)
    assert "Возвращается: 4\u202f250\xa0₸" in applied
    assert "Ни один месяц не станет неоплаченным." in applied

    shown = osms("refunds", "show", number, operator="operator-2", lang="ru")
    assert "Застрахован · Предоплата" in shown and "теряет статус" not in shown
    decided = osms("refunds", "approve", number, operator="operator-2", lang="ru")
    assert f"{number}: одобрено; возврат 4\u202f250\xa0₸ с 3 марта 2025 г." in decided

    after = osms("person", ADULT, operator="operator-2", lang="ru")
    assert "возвращено с 3 марта 2025 г.: 4\u202f250\xa0₸" in after
    assert f"возврат {number}, платёж {payment}, переплата: одобрено, подано " in after
    assert "решение принял operator-2, " in after
    assert "Статус сегодня: Застрахован" in after

    trail = osms("audit", "--iin", ADULT, lang="ru")
    for who, what in (
        ("operator-1", "Просмотр карточки человека"),
        ("operator-1", "Подано заявление на возврат"),
        ("operator-2", "Показаны последствия возврата"),
        ("operator-2", "Возврат одобрен"),
    ):
        assert re.search(rf"{who}\s+{what}", trail), (who, what, trail)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2019-12-31", "2100-01-01"])
@pytest.mark.parametrize(
    "command",
    [
        ["status", ADULT, "--date"],
        ["status", ADULT, "--as-of"],
        ["calc", ADULT, "--date"],
        ["refunds", "apply", "1", "--reason", "overpayment", "--date"],
        ["refunds", "show", "1", "--date"],
        ["refunds", "approve", "1", "--date"],
        ["refunds", "list", "--overdue", "--date"],
        [
            *("temporary", "apply", MOTHER, "--category", "pregnant"),
            *("--document", "f:1:2025-03-01", "--date"),
        ],
        ["temporary", "approve", "1", "--date"],
        ["audit", "--from"],
        ["audit", "--to"],
        ["parameters", "check", "--date"],
        ["bot", "remind", "--dry-run", "--date"],
        ["batch", "check", "--data", ".", "--date"],
    ],
)
def test_every_day_option_takes_the_days_the_api_takes(command: list[str], day: str) -> None:
    """A day the API refuses (before the liability start, R-S-1, or after 2099) is refused by
    the command line too, with the option and the range: never a traceback (exit 2)."""
    found = runner.invoke(app, [*command, day], env={"OSMS_OPERATOR": "operator-1"})
    assert found.exit_code == 2, found.output
    assert f"{command[-1]}: {date.fromisoformat(day)} is outside 2020-01-01 … 2099-12-31" in (
        found.output
    )
    assert not isinstance(found.exception, Exception) or isinstance(found.exception, SystemExit)
    assert _events() == []


@pytest.mark.parametrize("number", ["0", "-1", str(2**63), "99999999999999999999999"])
@pytest.mark.parametrize(
    "command",
    [
        ["refunds", "apply", "--reason", "overpayment"],
        ["refunds", "show"],
        ["refunds", "approve"],
        ["refunds", "refuse", "--reason", "no"],
        ["temporary", "approve"],
        ["temporary", "refuse", "--reason", "no"],
        ["registers", "lines"],
    ],
)
def test_an_id_a_row_cannot_have_is_refused_before_the_database_is_asked(
    command: list[str], number: str
) -> None:
    """Past a 64-bit integer, SQLite raised OverflowError (a traceback): an id is 1 to
    2**63 - 1 on the command line as in the API's paths (exit 2)."""
    found = runner.invoke(app, [*command, "--", number], env={"OSMS_OPERATOR": "operator-1"})
    assert found.exit_code == 2, found.output
    assert "Invalid value for" in found.output
    assert _events() == []


def test_the_largest_id_is_looked_for_and_not_found() -> None:
    found = _run("refunds", "show", str(2**63 - 1), lang="en")
    assert found.exit_code == 1, found.output
    assert f"no refund application {2**63 - 1}" in found.output


@pytest.mark.parametrize("command", [["import", "--channel", "halyk"], ["categories", "import"]])
def test_a_folder_given_for_a_list_is_refused(command: list[str], tmp_path: Path) -> None:
    """A folder where a register or a feed goes was an IsADirectoryError traceback."""
    found = runner.invoke(app, [*command, str(tmp_path)], env={"OSMS_OPERATOR": "operator-1"})
    assert found.exit_code == 2, found.output
    assert "is a directory" in " ".join(found.output.replace("│", " ").split())
    assert _events() == []


def test_an_application_confirmed_is_saved_even_when_the_reader_stops_early(
    payments: Path, cli_database: Path
) -> None:
    """``osms refunds apply … | head -1``: the confirmation is printed once the application
    is committed, so a reader that stops after it never sees an application that was rolled
    back (the next one used to get the same number)."""
    env = {**os.environ, "OSMS_DATA_DIR": str(cli_database / "data"), "OSMS_OPERATOR": "op-1"}
    command = [sys.executable, "-c", "from osms.cli import main; main()"]
    for payment in ("3", "8"):
        child = subprocess.Popen(
            [*command, "refunds", "apply", payment, "--reason", "wrong_period", "--lang", "en"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert child.stdout is not None
        first = child.stdout.readline().decode()
        child.stdout.close()  # the reader stops after the first line
        child.wait(timeout=120)
        assert first.startswith("Refund application "), first
    listed = osms("refunds", "list", lang="en")
    assert "payment 3 " in listed and "payment 8 " in listed
    with Session(context.engine()) as session:
        applied = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "refund.apply")
        ).all()
    assert sorted(detail["payment"] for detail in applied) == [3, 8]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_grace_reason_is_not_nested_in_parentheses(lang: str) -> None:
    """The grace reason holds its own "(conditionally insured)" in kk and ru: the person file
    and the refund preview set the reason apart with "·", as the card and the bot do."""
    facts: PersonFacts = parse_facts(
        {"iin": "900515300018"},
        [
            {"period": str(m), "paid_on": str(m.first_day())}
            for m in Month.range(Month(2024, 1), Month(2025, 1))
        ],
    )
    decision = decide(facts, date(2025, 2, 10))
    assert decision.reason is Reason.GRACE
    words = status_words(decision, lang)
    assert "((" not in words and "))" not in words and " · " in words


def test_a_refused_iin_exits_as_in_every_command_taking_one() -> None:
    """``osms audit --iin`` refuses a bad IIN with its code and exit 1, as ``status``, ``calc``
    and ``person`` do (README); only a day not written YYYY-MM-DD is a usage error, exit 2."""
    codes = {
        (found.exit_code, "iin.length" in found.output)
        for found in (
            _run("audit", "--iin", "123", lang="en"),
            _run("status", "123", operator=None, lang="en"),
            _run("calc", "123", operator=None, lang="en"),
            _run("person", "123", lang="en"),
        )
    }
    assert codes == {(1, True)}
    assert _run("audit", "--from", "2026-13-01", lang="en").exit_code == 2
