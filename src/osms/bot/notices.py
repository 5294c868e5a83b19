"""What the bot writes about its limits and a chat's warnings, in Kazakh, Russian or English.

IINs are not secret: anyone may subscribe a chat to anyone's warning.  So a chat's list shows
each IIN masked (:func:`mask_iin`), and the Fund's warning (:func:`warning_message`) says no
more than the public check (RULES.md §11): the masked IIN, that the status ends next month and
the day it is insured until; what to pay is one button away (an audited, limited look-up).
Every word is a gettext message, marked where it is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from aiogram.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup

from osms.bot import texts
from osms.bot.texts import calculator_button
from osms.i18n import N_, t
from osms.rules.status import Decision
from osms.views.fragments import ENDS_NEXT_MONTH

__all__ = [
    "REMOVE_CALLBACK",
    "SUBSCRIPTIONS_COMMAND",
    "help_message",
    "mask_iin",
    "subscription_limit_message",
    "subscriptions_command",
    "subscriptions_hint",
    "subscriptions_keyboard",
    "subscriptions_message",
    "too_many_requests_message",
    "warning_keyboard",
    "warning_message",
]

SUBSCRIPTIONS_COMMAND: Final = "subscriptions"
REMOVE_CALLBACK: Final = "unsub:"

_TOO_MANY: Final = N_(
    "Too many requests: at most {per_minute} a minute and {per_hour} an hour. "
    "Try again in {minutes} min."
)
_SUBSCRIPTION_LIMIT: Final = N_(
    "This chat is already warned about {limit} IINs, the most allowed. "
    "Remove one in {command} first."
)
_LIST_HEADING: Final = N_(
    "Warnings in this chat ({count} of {limit}); press a button to remove one:"
)
_LIST_EMPTY: Final = N_("No warnings in this chat. To add one: {command}")
_REMOVE: Final = N_("Remove {iin}")
_HINT: Final = N_("See or remove the warnings of this chat: {command}")
_DESCRIPTION: Final = N_("the warnings of this chat: list and remove")


def mask_iin(iin: str) -> str:
    """The IIN with its serial digits hidden: the birth date and the last two digits show.

    >>> mask_iin("900515300018")
    '900515••••18'
    """
    return f"{iin[:6]}••••{iin[-2:]}"


def too_many_requests_message(lang: str, *, per_minute: int, per_hour: int, minutes: int) -> str:
    return t(lang, _TOO_MANY, per_minute=per_minute, per_hour=per_hour, minutes=minutes)


def subscription_limit_message(lang: str, limit: int) -> str:
    return t(lang, _SUBSCRIPTION_LIMIT, limit=limit, command=f"/{SUBSCRIPTIONS_COMMAND}")


def subscriptions_hint(lang: str) -> str:
    """The line after "you will be warned": where the chat's warnings are listed."""
    return t(lang, _HINT, command=f"/{SUBSCRIPTIONS_COMMAND}")


def subscriptions_message(iins: Sequence[str], lang: str, limit: int) -> str:
    """The chat's warnings, masked (the buttons of :func:`subscriptions_keyboard` remove)."""
    if not iins:
        return t(lang, _LIST_EMPTY, command=("/subscribe <" + t(lang, "IIN") + ">"))
    lines = [t(lang, _LIST_HEADING, count=len(iins), limit=limit)]
    lines.extend(f"• {mask_iin(iin)}" for iin in iins)
    return "\n".join(lines)


def subscriptions_keyboard(iins: Sequence[str], lang: str) -> InlineKeyboardMarkup | None:
    """One "remove" button per IIN, or none when the chat has no warnings."""
    if not iins:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="✖ " + t(lang, _REMOVE, iin=mask_iin(iin)),
                    callback_data=f"{REMOVE_CALLBACK}{iin}",
                )
            ]
            for iin in iins
        ]
    )


def subscriptions_command(lang: str) -> BotCommand:
    """The menu entry of /subscriptions."""
    return BotCommand(command=SUBSCRIPTIONS_COMMAND, description=t(lang, _DESCRIPTION))


def help_message(lang: str) -> str:
    """The bot's help (:func:`osms.bot.texts.help_message`) with /subscriptions listed too, as
    the command menu lists it."""
    return f"{texts.help_message(lang)}\n/{SUBSCRIPTIONS_COMMAND} — {t(lang, _DESCRIPTION)}"


def warning_message(decision: Decision, lang: str) -> str:
    """The Fund's warning in the last grace month (RULES.md §11): status ends next month.

    No category, payments or amounts: whoever subscribed the chat may not be the person.
    """
    lines = [("⚠ " + t(lang, "IIN") + f" {mask_iin(decision.iin)}"), t(lang, ENDS_NEXT_MONTH)]
    if decision.insured_until is not None:
        lines.append(t(lang, "Insured until {date}", date=decision.insured_until))
    return "\n".join(lines)


def warning_keyboard(iin: str, lang: str) -> InlineKeyboardMarkup:
    """What to pay: the calculator, as a look-up of the chat (limited and audited)."""
    return InlineKeyboardMarkup(inline_keyboard=[[calculator_button(iin, lang)]])
