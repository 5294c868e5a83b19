"""R-K-2: a person insured on the day is offered only what keeps or extends the status.

Each option is evaluated by the status engine; an option whose status would end sooner than
paying nothing, or that leaves the status where it is, is not advice (found on the demo's
employee: "pay 12 months from this month" for 46 750 ₸ ended the cover a month earlier).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given

from osms.bot.texts import calculation_message
from osms.i18n import label, month_name, translator
from osms.i18n.vocabulary import INSURED_AGAIN, STAY_INSURED, UNPAID_MONTHS
from osms.rules.calculator import OptionName, calculate
from osms.rules.facts import CategoryPeriod, PersonFacts, TemporaryGrant
from osms.rules.month import Month
from osms.rules.status import decide
from osms.scenarios.facts_file import parse_facts
from osms.views.card import calculation_card
from osms.views.fragments import not_billed_note

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


def test_paying_this_month_alone_is_not_offered_when_it_would_break_the_status() -> None:
    """Insured by grace, then a category from January: December alone would turn October and
    November into gaps (R-S-5) and end the status until January. Clearing the debt keeps it."""
    facts = parse_facts(
        {
            "iin": "850312401235",
            "categories": [{"category": "pregnant", "from": "2027-01", "to": "2027-11"}],
        },
        [{"periods": "2025-10..2026-09", "paid_on": "2025-10-06"}],
    )
    on = date(2026, 12, 8)
    calc = calculate(facts, on)
    assert calc.insured and calc.insured_until == date(2027, 11, 30)
    assert calc.option(OptionName.PREPAY_NOW) is None  # December alone: a gap until January
    clear_debt = calc.option(OptionName.CLEAR_DEBT)
    assert clear_debt is not None and clear_debt.status_from == calc.credited_on
    assert calc.status_from_shown(clear_debt) is None  # insured without a break: not "from"


def test_a_status_that_lapses_before_the_credit_date_says_when_it_returns() -> None:
    """A grant ending on 9 December, asked on the 8th: a payment counts from the 11th (R-T-3),
    so the door says so; a block from January would leave all December uninsured."""
    grant = TemporaryGrant("pregnant", date(2026, 11, 10), date(2026, 12, 10))
    facts = PersonFacts(iin="850312401235", birth_date=date(1985, 3, 12), temporary=(grant,))
    calc = calculate(facts, date(2026, 12, 8))
    assert (calc.insured, calc.insured_until, calc.credited_on) == (
        True,
        date(2026, 12, 9),
        date(2026, 12, 11),
    )
    prepay_now = calc.option(OptionName.PREPAY_NOW)
    assert prepay_now is not None and calc.status_from_shown(prepay_now) == date(2026, 12, 11)
    assert calc.option(OptionName.PREPAY_NEXT) is None


def _last_day_of_grace() -> PersonFacts:
    return parse_facts(
        {"iin": "900515300018"},
        [
            {"period": str(m), "paid_on": str(m.first_day().replace(day=10))}
            for m in Month.range(Month(2021, 2), Month(2026, 1))
        ],
    )


def test_one_insured_today_but_not_on_the_credit_date_is_offered_the_fewest_months() -> None:
    """The last day of grace: 59 months paid through 2025-12, nothing since, asked on 31 March
    2026; a payment counts from 3 April, when January … March would be four months unpaid.
    R-K-2 offers ``minimum_now`` whenever the person would not be insured on the credit date
    without paying: January alone makes sixty months, so six months of grace (R-S-6)."""
    calc = calculate(_last_day_of_grace(), date(2026, 3, 31))
    assert (calc.insured, calc.insured_until, calc.credited_on) == (
        True,
        date(2026, 3, 31),
        date(2026, 4, 3),
    )
    minimum = calc.option(OptionName.MINIMUM_NOW)
    assert minimum is not None and minimum.months == (Month(2026, 1),)
    assert minimum.status_from == date(2026, 4, 3)
    assert calc.recommended is OptionName.MINIMUM_NOW


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
    calc = calculate(facts, on)
    for option in calc.options:
        if now.insured:
            assert now.insured_until is not None and option.status_from is not None
            assert option.status_from <= calc.credited_on  # no break before the credit date
            assert option.insured_until is None or option.insured_until > now.insured_until


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_fewest_months_are_offered_to_stay_insured_in_every_door(lang: str) -> None:
    """R-K-2: a person insured on the day is never told "to be insured now": the terminal
    card and the bot name ``minimum_now`` for them as staying insured when a payment made
    today counts from the day after the status ends (asked on 27 March, counted 1 April)."""
    calc = calculate(_last_day_of_grace(), date(2026, 3, 27))
    minimum = calc.option(OptionName.MINIMUM_NOW)
    assert minimum is not None and minimum.status_from == date(2026, 4, 1)
    now = label(lang, "option", OptionName.MINIMUM_NOW.value)
    stay = translator(lang).pgettext("option", STAY_INSURED)
    again = translator(lang).pgettext("option", INSURED_AGAIN)
    for text in (calculation_card(calc, lang), calculation_message(calc, lang)):
        assert stay in text and now not in text and again not in text


def _grace_through_december() -> PersonFacts:
    """Paid through September 2026: October … December 2026 are grace, the status ends 31
    December."""
    return parse_facts(
        {"iin": "900515300018"}, [{"periods": "2025-10..2026-09", "paid_on": "2025-10-06"}]
    )


@pytest.mark.parametrize(
    ("facts", "on", "status_from"),
    [
        (_last_day_of_grace, date(2026, 3, 31), date(2026, 4, 3)),
        (_grace_through_december, date(2026, 12, 29), date(2027, 1, 5)),
    ],
)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_fewest_months_after_a_gap_do_not_promise_to_stay_insured(
    lang: str, facts: Callable[[], PersonFacts], on: date, status_from: date
) -> None:
    """Insured through the end of the month, asked when a payment counts only after it (R-T-3:
    29 December 2026 counts from 5 January): uninsured in between, so ``minimum_now`` is "to
    be insured again", with the day it insures from, not "to stay insured" (nor "now")."""
    calc = calculate(facts(), on)
    minimum = calc.option(OptionName.MINIMUM_NOW)
    assert calc.insured and minimum is not None and minimum.status_from == status_from
    assert calc.insured_until is not None and calc.insured_until < status_from - timedelta(1)
    now = label(lang, "option", OptionName.MINIMUM_NOW.value)
    stay = translator(lang).pgettext("option", STAY_INSURED)
    again = translator(lang).pgettext("option", INSURED_AGAIN)
    for text in (calculation_card(calc, lang), calculation_message(calc, lang)):
        assert again in text and stay not in text and now not in text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_month_an_option_does_not_bill_is_named(lang: str) -> None:
    """R-K-2: no option bills a covered month, so "12 months from this month" bills eleven
    when this month is paid; every door names the month left out, so that nobody believes
    they paid for twelve."""
    facts = parse_facts(
        {"iin": "900515300018"},
        [
            {"period": str(m), "paid_on": str(m.first_day())}
            for m in Month.range(Month(2025, 12), Month(2027, 1))
        ],
    )
    calc = calculate(facts, date(2026, 12, 8))
    prepay_now = calc.option(OptionName.PREPAY_NOW)
    assert prepay_now is not None and len(prepay_now.plan) == 11
    assert prepay_now.not_billed == (Month(2026, 12),)
    note = not_billed_note(prepay_now, lang)
    assert note is not None and month_name(Month(2026, 12), lang) in note
    assert note in calculation_card(calc, lang)
    prepay_next = calc.option(OptionName.PREPAY_NEXT)
    assert prepay_next is not None and prepay_next.not_billed == ()


def _temporary() -> PersonFacts:
    """Nothing paid; a month of temporary status granted on 10 November 2026 (R-TMP-1)."""
    return parse_facts(
        {
            "iin": "970311400008",
            "temporary": [{"category": "pregnant", "granted_on": "2026-11-10"}],
        },
        [],
    )


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_unpaid_months_the_decision_does_not_list_as_debt_are_not_called_a_debt(
    lang: str,
) -> None:
    """R-S-7 lists no debt months for a temporary status ("no debt" on the card), yet R-K-2's
    ``clear_debt`` bills every unpaid month of [M − 12, M]: no door names it "the whole debt"
    then (the card said "no debt" next to "pay off the whole debt 55 250 ₸")."""
    on = date(2026, 11, 18)
    assert decide(_temporary(), on).debt_months == ()
    calc = calculate(_temporary(), on)
    assert calc.option(OptionName.CLEAR_DEBT) is not None  # the months are still payable
    debt = label(lang, "option", OptionName.CLEAR_DEBT.value)
    unpaid = translator(lang).pgettext("option", UNPAID_MONTHS)
    for text in (calculation_card(calc, lang), calculation_message(calc, lang)):
        assert unpaid in text and debt not in text
    debtor = calculate(parse_facts({"iin": "970311400008"}, []), on)
    for text in (calculation_card(debtor, lang), calculation_message(debtor, lang)):
        assert debt in text and unpaid not in text


def test_a_prepaid_run_is_never_offered_its_older_unpaid_months() -> None:
    """§12 Q6: debt before a prepaid run never counts while the run lasts, and R-S-7 shows
    none; paying those months extends nothing (R-K-2), so no option bills them."""
    facts = parse_facts(
        {"iin": "830120300005"}, [{"periods": "2026-06..2027-05", "paid_on": "2026-06-05"}]
    )
    for on in (date(2026, 6, 20), date(2026, 11, 18), date(2027, 5, 20)):
        assert decide(facts, on).reason.value == "prepaid"
        calc = calculate(facts, on)
        assert calc.option(OptionName.CLEAR_DEBT) is None
        assert all(m >= Month(2026, 6) for o in calc.options for m in o.months)
