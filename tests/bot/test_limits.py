"""The bot's abuse limits through the real dispatcher: requests per Telegram user, warnings
per chat (issue 11: 600 IINs in 4 s; anyone subscribing a chat to anyone's warnings)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from osms.bot import create_dispatcher
from osms.bot.settings import BotSettings
from osms.registry.models import AuditEvent, BotSubscription
from tests.bot.conftest import GRACE, TODAY, UNKNOWN, Conversation, grace_payer

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

BOLAT = 200
"""A private chat (Kazakh): its user's id is the chat's."""

FAMILY_CHAT = -300
"""A group chat where :data:`MOTHER` and :data:`SON` write."""

MOTHER = 301
SON = 302


def kk_too_many(per_minute: int = 10, per_hour: int = 60, minutes: int = 1) -> str:
    """The refusal in Kazakh, the default language."""
    return (
        f"Сұраулар тым көп: минутына {per_minute}, сағатына {per_hour} сұраудан аспауы керек. "
        f"{minutes} минуттан кейін қайталаңыз."
    )


class Timer:
    """The seconds the limiter sees, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def timer() -> Timer:
    return Timer()


@pytest.fixture
def limited(
    session_factory: sessionmaker[Session],
    loop: asyncio.AbstractEventLoop,
    timer: Timer,
) -> Callable[..., Conversation]:
    """A conversation with the given settings (the defaults unless told) on :class:`Timer`."""

    def make(**settings: int) -> Conversation:
        dispatcher = create_dispatcher(
            session_factory, today=lambda: TODAY, settings=BotSettings(**settings), timer=timer
        )
        return Conversation(dispatcher, loop)

    return make


def _actions(session: Session) -> list[str]:
    """The audited actions so far (the read's transaction ended: SQLite locks while it lasts)."""
    session.expire_all()
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    session.rollback()
    return actions


def _texts(calls: list[object]) -> list[str]:
    return [c.text for c in calls if isinstance(c, SendMessage)]


# -- requests per Telegram user ----------------------------------------------------------------


def test_600_iins_in_a_loop_get_the_limit_answered_and_one_refusal(
    limited: Callable[..., Conversation],
    session: Session,
    store_facts: Callable[..., None],
    timer: Timer,
) -> None:
    store_facts(session, grace_payer())
    session.commit()
    conversation = limited()
    sent: list[str] = []
    for _ in range(600):
        sent.extend(_texts(conversation.say(BOLAT, GRACE)))
    answered = [text for text in sent if text != kk_too_many()]
    assert len(answered) == 10  # OSMS_BOT_LOOKUPS_PER_MINUTE's default
    assert all(f"ЖСН {GRACE}" in text for text in answered)
    assert sent[10:] == [kk_too_many()]  # told once, then silence
    # a refused request is not looked up, so not audited
    assert _actions(session).count("status.lookup") == 10

    timer.now += 59.0
    assert _texts(conversation.say(BOLAT, GRACE)) == []  # still within the minute, told already
    timer.now += 1.0
    assert f"ЖСН {GRACE}" in conversation.reply(BOLAT, GRACE).text
    assert _actions(session).count("status.lookup") == 11


def test_the_hour_limits_too_and_says_when_to_come_back(
    limited: Callable[..., Conversation], session: Session, timer: Timer
) -> None:
    conversation = limited(lookups_per_minute=2, lookups_per_hour=3)
    conversation.press(BOLAT, "lang:en")  # choosing a language is not counted
    for _ in range(2):
        assert conversation.reply(BOLAT, UNKNOWN).text.startswith(f"IIN {UNKNOWN}")
    assert conversation.reply(BOLAT, UNKNOWN).text == (
        "Too many requests: at most 2 a minute and 3 an hour. Try again in 1 min."
    )
    timer.now += 60.0
    assert conversation.reply(BOLAT, UNKNOWN).text.startswith(f"IIN {UNKNOWN}")
    # three in the hour: the next is allowed 3540 s later, 59 minutes
    assert conversation.reply(BOLAT, f"/calc {UNKNOWN}").text == (
        "Too many requests: at most 2 a minute and 3 an hour. Try again in 59 min."
    )
    # /start, /help and the language buttons read nothing and stay answered
    assert "1414" in conversation.reply(BOLAT, "/help").text
    timer.now += 3540.0
    assert conversation.reply(BOLAT, f"/calc {UNKNOWN}").text.startswith(f"IIN {UNKNOWN}")
    actions = _actions(session)
    assert actions.count("status.lookup") == 3
    assert actions[-1] == "calculator.lookup"  # the /calc allowed after the hour


def test_the_refusal_is_in_the_chats_language(
    limited: Callable[..., Conversation], session: Session
) -> None:
    conversation = limited(lookups_per_minute=1)
    conversation.press(BOLAT, "lang:ru")
    conversation.reply(BOLAT, "12345")  # a malformed IIN is answered, and counted
    assert conversation.reply(BOLAT, UNKNOWN).text == (
        "Слишком много запросов: не больше 1 в минуту и 60 в час. Повторите через 1 мин."
    )
    assert _actions(session) == []


def test_the_limit_is_per_user_not_per_chat(
    limited: Callable[..., Conversation], session: Session
) -> None:
    conversation = limited(lookups_per_minute=2)
    for _ in range(2):
        conversation.say(FAMILY_CHAT, UNKNOWN, user_id=MOTHER)
    refused = conversation.say(FAMILY_CHAT, UNKNOWN, user_id=MOTHER)
    assert _texts(refused) == [kk_too_many(per_minute=2)]
    # the son in the same group is answered; the mother is refused in her private chat too
    son = _texts(conversation.say(FAMILY_CHAT, UNKNOWN, user_id=SON))
    assert len(son) == 1 and f"ЖСН {UNKNOWN}" in son[0]
    assert _texts(conversation.say(MOTHER, UNKNOWN)) == []
    assert _actions(session).count("status.lookup") == 3


def test_a_refused_button_is_answered_with_an_alert_and_nothing_is_looked_up(
    limited: Callable[..., Conversation], session: Session
) -> None:
    conversation = limited(lookups_per_minute=1)
    conversation.press(BOLAT, "lang:en")
    conversation.reply(BOLAT, UNKNOWN)
    before = _actions(session)
    assert before.count("status.lookup") == 1
    calls = conversation.press(BOLAT, f"calc:{UNKNOWN}")
    assert [type(c) for c in calls] == [AnswerCallbackQuery]
    answer = cast(AnswerCallbackQuery, calls[0])
    assert answer.show_alert is True
    assert answer.text == (
        "Too many requests: at most 1 a minute and 60 an hour. Try again in 1 min."
    )
    assert len(answer.text) <= 200  # Telegram's limit for a callback answer
    again = cast(AnswerCallbackQuery, conversation.press(BOLAT, f"sub:{UNKNOWN}")[0])
    assert again.show_alert is False and again.text == answer.text  # a toast from then on
    assert _actions(session) == before
    assert session.scalars(select(BotSubscription)).all() == []
