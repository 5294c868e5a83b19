"""R-K-2: a person insured on the day is offered only what keeps or extends the status.

Each option is evaluated by the status engine; an option whose status would end sooner than
paying nothing, or that leaves the status where it is, is not advice (found on the demo's
employee: "pay 12 months from this month" for 46 750 ₸ ended the cover a month earlier).
"""

from __future__ import annotations

from datetime import date

from hypothesis import given

from osms.rules.calculator import OptionName, calculate
from osms.rules.facts import CategoryPeriod, PersonFacts, TemporaryGrant
from osms.rules.month import Month
from osms.rules.status import decide
from osms.scenarios.facts_file import parse_facts

from .strategies import people, query_dates
from .test_status_properties import FEW

EMPLOYER = "210660011118"


def _employee() -> PersonFacts:
    """Employer months through October 2026, each paid on its due date."""
    return parse_facts(
        {"iin": "900515300018", "kind": "employee"},
        [
            {
                "period": str(m),
                "paid_on": str((m + 1).first_day().replace(day=25)),
                "knp": 121,
                "payer": EMPLOYER,
                "amount": 9000,
            }
            for m in Month.range(Month(2025, 10), Month(2026, 11))
        ],
    )


def test_an_employee_is_not_offered_a_prepayment_that_ends_the_cover_sooner() -> None:
    on = date(2026, 12, 8)  # November and December are the employer's, pending
    now = decide(_employee(), on)
    assert now.insured and now.insured_until == date(2027, 1, 31)
    calc = calculate(_employee(), on)
    assert calc.option(OptionName.PREPAY_NOW) is None  # January … November alone: until 31 Dec
    assert (
        calc.option(OptionName.CLEAR_DEBT) is None and calc.option(OptionName.MINIMUM_NOW) is None
    )
    prepay_next = calc.option(OptionName.PREPAY_NEXT)
    assert prepay_next is not None  # a block of twelve from January (R-S-4) does extend it
    assert prepay_next.insured_until is not None and prepay_next.insured_until > date(2027, 1, 31)


def test_a_temporary_grant_is_extended_from_this_month_not_after_a_gap() -> None:
    grant = TemporaryGrant("pregnant", date(2026, 11, 23), date(2026, 12, 23))
    facts = PersonFacts(iin="850312401235", birth_date=date(1985, 3, 12), temporary=(grant,))
    calc = calculate(facts, date(2026, 12, 8))
    assert (calc.insured, calc.insured_until) == (True, date(2026, 12, 22))
    prepay_now = calc.option(OptionName.PREPAY_NOW)
    assert prepay_now is not None and prepay_now.insured_until == date(2028, 2, 29)  # + grace
    # January … December 2027 would leave 23 … 31 December uninsured: no extension of today's
    assert calc.option(OptionName.PREPAY_NEXT) is None


def test_an_open_category_has_nothing_to_extend() -> None:
    open_period = CategoryPeriod("disabled", Month(2023, 1), None)
    facts = PersonFacts(iin="850312401235", birth_date=date(1985, 3, 12), categories=(open_period,))
    calc = calculate(facts, date(2026, 12, 8))
    assert calc.insured and calc.insured_until is None
    assert calc.options == ()


@FEW
@given(people(), query_dates)
def test_an_insured_person_is_never_offered_less_than_paying_nothing(
    facts: PersonFacts, on: date
) -> None:
    now = decide(facts, on)
    for option in calculate(facts, on).options:
        if now.insured:
            assert now.insured_until is not None and option.status_from is not None
            assert option.insured_until is None or option.insured_until > now.insured_until
