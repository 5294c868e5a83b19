"""The Telegram bot (aiogram 3): status by IIN, what to pay, the Fund's channels and warnings.

- :func:`create_dispatcher` builds the dispatcher over a registry database
  (:mod:`osms.bot.handlers`: /start, an IIN, /calc, /help, /subscribe, /unsubscribe,
  /subscriptions), each user's requests limited (:mod:`osms.bot.limits`,
  :mod:`osms.bot.settings`);
- :mod:`osms.bot.texts` writes the messages in Kazakh (default), Russian or English
  (:mod:`osms.bot.notices`: the limits, a chat's list of warnings and the warning itself);
- :mod:`osms.bot.remind` sends the warnings of the last grace month (``osms bot remind``).

The use cases live in :mod:`osms.services` (status, calculator, subscriptions, reminders); the
handlers only parse, call and render.
"""

from __future__ import annotations

from osms.bot.answers import BotContext
from osms.bot.dispatcher import create_dispatcher

__all__ = ["BotContext", "create_dispatcher"]
