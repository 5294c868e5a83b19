"""Sending the Fund's warnings through the Bot API (``osms bot remind``).

:func:`collect` asks :func:`osms.services.reminders.due`; :func:`deliver` sends each warning and
marks it sent in its own transaction right after Telegram accepted it, so that a run stopped
half-way never warns anybody twice in a month.  A chat that blocked the bot is unsubscribed.
The warning says no more than the public check (:func:`osms.bot.notices.warning_message`):
anyone may have subscribed the chat to the IIN.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError, TelegramRetryAfter
from sqlalchemy.orm import Session, sessionmaker

from osms.bot.notices import warning_keyboard, warning_message
from osms.services import reminders, subscriptions
from osms.services.reminders import Reminder

__all__ = ["ACTOR", "Delivery", "collect", "deliver"]

ACTOR = "bot:remind"

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Delivery:
    """What a run did: how many warnings were sent, which failed and why."""

    sent: int = 0
    failed: list[tuple[Reminder, str]] = field(default_factory=list)


def collect(session_factory: sessionmaker[Session], on: date) -> list[Reminder]:
    """The warnings due on ``on``."""
    with session_factory() as session, session.begin():
        return reminders.due(session, on, actor=ACTOR)


def _mark_sent(session_factory: sessionmaker[Session], reminder: Reminder) -> None:
    with session_factory() as session, session.begin():
        reminders.mark_sent(session, reminder, actor=ACTOR)


def _blocked(session_factory: sessionmaker[Session], reminder: Reminder) -> None:
    with session_factory() as session, session.begin():
        subscriptions.unsubscribe(session, reminder.chat_id, reminder.iin, actor=ACTOR)


async def _send(bot: Bot, reminder: Reminder) -> None:
    text = warning_message(reminder.decision, reminder.lang)
    markup = warning_keyboard(reminder.iin, reminder.lang)
    try:
        await bot.send_message(reminder.chat_id, text, reply_markup=markup)
    except TelegramRetryAfter as error:  # flood control: wait as told, then once more
        await asyncio.sleep(error.retry_after)
        await bot.send_message(reminder.chat_id, text, reply_markup=markup)


async def deliver(
    bot: Bot, session_factory: sessionmaker[Session], due: list[Reminder]
) -> Delivery:
    """Send every warning of ``due``; each one sent is marked at once."""
    delivery = Delivery()
    for reminder in due:
        try:
            await _send(bot, reminder)
        except TelegramForbiddenError as error:
            await asyncio.to_thread(_blocked, session_factory, reminder)
            delivery.failed.append((reminder, f"blocked, unsubscribed: {error.message}"))
            continue
        except TelegramAPIError as error:
            logger.warning("warning to chat %s not sent: %s", reminder.chat_id, error)
            delivery.failed.append((reminder, error.message))
            continue
        await asyncio.to_thread(_mark_sent, session_factory, reminder)
        delivery.sent += 1
    return delivery
