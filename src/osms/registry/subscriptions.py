"""Chats' subscriptions to the Fund's warning for an IIN (``bot_subscriptions``).

Only rows here; the use cases (limits, languages, audit, who is due a warning) are
:mod:`osms.services.subscriptions` and :mod:`osms.services.reminders`.  A subscription is
never deleted: turned off, it keeps the month last warned about.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from osms.registry.models import BotSubscription
from osms.rules.month import Month

__all__ = ["active_count", "active_for_chat", "get", "not_reminded_in", "put", "remember"]


def get(session: Session, chat_id: int, iin: str) -> BotSubscription | None:
    """The chat's subscription to the IIN, active or not, or None."""
    return session.get(BotSubscription, (chat_id, iin))


def put(session: Session, chat_id: int, iin: str, lang: str, *, active: bool) -> BotSubscription:
    """The chat's subscription to the IIN in ``lang``, made or changed, ``active`` or not."""
    subscription = get(session, chat_id, iin)
    if subscription is None:
        subscription = BotSubscription(chat_id=chat_id, iin=iin, lang=lang, active=active)
        session.add(subscription)
    else:
        subscription.lang = lang
        subscription.active = active
    session.flush()
    return subscription


def active_count(session: Session, chat_id: int) -> int:
    """How many active subscriptions the chat holds."""
    statement = select(func.count()).where(
        BotSubscription.chat_id == chat_id, BotSubscription.active.is_(True)
    )
    return session.scalar(statement) or 0


def active_for_chat(session: Session, chat_id: int) -> list[BotSubscription]:
    """The chat's active subscriptions, by IIN."""
    statement = (
        select(BotSubscription)
        .where(BotSubscription.chat_id == chat_id, BotSubscription.active.is_(True))
        .order_by(BotSubscription.iin)
    )
    return list(session.scalars(statement))


def not_reminded_in(session: Session, month: Month) -> list[BotSubscription]:
    """The active subscriptions not warned in ``month`` yet, by IIN then chat."""
    statement = (
        select(BotSubscription)
        .where(
            BotSubscription.active.is_(True),
            or_(
                BotSubscription.last_reminded_period.is_(None),
                BotSubscription.last_reminded_period != month,
            ),
        )
        .order_by(BotSubscription.iin, BotSubscription.chat_id)
    )
    return list(session.scalars(statement))


def remember(session: Session, subscription: BotSubscription, month: Month) -> None:
    """Remember that the subscription was warned in ``month``."""
    subscription.last_reminded_period = month
    session.flush()
