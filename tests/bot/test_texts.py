"""Every text the bot writes is a catalog message, marked where it is written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from osms.bot import notices, texts
from osms.i18n import LANGUAGES, t
from osms.rules.calculator import calculate
from osms.rules.facts import CategoryPeriod, PersonFacts
from osms.rules.month import Month
from osms.rules.status import decide
from osms.views.fragments import status_appears
from tests.bot.conftest import GRACE, TODAY, UNKNOWN, grace_payer, monthly_payer
from tests.i18n.marked import marked_msgids, record_msgids


@pytest.fixture
def used(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The msgids the bot's texts pass to ``t`` while the test renders."""
    yield record_msgids(monkeypatch, texts)


def _render_everything(lang: str) -> list[str]:
    grace = grace_payer()
    unknown = monthly_payer(UNKNOWN, Month(2020, 1), Month(2019, 12))  # no payments
    rendered = [
        texts.start_message(),
        texts.language_chosen_message(lang),
        texts.iin_needed_message(lang),
        texts.iin_needed_message(lang, "calc"),
        texts.unexpected_error_message(lang),
        texts.status_message(
            decide(grace, TODAY), lang, registered=True, calculation=calculate(grace, TODAY)
        ),
        texts.status_message(decide(unknown, TODAY), lang, registered=False),
        texts.calculation_message(calculate(grace, TODAY), lang),
        texts.subscribed_message(GRACE, lang),
        texts.unsubscribed_message(GRACE, lang, was_subscribed=True),
        texts.unsubscribed_message(GRACE, lang, was_subscribed=False),
        notices.warning_message(decide(grace, TODAY), lang),
        texts.help_message(lang),
    ]
    rendered.extend(
        b.text for row in texts.status_keyboard(GRACE, lang).inline_keyboard for b in row
    )
    rendered.extend(c.description for c in texts.commands(lang))
    return rendered


def test_every_text_of_the_bot_is_marked_for_extraction(used: set[str]) -> None:
    for lang in LANGUAGES:
        assert all(_render_everything(lang))
    assert used <= marked_msgids()


def test_chat_sized_messages() -> None:
    for lang in LANGUAGES:
        assert max(len(text) for text in _render_everything(lang)) < 4096


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_insured_person_is_told_until_when_never_when_status_starts(lang: str) -> None:
    """R-K-2: in the last grace month the person is insured; what to pay keeps the status, so
    the bot says until when, never "status from" or "status appears after payment"."""
    calc = calculate(grace_payer(), TODAY)
    assert calc.insured and calc.insured_until is not None and calc.recommended is not None
    message = texts.calculation_message(calc, lang)
    assert t(lang, "Insured until {date}", date=calc.insured_until) in message
    assert status_appears(TODAY, lang) not in message
    assert t(lang, "Status from {date}", date=calc.credited_on) not in message
    recommended = calc.option(calc.recommended)
    assert recommended is not None and recommended.insured_until is not None
    status = texts.status_message(
        decide(grace_payer(), TODAY), lang, registered=True, calculation=calc
    )
    assert f"({t(lang, 'Insured until {date}', date=recommended.insured_until)})" in status
    assert t(lang, "Status from {date}", date=calc.credited_on) not in status


def test_an_open_category_is_insured_with_no_end_date_in_good_russian() -> None:
    """reviews/language.md: "Застрахован по: Без даты окончания" read badly; an open category
    is "Застрахован бессрочно" / "Мерзімсіз сақтандырылған"."""
    open_period = CategoryPeriod("disabled", Month(2023, 1), None)
    facts = PersonFacts(iin=UNKNOWN, birth_date=date(1985, 3, 12), categories=(open_period,))
    calc = calculate(facts, TODAY)
    assert calc.insured and calc.insured_until is None
    assert "Застрахован бессрочно" in texts.calculation_message(calc, "ru")
    assert "Мерзімсіз сақтандырылған" in texts.calculation_message(calc, "kk")
    assert "Insured with no end date" in texts.calculation_message(calc, "en")
