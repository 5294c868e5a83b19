"""The bot's dispatcher: the handlers over a registry database, with a per-chat memory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.strategy import FSMStrategy
from sqlalchemy.orm import Session, sessionmaker

from osms import clock
from osms.bot.answers import BotContext
from osms.bot.handlers import build_router

__all__ = ["create_dispatcher"]


def create_dispatcher(
    session_factory: sessionmaker[Session],
    *,
    today: Callable[[], date] = clock.today,
    storage: BaseStorage | None = None,
) -> Dispatcher:
    """A dispatcher answering from the registry behind ``session_factory`` on ``today()``.

    The language and the last IIN are kept per chat in ``storage`` (in memory by default, so
    they are forgotten when the bot restarts; subscriptions keep their own language).
    """
    dispatcher = Dispatcher(
        storage=storage if storage is not None else MemoryStorage(),
        fsm_strategy=FSMStrategy.CHAT,
        osms=BotContext(session_factory, today),
    )
    dispatcher.include_router(build_router())
    return dispatcher
