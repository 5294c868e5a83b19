"""Hypothesis strategies for the batch engine's equality tests.

``people`` draws facts meant to be hard for a vectorised engine: several overlapping category
periods (open or closed, some before birth), several temporary grants, dense runs of paid
months (monthly, prepaid blocks, employers, late employers, employers or platforms paying on
the due date so that months are pending, ЕСП items), partial and extra amounts, payments split
in two, explicit credit dates, refunds (some before the credit day), penalties, periods beyond
R-L-3's horizon, children and people born after the query date, every payer kind (the
self-employed too).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from osms.rules.calendar import credit_date
from osms.rules.facts import (
    KNP,
    CategoryPeriod,
    PayerKind,
    PaymentItem,
    PersonFacts,
    TemporaryGrant,
)
from osms.rules.iin import birth_date
from osms.rules.month import Month, add_months
from osms.rules.pending import due_date
from osms.rules.pricing import month_price
from tests.rules.strategies import iins

EMPLOYER_BINS = ("160440007161", "990140000385")
RELATIVE = "900515300018"
FIRST_DAY = date(2019, 7, 1)  # months of 2020 paid in 2019 (R-L-4)
LAST_DAY = date(2026, 12, 31)
CATEGORY_NAMES = ("student", "pensioner", "unemployed", "disabled", "pregnant")
DEFAULT_FOCUS = Month(2025, 6)


def _clip(day: date) -> date:
    return min(max(day, FIRST_DAY), LAST_DAY)


def _month(draw: st.DrawFn, first: Month, last: Month) -> Month:
    return Month.from_index(draw(st.integers(first.index, last.index)))


@st.composite
def _item(
    draw: st.DrawFn,
    iin: str,
    kind: PayerKind,
    period: Month,
    paid_on: date,
    style: str,
    messy: bool,
) -> list[PaymentItem]:
    paid_on = _clip(paid_on)
    price = month_price(kind, max(period, Month(2020, 1)), paid_on)
    credited = credit_date(paid_on)
    if style == "esp":  # КНП 183: any amount, its window 2019-01 … 2023-12 (R-L-2, R-L-3)
        amount = Decimal(draw(st.sampled_from([1, 50, 3000])))
        return [PaymentItem(period, amount, paid_on, credited, KNP.SINGLE_PAYMENT, iin)]
    if not messy:
        if style == "employer":
            knp = draw(st.sampled_from([KNP.EMPLOYER_DEDUCTION, KNP.CONTRIBUTION]))
            return [PaymentItem(period, Decimal(9000), paid_on, credited, knp, EMPLOYER_BINS[0])]
        return [PaymentItem(period, price, paid_on, credited, KNP.CONTRIBUTION, iin)]
    if draw(st.integers(0, 15)) == 0:
        credited = paid_on + timedelta(days=draw(st.integers(0, 60)))  # the record's own date
    refunded = None
    if draw(st.integers(0, 15)) == 0:
        refunded = paid_on + timedelta(days=draw(st.integers(0, 120)))
    knp = KNP.CONTRIBUTION
    payer: str | None = iin
    amount = price
    if style == "employer":
        knp = draw(st.sampled_from([KNP.EMPLOYER_DEDUCTION, KNP.CONTRIBUTION]))
        payer = draw(st.sampled_from(EMPLOYER_BINS))
        amount = Decimal(draw(st.integers(1, 60_000)))
    else:
        shapes = ["due"] * 8 + ["partial", "extra", "split", "penalty", "invalid"]
        shape = draw(st.sampled_from(shapes))
        if draw(st.integers(0, 20)) == 0:
            payer = draw(st.sampled_from([RELATIVE, None]))
        if shape == "partial":
            amount = (price * Decimal(draw(st.integers(1, 99))) / 100).quantize(Decimal("0.01"))
        elif shape == "extra":
            amount = price * 2
        elif shape == "invalid":  # refused at intake (R-L-3), possible in a facts file
            amount = -draw(st.sampled_from([Decimal(0), price, Decimal("0.01")]))
        elif shape == "penalty":
            knp = draw(st.sampled_from([KNP.DEDUCTION_PENALTY, KNP.CONTRIBUTION_PENALTY]))
        elif shape == "split":
            first = (price * Decimal(draw(st.integers(1, 99))) / 100).quantize(Decimal("0.01"))
            later = _clip(paid_on + timedelta(days=draw(st.integers(0, 400))))
            rest = month_price(kind, max(period, Month(2020, 1)), later) - first
            return [
                PaymentItem(period, first, paid_on, credited, knp, payer, refunded_on=refunded),
                PaymentItem(
                    period, max(rest, Decimal("0.01")), later, credit_date(later), knp, payer
                ),
            ]
    return [PaymentItem(period, amount, paid_on, credited, knp, payer, refunded_on=refunded)]


@st.composite
def _run(draw: st.DrawFn, iin: str, kind: PayerKind, focus: Month) -> list[PaymentItem]:
    """A run of consecutive months paid in one pattern, most often ending near ``focus``."""
    style = draw(
        st.sampled_from(
            ["monthly", "monthly", "prepaid", "employer", "due", "late", "single", "long", "esp"]
        )
    )
    length = 1 if style == "single" else draw(st.integers(1, 75))
    if style == "long":  # every month from 2020-01, stopping a few months before the focus
        style = draw(st.sampled_from(["monthly", "employer"]))
        first = Month(2020, 1)
        stop = focus - draw(st.sampled_from([0, 1, 3, 4, 5, 6, 7, 8]))
        length = max(stop.index - first.index + 1, 1)
    elif draw(st.booleans()):
        first = _month(draw, Month(2019, 6), Month(2027, 6))
    else:  # end within a few months of the focus month
        end = focus + draw(st.integers(-8, 13))
        first = Month.from_index(max(end.index - length + 1, Month(2019, 6).index))
    items: list[PaymentItem] = []
    messy = draw(st.booleans())
    block_day = _clip(first.first_day() - timedelta(days=draw(st.integers(-20, 400))))
    for i in range(length):
        period = first + i
        if period > Month(2027, 12):
            break
        if style == "prepaid":
            paid_on = block_day if i < 13 else _clip(period.first_day())
        elif style == "employer":
            paid_on = (period + 1).first_day() + timedelta(days=draw(st.integers(5, 24)))
        elif style == "due":  # on the due date: the month is pending until then (R-L-9)
            paid_on = due_date(period)
        elif style == "esp":
            paid_on = period.first_day() + timedelta(days=draw(st.integers(0, 50)))
        elif style == "late":
            paid_on = (period + draw(st.integers(0, 14))).first_day() + timedelta(
                days=draw(st.integers(0, 27))
            )
        else:
            paid_on = period.first_day() + timedelta(days=draw(st.integers(-5, 27)))
        if messy and draw(st.integers(0, 12)) == 0:
            continue  # a hole in the run
        kind_of_item = "employer" if style == "due" else style
        items.extend(draw(_item(iin, kind, period, paid_on, kind_of_item, messy)))
    return items


@st.composite
def people(draw: st.DrawFn, focus: Month = DEFAULT_FOCUS) -> PersonFacts:
    """One person whose facts cluster around the month ``focus`` (the month asked about)."""
    if draw(st.integers(0, 5)) == 0:  # a child, or turning 18 near the focus month
        born_from = max((focus - 12 * 18 - 24).first_day(), date(1950, 1, 1))
        iin = draw(iins(born_from, date(2026, 12, 31)))
    else:
        iin = draw(iins(date(1950, 1, 1), date(2008, 12, 31)))
    born = birth_date(iin)
    kind = draw(st.sampled_from(list(PayerKind)))
    categories = []
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 1, 2, 3]))):
        first = focus + draw(st.integers(-60, 12))
        length = draw(st.one_of(st.none(), st.integers(0, 40)))
        categories.append(
            CategoryPeriod(
                draw(st.sampled_from(CATEGORY_NAMES)),
                first,
                None if length is None else first + length,
            )
        )
    grants = []
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        granted = focus.first_day() + timedelta(days=draw(st.integers(-70, 70)))
        grants.append(
            TemporaryGrant(draw(st.sampled_from(CATEGORY_NAMES)), granted, add_months(granted, 1))
        )
    items: list[PaymentItem] = []
    for _ in range(draw(st.integers(0, 4))):
        items.extend(draw(_run(iin, kind, focus)))
    return PersonFacts.in_order(iin, born, kind, categories, grants, items)


query_dates = st.one_of(
    st.dates(date(2020, 1, 1), date(2026, 12, 31)),
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),  # the long-payer grace (R-S-6)
)


@st.composite
def cases(draw: st.DrawFn, max_size: int = 40) -> tuple[list[PersonFacts], date, date]:
    """People, a query date and a knowledge date ≥ it (at most 2027-06-30)."""
    on = draw(query_dates)
    later = draw(
        st.one_of(st.just(0), st.integers(0, 40), st.integers(0, 900)),
    )
    as_of = min(on + timedelta(days=later), date(2027, 6, 30))
    focus = Month.of(on) + draw(st.integers(-3, 3))
    found = draw(
        st.lists(
            people(focus), min_size=min(5, max_size), max_size=max_size, unique_by=lambda p: p.iin
        )
    )
    return found, on, as_of
