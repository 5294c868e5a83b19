"""R-P-1: every amount computed from a minimum wage not yet published says so, in the
calculator's options as in the status's debts (R-S-7)."""

from __future__ import annotations

from datetime import date

import pytest

from osms.i18n import explain
from osms.rules import parameters
from osms.rules.calculator import OptionName, calculate
from osms.rules.facts import PersonFacts
from osms.rules.status import decide, provisional_finding

NOBODY = PersonFacts("900515300018", date(1990, 5, 15))
UNPUBLISHED = 2031
"""A year whose minimum wage no law has set yet (and will not for years)."""


def test_an_option_priced_on_an_unpublished_wage_carries_the_note() -> None:
    assert parameters.minimum_wage_is_provisional(UNPUBLISHED)
    calc = calculate(NOBODY, date(UNPUBLISHED, 3, 10))
    assert calc.options and all(o.provisional_note is not None for o in calc.options)
    note = calc.provisional_note
    assert note is not None and calc.provisional
    values = dict(note.values)
    assert (note.rule, note.key, values["year"]) == ("R-P-1", "provisional", UNPUBLISHED - 1)
    assert not parameters.minimum_wage_is_provisional(int(values["from_year"]))


def test_months_paid_in_advance_are_priced_on_the_published_wage() -> None:
    """R-L-4: next year's months paid this year cost this year's price, so no note."""
    calc = calculate(NOBODY, date(2026, 12, 7))
    prepay = calc.option(OptionName.PREPAY_NOW)
    assert prepay is not None and prepay.months[-1].year == 2027
    assert prepay.provisional_note is None and not calc.provisional


def test_the_note_names_every_unpublished_year() -> None:
    note = provisional_finding([2026, UNPUBLISHED + 1, UNPUBLISHED])
    assert note is not None
    values = dict(note.values)
    assert (values["year"], values["last_year"]) == (UNPUBLISHED, UNPUBLISHED + 1)
    alone = provisional_finding([2026, UNPUBLISHED])
    assert alone is not None and "last_year" not in dict(alone.values)
    assert provisional_finding([2024, 2025]) is None


# a person with no payments asked on 1 February 2028: debt February 2027 – February 2028,
# both years without a published minimum wage (R-P-1: every amount says so)
ASKED = date(2028, 2, 1)
BOTH_YEARS = {
    "en": "The minimum wage for 2027–2028 is not yet published: amounts for 2027–2028 use the "
    "2026 minimum wage",
    "ru": "Минимальная заработная плата (МЗП) на 2027–2028 годы ещё не опубликована: суммы за "
    "2027–2028 годы рассчитаны по МЗП 2026 года",
    "kk": "2027–2028 жылдарға арналған ең төменгі жалақы (ЕТЖ) әлі жарияланған жоқ: 2027–2028 "
    "жылдардағы сомалар 2026 жылғы ЕТЖ бойынша",
}


@pytest.mark.parametrize("lang", sorted(BOTH_YEARS))
def test_a_debt_over_two_unpublished_years_names_both(lang: str) -> None:
    decision = decide(NOBODY, ASKED)
    assert {d.month.year for d in decision.debt_months} == {2027, 2028}
    [note] = [f for f in decision.findings if f.key == "provisional"]
    assert BOTH_YEARS[lang] in explain(note, lang)


@pytest.mark.parametrize("lang", sorted(BOTH_YEARS))
def test_the_calculator_note_names_every_unpublished_year_of_its_options(lang: str) -> None:
    note = calculate(NOBODY, ASKED).provisional_note
    assert note is not None
    assert BOTH_YEARS[lang] in explain(note, lang)
