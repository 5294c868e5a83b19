"""What the bot remembers per chat in the dispatcher's FSM storage.

``lang``: the language chosen with /start; until one is chosen, ``lang_hint``, the language of
the user's Telegram (when it is one of ours: :class:`LanguageHint`), else Kazakh; ``iin``: the
last IIN answered, which /calc, /subscribe and /unsubscribe use when no IIN follows the command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeAlias

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User

from osms.i18n import DEFAULT_LANGUAGE, LANGUAGES

__all__ = [
    "IIN_KEY",
    "LANG_HINT_KEY",
    "LANG_KEY",
    "Handler",
    "LanguageHint",
    "chat_language",
    "language_of",
]

Handler: TypeAlias = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
"""What an aiogram middleware calls next."""

LANG_KEY: Final = "lang"
LANG_HINT_KEY: Final = "lang_hint"
IIN_KEY: Final = "iin"


async def chat_language(state: FSMContext) -> str:
    """The language chosen in this chat, else its user's Telegram language, else Kazakh."""
    data = await state.get_data()
    for key in (LANG_KEY, LANG_HINT_KEY):
        lang = data.get(key)
        if isinstance(lang, str) and lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE


def language_of(code: str | None) -> str | None:
    """Our language for a Telegram interface language (an IETF tag), None when not ours.

    >>> language_of("ru"), language_of("en-GB"), language_of("kk"), language_of("de")
    ('ru', 'en', 'kk', None)
    """
    lang = (code or "").split("-")[0].lower()
    return lang if lang in LANGUAGES else None


class LanguageHint(BaseMiddleware):
    """Remembers the user's Telegram language for a chat that has not chosen one with /start,
    so that a first IIN sent straight away is answered in it."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state, user = data.get("state"), data.get("event_from_user")
        hint = language_of(user.language_code) if isinstance(user, User) else None
        if isinstance(state, FSMContext) and hint is not None:
            known = await state.get_data()
            if LANG_KEY not in known and known.get(LANG_HINT_KEY) != hint:
                await state.update_data({LANG_HINT_KEY: hint})
        return await handler(event, data)
