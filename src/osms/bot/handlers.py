"""The bot's handlers: parse the message, call one unit of work, render the reply.

Per chat the dispatcher's FSM storage keeps the language and the last IIN (:mod:`osms.bot.chat`).
The handlers that read or write the registry carry the ``lookup`` flag: the dispatcher's
:class:`osms.bot.limits.RequestLimit` counts them per Telegram user and refuses them past the
limit.  /subscriptions lists the chat's warnings (IINs masked) with a button removing each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Final, TypeVar

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, InlineKeyboardMarkup, Message

from osms.bot import answers, chat_warnings, notices, texts
from osms.bot.answers import BotContext
from osms.bot.chat import IIN_KEY, LANG_KEY, chat_language
from osms.bot.limits import LOOKUP_FLAG
from osms.bot.settings import BotSettings
from osms.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, error_message
from osms.rules.calculator import Calculation
from osms.rules.checkdigit import LENGTH as IIN_LENGTH
from osms.rules.iin import compact as compact_iin
from osms.services.errors import ServiceError
from osms.services.people import checked_iin, iin_in_text
from osms.services.subscriptions import LIMIT_CODE

__all__ = ["build_router", "chat_language"]

logger = logging.getLogger(__name__)

_LOOKUP: Final = {LOOKUP_FLAG: True}

_T = TypeVar("_T")


def _compact(text: str) -> str:
    """The text as an IIN (:func:`osms.rules.iin.compact`), any whitespace a separator."""
    return compact_iin(" ".join(text.split()))


def _iin_candidate(text: str) -> str | None:
    """The IIN to check in the text: the text itself without separators, or the one number
    written among words ("ИИН: 910812418915", :func:`iin_in_text`); None when it has no
    digit."""
    compact = _compact(iin_in_text(text))
    return compact if any(c.isdigit() for c in compact) else None


def _for_the_bot(message: Message) -> bool:
    """Whether a message no command took is meant for the bot: anything in a private chat; in
    a group only a number (an IIN, with its separators), so that the group's own talk ("see
    you at 15:00", a photo, another bot's /command) is not answered with a hint or an error."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    compact = _compact(message.text or "")
    return compact.isdecimal()


async def _command_iin(command: CommandObject, state: FSMContext) -> str | None:
    """The IIN after the command, else the last IIN answered in this chat."""
    if command.args and command.args.strip():
        return _compact(iin_in_text(command.args))
    last = (await state.get_data()).get(IIN_KEY)
    return last if isinstance(last, str) else None


def _callback_chat(callback: CallbackQuery) -> int:
    return callback.message.chat.id if callback.message is not None else callback.from_user.id


def _asker(message: Message) -> str:
    """Who asked, for the audit: the chat, and in a group the member who wrote (RULES.md §11;
    a channel's post has no member)."""
    user = message.from_user
    return answers.actor(message.chat.id, user.id if user is not None else None)


def _callback_asker(callback: CallbackQuery) -> str:
    """Who pressed the button, for the audit, as :func:`_asker`."""
    return answers.actor(_callback_chat(callback), callback.from_user.id)


# -- /start and the language -------------------------------------------------------------------


async def on_start(message: Message) -> None:
    await message.answer(texts.start_message(), reply_markup=texts.language_keyboard())


async def on_start_link(
    message: Message, command: CommandObject, state: FSMContext, bot: Bot, osms: BotContext
) -> None:
    """/start with a payload, as a link t.me/<bot>?start=<IIN> opens the chat: the IIN is
    answered; any other payload gets the language prompt."""
    candidate = _iin_candidate(command.args or "")
    if candidate is None or not (candidate.isdigit() and len(candidate) == IIN_LENGTH):
        await on_start(message)  # another link's payload ("ad2026"): not a look-up
        return
    await _send_status(bot, message.chat.id, candidate, state, osms, _asker(message))


async def on_language(callback: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    lang = (callback.data or "").removeprefix(texts.LANGUAGE_CALLBACK)
    if lang not in LANGUAGES:
        await callback.answer()
        return
    await state.update_data({LANG_KEY: lang})
    await callback.answer(LANGUAGE_NAMES[lang])
    reply = texts.language_chosen_message(lang)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(reply)
    else:
        await bot.send_message(_callback_chat(callback), reply)


async def on_help(message: Message, state: FSMContext) -> None:
    await message.answer(notices.help_message(await chat_language(state)))


# -- an IIN: status, debts, what to pay --------------------------------------------------------


async def _answer(
    bot: Bot,
    chat_id: int,
    text: str,
    state: FSMContext,
    work: Callable[[str], _T],
    render: Callable[[str, _T, str], tuple[str, InlineKeyboardMarkup | None]],
) -> None:
    """Check the IIN, do ``work`` for it in a worker thread, remember it as the chat's last IIN
    and send what ``render(iin, result, lang)`` makes of it; or tell the chat why not (a
    malformed IIN, a refused look-up)."""
    lang = await chat_language(state)
    try:
        number = checked_iin(text)
        result = await asyncio.to_thread(work, number)
    except ServiceError as error:
        await bot.send_message(chat_id, error_message(error.code, lang))
        return
    await state.update_data({IIN_KEY: number})
    reply, markup = render(number, result, lang)
    await bot.send_message(chat_id, reply, reply_markup=markup)


def _status_reply(iin: str, found: answers.Lookup, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    answer = found.answer
    reply = texts.status_message(
        answer.decision, lang, registered=answer.registered, calculation=found.calculation
    )
    return reply, texts.status_keyboard(iin, lang)


def _calculation_reply(iin: str, calc: Calculation, lang: str) -> tuple[str, None]:
    return texts.calculation_message(calc, lang), None


async def _send_status(
    bot: Bot, chat_id: int, text: str, state: FSMContext, osms: BotContext, asker: str
) -> None:
    await _answer(bot, chat_id, text, state, partial(answers.look_up, osms, asker), _status_reply)


async def on_text(message: Message, state: FSMContext, bot: Bot, osms: BotContext) -> None:
    text = message.text or ""
    if text.startswith("/"):  # a command the bot does not know
        await message.answer(notices.help_message(await chat_language(state)))
        return
    candidate = _iin_candidate(text)
    if candidate is None:
        await message.answer(texts.iin_needed_message(await chat_language(state)))
        return
    await _send_status(bot, message.chat.id, candidate, state, osms, _asker(message))


async def on_not_text(message: Message, state: FSMContext) -> None:
    """A photo, a contact, a sticker …: no IIN can be read from it, and the chat is told how to
    send one rather than met with silence (counted like text, so it cannot flood the bot)."""
    await message.answer(texts.iin_needed_message(await chat_language(state)))


# -- /calc -------------------------------------------------------------------------------------


async def _send_calculation(
    bot: Bot, chat_id: int, iin: str, state: FSMContext, osms: BotContext, asker: str
) -> None:
    look_up = partial(answers.calculation, osms, asker)
    await _answer(bot, chat_id, iin, state, look_up, _calculation_reply)


async def on_calc(
    message: Message, command: CommandObject, state: FSMContext, bot: Bot, osms: BotContext
) -> None:
    iin = await _command_iin(command, state)
    if iin is None:
        await message.answer(texts.iin_needed_message(await chat_language(state), "calc"))
        return
    await _send_calculation(bot, message.chat.id, iin, state, osms, _asker(message))


async def on_calc_button(
    callback: CallbackQuery, state: FSMContext, bot: Bot, osms: BotContext
) -> None:
    await callback.answer()
    iin = (callback.data or "").removeprefix(texts.CALC_CALLBACK)
    await _send_calculation(
        bot, _callback_chat(callback), iin, state, osms, _callback_asker(callback)
    )


# -- /subscribe, /unsubscribe, /subscriptions --------------------------------------------------


async def _subscribe(
    bot: Bot,
    chat_id: int,
    iin: str,
    state: FSMContext,
    osms: BotContext,
    limits: BotSettings,
    asker: str,
) -> None:
    lang = await chat_language(state)
    limit = limits.subscriptions_per_chat
    try:
        number = checked_iin(iin)
        await asyncio.to_thread(chat_warnings.subscribe, osms, chat_id, number, lang, limit, asker)
    except ServiceError as error:
        if error.code == LIMIT_CODE:
            await bot.send_message(chat_id, notices.subscription_limit_message(lang, limit))
        else:
            await bot.send_message(chat_id, error_message(error.code, lang))
        return
    reply = f"{texts.subscribed_message(number, lang)}\n{notices.subscriptions_hint(lang)}"
    await bot.send_message(chat_id, reply)


async def on_subscribe(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    bot: Bot,
    osms: BotContext,
    limits: BotSettings,
) -> None:
    iin = await _command_iin(command, state)
    if iin is None:
        await message.answer(texts.iin_needed_message(await chat_language(state), "subscribe"))
        return
    await _subscribe(bot, message.chat.id, iin, state, osms, limits, _asker(message))


async def on_subscribe_button(
    callback: CallbackQuery, state: FSMContext, bot: Bot, osms: BotContext, limits: BotSettings
) -> None:
    await callback.answer()
    iin = (callback.data or "").removeprefix(texts.SUBSCRIBE_CALLBACK)
    await _subscribe(
        bot, _callback_chat(callback), iin, state, osms, limits, _callback_asker(callback)
    )


async def on_unsubscribe(
    message: Message, command: CommandObject, state: FSMContext, osms: BotContext
) -> None:
    lang = await chat_language(state)
    iin = await _command_iin(command, state)
    if iin is None:
        await message.answer(texts.iin_needed_message(lang, "unsubscribe"))
        return
    try:
        number = checked_iin(iin)
        was_subscribed = await asyncio.to_thread(
            chat_warnings.unsubscribe, osms, message.chat.id, number, _asker(message)
        )
    except ServiceError as error:
        await message.answer(error_message(error.code, lang))
        return
    await message.answer(texts.unsubscribed_message(number, lang, was_subscribed=was_subscribed))


async def on_subscriptions(
    message: Message, state: FSMContext, osms: BotContext, limits: BotSettings
) -> None:
    lang = await chat_language(state)
    iins = await asyncio.to_thread(chat_warnings.iins, osms, message.chat.id)
    await message.answer(
        notices.subscriptions_message(iins, lang, limits.subscriptions_per_chat),
        reply_markup=notices.subscriptions_keyboard(iins, lang),
    )


async def on_remove_button(
    callback: CallbackQuery, state: FSMContext, bot: Bot, osms: BotContext, limits: BotSettings
) -> None:
    """Remove one IIN of the list, then show the list as it is now in place of the old one."""
    lang = await chat_language(state)
    chat_id = _callback_chat(callback)
    iin = (callback.data or "").removeprefix(notices.REMOVE_CALLBACK)
    try:
        number = checked_iin(iin)
        was_subscribed = await asyncio.to_thread(
            chat_warnings.unsubscribe, osms, chat_id, number, _callback_asker(callback)
        )
    except ServiceError as error:
        await callback.answer(error_message(error.code, lang))
        return
    masked = notices.mask_iin(number)
    await callback.answer(texts.unsubscribed_message(masked, lang, was_subscribed=was_subscribed))
    iins = await asyncio.to_thread(chat_warnings.iins, osms, chat_id)
    text = notices.subscriptions_message(iins, lang, limits.subscriptions_per_chat)
    markup = notices.subscriptions_keyboard(iins, lang)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)
    else:
        await bot.send_message(chat_id, text, reply_markup=markup)


# -- anything unexpected -----------------------------------------------------------------------


async def on_error(event: ErrorEvent, bot: Bot, state: FSMContext | None = None) -> None:
    """Log the failure and tell the chat, in its language, to try again later."""
    logger.error("bot update %s failed", event.update.update_id, exc_info=event.exception)
    update = event.update
    chat_id: int | None = None
    message = update.message or update.edited_message
    if message is not None:
        chat_id = message.chat.id
    elif update.callback_query is not None:
        chat_id = _callback_chat(update.callback_query)
    if chat_id is None:
        return
    lang = await chat_language(state) if state is not None else DEFAULT_LANGUAGE
    try:
        await bot.send_message(chat_id, texts.unexpected_error_message(lang))
    except Exception:  # the chat may be gone; the failure is logged above
        logger.warning("could not tell chat %s about the failure", chat_id)


def build_router() -> Router:
    """A new router with every handler (a router can be included in one dispatcher only)."""
    router = Router(name="osms")
    callback = router.callback_query
    # A message corrected in Telegram (an IIN with a digit missing, edited) is answered as
    # the message it now is: the same handlers, limit and audit, never silence.
    # Commands are read in any case: a phone's keyboard writes "/Calc" or "/CALC".
    for message in (router.message, router.edited_message):
        message.register(
            on_start_link, CommandStart(deep_link=True, ignore_case=True), flags=_LOOKUP
        )
        message.register(on_start, CommandStart(ignore_case=True))
        message.register(on_help, Command("help", ignore_case=True))
        message.register(on_calc, Command("calc", ignore_case=True), flags=_LOOKUP)
        message.register(on_subscribe, Command("subscribe", ignore_case=True), flags=_LOOKUP)
        message.register(on_unsubscribe, Command("unsubscribe", ignore_case=True), flags=_LOOKUP)
        message.register(
            on_subscriptions,
            Command(notices.SUBSCRIPTIONS_COMMAND, ignore_case=True),
            flags=_LOOKUP,
        )
        message.register(on_text, F.text, _for_the_bot, flags=_LOOKUP)
        message.register(on_not_text, _for_the_bot, flags=_LOOKUP)
    callback.register(on_language, F.data.startswith(texts.LANGUAGE_CALLBACK))
    callback.register(on_calc_button, F.data.startswith(texts.CALC_CALLBACK), flags=_LOOKUP)
    callback.register(
        on_subscribe_button, F.data.startswith(texts.SUBSCRIBE_CALLBACK), flags=_LOOKUP
    )
    callback.register(on_remove_button, F.data.startswith(notices.REMOVE_CALLBACK), flags=_LOOKUP)
    router.errors.register(on_error)
    return router
