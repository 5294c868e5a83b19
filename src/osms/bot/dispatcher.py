"""The bot's dispatcher: the handlers over a registry database, with a per-chat memory and a
per-user request limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.fsm.strategy import FSMStrategy
from sqlalchemy.orm import Session, sessionmaker

from osms import clock
from osms.bot.answers import BotContext
from osms.bot.chat import LanguageHint
from osms.bot.handlers import build_router
from osms.bot.limits import RequestLimit, RequestLimiter
from osms.bot.settings import BotSettings

__all__ = ["create_dispatcher"]


def create_dispatcher(
    session_factory: sessionmaker[Session],
    *,
    today: Callable[[], date] = clock.today,
    storage: BaseStorage | None = None,
    settings: BotSettings | None = None,
    timer: Callable[[], float] = time.monotonic,
) -> Dispatcher:
    """A dispatcher answering from the registry behind ``session_factory`` on ``today()``.

    The language and the last IIN are kept per chat in ``storage`` (in memory by default, so
    they are forgotten when the bot restarts; subscriptions keep their own language).  The
    limits are ``settings`` (the documented defaults unless given: ``osms bot run`` reads
    them from the environment); ``timer`` (seconds) times the per-user windows.  A chat's
    updates are handled one at a time, so that its subscription limit cannot be passed by two
    requests at once.
    """
    limits = settings if settings is not None else BotSettings()
    dispatcher = Dispatcher(
        storage=storage if storage is not None else MemoryStorage(),
        fsm_strategy=FSMStrategy.CHAT,
        events_isolation=SimpleEventIsolation(),
        osms=BotContext(session_factory, today),
        limits=limits,
    )
    limiter = RequestLimiter(limits.lookups_per_minute, limits.lookups_per_hour, clock=timer)
    limit = RequestLimit(limits, limiter)
    hint = LanguageHint()
    for observer in (dispatcher.message, dispatcher.edited_message, dispatcher.callback_query):
        observer.outer_middleware(hint)
        observer.middleware(limit)
    dispatcher.include_router(build_router())
    return dispatcher
