"""A chat's warnings as units of work: subscribe (within the chat's limit), list, remove.

Synchronous like :mod:`osms.bot.answers` (the handlers run them in a worker thread); each
change is audited with who asked (``asker``, :func:`osms.bot.answers.actor`).
"""

from __future__ import annotations

from osms.bot.answers import BotContext
from osms.registry.db import READ_ONLY
from osms.services import subscriptions

__all__ = ["iins", "subscribe", "unsubscribe"]


def subscribe(
    context: BotContext, chat_id: int, iin: str, lang: str, limit: int, asker: str
) -> str:
    """Subscribe the chat unless it holds ``limit`` others (``subscription.limit``)."""
    with context.session_factory() as session, session.begin():
        subscription = subscriptions.subscribe(
            session, chat_id, iin, lang, actor=asker, limit=limit
        )
        return subscription.iin


def unsubscribe(context: BotContext, chat_id: int, iin: str, asker: str) -> bool:
    """Stop the warning; False when the chat had none for ``iin``."""
    with context.session_factory() as session, session.begin():
        return subscriptions.unsubscribe(session, chat_id, iin, actor=asker)


def iins(context: BotContext, chat_id: int) -> list[str]:
    """The IINs the chat is warned about, in order."""
    with context.session_factory() as session:
        session.connection(execution_options=READ_ONLY)  # SQLite: no write lock for a list
        return [s.iin for s in subscriptions.active_for_chat(session, chat_id)]
