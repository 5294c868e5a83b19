"""The bot answers anyone who sends an IIN: only the public view (RULES.md §11).

Every kind of person of :mod:`tests.api.public_people`, in each language: no category name,
no payment, no employer or pending month, no payer; an unknown IIN is "no records yet".
"""

from __future__ import annotations

from datetime import date

import pytest

from osms.bot import notices, texts
from osms.i18n import LANGUAGES, explain, label, t
from osms.rules.calculator import calculate
from osms.rules.status import decide
from osms.views.public import explain_public, no_records, public_calculation, public_status
from tests.api.public_people import BY_NAME, ON, PEOPLE, Person, leaks, private_words


def _answers(person: Person, lang: str) -> list[str]:
    facts = person.decided_facts()
    decision = decide(facts, ON)
    calculation = public_calculation(calculate(facts, ON), known=person.known)  # as the bot
    return [
        texts.status_message(decision, lang, registered=person.known, calculation=calculation),
        texts.calculation_message(calculation, lang),
        notices.warning_message(decision, lang),
    ]


@pytest.mark.parametrize("person", PEOPLE, ids=[p.name for p in PEOPLE])
def test_the_bot_says_nothing_personal(person: Person) -> None:
    decision = decide(person.decided_facts(), ON)
    for lang in LANGUAGES:
        words = private_words(person, decision, lang)
        for text in _answers(person, lang):
            assert leaks(text, words) == [], (lang, text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_state_paid_person_is_told_only_that_the_state_pays(lang: str) -> None:
    person = BY_NAME["disabled"]
    text = texts.status_message(decide(person.decided_facts(), ON), lang, registered=True)
    assert label(lang, "reason", "category") in text
    assert label(lang, "status", "insured").upper() in text
    assert label(lang, "category", "disabled") not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_iin_is_no_records_yet(lang: str) -> None:
    person = BY_NAME["unknown"]
    text = texts.status_message(decide(person.decided_facts(), ON), lang, registered=False)
    assert no_records(ON, lang) in text
    assert "1414" in text
    assert label(lang, "status", "uninsured").upper() not in text
    assert label(lang, "reason", "debt") not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_iin_insured_by_grace_shows_no_debt(lang: str) -> None:
    """RULES.md §11: 18 in September 2026, unknown to the registry: insured by grace on the
    IIN alone, and told "no records yet" where a debtor's months and total would be."""
    person = BY_NAME["unknown_just_18"]
    decision = decide(person.decided_facts(), ON)
    assert decision.insured and decision.debt_months  # what the rules alone find
    text = texts.status_message(decision, lang, registered=False)
    assert label(lang, "status", "insured").upper() in text
    assert no_records(ON, lang) in text
    assert t(lang, "Debt") + ":" not in text and t(lang, "No debt") not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_prepaid_run_is_not_explained_by_a_debt_it_does_not_show(lang: str) -> None:
    """R-S-7, §12 Q6: the months before a prepaid run are not shown as debt; the answer that
    says "no debt" does not explain the status as given "despite older debt"."""
    decision = decide(BY_NAME["prepaid"].decided_facts(), ON)
    view = public_status(decision, known=True)
    assert t(lang, "No debt") in texts.status_message(decision, lang, registered=True)
    debt = label(lang, "reason", "debt").lower()
    assert view.why and all(debt not in explain_public(f, lang).lower() for f in view.why)


def test_the_payee_is_named_in_the_chats_language() -> None:
    calculation = calculate(BY_NAME["debtor"].decided_facts(), ON)
    payee = {
        "kk": "«Азаматтарға арналған үкімет» мемлекеттік корпорациясы",
        "ru": "НАО «Государственная корпорация «Правительство для граждан»»",
        "en": "NJSC State Corporation “Government for Citizens”",
    }
    for lang, name in payee.items():
        assert name in texts.calculation_message(calculation, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_amounts_on_an_unpublished_wage_are_marked_provisional(lang: str) -> None:
    """R-P-1: the recommended plan's amounts rest on the last published MW: the answer says so."""
    facts = BY_NAME["debtor"].decided_facts()
    later = calculate(facts, date(2031, 3, 10))
    assert later.provisional_note is not None
    assert "⚠ " + explain(later.provisional_note, lang) in texts.calculation_message(later, lang)
    assert "⚠" not in texts.calculation_message(calculate(facts, ON), lang)
