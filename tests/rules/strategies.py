"""Hypothesis strategies for people and ledgers, shared by the property tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from osms.rules.calendar import credit_date
from osms.rules.errors import InvalidChecksum
from osms.rules.facts import KNP, CategoryPeriod, PayerKind, PaymentItem, PersonFacts
from osms.rules.iin import SERIALS, SEXES, birth_date
from osms.rules.iin import make as make_iin
from osms.rules.month import Month
from osms.rules.pricing import month_price

EMPLOYER_BIN = "160440007161"

FIRST_PERIOD = Month(2019, 6)
LAST_PERIOD = Month(2026, 12)
FIRST_DAY = date(2020, 1, 1)
LAST_DAY = date(2026, 12, 31)


@st.composite
def iins(
    draw: st.DrawFn, born_from: date = date(1950, 1, 1), born_to: date = date(2001, 12, 31)
) -> str:
    """Valid IINs of people born between the two days (built by :func:`make_iin`)."""
    while True:
        born = draw(st.dates(born_from, born_to))
        sex = draw(st.sampled_from(SEXES))
        serial = draw(st.sampled_from(SERIALS))
        try:
            return make_iin(born, sex, serial)
        except InvalidChecksum:
            continue  # about one serial in eleven has no check digit (R-IIN-2)


@st.composite
def payments(draw: st.DrawFn, iin: str, kind: PayerKind) -> PaymentItem:
    period = Month.from_index(draw(st.integers(FIRST_PERIOD.index, LAST_PERIOD.index)))
    lead = draw(st.integers(-12, 14))  # months between the month paid for and the payment
    paid_month = period + lead
    paid_on = paid_month.first_day() + timedelta(days=draw(st.integers(0, 27)))
    paid_on = min(max(paid_on, FIRST_DAY), LAST_DAY)
    shape = draw(st.sampled_from(["due", "due", "due", "partial", "extra", "employer", "penalty"]))
    price = month_price(kind, max(period, Month(2020, 1)), paid_on)
    knp = KNP.CONTRIBUTION
    payer = iin
    amount = price
    if shape == "partial":
        amount = (price / 2).quantize(Decimal("0.01"))
    elif shape == "extra":
        amount = price * 3
    elif shape == "employer":
        knp = draw(st.sampled_from([KNP.EMPLOYER_DEDUCTION, KNP.CONTRIBUTION]))
        payer = EMPLOYER_BIN
        amount = Decimal(draw(st.integers(1, 50_000)))
    elif shape == "penalty":
        knp = draw(st.sampled_from([KNP.DEDUCTION_PENALTY, KNP.CONTRIBUTION_PENALTY]))
    credited = credit_date(paid_on)
    refunded = None
    if draw(st.integers(0, 20)) == 0:
        refunded = credited + timedelta(days=draw(st.integers(1, 200)))
    return PaymentItem(
        period=period,
        amount=amount,
        paid_on=paid_on,
        credited_on=credited,
        knp=knp,
        payer=payer,
        refunded_on=refunded,
    )


@st.composite
def people(draw: st.DrawFn, max_payments: int = 40) -> PersonFacts:
    """Adults (and some who turn 18 inside the period) with a random ledger."""
    iin = draw(iins(date(1950, 1, 1), date(2006, 12, 31)))

    kind = draw(st.sampled_from(list(PayerKind)))
    categories: list[CategoryPeriod] = []
    if draw(st.integers(0, 4)) == 0:
        first = Month.from_index(draw(st.integers(Month(2019, 1).index, LAST_PERIOD.index)))
        length = draw(st.one_of(st.none(), st.integers(0, 30)))
        categories.append(
            CategoryPeriod(
                draw(st.sampled_from(["student", "unemployed", "pensioner"])),
                first,
                None if length is None else first + length,
            )
        )
    items = draw(st.lists(payments(iin, kind), max_size=max_payments))
    return PersonFacts(
        iin=iin,
        birth_date=birth_date(iin),
        kind=kind,
        categories=tuple(categories),
        payments=tuple(items),
    )


query_dates = st.dates(date(2020, 7, 1), date(2026, 12, 31))
