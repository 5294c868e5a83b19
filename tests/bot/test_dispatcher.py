"""The bot end to end: real updates through the real dispatcher, replies recorded, no network."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, cast

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import Contact, Update
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from osms.bot import create_dispatcher, notices, texts
from osms.i18n import LANGUAGES, error_message, format_money, label, t
from osms.registry.models import AuditEvent, BotSubscription
from osms.rules.month import Month
from osms.views.public import no_records
from tests.bot.conftest import (
    GRACE,
    TODAY,
    UNKNOWN,
    Conversation,
    buttons,
    grace_payer,
    message_update,
    monthly_payer,
)

ANNA = 100
"""A chat that chooses Russian."""

BOLAT = 200
"""A chat that never chooses a language (Kazakh)."""

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _money(amount: str, lang: str) -> str:
    return format_money(Decimal(amount), lang)


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_start_choose_russian_then_status_debts_calc_and_subscribe(
    conversation: Conversation,
    session: Session,
    store_facts: Callable[..., None],
) -> None:
    store_facts(session, grace_payer())
    session.commit()

    start = conversation.reply(ANNA, "/start")
    assert buttons(start.reply_markup) == [
        ("Қазақша", "lang:kk"),
        ("Русский", "lang:ru"),
        ("English", "lang:en"),
    ]
    assert [t(lang, "Choose a language") in start.text for lang in LANGUAGES] == [True] * 3

    chosen = conversation.press(ANNA, "lang:ru")
    assert [type(c) for c in chosen] == [AnswerCallbackQuery, EditMessageText]
    assert "Русский" in (cast(EditMessageText, chosen[1]).text or "")

    status = conversation.reply(ANNA, "9005 1530 0018")
    text = status.text
    assert f"ИИН {GRACE}" in text
    assert "Статус: ЗАСТРАХОВАН · Льготный период (условно застрахован)" in text
    assert "Застрахован по 30 сентября 2025 г. включительно" in text
    assert "⚠ Со следующего месяца статус прекратится: оплатите сейчас, чтобы его сохранить" in text
    for month in ("июль 2025", "август 2025", "сентябрь 2025"):
        assert f"• {month} — {_money('4250', 'ru')}" in text
    assert f"Сумма задолженности: {_money('12750', 'ru')}" in text
    assert "Что оплатить (Рекомендуется):" in text
    # R-K-2: insured on the day, so no "minimum to be insured now"; the prepaid block of the
    # next 12 months is the lowest total per insured day
    minimum = "Оплатить минимум месяцев, чтобы получить статус сейчас"
    assert minimum not in text
    assert f"Оплатить 12 месяцев, начиная со следующего — {_money('51000', 'ru')}" in text
    assert ("🔔", f"sub:{GRACE}") in [(t[:1], d) for t, d in buttons(status.reply_markup)]
    assert ("💳", f"calc:{GRACE}") in [(t[:1], d) for t, d in buttons(status.reply_markup)]

    calc = conversation.reply(ANNA, "/calc").text  # the last IIN asked in this chat
    assert "Что оплатить на 15 сентября 2025 г." in calc
    assert "★ Оплатить 12 месяцев, начиная со следующего — Рекомендуется" in calc
    assert minimum not in calc
    assert "Погасить всю задолженность" in calc and "Оплатить 12 месяцев" in calc
    assert f"Итого: {_money('12750', 'ru')}" in calc
    assert f"Итого: {_money('51000', 'ru')}" in calc
    assert "КНП 122 — Взносы на ОСМС" in calc
    assert "Оплачивайте каждый месяц отдельным платежом" in calc
    assert "ИИК: KZ92009MEDS368609103" in calc and "БИН: 160440007161" in calc
    assert "БИК: GCVPKZ2A" in calc

    subscribed = conversation.press(ANNA, f"sub:{GRACE}")
    assert [type(c) for c in subscribed] == [AnswerCallbackQuery, SendMessage]
    session.expire_all()
    subscription = session.get(BotSubscription, (ANNA, GRACE))
    assert subscription is not None
    assert (subscription.lang, subscription.active) == ("ru", True)
    assert _actions(session) == [
        "status.lookup",
        "calculator.lookup",
        "calculator.lookup",
        "bot.subscribe",
    ]


@sqlite_only
def test_the_language_is_remembered_per_chat_and_kazakh_is_the_default(
    conversation: Conversation, session: Session, store_facts: Callable[..., None]
) -> None:
    store_facts(session, grace_payer())
    session.commit()
    conversation.press(ANNA, "lang:ru")
    assert "ЗАСТРАХОВАН" in conversation.reply(ANNA, GRACE).text
    kazakh = conversation.reply(BOLAT, GRACE).text
    assert "Мәртебе: САҚТАНДЫРЫЛҒАН · Жеңілдікті кезең (шартты түрде сақтандырылған)" in kazakh
    assert "Берешек сомасы" in kazakh
    conversation.press(BOLAT, "lang:en")
    assert "Status: INSURED · Grace period" in conversation.reply(BOLAT, GRACE).text


def _from(chat_id: int, text: str, language_code: str) -> Update:
    """``text`` from a user whose Telegram speaks ``language_code``."""
    update = message_update(chat_id, text)
    assert update.message is not None and update.message.from_user is not None
    user = update.message.from_user.model_copy(update={"language_code": language_code})
    return update.model_copy(
        update={"message": update.message.model_copy(update={"from_user": user})}
    )


@sqlite_only
def test_a_chat_that_chose_nothing_is_answered_in_its_users_telegram_language(
    conversation: Conversation, session: Session, store_facts: Callable[..., None]
) -> None:
    """Everyone who had not pressed /start was answered in Kazakh, whatever their Telegram
    spoke; a language chosen with /start still wins, and a language not ours is Kazakh."""
    store_facts(session, grace_payer())
    session.commit()
    first = [c for c in conversation.feed(_from(300, GRACE, "ru")) if isinstance(c, SendMessage)]
    assert "ЗАСТРАХОВАН" in first[0].text
    english = [
        c for c in conversation.feed(_from(400, GRACE, "en-GB")) if isinstance(c, SendMessage)
    ]
    assert "Status: INSURED · Grace period" in english[0].text
    german = [c for c in conversation.feed(_from(500, GRACE, "de")) if isinstance(c, SendMessage)]
    assert "САҚТАНДЫРЫЛҒАН" in german[0].text
    conversation.press(300, "lang:kk")
    chosen = [c for c in conversation.feed(_from(300, GRACE, "ru")) if isinstance(c, SendMessage)]
    assert "САҚТАНДЫРЫЛҒАН" in chosen[0].text


@sqlite_only
def test_an_unknown_valid_iin_is_answered_as_unknown_never_as_a_debtor(
    conversation: Conversation,
) -> None:
    """RULES.md §11: "no records yet; payments appear within 3 working days"."""
    text = conversation.reply(BOLAT, UNKNOWN).text
    assert f"ЖСН {UNKNOWN}" in text
    assert no_records(date(2025, 1, 10), "kk") in text
    assert "САҚТАНДЫРЫЛМАҒАН" not in text and "Берешек" not in text
    conversation.press(BOLAT, "lang:en")
    english = conversation.reply(BOLAT, UNKNOWN).text
    assert no_records(date(2025, 1, 10), "en") in english and "within 3 working days" in english
    assert "1414" in english
    assert "NOT INSURED" not in english and "Debt" not in english
    assert "Pay 12 months from" not in english  # no calculator as if it were a debtor's


@sqlite_only
def test_an_unknown_iin_insured_by_grace_is_offered_no_debt(conversation: Conversation) -> None:
    """RULES.md §11: 18 in July 2025 and unknown to the registry, insured by grace on the IIN
    alone: its status, "no records yet" for its months, and only the prepayments to pay."""
    just_18 = "070710600011"
    conversation.press(BOLAT, "lang:en")
    text = conversation.reply(BOLAT, just_18).text
    assert "INSURED · Grace period" in text
    assert no_records(TODAY, "en") in text
    assert "Debt:" not in text and "No debt" not in text
    for option in ("clear_debt", "minimum_now"):
        assert label("en", "option", option) not in text
    calc = conversation.reply(BOLAT, f"/calc {just_18}").text
    assert label("en", "option", "clear_debt") not in calc
    assert label("en", "option", "prepay_next") in calc


@sqlite_only
def test_a_malformed_iin_gets_the_error_in_the_chats_language(
    conversation: Conversation, session: Session
) -> None:
    assert conversation.reply(BOLAT, "12345").text == "ЖСН 12 цифрдан тұруы керек."
    conversation.press(ANNA, "lang:ru")
    assert (
        conversation.reply(ANNA, "900515300019").text
        == "Неверная контрольная цифра ИИН: проверьте номер."
    )
    assert conversation.reply(ANNA, "/calc 12345678901x").text == (
        "ИИН может содержать только цифры."
    )
    assert conversation.reply(ANNA, "/subscribe 900515300019").text == (
        "Неверная контрольная цифра ИИН: проверьте номер."
    )
    session.expire_all()
    assert _actions(session) == []  # nothing was looked up


@sqlite_only
def test_digits_of_another_script_are_read_as_digits(conversation: Conversation) -> None:
    """Full-width (a CJK keyboard) and Arabic-Indic digits are an IIN, not a refusal."""
    for typed in ("８５０３１２４０１２３５", "٨٥٠٣١٢ ٤٠١٢٣٥"):
        assert conversation.reply(BOLAT, typed).text.startswith(f"ЖСН {UNKNOWN} · ")
        assert conversation.reply(BOLAT, f"/calc {typed}").text.startswith(f"ЖСН {UNKNOWN} · ")


@sqlite_only
def test_an_iin_written_among_words_is_read(conversation: Conversation) -> None:
    """A person writes "ИИН: …" or "Мой ИИН …": the one number among the words is the IIN
    (it was refused with "the IIN may contain only digits"); several numbers stay refused."""
    status = f"ЖСН {UNKNOWN} · "
    for typed in (f"ИИН: {UNKNOWN}", f"Мой ИИН {UNKNOWN}", f"ЖСН {UNKNOWN[:6]} {UNKNOWN[6:]}."):
        assert conversation.reply(BOLAT, typed).text.startswith(status), typed
    assert conversation.reply(BOLAT, f"/calc {UNKNOWN} please").text.startswith(status)
    refused = error_message("iin.format", "kk")
    assert conversation.reply(BOLAT, f"ИИН {UNKNOWN} или {GRACE}").text == refused
    assert conversation.reply(BOLAT, f"{UNKNOWN}, 15:00").text == refused
    assert conversation.reply(BOLAT, "ИИН?").text == texts.iin_needed_message("kk")
    group = [c for c in conversation.say(-1001, f"ИИН: {UNKNOWN}", user_id=ANNA)]
    assert [c for c in group if isinstance(c, SendMessage)] == []  # a group: numbers only


@sqlite_only
def test_commands_are_read_in_any_case_and_a_start_link_with_an_iin_is_answered(
    conversation: Conversation,
) -> None:
    """ "/CALC …" got /help; "/start <IIN>" (a link t.me/<bot>?start=<IIN>) got the language
    prompt and lost the IIN."""
    calc = conversation.reply(BOLAT, f"/CALC {UNKNOWN}").text
    assert calc.startswith(f"ЖСН {UNKNOWN} · ") and texts.help_message("kk") not in calc
    assert conversation.reply(BOLAT, f"/Calc {UNKNOWN}").text == calc
    assert conversation.reply(BOLAT, "/HELP").text == notices.help_message("kk")
    linked = conversation.reply(BOLAT, f"/start {UNKNOWN}")
    assert linked.text.startswith(f"ЖСН {UNKNOWN} · ")
    assert no_records(TODAY, "kk") in linked.text
    assert conversation.reply(BOLAT, "/START").text == texts.start_message()
    assert conversation.reply(BOLAT, "/start hello").text == texts.start_message()
    assert conversation.reply(BOLAT, "/start ad2026").text == texts.start_message()


@sqlite_only
def test_a_group_is_answered_only_when_it_sends_an_iin(
    conversation: Conversation, session: Session
) -> None:
    """In a group the bot reads everyone's messages (privacy mode off, or as an admin): their
    talk, a photo or another bot's command gets no hint and no error; a number does."""
    group = -1001
    for chatter in ("hello everyone", "see you at 15:00", "/weather@other_bot", "/what"):
        sent = [
            c for c in conversation.say(group, chatter, user_id=ANNA) if isinstance(c, SendMessage)
        ]
        assert sent == [], chatter
    update = message_update(group, "", user_id=ANNA)
    assert update.message is not None
    contact = Contact(phone_number="+77010000000", first_name="Айгерім")
    photo_like = update.model_copy(
        update={"message": update.message.model_copy(update={"text": None, "contact": contact})}
    )
    assert [c for c in conversation.feed(photo_like) if isinstance(c, SendMessage)] == []
    replies = [
        c for c in conversation.say(group, UNKNOWN, user_id=ANNA) if isinstance(c, SendMessage)
    ]
    assert [r.text.split(" · ")[0] for r in replies] == [f"ЖСН {UNKNOWN}"]
    replies = [
        c for c in conversation.say(group, "12345", user_id=ANNA) if isinstance(c, SendMessage)
    ]
    assert [r.text for r in replies] == ["ЖСН 12 цифрдан тұруы керек."]
    # a private chat still gets the hint
    assert conversation.reply(ANNA, "hello").text == texts.iin_needed_message("kk")
    session.expire_all()
    assert _actions(session) == ["status.lookup"]  # the one IIN, nothing for the talk


@sqlite_only
def test_an_edited_message_is_answered_as_it_now_reads(
    conversation: Conversation, session: Session
) -> None:
    """An IIN sent with a digit missing and corrected in Telegram (an edited message) gets its
    answer, under the same audit, instead of silence."""
    assert conversation.reply(BOLAT, UNKNOWN[:-1]).text == "ЖСН 12 цифрдан тұруы керек."
    for text, starts in ((UNKNOWN, f"ЖСН {UNKNOWN} · "), (f"/calc {UNKNOWN}", f"ЖСН {UNKNOWN} · ")):
        update = message_update(BOLAT, text)
        assert update.message is not None
        edited = Update(
            update_id=update.update_id,
            edited_message=update.message.model_copy(update={"edit_date": 1}),
        )
        sent = [c for c in conversation.feed(edited) if isinstance(c, SendMessage)]
        assert [m.text.startswith(starts) for m in sent] == [True], text
        assert sent[0].chat_id == BOLAT
    session.expire_all()
    assert _actions(session) == ["status.lookup", "calculator.lookup"]


@sqlite_only
def test_a_look_up_in_a_group_is_audited_with_the_member_who_asked(
    conversation: Conversation, session: Session
) -> None:
    """RULES.md §11: every look-up is audited with who asked. In a group the chat is many
    people: the member is named beside it; a private chat (its user) stays ``telegram:<id>``."""
    group = -1002
    conversation.say(group, UNKNOWN, user_id=ANNA)
    conversation.say(group, f"/calc {UNKNOWN}", user_id=BOLAT)
    conversation.press(group, f"calc:{UNKNOWN}", user_id=ANNA)
    conversation.say(group, f"/subscribe {UNKNOWN}", user_id=BOLAT)
    conversation.say(BOLAT, UNKNOWN)
    session.expire_all()
    events = session.execute(select(AuditEvent.actor, AuditEvent.action).order_by(AuditEvent.id))
    assert [tuple(e) for e in events] == [
        (f"telegram:{group}:{ANNA}", "status.lookup"),
        (f"telegram:{group}:{BOLAT}", "calculator.lookup"),
        (f"telegram:{group}:{ANNA}", "calculator.lookup"),
        (f"telegram:{group}:{BOLAT}", "bot.subscribe"),
        (f"telegram:{BOLAT}", "status.lookup"),
    ]


@sqlite_only
def test_help_lists_the_funds_channels(conversation: Conversation) -> None:
    for lang in ("kk", "ru", "en"):
        conversation.press(ANNA, f"lang:{lang}")
        text = conversation.reply(ANNA, "/help").text
        for channel in ("1414", "Qoldau 24/7", "eGov.kz", "msqory.kz", "fms.kz"):
            assert channel in text, (lang, channel)
        sites = {
            "kk": "Қордың ресми сайттары",
            "ru": "Официальные сайты Фонда",
            "en": "The Fund's sites",
        }
        assert f"{sites[lang]}: msqory.kz, fms.kz" in text  # two sites, a plural label
        for bank in ("Halyk", "Kaspi", "BCC"):
            assert bank in text, (lang, bank)
        for command in ("/start", "/calc", "/subscribe", "/unsubscribe", "/subscriptions"):
            assert command in text


@sqlite_only
def test_a_photo_or_a_contact_is_told_how_to_send_an_iin(conversation: Conversation) -> None:
    """A message with no text got no answer at all: the chat is told to send the IIN."""
    conversation.press(ANNA, "lang:ru")
    update = message_update(ANNA, "")
    assert update.message is not None
    contact = Contact(phone_number="+77010000000", first_name="Айгерім")
    shared = update.model_copy(
        update={"message": update.message.model_copy(update={"text": None, "contact": contact})}
    )
    calls = conversation.feed(shared)
    sent = [c for c in calls if isinstance(c, SendMessage)]
    assert [m.text for m in sent] == [texts.iin_needed_message("ru")]


@sqlite_only
def test_calc_by_button_and_without_an_iin(conversation: Conversation) -> None:
    conversation.press(ANNA, "lang:en")
    assert "/calc <IIN>" in conversation.reply(ANNA, "/calc").text
    calls = conversation.press(ANNA, f"calc:{UNKNOWN}")
    assert [type(c) for c in calls] == [AnswerCallbackQuery, SendMessage]
    text = cast(SendMessage, calls[1]).text
    assert text.startswith(f"IIN {UNKNOWN} · What to pay on 15 September 2025")
    assert "★ " in text and "Recommended" in text
    assert "KNP 122 — OSMS contributions" in text
    # an IIN the registry does not know is never billed as a debtor (RULES.md §11)
    assert label("en", "option", "prepay_now") in text
    assert label("en", "option", "clear_debt") not in text
    assert label("en", "option", "minimum_now") not in text


@sqlite_only
def test_subscribe_and_unsubscribe_by_command(conversation: Conversation, session: Session) -> None:
    conversation.press(ANNA, "lang:en")
    assert GRACE in conversation.reply(ANNA, f"/subscribe {GRACE}").text
    assert conversation.reply(ANNA, f"/unsubscribe {GRACE}").text == (
        f"Warnings for IIN {GRACE} are turned off."
    )
    assert "no warnings" in conversation.reply(ANNA, f"/unsubscribe {GRACE}").text
    session.expire_all()
    subscription = session.get(BotSubscription, (ANNA, GRACE))
    assert subscription is not None and not subscription.active
    assert _actions(session) == ["bot.subscribe", "bot.unsubscribe"]


@sqlite_only
def test_other_text_gets_a_hint(conversation: Conversation) -> None:
    conversation.press(ANNA, "lang:en")
    assert "Send an IIN (12 digits)" in conversation.reply(ANNA, "hello").text
    assert "1414" in conversation.reply(ANNA, "/what").text


@sqlite_only
def test_a_failure_is_answered_not_swallowed(
    loop: Any, session_factory: sessionmaker[Session]
) -> None:
    def broken() -> Session:
        raise RuntimeError("the database is down")

    factory = cast(sessionmaker[Session], broken)
    conversation = Conversation(create_dispatcher(factory, today=lambda: TODAY), loop)
    conversation.press(ANNA, "lang:ru")
    assert conversation.reply(ANNA, GRACE).text == "Что-то пошло не так, попробуйте позже."


@sqlite_only
def test_a_regular_payer_is_offered_nothing_to_pay(
    conversation: Conversation, session: Session, store_facts: Callable[..., None]
) -> None:
    store_facts(session, monthly_payer(UNKNOWN, Month(2024, 9), Month(2025, 9)))
    session.commit()
    conversation.press(ANNA, "lang:ru")
    text = conversation.reply(ANNA, UNKNOWN).text
    assert "Статус: ЗАСТРАХОВАН · Регулярные платежи" in text
    assert "Задолженности нет" in text
    assert "Что оплатить" not in text
    assert "⚠" not in text
