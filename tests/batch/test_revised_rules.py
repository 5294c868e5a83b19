"""The revised rules in the batch engine, on hand-built people: ЕСП (R-L-2), the
self-employed (R-L-6), pending months (R-L-9), prepaid blocks (R-S-4), the first rate in force
(R-L-4), the grace length shown (R-S-6, R-S-7), parameters read for M.

Each case states what RULES.md asks of the batch answer and checks that it is
:func:`osms.rules.status.decide`'s, person by person (``assert_equal_to_rules``).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from osms.batch.engine import snapshot_tables
from osms.batch.facts import Population, tables_from_facts, to_facts
from osms.batch.run import Statistics
from osms.rules import parameters
from osms.rules.facts import KNP, ItemCover, PayerKind, PersonFacts
from osms.rules.month import Month
from osms.rules.plan import PlanError, plan
from osms.rules.status import decide
from osms.scenarios.facts_file import parse_facts
from tests.batch.helpers import assert_equal_to_rules

EMPLOYER = "210660011118"
PLATFORM = "160440007161"


def person(iin: str, payments: list[dict[str, Any]], kind: str = "self_payer") -> PersonFacts:
    return parse_facts({"iin": iin, "kind": kind}, payments)


def answer(
    facts: PersonFacts, on: date, as_of: date | None = None, con: Any = None
) -> dict[str, Any]:
    """The batch engine's row for one person."""
    table = snapshot_tables(tables_from_facts([facts]), on, as_of, con=con)
    return {name: table[name][0].as_py() for name in table.column_names}


def same_as_rules(
    people: list[PersonFacts], on: date, tmp_path: Path, as_of: date | None = None, con: Any = None
) -> None:
    assert_equal_to_rules(tables_from_facts(people), on, as_of or on, tmp_path, con=con)


# -- ЕСП (R-L-2, R-L-3, R-L-6) -----------------------------------------------------------------


def test_esp_covers_like_an_employer_within_its_window(con: Any, tmp_path: Path) -> None:
    """Any amount > 0 of КНП 183 covers its month of 2019-01 … 2023-12; a 2024 item covers
    nothing (R-L-3)."""
    esp = person(
        "900515300018",
        [
            {
                "period": str(m),
                "paid_on": str(m.first_day() + timedelta(days=9)),
                "amount": 50,
                "knp": 183,
            }
            for m in Month.range(Month(2022, 1), Month(2024, 1))
        ]
        + [{"period": "2024-01", "paid_on": "2024-01-10", "amount": 3000, "knp": 183}],
    )
    december = answer(esp, date(2023, 12, 20), con=con)
    assert (december["status"], december["reason"], december["debt_months"]) == (
        "insured",
        "regular",
        0,
    )
    march = answer(esp, date(2024, 3, 20), con=con)  # 2024-01 … 03 unpaid: the 183 item is no cover
    assert (march["reason"], march["debt_months"]) == ("grace", 3)
    for on in (date(2023, 12, 20), date(2024, 3, 20), date(2024, 4, 2)):
        same_as_rules([esp], on, tmp_path, con=con)


def test_esp_paid_at_once_is_no_prepaid_block(con: Any, tmp_path: Path) -> None:
    """R-L-2: an ЕСП item is not a self-payment, twelve of them paid on one day are no block
    (R-S-4); the same months paid as КНП 122 by the person are."""
    months = [str(m) for m in Month.range(Month(2022, 10), Month(2023, 10))]
    esp = person(
        "850312401235",
        [{"period": m, "paid_on": "2022-10-05", "amount": 3000, "knp": 183} for m in months],
    )
    own = person(
        "000101500011", [{"period": m, "paid_on": "2022-10-05", "amount": 3000} for m in months]
    )
    on = date(2022, 11, 15)  # 2022-01 … 09 unpaid: R-S-5 blocks both
    assert answer(esp, on, con=con)["reason"] == "debt"
    assert answer(own, on, con=con)["reason"] == "prepaid"
    same_as_rules([esp, own], on, tmp_path, con=con)


# -- the self-employed (R-L-6, R-L-9) -------------------------------------------------------------


def _platform_months(last: Month, amount: float, payer: str) -> list[dict[str, Any]]:
    """2026-01 … ``last`` paid on their due date (R-L-9)."""
    from osms.rules.pending import due_date

    return [
        {"period": str(m), "paid_on": str(due_date(m)), "amount": amount, "payer": payer}
        for m in Month.range(Month(2026, 1), last + 1)
    ]


def test_the_self_employed_from_2026(con: Any, tmp_path: Path) -> None:
    """From 2026-01 any КНП 122 item covers like an employer's whatever the amount, paid by a
    platform or the person; October (due 25 November) and November are pending on 22
    November; the same items of a self-payer are below the price: debt."""
    before = [{"periods": "2025-01..2025-12", "paid_on": "2025-01-10"}]
    platform = person(
        "880101300111", before + _platform_months(Month(2026, 9), 37.5, PLATFORM), "self_employed"
    )
    themselves = person(
        "910707305351",
        before + _platform_months(Month(2026, 9), 120, "910707305351"),
        "self_employed",
    )
    self_payer = person(
        "900515300018", before + _platform_months(Month(2026, 9), 120, "900515300018")
    )
    on = date(2026, 11, 22)
    for facts in (platform, themselves):
        row = answer(facts, on, con=con)
        assert (row["status"], row["reason"], row["grace"]) == ("insured", "regular", False)
        assert (row["debt_months"], row["pending_months"]) == (0, 2)
    assert answer(self_payer, on, con=con)["reason"] == "debt"
    for day in (on, date(2026, 11, 30), date(2026, 3, 1), date(2026, 3, 2)):
        same_as_rules([platform, themselves, self_payer], day, tmp_path, con=con)


def test_the_self_employed_before_2026_are_self_payers(con: Any, tmp_path: Path) -> None:
    """December 2025 is a self-payer's month: not pending on 20 January 2026, a debt; January
    (the regime's) is pending.  A 2025 item below the price does not cover."""
    facts = person(
        "850312401235",
        [
            {"periods": "2025-01..2025-11", "paid_on": "2025-01-10"},
            {"period": "2025-12", "paid_on": "2025-12-10", "amount": 100},
        ],
        "self_employed",
    )
    row = answer(facts, date(2026, 1, 20), con=con)
    assert (row["reason"], row["debt_months"], row["pending_months"]) == ("grace", 1, 1)
    assert str(row["debt_total"]) == "4150.00"  # 4 250 less the 100 paid (R-L-5)
    for day in (date(2026, 1, 20), date(2026, 2, 27), date(2026, 3, 3)):
        same_as_rules([facts], day, tmp_path, con=con)


# -- pending months (R-L-9) ----------------------------------------------------------------------


def _on_due(first: Month, last: Month) -> list[dict[str, Any]]:
    from osms.rules.pending import due_date

    return [
        {
            "period": str(m),
            "paid_on": str(due_date(m)),
            "knp": 121,
            "payer": EMPLOYER,
            "amount": 9000,
        }
        for m in Month.range(first, last + 1)
    ]


def test_an_employer_paying_on_the_due_date(con: Any, tmp_path: Path) -> None:
    """On 22 November October and November are pending: regular, no debt; from 30 November
    October is late: grace with October's debt, November pending.  The statistics count the
    pending months apart from grace."""
    facts = person("900515300018", _on_due(Month(2025, 10), Month(2026, 9)), "employee")
    row = answer(facts, date(2026, 11, 22), con=con)
    assert (row["reason"], row["grace"], row["debt_months"], row["pending_months"]) == (
        "regular",
        False,
        0,
        2,
    )
    assert row["grace_months"] == 3
    later = answer(facts, date(2026, 11, 30), con=con)
    assert (later["reason"], later["debt_months"], str(later["debt_total"])) == (
        "grace",
        1,
        "4250.00",
    )
    assert later["pending_months"] == 1
    stats = Statistics(date(2026, 11, 22), date(2026, 11, 22))
    stats.add(snapshot_tables(tables_from_facts([facts]), date(2026, 11, 22), con=con))
    assert stats.by_reason["regular"] == 1 and stats.by_reason["grace"] == 0
    assert (stats.with_pending, stats.pending_months) == (1, 2)
    for day in (date(2026, 10, 29), date(2026, 11, 22), date(2026, 11, 30), date(2026, 12, 30)):
        same_as_rules([facts], day, tmp_path, con=con)


def test_pending_months_count_in_the_trailing_run(con: Any, tmp_path: Path) -> None:
    """An employer who stopped after March 2026: on 15 June April is late, May and June are
    pending, the run of 3 is within grace; on 3 August the run of 5 is debt."""
    facts = person(
        "850312401235",
        [
            {
                "periods": "2025-01..2026-03",
                "paid_on": "2026-04-27",
                "knp": 121,
                "payer": EMPLOYER,
                "amount": 9000,
            }
        ],
        "employee",
    )
    june = answer(facts, date(2026, 6, 15), con=con)
    assert (june["reason"], june["debt_months"], june["pending_months"]) == ("grace", 1, 2)
    assert june["insured_until"] == date(2026, 6, 30)
    august = answer(facts, date(2026, 8, 3), con=con)
    assert (august["status"], august["debt_months"], august["pending_months"]) == (
        "uninsured",
        3,
        2,
    )
    for day in (date(2026, 5, 15), date(2026, 6, 15), date(2026, 8, 3)):
        same_as_rules([facts], day, tmp_path, con=con)


def test_a_pending_month_is_a_gap_from_the_day_it_stops_being_pending(con: Any) -> None:
    """The employer paid November before October: on 22 November October is pending, not a
    gap (insured); it stops being pending on 30 November (a payment on its due date, 25
    November, would be credited then) and becomes a gap before the covered November: the last
    insured day is 29 November (R-S-7: the last day the person stays insured), as
    :func:`decide` answers day by day."""
    facts = person(
        "880101300111",
        [
            {
                "periods": "2025-10..2026-09",
                "paid_on": "2026-10-27",
                "knp": 121,
                "payer": EMPLOYER,
                "amount": 9000,
            },
            {
                "period": "2026-11",
                "paid_on": "2026-11-16",
                "knp": 121,
                "payer": EMPLOYER,
                "amount": 9000,
            },
        ],
        "employee",
    )
    on = date(2026, 11, 22)
    row = answer(facts, on, con=con)
    assert (row["status"], row["reason"], row["pending_months"]) == ("insured", "regular", 1)
    assert row["insured_until"] == date(2026, 11, 29)
    assert row["loses_status_next_month"] is True
    assert decide(facts, date(2026, 11, 29), on).insured
    assert not decide(facts, date(2026, 11, 30), date(2026, 11, 30)).insured
    assert decide(facts, on).status.value == row["status"]
    assert decide(facts, on).reason.value == row["reason"]


# -- prepaid blocks (R-S-4) ----------------------------------------------------------------------


def test_a_block_paid_at_once_against_twelve_months_paid_one_by_one(
    con: Any, tmp_path: Path
) -> None:
    """After a year unpaid, twelve months paid at once on 10 March are a block (insured
    despite the debt); twelve months paid each in its own month are not."""
    block = person("900515300018", [{"periods": "2026-03..2027-02", "paid_on": "2026-03-10"}])
    one_by_one = person(
        "850312401235",
        [
            {"period": str(m), "paid_on": str(m.first_day() + timedelta(days=4))}
            for m in Month.range(Month(2026, 1), Month(2027, 1))
        ],
    )
    assert answer(block, date(2026, 4, 15), con=con)["reason"] == "prepaid"
    row = answer(one_by_one, date(2026, 12, 15), as_of=date(2026, 12, 15), con=con)
    assert (row["status"], row["reason"]) == ("uninsured", "debt")
    for day in (date(2026, 3, 20), date(2026, 4, 15), date(2026, 12, 15), date(2027, 2, 10)):
        same_as_rules([block, one_by_one], day, tmp_path, con=con)


def test_a_block_starts_with_the_prepayment_mechanism(con: Any, tmp_path: Path) -> None:
    """R-S-4, §12 Q20: twelve months paid at once before 2022-09-05 are no block; the day
    after the start they are."""
    early = person("900515300018", [{"periods": "2022-09..2023-08", "paid_on": "2022-08-20"}])
    late = person("850312401235", [{"periods": "2022-09..2023-08", "paid_on": "2022-09-06"}])
    on = date(2022, 10, 10)
    assert answer(early, on, con=con)["reason"] == "debt"
    assert answer(late, on, con=con)["reason"] == "prepaid"
    same_as_rules([early, late], on, tmp_path, con=con)


def test_only_payments_from_the_start_make_a_block(con: Any, tmp_path: Path) -> None:
    """R-S-4: a block's months count the items paid from 2022-09-05 on: months paid before it
    and paid again, all at once, on 10 September make a block; paid only before it, none."""
    block = [{"periods": "2022-09..2023-08", "paid_on": "2022-09-10"}]
    again = person(
        "900515300018", [{"periods": "2022-09..2023-08", "paid_on": "2022-08-20"}, *block]
    )
    on = date(2022, 10, 10)
    assert answer(again, on, con=con)["reason"] == "prepaid"
    same_as_rules([again], on, tmp_path, con=con)


def test_the_current_month_covered_and_a_block_from_the_next(con: Any, tmp_path: Path) -> None:
    """R-S-4: M covered and M + 1 starts a block → prepaid, even when M is self-covered but
    was paid too early to be part of a block (June 2023 paid in 2022, before the mechanism),
    and when it was paid the month after (known later)."""
    early = person(
        "900515300018",
        [
            {"period": "2023-06", "paid_on": "2022-06-17"},
            {"periods": "2023-07..2024-06", "paid_on": "2023-06-08"},
        ],
    )
    late = person(
        "850312401235",
        [
            {"period": "2023-06", "paid_on": "2023-07-03"},
            {"periods": "2023-07..2024-06", "paid_on": "2023-06-08"},
        ],
    )
    on = date(2023, 6, 15)
    assert answer(early, on, con=con)["reason"] == "prepaid"
    assert answer(late, on, date(2023, 7, 20), con=con)["reason"] == "prepaid"
    same_as_rules([early], on, tmp_path, con=con)
    same_as_rules([late], on, tmp_path, as_of=date(2023, 7, 20), con=con)


# -- R-L-4, R-S-6 -------------------------------------------------------------------------------


def test_months_of_2020_paid_in_2019_at_the_first_rate(con: Any, tmp_path: Path) -> None:
    """R-L-4: paid before any rate was in force, a month is due at the first one: 2 125 for a
    self-payer, 2 975 for an entrepreneur (2 125 does not cover an entrepreneur's month)."""
    payments = [{"periods": "2020-01..2020-12", "paid_on": "2019-12-20", "amount": 2125}]
    self_payer = person("900515300018", payments)
    short_ie = person("850312401235", payments, "entrepreneur")
    ie = person(
        "000101500011",
        [{"periods": "2020-01..2020-12", "paid_on": "2019-12-20", "amount": 2975}],
        "entrepreneur",
    )
    on = date(2020, 9, 15)
    assert answer(self_payer, on, con=con)["reason"] == "regular"
    assert answer(ie, on, con=con)["reason"] == "regular"
    assert answer(short_ie, on, con=con)["reason"] == "debt"
    same_as_rules([self_payer, short_ie, ie], on, tmp_path, con=con)


def test_the_grace_length_shown_with_an_empty_run(con: Any, tmp_path: Path) -> None:
    """R-S-7: with no unpaid trailing month, R-S-6's 60 months end with M: a long payer is
    shown G = 6 from 2026 (June 2021 … June 2026 paid), one with 59 months 3."""
    long_payer = person(
        "900515300018",
        [
            {"period": str(m), "paid_on": str(m.first_day())}
            for m in Month.range(Month(2021, 6), Month(2026, 7))
        ],
    )
    short = person(
        "850312401235",
        [
            {"period": str(m), "paid_on": str(m.first_day())}
            for m in Month.range(Month(2021, 8), Month(2026, 7))
        ],
    )
    on = date(2026, 6, 15)
    assert answer(long_payer, on, con=con)["grace_months"] == 6
    assert answer(short, on, con=con)["grace_months"] == 3
    same_as_rules([long_payer, short], on, tmp_path, con=con)


def test_a_debt_priced_on_a_provisional_minimum_wage_says_so(con: Any, tmp_path: Path) -> None:
    """R-P-1, R-S-7: a debt month of a year whose MW is not published (2027) is priced on the
    last published MW and the answer says so, in the snapshot and its statistics as in the
    per-person decision; a debt of published years only, or no debt, is not provisional."""
    paid_2026 = person(
        "900515300018",
        [{"periods": "2026-01..2026-12", "paid_on": "2026-01-12"}],
    )
    on = date(2027, 2, 10)
    row = answer(paid_2026, on, con=con)
    assert (row["reason"], row["debt_months"], row["provisional"]) == ("grace", 2, True)
    assert decide(paid_2026, on).provisional
    assert answer(paid_2026, date(2026, 12, 15), con=con)["provisional"] is False
    old_debt = person("850312401235", [{"periods": "2026-01..2026-11", "paid_on": "2026-01-12"}])
    assert answer(old_debt, date(2026, 12, 15), con=con)["provisional"] is False
    prepaid_2027 = person(
        "880101300111",
        [
            {"periods": "2026-01..2026-12", "paid_on": "2026-01-12"},
            {"periods": "2027-01..2027-12", "paid_on": "2026-12-01"},
        ],
    )
    assert answer(prepaid_2027, on, con=con)["provisional"] is False
    stats = Statistics(on, on)
    stats.add(snapshot_tables(tables_from_facts([paid_2026, prepaid_2027]), on, con=con))
    assert stats.with_provisional_debt == 1
    assert stats.as_dict()["people_with_provisional_debt"] == 1
    for day in (date(2026, 12, 15), on, date(2027, 6, 1)):
        same_as_rules([paid_2026, old_debt, prepaid_2027], day, tmp_path, con=con)


# -- parameters read for M -----------------------------------------------------------------------


def test_a_changed_grace_reaches_the_sql(
    monkeypatch: pytest.MonkeyPatch, con: Any, tmp_path: Path
) -> None:
    """The grace length is the parameter's: G = 4 keeps a run of four months insured, in
    both engines."""
    monkeypatch.setattr(parameters, "grace_months", lambda month: 4)
    facts = person("900515300018", [{"periods": "2025-01..2025-12", "paid_on": "2025-01-10"}])
    on = date(2026, 4, 20)
    assert plan(on).grace == 4
    row = answer(facts, on, con=con)
    assert (row["status"], row["reason"], row["grace_months"]) == ("insured", "grace", 4)
    same_as_rules([facts], on, tmp_path, con=con)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("lookback_months", 15, "look-back 15"),
        ("grace_months", 12, "grace 12"),
        ("prepayment_months", 40, "prepaid block of 40"),
    ],
)
def test_a_parameter_the_layout_cannot_hold_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: int, message: str
) -> None:
    monkeypatch.setattr(parameters, name, lambda month: value)
    with pytest.raises(PlanError, match=message):
        plan(date(2026, 6, 1))


def test_a_parameter_that_changes_within_the_run_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = parameters.grace_months
    monkeypatch.setattr(
        parameters, "grace_months", lambda month: 4 if month >= Month(2027, 1) else original(month)
    )
    with pytest.raises(PlanError, match="differ"):
        plan(date(2026, 6, 1))


# -- the batch's view of a person ----------------------------------------------------------------


def test_batch_rows_carry_the_self_employed_and_esp() -> None:
    facts = to_facts(
        {"iin": 880101300111, "birth_date": date(1988, 1, 1), "kind": "self_employed"},
        [],
        [
            {
                "period": 202211,
                "amount": "50.00",
                "knp": 183,
                "payer": 880101300111,
                "channel": "bank_app",
                "paid_on": date(2022, 11, 10),
                "credited_on": date(2022, 11, 15),
                "refunded_on": None,
            },
        ],
        [],
    )
    assert facts.kind is PayerKind.SELF_EMPLOYED
    (item,) = facts.payments
    assert item.knp is KNP.SINGLE_PAYMENT and item.covers is ItemCover.EMPLOYER
    again = Population(tables_from_facts([facts])).facts(880101300111)
    assert again == facts
