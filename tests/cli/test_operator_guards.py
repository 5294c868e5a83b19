"""What an operator's commands refuse, on a fresh SQLite file: names and reasons that would
forge or hide a line of the trail (RULES.md §11), days that are not yet (R-T-4), decisions the
rules no longer allow (R-R-1, R-TMP-1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from osms.cli import context
from osms.cli.main import app
from osms.intake.samples import SampleLine, write_csv
from osms.registry import audit
from osms.registry.models import AuditEvent, TemporaryApplication
from osms.rules.month import Month

runner = CliRunner()

MOTHER = "850312401235"  # a woman born 1985-03-12
FORGED = "op1\n2026-12-08 03:40:00  boss  Refund approved"


@pytest.fixture(autouse=True)
def fresh_database(cli_database: Path, on_3_march_2025: date) -> Path:
    return cli_database


def _run(
    *args: str, operator: str | None = "operator-1", env: dict[str, str] | None = None
) -> Result:
    named = ["--operator", operator] if operator is not None else []
    return runner.invoke(app, [*args, *named, "--lang", "en"], env=env)


def _events() -> list[AuditEvent]:
    with Session(context.engine()) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _apply_pregnant() -> None:
    form = ["--category", "pregnant", "--document", "form_027u:027-1:2025-03-01"]
    applied = _run("temporary", "apply", MOTHER, *form)
    assert applied.exit_code == 0, applied.output


@pytest.mark.parametrize(
    "name", [FORGED, "o" * 500, "\u202eevil", "op\x1b[31mRED", "op\tone", "o" * 33]
)
def test_an_operator_name_that_could_forge_the_trail_is_refused(name: str) -> None:
    """RULES.md §11: the trail shows one event a line, so the operator's name (``--operator``
    or ``OSMS_OPERATOR``, one rule) is 1 to 32 printable characters, as an API client's is."""
    for found in (
        _run("temporary", "list", operator=name),
        _run("temporary", "list", operator=None, env={"OSMS_OPERATOR": name}),
        _run("status", MOTHER, operator=None, env={"OSMS_OPERATOR": name}),
    ):
        assert found.exit_code == 2, found.output
        assert "operator.name: The operator's name has 1 to 32 printable characters" in (
            found.output
        )
    assert not any(name in event.actor for event in _events())


def test_an_operator_name_of_32_letters_with_spaces_around_is_taken() -> None:
    name = "Айгерім " + "x" * 24
    assert _run("temporary", "list", operator=f"  {name} ").exit_code == 0
    assert [event.actor for event in _events()] == [name]


@pytest.mark.parametrize(
    "reason", ["\x1b[31mRED\nFAKE", "ok\u202eevil", "line\nbreak", "tab\there", "x" * 2001]
)
def test_a_refusal_reason_that_could_forge_a_line_is_refused(reason: str) -> None:
    """R-TMP-1's reason is told to the applicant and shown by ``osms person`` and ``osms
    audit``: printable characters only, at most 2000 (the API's limit)."""
    _apply_pregnant()
    found = _run("temporary", "refuse", "1", "--reason", reason, operator="operator-2")
    assert found.exit_code == 1, found.output
    assert "temporary.reason_invalid: The reason has at most 2000 printable characters" in (
        found.output
    )
    with Session(context.engine()) as session:
        application = session.get(TemporaryApplication, 1)
        assert application is not None and application.refusal_reason is None
    assert all(event.action != "temporary.refuse" for event in _events())
    kept = _run("temporary", "refuse", "1", "--reason", "Қолы қойылмаған «№ 1»", operator="o2")
    assert kept.exit_code == 0, kept.output


def test_what_was_kept_before_the_checks_is_shown_escaped() -> None:
    """The trail is append-only: an actor or reason kept before these checks is shown on one
    line, its line break and direction override written as escapes (RULES.md §11)."""
    with Session(context.engine()) as session, session.begin():
        audit.record(session, FORGED, "status.lookup", MOTHER, "why\u202eevil", {})
    text = _run("audit").output
    assert "op1\\n2026-12-08 03:40:00  boss  Refund approved" in text
    assert "why\\u202eevil" in text
    assert len(text.splitlines()) == 2  # the header and the one event: nothing forged


def test_a_change_without_an_operator_is_audited_under_the_login_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """RULES.md §11: who did what.  Without --operator or OSMS_OPERATOR a command that is not
    an operator's (``osms status``, ``osms import`` …) names the account running it."""
    monkeypatch.delenv("USER", raising=False)
    monkeypatch.setattr(context.getpass, "getuser", lambda: "aigerim")
    assert _run("status", MOTHER, operator=None).exit_code == 0
    assert [event.actor for event in _events()] == ["cli:aigerim"]


@pytest.mark.parametrize("login", ["op\n2026-12-08 boss", OSError("no login"), KeyError("uid")])
def test_without_a_login_name_the_trail_says_unknown(
    monkeypatch: pytest.MonkeyPatch, login: str | Exception
) -> None:
    def getuser() -> str:
        if isinstance(login, Exception):
            raise login
        return login

    monkeypatch.setattr(context.getpass, "getuser", getuser)
    assert context.actor(None) == "cli:unknown"
    assert context.actor("aigerim") == "aigerim"


@pytest.fixture
def payment(tmp_path: Path) -> int:
    """Payment 1: February 2025 paid by MOTHER through Kazpost on 10 February 2025."""
    kazpost = tmp_path / "kazpost.csv"
    write_csv(
        kazpost,
        [SampleLine(MOTHER, Month(2025, 2), Decimal("4250"), reference="K-1")],
        paid_on=date(2025, 2, 10),
        payer=MOTHER,
    )
    booked = runner.invoke(app, ["import", str(kazpost), "--channel", "kazpost"])
    assert booked.exit_code == 0, booked.output
    return 1


def test_an_application_dated_after_today_is_refused(payment: int) -> None:
    """R-T-4: today is 3 March 2025; an application dated later could not be decided until
    then, and its refund's effect would be shown before it exists."""
    form = ["--category", "pregnant", "--document", "form_027u:027-1:2025-03-01"]
    later = _run("temporary", "apply", MOTHER, *form, "--date", "2025-03-04")
    assert later.exit_code == 1 and "temporary.future_application" in later.output
    refund = _run(
        "refunds", "apply", str(payment), "--reason", "wrong_year", "--date", "2025-03-16"
    )
    assert refund.exit_code == 1 and "refund.future_application: An application is dated" in (
        refund.output
    )
    assert _run("refunds", "list").output.strip() == "No refund applications to decide."
    assert _run("temporary", "apply", MOTHER, *form, "--date", "2025-03-03").exit_code == 0


def test_a_decision_day_after_its_bound_is_refused(payment: int) -> None:
    """R-R-1: applied on 3 March 2025, due on 28 March; R-TMP-1: a grant decided on 3 March
    starts by 2 April, the last day a grant made that day covers."""
    assert _run("refunds", "apply", str(payment), "--reason", "wrong_year").exit_code == 0
    _apply_pregnant()
    for command, day, code in (
        ("refunds", "2025-03-29", "refund.postdated"),
        ("temporary", "2025-04-03", "temporary.postdated"),
    ):
        late = _run(command, "approve", "1", "--date", day, operator="operator-2")
        assert late.exit_code == 1 and code in late.output, late.output
    assert _run("refunds", "approve", "1", "--date", "2025-03-28", operator="o2").exit_code == 0
    assert _run("temporary", "approve", "1", "--date", "2025-04-02", operator="o2").exit_code == 0


def test_a_second_application_on_a_refunded_payment_is_closed_not_left_overdue(
    payment: int,
) -> None:
    """R-R-1: two applications on one payment (wrong year, wrong period); approving the first
    refuses the second with the reason, so it never goes overdue in ``refunds list``."""
    for reason in ("wrong_year", "wrong_period"):
        assert _run("refunds", "apply", str(payment), "--reason", reason).exit_code == 0
    assert _run("refunds", "approve", "1", operator="operator-2").exit_code == 0
    again = _run("refunds", "approve", "2", operator="operator-2")
    assert again.exit_code == 1 and "refund.already_decided" in again.output
    late = _run("refunds", "list", "--overdue", "--date", "2025-06-02")
    assert late.output.strip() == "No refund applications to decide."
    text = _run("person", MOTHER).output
    assert "is refunded under application 1 (R-R-1)" in text


def test_a_grant_is_refused_for_a_person_insured_by_the_decision(tmp_path: Path) -> None:
    """R-TMP-1: applied for as uninsured, then insured by the ``disabled`` category (a feed
    since the application): the approval says so, the application waits for its refusal."""
    _apply_pregnant()
    feed = tmp_path / "mtszn.csv"
    feed.write_text(f"iin,category,first,last\n{MOTHER},disabled,2025-03,\n", "utf-8")
    assert _run("categories", "import", str(feed)).exit_code == 0
    found = _run("temporary", "approve", "1", operator="operator-2")
    assert found.exit_code == 1, found.output
    assert "temporary.already_insured: The person is already insured" in found.output
    assert "Temporary-status application 1" in _run("temporary", "list").output
