"""``osms bot``: run the Telegram bot, send the Fund's warnings.

Both commands work on the default database (:func:`osms.cli.context.engine`) and take the bot's
token from ``OSMS_BOT_TOKEN``; ``remind --dry-run`` needs no token.  ``run`` reads the abuse
limits from the environment (:mod:`osms.bot.settings`: ``OSMS_BOT_LOOKUPS_PER_MINUTE``,
``OSMS_BOT_LOOKUPS_PER_HOUR``, ``OSMS_BOT_SUBSCRIPTIONS_PER_CHAT``).
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from osms.cli.context import engine
from osms.cli.operator import day_option, parse_day
from osms.i18n import DEFAULT_LANGUAGE, LANGUAGES
from osms.registry.db import make_session_factory

if TYPE_CHECKING:  # aiogram takes seconds to import: only the bot's own commands load it
    from aiogram import Bot, Dispatcher

    from osms.bot.remind import Delivery

__all__ = ["TOKEN_ENV", "bot_app", "make_bot"]

TOKEN_ENV = "OSMS_BOT_TOKEN"

bot_app = typer.Typer(
    help="The Telegram bot: status by IIN, what to pay, the Fund's warnings.",
    no_args_is_help=True,
)


def make_bot(token: str) -> Bot:
    """The Bot API client (replaced in the tests by one that records instead of sending)."""
    from aiogram import Bot

    return Bot(token=token)


def _bot() -> Bot:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        typer.echo(f"{TOKEN_ENV} is not set: give the bot's token from @BotFather.", err=True)
        raise typer.Exit(2)
    from aiogram.utils.token import TokenValidationError

    try:
        return make_bot(token)
    except TokenValidationError:
        typer.echo(f"{TOKEN_ENV} is not a bot token (expected <digits>:<secret>).", err=True)
        raise typer.Exit(2) from None


def _sessions() -> sessionmaker[Session]:
    return make_session_factory(engine())


async def _poll(bot: Bot, dispatcher: Dispatcher) -> None:
    from osms.bot.notices import subscriptions_command
    from osms.bot.texts import commands

    async with bot:
        menu = [*commands(DEFAULT_LANGUAGE), subscriptions_command(DEFAULT_LANGUAGE)]
        await bot.set_my_commands(menu)
        for lang in LANGUAGES:
            menu = [*commands(lang), subscriptions_command(lang)]
            await bot.set_my_commands(menu, language_code=lang)
        await dispatcher.start_polling(bot)


@bot_app.command("run")
def run_command() -> None:
    """Answer chats by long polling until stopped (Ctrl+C)."""
    from osms.bot import create_dispatcher
    from osms.bot.settings import BotSettings

    try:
        settings = BotSettings.from_env()
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    bot = _bot()
    dispatcher = create_dispatcher(_sessions(), settings=settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(_poll(bot, dispatcher))


async def _deliver(bot: Bot, sessions: sessionmaker[Session], on: date) -> Delivery:
    from osms.bot.remind import collect, deliver

    async with bot:
        return await deliver(bot, sessions, await asyncio.to_thread(collect, sessions, on))


@bot_app.command("remind")
def remind_command(
    day: Annotated[str | None, day_option("--date", "The day of the run")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the warnings instead of sending them.")
    ] = False,
) -> None:
    """Warn the subscribed chats whose IIN is in the last grace month (once a month)."""
    from osms.bot.notices import warning_message
    from osms.bot.remind import collect

    on = parse_day(day)
    if dry_run:
        due = collect(_sessions(), on)
        for reminder in due:
            typer.echo(f"--- chat {reminder.chat_id} · IIN {reminder.iin} · {reminder.lang}")
            typer.echo(warning_message(reminder.decision, reminder.lang))
        typer.echo(f"{len(due)} warning(s) due on {on.isoformat()} (dry run: nothing sent)")
        return
    bot = _bot()
    delivery = asyncio.run(_deliver(bot, _sessions(), on))
    for reminder, why in delivery.failed:
        typer.echo(f"not sent to chat {reminder.chat_id} (IIN {reminder.iin}): {why}", err=True)
    typer.echo(f"{delivery.sent} warning(s) sent on {on.isoformat()}")
    if delivery.failed:
        typer.echo(f"{len(delivery.failed)} warning(s) not sent", err=True)
        raise typer.Exit(1)
