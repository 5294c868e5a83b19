"""A Telegram bot without Telegram: real updates through the real dispatcher, no network.

:class:`RecordingSession` is an aiogram session that records every Bot API method the bot
calls and answers it as Telegram would (a sent message, ``True``), without any HTTP.
:class:`Chat` feeds real :class:`~aiogram.types.Update` objects, one chat at a time.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncGenerator, Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from sqlalchemy.orm import Session, sessionmaker

from osms.bot import create_dispatcher
from osms.rules import iin as iin_rules
from osms.rules.calendar import credit_date
from osms.rules.facts import PaymentItem, PersonFacts
from osms.rules.month import Month

TODAY = date(2025, 9, 15)
"""The bot's today: September 2025, the last grace month of :func:`grace_payer`."""

GRACE = "900515300018"
"""A self-payer who paid every month up to June 2025 and nothing since (SOURCES.md case 13)."""

UNKNOWN = "850312401235"
"""A valid IIN the registry has never seen."""

BOT_USER = User(id=42, is_bot=True, first_name="OSMS", username="osms_test_bot")


def monthly_payer(iin: str, first: Month, last: Month) -> PersonFacts:
    """A self-payer who paid 4 250 ₸ for each month first…last on the month's first day."""
    payments = tuple(
        PaymentItem(m, Decimal("4250"), m.first_day(), credit_date(m.first_day()), payer=iin)
        for m in Month.range(first, last + 1)
    )
    return PersonFacts(iin=iin, birth_date=iin_rules.birth_date(iin), payments=payments)


def grace_payer() -> PersonFacts:
    """:data:`GRACE`: insured in the grace period on :data:`TODAY`, losing status in October."""
    return monthly_payer(GRACE, Month(2024, 6), Month(2025, 6))


class RecordingSession(BaseSession):
    """Records every Bot API call and answers it like Telegram, without any HTTP.

    ``fail`` maps a chat id to the error Telegram would give for a message to that chat.
    """

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.fail: dict[int, Callable[[TelegramMethod[Any]], TelegramAPIError]] = {}
        self._message_ids = itertools.count(1000)

    async def close(self) -> None:
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int) and chat_id in self.fail:
            raise self.fail[chat_id](method)
        returning = method.__returning__
        result: Any
        if returning is Message:
            result = Message(
                message_id=next(self._message_ids),
                date=datetime.now(UTC),
                chat=Chat(id=int(chat_id or 0), type="private"),
                from_user=BOT_USER,
                text=getattr(method, "text", None),
            )
        elif returning is User:
            result = BOT_USER
        else:  # bool, or "Message | bool" for edits of a bot's own message
            result = True
        return result  # type: ignore[no-any-return]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise AssertionError("the bot downloads nothing")
        yield b""  # pragma: no cover

    def sent(self) -> list[SendMessage]:
        return [r for r in self.requests if isinstance(r, SendMessage)]


def recording_bot() -> tuple[Bot, RecordingSession]:
    recorder = RecordingSession()
    return Bot(token="42:TEST", session=recorder), recorder


_update_ids = itertools.count(1)


def _person(user_id: int) -> User:
    return User(id=user_id, is_bot=False, first_name="Айгерім")


def _chat(chat_id: int) -> Chat:
    """A private chat (its id is the user's), or a group for a negative id, as in Telegram."""
    return Chat(id=chat_id, type="group" if chat_id < 0 else "private")


def message_update(chat_id: int, text: str, user_id: int | None = None) -> Update:
    """``text`` written in ``chat_id`` by ``user_id`` (by default the private chat's user)."""
    return Update(
        update_id=next(_update_ids),
        message=Message(
            message_id=next(_update_ids),
            date=datetime.now(UTC),
            chat=_chat(chat_id),
            from_user=_person(chat_id if user_id is None else user_id),
            text=text,
        ),
    )


def callback_update(chat_id: int, data: str, user_id: int | None = None) -> Update:
    return Update(
        update_id=next(_update_ids),
        callback_query=CallbackQuery(
            id=str(next(_update_ids)),
            from_user=_person(chat_id if user_id is None else user_id),
            chat_instance=f"instance-{chat_id}",
            data=data,
            message=Message(
                message_id=next(_update_ids),
                date=datetime.now(UTC),
                chat=_chat(chat_id),
                from_user=BOT_USER,
                text="…",
            ),
        ),
    )


def buttons(markup: Any) -> list[tuple[str, str | None]]:
    """(text, callback data) of every button of an inline keyboard."""
    assert isinstance(markup, InlineKeyboardMarkup)
    return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]


class Conversation:
    """Real updates through a real dispatcher and a bot whose session records the replies."""

    def __init__(self, dispatcher: Dispatcher, loop: asyncio.AbstractEventLoop) -> None:
        self.dispatcher = dispatcher
        self.bot, self.recorder = recording_bot()
        self._loop = loop

    def feed(self, update: Update) -> list[TelegramMethod[Any]]:
        """Feed one update; the Bot API calls it made."""
        before = len(self.recorder.requests)
        self._loop.run_until_complete(self.dispatcher.feed_update(self.bot, update))
        return self.recorder.requests[before:]

    def say(
        self, chat_id: int, text: str, *, user_id: int | None = None
    ) -> list[TelegramMethod[Any]]:
        return self.feed(message_update(chat_id, text, user_id))

    def press(
        self, chat_id: int, data: str, *, user_id: int | None = None
    ) -> list[TelegramMethod[Any]]:
        return self.feed(callback_update(chat_id, data, user_id))

    def reply(self, chat_id: int, text: str) -> SendMessage:
        """The one message the bot sends back to ``text``."""
        calls = self.say(chat_id, text)
        messages = [c for c in calls if isinstance(c, SendMessage)]
        assert len(messages) == 1, calls
        assert messages[0].chat_id == chat_id
        return messages[0]


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    created = asyncio.new_event_loop()
    yield created
    created.run_until_complete(created.shutdown_default_executor())
    created.close()


@pytest.fixture
def conversation(
    session_factory: sessionmaker[Session], loop: asyncio.AbstractEventLoop
) -> Conversation:
    """The bot over the test's database, on :data:`TODAY`."""
    return Conversation(create_dispatcher(session_factory, today=lambda: TODAY), loop)
