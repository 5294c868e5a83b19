"""A chat's subscription to the Fund's warning for an IIN (RULES.md §11, R-S-7).

A Telegram chat subscribes to an IIN in its language; :mod:`osms.services.reminders` then warns
it once in every month in which the person is in the last grace month
(``loses_status_next_month``).  Unsubscribing keeps the row, inactive, so that the month
already warned about is remembered if the chat subscribes again.  Each change is audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.i18n import LANGUAGES
from osms.registry import audit
from osms.registry.models import BotSubscription
from osms.services.errors import ServiceError
from osms.services.people import checked_iin

__all__ = ["active_for_chat", "subscribe", "unsubscribe"]


def _checked_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ServiceError(
            "subscription.language",
            f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}",
            field="lang",
        )
    return lang


def subscribe(
    session: Session, chat_id: int, iin: str, lang: str, *, actor: str
) -> BotSubscription:
    """Warn ``chat_id`` in ``lang`` before ``iin`` loses status; again active if it was not.

    Raises :class:`ServiceError` for an invalid IIN (its R-IIN-3 code) or language.
    """
    number = checked_iin(iin)
    language = _checked_language(lang)
    subscription = session.get(BotSubscription, (chat_id, number))
    renewed = subscription is not None
    if subscription is None:
        subscription = BotSubscription(chat_id=chat_id, iin=number, lang=language, active=True)
        session.add(subscription)
    else:
        subscription.lang = language
        subscription.active = True
    session.flush()
    audit.record(
        session,
        actor,
        "bot.subscribe",
        number,
        "warn before the status ends (last grace month)",
        {"chat_id": chat_id, "lang": language, "renewed": renewed},
    )
    return subscription


def unsubscribe(session: Session, chat_id: int, iin: str, *, actor: str) -> bool:
    """Stop warning ``chat_id`` about ``iin``; False when there was no active subscription."""
    number = checked_iin(iin)
    subscription = session.get(BotSubscription, (chat_id, number))
    if subscription is None or not subscription.active:
        return False
    subscription.active = False
    session.flush()
    audit.record(
        session,
        actor,
        "bot.unsubscribe",
        number,
        "warnings turned off",
        {"chat_id": chat_id},
    )
    return True


def active_for_chat(session: Session, chat_id: int) -> list[BotSubscription]:
    """The chat's active subscriptions, by IIN."""
    statement = (
        select(BotSubscription)
        .where(BotSubscription.chat_id == chat_id, BotSubscription.active.is_(True))
        .order_by(BotSubscription.iin)
    )
    return list(session.scalars(statement))
