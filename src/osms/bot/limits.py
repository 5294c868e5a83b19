"""How often one Telegram user may ask: a sliding window per user, checked before a handler.

The issue was one user asking 600 IINs in 4 seconds.  :class:`RequestLimiter` remembers, per
Telegram user id, when each request of the last hour was allowed; a request is allowed while
fewer than ``per_minute`` were allowed in the last 60 seconds and fewer than ``per_hour`` in
the last 3600.  A refused request is not remembered, so that a user who keeps sending is let
in again as soon as the window has room.  Only the handlers registered with the ``lookup`` flag
(the ones that read or write the registry) are counted.

:class:`RequestLimit` is the dispatcher's inner middleware: past the limit the handler is not
called (no look-up, so no audit row) and the user is told, once until a request is allowed
again, in the chat's language, when to try again.  A refused button is answered with the same
text (a callback must be answered), never with a new chat message.

The windows live in the bot's process (``osms bot run`` is one process); at most
:attr:`RequestLimiter.max_users` users are remembered, the least recently seen dropped first.

>>> now = [0.0]
>>> limiter = RequestLimiter(per_minute=2, per_hour=3, clock=lambda: now[0])
>>> [limiter.take(7) for _ in range(3)]
[None, None, Refusal(wait=60.0, first=True)]
>>> limiter.take(7)
Refusal(wait=60.0, first=False)
>>> now[0] = 60.0
>>> limiter.take(7) is None, limiter.take(7)
(True, Refusal(wait=3540.0, first=True))
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from osms.bot import notices
from osms.bot.chat import Handler, chat_language
from osms.bot.settings import BotSettings
from osms.i18n import DEFAULT_LANGUAGE

__all__ = ["LOOKUP_FLAG", "Refusal", "RequestLimit", "RequestLimiter"]

LOOKUP_FLAG: Final = "lookup"
"""The handler flag of the requests that are counted."""

MINUTE: Final = 60.0
HOUR: Final = 3600.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request past the limit: the seconds until one is allowed, and whether to say so."""

    wait: float
    first: bool
    """The first refusal since the user's last allowed request (the one the user is told of)."""


class _Window:
    __slots__ = ("allowed", "told")

    def __init__(self) -> None:
        self.allowed: deque[float] = deque()
        self.told = False


class RequestLimiter:
    """Sliding windows of a minute and an hour per Telegram user id; thread-safe."""

    def __init__(
        self,
        per_minute: int,
        per_hour: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 100_000,
    ) -> None:
        self.per_minute = per_minute
        self.per_hour = per_hour
        self.clock = clock
        self.max_users = max_users
        self._windows: OrderedDict[int, _Window] = OrderedDict()
        self._lock = threading.Lock()

    def _wait(self, allowed: deque[float], now: float) -> float:
        """Seconds until both windows have room (0 when they have now)."""
        wait = 0.0
        for limit, span in ((self.per_minute, MINUTE), (self.per_hour, HOUR)):
            if len(allowed) >= limit:
                # the limit-th most recent request must leave the window first
                wait = max(wait, allowed[-limit] + span - now)
        return wait

    def take(self, user_id: int) -> Refusal | None:
        """Count a request of ``user_id``: None when allowed, else the :class:`Refusal`."""
        with self._lock:
            now = self.clock()
            window = self._windows.pop(user_id, None) or _Window()
            self._windows[user_id] = window
            while window.allowed and window.allowed[0] <= now - HOUR:
                window.allowed.popleft()
            wait = self._wait(window.allowed, now)
            if wait <= 0:
                window.allowed.append(now)
                window.told = False
                refusal = None
            else:
                refusal = Refusal(wait=wait, first=not window.told)
                window.told = True
            while len(self._windows) > self.max_users:
                self._windows.popitem(last=False)
        return refusal

    def reset(self) -> None:
        """Forget every user."""
        with self._lock:
            self._windows.clear()


class RequestLimit(BaseMiddleware):
    """Lets a counted request through only while its user is within :class:`BotSettings`."""

    def __init__(self, settings: BotSettings, limiter: RequestLimiter) -> None:
        self.settings = settings
        self.limiter = limiter

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        if not get_flag(data, LOOKUP_FLAG) or not isinstance(user, User):
            return await handler(event, data)
        refusal = self.limiter.take(user.id)
        if refusal is None:
            return await handler(event, data)
        state = data.get("state")
        lang = await chat_language(state) if isinstance(state, FSMContext) else DEFAULT_LANGUAGE
        text = notices.too_many_requests_message(
            lang,
            per_minute=self.settings.lookups_per_minute,
            per_hour=self.settings.lookups_per_hour,
            minutes=max(1, math.ceil(refusal.wait / MINUTE)),
        )
        if isinstance(event, CallbackQuery):
            await event.answer(text, show_alert=refusal.first)
        elif isinstance(event, Message) and refusal.first:
            logger.info("telegram user %s is past the request limit", user.id)
            await event.answer(text)
        return None
