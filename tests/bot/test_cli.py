"""``osms bot remind`` and ``osms bot run`` on the embedded SQLite default, no network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from typer.testing import CliRunner

from osms.bot.notices import mask_iin
from osms.cli import bot as bot_cli
from osms.cli import context
from osms.cli.bot import bot_app
from osms.registry.db import make_session_factory
from osms.registry.models import BotSubscription
from osms.services import subscriptions
from tests.bot.conftest import GRACE, RecordingSession, buttons, grace_payer

runner = CliRunner()

ANNA = 100
BOLAT = 200


@pytest.fixture(autouse=True)
def data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_facts: Callable[..., None]
) -> Iterator[Path]:
    """The default database in a fresh data dir, holding the grace payer and two chats."""
    monkeypatch.delenv("OSMS_DATABASE_URL", raising=False)
    monkeypatch.delenv(bot_cli.TOKEN_ENV, raising=False)
    monkeypatch.setenv("OSMS_DATA_DIR", str(tmp_path / "data"))
    context.engine.cache_clear()
    with make_session_factory(context.engine())() as session, session.begin():
        store_facts(session, grace_payer())
        subscriptions.subscribe(session, ANNA, GRACE, "ru", actor="telegram:100")
        subscriptions.subscribe(session, BOLAT, GRACE, "kk", actor="telegram:200")
    yield tmp_path
    context.engine().dispose()
    context.engine.cache_clear()


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> RecordingSession:
    """The Bot API as the CLI sees it: every call recorded, nothing sent."""
    recording = RecordingSession()
    monkeypatch.setenv(bot_cli.TOKEN_ENV, "42:TEST")
    monkeypatch.setattr(bot_cli, "make_bot", lambda token: Bot(token=token, session=recording))
    return recording


def test_dry_run_prints_the_warnings_and_sends_nothing() -> None:
    for _ in range(2):  # a dry run marks nothing
        result = runner.invoke(bot_app, ["remind", "--date", "2025-09-15", "--dry-run"])
        assert result.exit_code == 0, result.output
        assert f"--- chat {ANNA} · IIN {GRACE} · ru" in result.output
        assert f"--- chat {BOLAT} · IIN {GRACE} · kk" in result.output
        assert f"⚠ ИИН {mask_iin(GRACE)}\n" in result.output
        assert "Со следующего месяца статус прекратится" in result.output
        assert "Застрахован по 30 сентября 2025 г. включительно" in result.output
        assert "₸" not in result.output  # no amounts: the chat may not be the person's
        assert "2 warning(s) due on 2025-09-15 (dry run: nothing sent)" in result.output
    quiet = runner.invoke(bot_app, ["remind", "--date", "2025-08-15", "--dry-run"])
    assert "0 warning(s) due on 2025-08-15" in quiet.output


def test_remind_sends_once_a_month(recorder: RecordingSession) -> None:
    first = runner.invoke(bot_app, ["remind", "--date", "2025-09-15"])
    assert first.exit_code == 0, first.output
    assert "2 warning(s) sent on 2025-09-15" in first.output
    sent = recorder.sent()
    assert [m.chat_id for m in sent] == [ANNA, BOLAT]
    assert "Со следующего месяца статус прекратится" in sent[0].text
    assert GRACE not in sent[0].text and "₸" not in sent[0].text  # RULES.md §11, public only
    assert buttons(sent[0].reply_markup) == [("💳 Что оплатить", f"calc:{GRACE}")]

    again = runner.invoke(bot_app, ["remind", "--date", "2025-09-28"])
    assert again.exit_code == 0, again.output
    assert "0 warning(s) sent on 2025-09-28" in again.output
    assert len(recorder.sent()) == 2
    dry = runner.invoke(bot_app, ["remind", "--date", "2025-09-28", "--dry-run"])
    assert "0 warning(s) due" in dry.output


def test_a_chat_that_blocked_the_bot_is_unsubscribed(recorder: RecordingSession) -> None:
    recorder.fail[BOLAT] = lambda method: TelegramForbiddenError(
        method=method, message="Forbidden: bot was blocked by the user"
    )
    result = runner.invoke(bot_app, ["remind", "--date", "2025-09-15"])
    assert result.exit_code == 1
    assert "1 warning(s) sent" in result.output
    assert f"not sent to chat {BOLAT}" in result.output
    with make_session_factory(context.engine())() as session:
        blocked = session.get(BotSubscription, (BOLAT, GRACE))
        assert blocked is not None and not blocked.active
        delivered = session.get(BotSubscription, (ANNA, GRACE))
        assert delivered is not None and str(delivered.last_reminded_period) == "2025-09"


@pytest.mark.parametrize("command", [["run"], ["remind"]])
def test_the_token_comes_from_the_environment(command: list[str]) -> None:
    result = runner.invoke(bot_app, command)
    assert result.exit_code == 2
    assert "OSMS_BOT_TOKEN is not set" in result.output


def test_a_malformed_token_or_date_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bot_cli.TOKEN_ENV, "not a token")
    result = runner.invoke(bot_app, ["remind"])
    assert result.exit_code == 2
    assert "is not a bot token" in result.output
    bad_date = runner.invoke(bot_app, ["remind", "--date", "15.09.2025", "--dry-run"])
    assert bad_date.exit_code == 2
    assert "--date: not a date" in bad_date.output


def test_run_sets_the_commands_and_polls(
    recorder: RecordingSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    polled: list[Bot] = []

    async def start_polling(self: object, bot: Bot, **kwargs: object) -> None:
        polled.append(bot)

    monkeypatch.setattr("aiogram.Dispatcher.start_polling", start_polling)
    result = runner.invoke(bot_app, ["run"])
    assert result.exit_code == 0, result.output
    assert len(polled) == 1
    menus = [r for r in recorder.requests if type(r).__name__ == "SetMyCommands"]
    assert [getattr(m, "language_code", None) for m in menus] == [None, "kk", "ru", "en"]
    for menu in menus:
        assert "subscriptions" in [c.command for c in getattr(menu, "commands", [])]
    assert not any(isinstance(r, SendMessage) for r in recorder.requests)


def test_run_refuses_a_malformed_limit(
    recorder: RecordingSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OSMS_BOT_LOOKUPS_PER_MINUTE", "ten")
    result = runner.invoke(bot_app, ["run"])
    assert result.exit_code == 2
    assert "OSMS_BOT_LOOKUPS_PER_MINUTE must be a whole number of at least 1" in result.output
    assert recorder.requests == []
