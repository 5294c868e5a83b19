"""What the bot remembers per chat in the dispatcher's FSM storage.

``lang``: the language chosen with /start (Kazakh until one is chosen); ``iin``: the last IIN
answered, which /calc, /subscribe and /unsubscribe use when no IIN follows the command.
"""

from __future__ import annotations

from typing import Final

from aiogram.fsm.context import FSMContext

from osms.i18n import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["IIN_KEY", "LANG_KEY", "chat_language"]

LANG_KEY: Final = "lang"
IIN_KEY: Final = "iin"


async def chat_language(state: FSMContext) -> str:
    """The language chosen in this chat, Kazakh by default."""
    lang = (await state.get_data()).get(LANG_KEY)
    return lang if isinstance(lang, str) and lang in LANGUAGES else DEFAULT_LANGUAGE
