"""A chat's warnings through the real dispatcher: at most a family's few IINs, listed masked,
removed by a button; the warning itself says no more than the public check (RULES.md §11)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import cast

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from osms.bot import create_dispatcher, notices
from osms.bot.settings import BotSettings
from osms.i18n import LANGUAGES, t
from osms.registry.models import AuditEvent
from osms.rules.status import decide
from tests.api.public_people import ON, PEOPLE, Person, leaks, private_words
from tests.bot.conftest import GRACE, TODAY, Conversation, buttons, grace_payer
from tests.i18n.marked import marked_msgids, record_msgids

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

ANNA = 100
"""A private chat that chooses English."""

FAMILY = ("900515300018", "850312401235", "010101500013", "020202600010", "030303500015")
"""Five valid IINs: a chat's default limit (OSMS_BOT_SUBSCRIPTIONS_PER_CHAT)."""

SIXTH = "040404500016"


@pytest.fixture
def chat(session_factory: sessionmaker[Session], loop: asyncio.AbstractEventLoop) -> Conversation:
    """The bot with the default subscription limit and room for many requests."""
    settings = BotSettings(lookups_per_minute=100, lookups_per_hour=1000)
    dispatcher = create_dispatcher(session_factory, today=lambda: TODAY, settings=settings)
    conversation = Conversation(dispatcher, loop)
    conversation.press(ANNA, "lang:en")
    return conversation


def _subscribed(session: Session) -> list[str]:
    session.expire_all()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "bot.subscribe").order_by(AuditEvent.id)
    )
    iins = [e.iin for e in events if e.iin is not None]
    session.rollback()  # SQLite: the bot waits while this read's transaction lasts
    return iins


@sqlite_only
def test_a_chat_is_warned_about_at_most_five_iins(chat: Conversation, session: Session) -> None:
    for iin in FAMILY:
        reply = chat.reply(ANNA, f"/subscribe {iin}").text
        assert iin in reply
        assert "See or remove the warnings of this chat: /subscriptions" in reply
    assert chat.reply(ANNA, f"/subscribe {SIXTH}").text == (
        "This chat is already warned about 5 IINs, the most allowed. "
        "Remove one in /subscriptions first."
    )
    refused_by_button = chat.press(ANNA, f"sub:{SIXTH}")
    assert [type(c) for c in refused_by_button] == [AnswerCallbackQuery, SendMessage]
    assert "the most allowed" in cast(SendMessage, refused_by_button[1]).text
    # subscribing again to one the chat holds is no new subscription
    assert FAMILY[0] in chat.reply(ANNA, f"/subscribe {FAMILY[0]}").text
    assert _subscribed(session) == [*FAMILY, FAMILY[0]]


@sqlite_only
def test_the_list_shows_masked_iins_and_a_button_removes_one(
    chat: Conversation, session: Session
) -> None:
    empty = chat.reply(ANNA, "/subscriptions")
    assert empty.text == "No warnings in this chat. To add one: /subscribe <IIN>"
    assert empty.reply_markup is None
    for iin in FAMILY:
        chat.reply(ANNA, f"/subscribe {iin}")

    listed = chat.reply(ANNA, "/subscriptions")
    lines = listed.text.splitlines()
    assert lines[0] == "Warnings in this chat (5 of 5); press a button to remove one:"
    assert lines[1:] == [f"• {iin[:6]}••••{iin[-2:]}" for iin in sorted(FAMILY)]
    assert not any(iin in listed.text for iin in FAMILY)  # no whole IIN is shown
    assert buttons(listed.reply_markup) == [
        (f"✖ Remove {notices.mask_iin(iin)}", f"unsub:{iin}") for iin in sorted(FAMILY)
    ]

    removed = chat.press(ANNA, f"unsub:{GRACE}")
    assert [type(c) for c in removed] == [AnswerCallbackQuery, EditMessageText]
    toast = cast(AnswerCallbackQuery, removed[0]).text
    assert toast == f"Warnings for IIN {notices.mask_iin(GRACE)} are turned off."
    edited = cast(EditMessageText, removed[1])
    assert edited.text.startswith("Warnings in this chat (4 of 5)")
    assert f"unsub:{GRACE}" not in [data for _, data in buttons(edited.reply_markup)]
    # pressed twice (an old list): nothing to remove, said so
    again = cast(AnswerCallbackQuery, chat.press(ANNA, f"unsub:{GRACE}")[0])
    assert again.text == f"There were no warnings for IIN {notices.mask_iin(GRACE)} in this chat."
    # the freed place takes a new IIN
    assert SIXTH in chat.reply(ANNA, f"/subscribe {SIXTH}").text
    assert "(5 of 5)" in chat.reply(ANNA, "/subscriptions").text
    session.expire_all()
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("bot.unsubscribe") == 1


@sqlite_only
def test_a_forged_remove_button_is_refused_as_a_bad_iin(chat: Conversation) -> None:
    calls = chat.press(ANNA, "unsub:12345")
    assert [type(c) for c in calls] == [AnswerCallbackQuery]
    assert cast(AnswerCallbackQuery, calls[0]).text == "The IIN must have 12 digits."


@sqlite_only
def test_each_chat_has_its_own_list(chat: Conversation) -> None:
    chat.reply(ANNA, f"/subscribe {GRACE}")
    other = chat.reply(ANNA + 1, "/subscriptions").text
    assert other.startswith("Бұл чатта ескертулер жоқ")  # Kazakh: that chat chose nothing


# -- the texts ---------------------------------------------------------------------------------


@pytest.fixture
def used(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The msgids :mod:`osms.bot.notices` passes to ``t`` while the test renders."""
    yield record_msgids(monkeypatch, notices)


def _render_everything(lang: str) -> list[str]:
    family = list(FAMILY)
    keyboard = notices.subscriptions_keyboard(family, lang)
    assert keyboard is not None
    return [
        notices.too_many_requests_message(lang, per_minute=10, per_hour=60, minutes=59),
        notices.subscription_limit_message(lang, 5),
        notices.subscriptions_hint(lang),
        notices.subscriptions_message(family, lang, 5),
        notices.subscriptions_message([], lang, 5),
        *(b.text for row in keyboard.inline_keyboard for b in row),
        notices.subscriptions_command(lang).description,
        notices.warning_message(decide(grace_payer(), TODAY), lang),
        *(b.text for row in notices.warning_keyboard(GRACE, lang).inline_keyboard for b in row),
    ]


def test_every_notice_is_a_translated_catalog_message(used: set[str]) -> None:
    for lang in LANGUAGES:
        assert all(_render_everything(lang))
    assert used <= marked_msgids()  # so the catalog check covers each (kk and ru translated)
    for lang in ("kk", "ru"):
        for msgid in used:
            assert t(lang, msgid) != msgid, (lang, msgid)


def test_a_refused_button_fits_a_callback_answer() -> None:
    for lang in LANGUAGES:
        text = notices.too_many_requests_message(lang, per_minute=99, per_hour=999, minutes=60)
        assert len(text) <= 200  # Telegram's limit for the alert of a callback answer


def test_the_warning_says_no_more_than_the_public_check() -> None:
    """RULES.md §11: the Fund's warning is that status ends next month; whoever subscribed
    the chat may not be the person, so no whole IIN, no amounts, no months owed."""
    decision = decide(grace_payer(), TODAY)
    assert decision.loses_status_next_month and decision.debt_months  # there is debt to hide
    texts = {lang: notices.warning_message(decision, lang) for lang in LANGUAGES}
    assert texts["en"] == (
        f"⚠ IIN {notices.mask_iin(GRACE)}\n"
        "Status ends next month: pay now to keep it\n"
        "Insured until 30 September 2025"
    )
    assert texts["ru"].splitlines()[1:] == [
        "Со следующего месяца статус прекратится: оплатите сейчас, чтобы его сохранить",
        "Застрахован по 30 сентября 2025 г. включительно",
    ]
    for text in texts.values():
        assert GRACE not in text
        assert "₸" not in text and "4250" not in text.replace("\u202f", "")
    assert buttons(notices.warning_keyboard(GRACE, "en")) == [("💳 What to pay", f"calc:{GRACE}")]


@pytest.mark.parametrize("person", PEOPLE, ids=[p.name for p in PEOPLE])
def test_the_warning_says_nothing_personal_for_any_kind_of_person(person: Person) -> None:
    decision = decide(person.decided_facts(), ON)
    for lang in LANGUAGES:
        text = notices.warning_message(decision, lang)
        assert leaks(text, private_words(person, decision, lang)) == [], (lang, text)
        assert person.iin not in text
