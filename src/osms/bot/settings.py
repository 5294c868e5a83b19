"""The bot's abuse limits, read from the environment by ``osms bot run``.

=====================================  ============================================  =======
environment                            meaning                                       default
=====================================  ============================================  =======
``OSMS_BOT_LOOKUPS_PER_MINUTE``        requests one Telegram user may make in any    ``10``
                                       60 seconds (an IIN or any text, /calc,
                                       /subscribe, /unsubscribe, /subscriptions and
                                       their buttons)
``OSMS_BOT_LOOKUPS_PER_HOUR``          the same in any 60 minutes                    ``60``
``OSMS_BOT_SUBSCRIPTIONS_PER_CHAT``    IINs one chat may be warned about at once     ``5``
=====================================  ============================================  =======

/start, /help and the language buttons read nothing and are not counted.  A request past a
limit is not carried out (no look-up, no audit row); the user is told once, in the chat's
language, when to try again (:mod:`osms.bot.limits`).

>>> BotSettings.from_env({"OSMS_BOT_SUBSCRIPTIONS_PER_CHAT": "3"})
BotSettings(lookups_per_minute=10, lookups_per_hour=60, subscriptions_per_chat=3)
>>> BotSettings.from_env({"OSMS_BOT_LOOKUPS_PER_HOUR": "0"})
Traceback (most recent call last):
...
ValueError: OSMS_BOT_LOOKUPS_PER_HOUR must be a whole number of at least 1, got '0'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = [
    "LOOKUPS_PER_HOUR_ENV",
    "LOOKUPS_PER_MINUTE_ENV",
    "SUBSCRIPTIONS_PER_CHAT_ENV",
    "BotSettings",
]

LOOKUPS_PER_MINUTE_ENV: Final = "OSMS_BOT_LOOKUPS_PER_MINUTE"
LOOKUPS_PER_HOUR_ENV: Final = "OSMS_BOT_LOOKUPS_PER_HOUR"
SUBSCRIPTIONS_PER_CHAT_ENV: Final = "OSMS_BOT_SUBSCRIPTIONS_PER_CHAT"


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {raw!r}")
    return int(raw)


@dataclass(frozen=True, slots=True)
class BotSettings:
    """How much one user may ask and how many IINs one chat may follow."""

    lookups_per_minute: int = 10
    lookups_per_hour: int = 60
    subscriptions_per_chat: int = 5

    def __post_init__(self) -> None:
        for name in ("lookups_per_minute", "lookups_per_hour", "subscriptions_per_chat"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> BotSettings:
        env = os.environ if environ is None else environ
        return cls(
            lookups_per_minute=_positive(env, LOOKUPS_PER_MINUTE_ENV, 10),
            lookups_per_hour=_positive(env, LOOKUPS_PER_HOUR_ENV, 60),
            subscriptions_per_chat=_positive(env, SUBSCRIPTIONS_PER_CHAT_ENV, 5),
        )
