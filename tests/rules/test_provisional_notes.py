"""R-P-1: every amount computed from a minimum wage not yet published says so, in the
calculator's options as in the status's debts (R-S-7)."""

from __future__ import annotations

from datetime import date

from osms.rules import parameters
from osms.rules.calculator import OptionName, calculate
from osms.rules.facts import PersonFacts
from osms.rules.status import provisional_finding

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


def test_the_note_names_the_first_unpublished_year() -> None:
    note = provisional_finding([2026, UNPUBLISHED + 1, UNPUBLISHED])
    assert note is not None and dict(note.values)["year"] == UNPUBLISHED
    assert provisional_finding([2024, 2025]) is None
