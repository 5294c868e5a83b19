"""A chat's subscription to the Fund's warning for an IIN (RULES.md §11, R-S-7).

A Telegram chat subscribes to an IIN in its language; :mod:`osms.services.reminders` then warns
it once in every month in which the person is in the last grace month
(:attr:`~osms.rules.status.Decision.ends_with_this_month`).  Unsubscribing keeps the row,
inactive, so that the month already warned about is remembered if the chat subscribes again.
Each change is audited.

IINs are not secret, so anyone can subscribe a chat to anyone's warning: a chat may hold at
most ``limit`` active subscriptions (a family's few IINs; the bot's
``OSMS_BOT_SUBSCRIPTIONS_PER_CHAT``), and the warning says no more than the public check.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from osms.i18n import LANGUAGES
from osms.registry import audit, subscriptions
from osms.registry.models import BotSubscription
from osms.services.errors import ServiceError
from osms.services.people import checked_iin

__all__ = ["LIMIT_CODE", "active_for_chat", "subscribe", "unsubscribe"]

LIMIT_CODE = "subscription.limit"
"""The code of a subscription refused because the chat holds its limit already."""


def _checked_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ServiceError(
            "subscription.language",
            f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}",
            field="lang",
        )
    return lang


def subscribe(
    session: Session,
    chat_id: int,
    iin: str,
    lang: str,
    *,
    actor: str,
    limit: int | None = None,
) -> BotSubscription:
    """Warn ``chat_id`` in ``lang`` before ``iin`` loses status; again active if it was not.

    Raises :class:`ServiceError` for an invalid IIN (its R-IIN-3 code) or language, and
    ``subscription.limit`` (:data:`LIMIT_CODE`) when the chat already holds ``limit`` other
    active subscriptions (renewing one it holds is always allowed).
    """
    number = checked_iin(iin)
    language = _checked_language(lang)
    subscription = subscriptions.get(session, chat_id, number)
    renewed = subscription is not None
    already_active = subscription is not None and subscription.active
    if (
        limit is not None
        and not already_active
        and subscriptions.active_count(session, chat_id) >= limit
    ):
        raise ServiceError(
            LIMIT_CODE,
            f"chat {chat_id} already has {limit} subscriptions; remove one first",
            field="iin",
            status=409,
        )
    subscription = subscriptions.put(session, chat_id, number, language, active=True)
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
    subscription = subscriptions.get(session, chat_id, number)
    if subscription is None or not subscription.active:
        return False
    subscriptions.put(session, chat_id, number, subscription.lang, active=False)
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
    return subscriptions.active_for_chat(session, chat_id)
