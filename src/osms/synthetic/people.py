"""Synthetic people one at a time, each with names, a story and the decision of its profile:
the demo's population.

:func:`generate` makes ``count`` people from one :class:`random.Random` seeded with ``seed``:
the same arguments always give the same people, names, IINs and payments.  Each person has a
*profile* (:class:`~osms.synthetic.profiles.Profile`: a regular self-payer, an employee, a
child...), a one-sentence English *story* and the :class:`~osms.rules.facts.PersonFacts` the
rules engine decides on.  The payment histories end on ``today`` the way real ones would
(:mod:`osms.synthetic.payments`); besides:

- from 2026-01 a platform pays a self-employed person's КНП 122 (1 % of the month's income,
  whatever the amount) by the month's due date (R-L-6, R-L-9);
- ЕСП payers paid КНП 183 for months of the ЕСП window (R-L-2), then as self-payers;
- no item names a month after month(paid_on) + 12 (R-L-3).

Every profile is built so that :func:`~osms.rules.status.decide` on ``today`` gives the outcome
:data:`~osms.synthetic.profiles.EXPECTATIONS` names (``tests/synthetic`` checks it on several
seeds and dates).  The mix follows the Fund's figures (SOURCES.md §9): of ≈ 20.4 mn people,
≈ 12.3 mn are state-paid (≈ 60 %), ≈ 4.5 mn pay or are paid for (≈ 22 %), ≈ 3.6 mn are outside
(≈ 18 %); see :data:`WEIGHTS`.  With ``count`` ≥ the number of profiles (22), every profile
appears at least once.  The people of ``other_category`` take turns at the state-paid
categories no other profile holds (``data/categories.yaml``): with as many of them as there are
such categories (the default demo of 3 000 has about ten times that), the demo holds every
category.

``today`` must be in a month with the long payer's grace of R-S-6 (2026 or later: the
``long_payer`` profile needs it) and within the dates the rule parameters know.

>>> people = generate(60, seed=7, today=date(2026, 11, 22))
>>> len(people), len({p.iin for p in people})
(60, 60)
>>> sorted({p.profile for p in people}) == sorted(PROFILES)
True
>>> generate(60, seed=7, today=date(2026, 11, 22)) == people
True
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from osms.rules.calendar import add_working_days
from osms.rules.categories import categories
from osms.rules.facts import (
    KNP,
    CategoryPeriod,
    Channel,
    PayerKind,
    PaymentItem,
    TemporaryGrant,
)
from osms.rules.month import Month, add_months
from osms.rules.parameters import (
    child_category_until_age,
    liability_start,
    long_payer_grace_months,
    self_employed_regime_start,
    single_payment_periods,
    temporary_status_months,
)
from osms.rules.pending import due_date
from osms.rules.plausibility import pension_age_months
from osms.rules.pricing import month_price
from osms.synthetic.draws import (
    EMPLOYER_HISTORY_START,
    Draws,
    Who,
    adult_month,
    months,
    newest_adult_birth,
    years_before,
)
from osms.synthetic.names import FEMALE, MALE
from osms.synthetic.payments import (
    SELF_CHANNELS,
    contributions,
    employer_payments,
    item,
    self_item,
    self_payments,
)
from osms.synthetic.person import DemoApplication, DemoPerson, DemoRefund
from osms.synthetic.profiles import EXPECTATIONS, Profile

__all__ = [
    "PROFILES",
    "WEIGHTS",
    "DemoApplication",
    "DemoPerson",
    "DemoRefund",
    "generate",
]

PROFILES: Final[tuple[Profile, ...]] = tuple(EXPECTATIONS)
"""The profiles this generator builds: those with an expectation."""

WEIGHTS: Final[Mapping[Profile, float]] = {
    # state-paid (≈ 60 %: 12.3 mn of ≈ 20.4 mn, SOURCES.md §9)
    Profile.CHILD: 30.0,
    Profile.PENSIONER: 13.0,
    Profile.STUDENT: 5.0,
    Profile.UNEMPLOYED: 4.0,
    Profile.DISABLED: 4.0,
    Profile.TEMPORARY_GRANT: 0.5,
    Profile.OTHER_CATEGORY: 4.0,
    # paying or paid for (≈ 22 %: 16.8 mn participants − 12.3 mn state-paid)
    Profile.EMPLOYEE: 7.5,
    Profile.EMPLOYEE_ON_DUE_DATE: 1.5,
    Profile.SELF_EMPLOYED: 1.0,
    Profile.ESP_PAYER: 0.5,
    Profile.REGULAR_PAYER: 7.5,
    Profile.ENTREPRENEUR: 3.0,
    Profile.IN_GRACE: 1.5,
    Profile.TURNED_18: 1.0,
    Profile.LONG_PAYER: 0.8,
    Profile.PREPAYER: 0.7,
    Profile.LAST_GRACE_MONTH: 0.7,
    Profile.REFUNDED: 0.5,
    # outside the system (≈ 18 %: 3.6 mn)
    Profile.DEBTOR: 9.0,
    Profile.NEVER_PAID: 7.5,
    Profile.EMPLOYEE_LATE_EMPLOYER: 1.5,
}
"""Relative frequency of each profile (state-paid majority, SOURCES.md §9)."""

_OWN_PROFILE_CATEGORIES: Final = frozenset(
    {Profile.CHILD, Profile.STUDENT, Profile.PENSIONER, Profile.UNEMPLOYED, Profile.DISABLED}
)
"""Categories their own profiles hold; ``other_category`` people take turns at the rest."""
_CATEGORY_SHAPES: Final[Mapping[str, tuple[float, int | None, int]]] = {
    # code: (share of women, months a period lasts or None for no end date, oldest age)
    "pregnant": (1.0, 9, 45),
    "parent_child_under_3": (0.9, 36, 45),
    "parental_leave": (0.9, 18, 45),
    "carer_disabled_child": (0.8, None, 60),
    "prisoner": (0.1, 24, 60),
    "pretrial_detention": (0.1, 6, 60),
    "kandas": (0.5, 12, 60),
    "mother_of_many": (1.0, None, 60),
    "carer_group1_disabled": (0.6, None, 60),
    "social_assistance": (0.5, 12, 60),
    "house_arrest": (0.2, 6, 60),
    "local_crisis": (0.5, 6, 60),
}
"""How a period of each other category looks; a category not listed: (0.5, None, 60)."""


# -- the generator ------------------------------------------------------------------------------


def generate(count: int, seed: int, today: date) -> list[DemoPerson]:
    """``count`` synthetic people as of ``today``, the same for the same arguments."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if long_payer_grace_months(Month.of(today)) is None:
        raise ValueError(
            f"today must be in a month with the long payer's grace (R-S-6), got {today}"
        )
    rng = random.Random(seed)
    profiles: list[Profile] = []
    if count >= len(PROFILES):
        profiles.extend(PROFILES)
    weights = [WEIGHTS[p] for p in PROFILES]
    profiles.extend(rng.choices(PROFILES, weights=weights, k=count - len(profiles)))
    rng.shuffle(profiles)
    draws = Draws(rng, today, employers=max(4, count // 60))
    # The categories no other profile holds, that exist this month (R-CAT-1), taking turns.
    others = itertools.cycle(
        [
            code
            for code, known in categories().items()
            if code not in _OWN_PROFILE_CATEGORIES and known.since <= draws.month
        ]
    )
    recipes: dict[Profile, Callable[[Draws], DemoPerson]] = {
        **_RECIPES,
        Profile.OTHER_CATEGORY: lambda d: _other_category(d, next(others)),
    }
    return [recipes[profile](draws) for profile in profiles]


# -- the profiles -------------------------------------------------------------------------------


def _regular_payer(d: Draws) -> DemoPerson:
    who = d.adult()
    start = d.clean_start()
    items = self_payments(d, who.iin, PayerKind.SELF_PAYER, start, d.month)
    story = (
        f"Self-payer since {start}, paying every month between the 10th and the 20th "
        f"through {items[-1].channel}; {d.month} is paid."
    )
    return d.person(Profile.REGULAR_PAYER, story, who, payments=items)


def _entrepreneur(d: Draws) -> DemoPerson:
    who = d.adult(female=0.4)
    start = d.clean_start()
    quarterly = d.rng.random() < 0.3
    items = self_payments(d, who.iin, PayerKind.ENTREPRENEUR, start, d.month, quarterly=quarterly)
    how = "a quarter in advance" if quarterly else "every month"
    story = (
        f"Individual entrepreneur since {start}, paying 5 % of 1.4 MW for himself {how}."
        if who.sex == MALE
        else f"Individual entrepreneur since {start}, paying 5 % of 1.4 MW for herself {how}."
    )
    return d.person(Profile.ENTREPRENEUR, story, who, kind=PayerKind.ENTREPRENEUR, payments=items)


def _prepayer(d: Draws) -> DemoPerson:
    who = d.adult()
    first = d.month_between(d.month - 10, d.month)  # R-S-4: M in [F, F + 11]
    month_before = (first - 1).first_day()
    paid_on = min(
        d.day_between(month_before + timedelta(days=4), month_before + timedelta(days=24)),
        d.last_payday,
    )
    channel = d.rng.choice(SELF_CHANNELS)
    block = [
        self_item(who.iin, PayerKind.SELF_PAYER, period, paid_on, channel)
        for period in Month.range(first, first + 12)
    ]
    older: list[PaymentItem] = []
    if d.rng.random() < 0.5 and first - 2 >= liability_start() + 6:
        stop = d.month_between(liability_start() + 6, first - 2)
        start = d.month_between(liability_start(), stop)
        older = self_payments(d, who.iin, PayerKind.SELF_PAYER, start, stop)
    before = f"Paid {older[0].period} … {older[-1].period}, then nothing" if older else "Never paid"
    story = (
        f"{before} until {paid_on}, when {first} … {first + 11} were paid at once: "
        "insured by prepayment despite the older debt (R-S-4)."
    )
    return d.person(Profile.PREPAYER, story, who, payments=[*older, *block])


def _debtor(d: Draws) -> DemoPerson:
    who = d.adult()
    stopped = d.rng.randint(5, 20)
    last = d.month - stopped
    # Fewer months paid than make a long payer, so that their longer grace (R-S-6) never
    # applies.
    short = last - (d.long_months - 2)
    earliest = max(liability_start(), short) if stopped <= d.long_grace else liability_start()
    first = d.month_between(earliest, last)
    kind, items, how = contributions(d, who.iin, first, last, employed=0.4)
    story = f"{how[0].upper()}{how[1:]} {first} … {last}, then nothing: {stopped} unpaid months."
    return d.person(Profile.DEBTOR, story, who, kind=kind, payments=items)


def _in_grace(d: Draws) -> DemoPerson:
    who = d.adult()
    unpaid = d.rng.randint(1, d.grace - 1)
    start = d.clean_start()
    last = d.month - unpaid
    items = self_payments(d, who.iin, PayerKind.SELF_PAYER, start, last)
    story = (
        f"Self-payer since {start}; last paid month {last}, so {months(unpaid)} unpaid: "
        "insured in the grace period."
    )
    return d.person(Profile.IN_GRACE, story, who, payments=items)


def _last_grace_month(d: Draws) -> DemoPerson:
    who = d.adult()
    long_payer = d.rng.random() < 0.3
    if long_payer:
        # R-S-6: a long payer's covered months, then the last month of their longer grace.
        last = d.month - d.long_grace
        start = d.month_between(liability_start(), last - (d.long_months - 1))
        grace = f"{d.long_grace}-month grace of a long payer"
    else:
        # Fewer months paid than make a long payer: the last month of the grace.
        last = d.month - d.grace
        start = d.month_between(max(liability_start(), last - (d.long_months - 2)), d.month - 14)
        grace = f"{d.grace}-month grace"
    items = self_payments(d, who.iin, PayerKind.SELF_PAYER, start, last)
    story = (
        f"Self-payer {start} … {last}: {d.month} is the last month of the {grace}; "
        "the Fund warns that status ends next month."
    )
    return d.person(Profile.LAST_GRACE_MONTH, story, who, payments=items)


def _long_payer(d: Draws) -> DemoPerson:
    who = d.adult()
    unpaid = d.rng.randint(d.grace + 1, d.long_grace)  # beyond the grace, within the longer one
    last = d.month - unpaid
    employed = d.rng.random() < 0.5
    earliest = EMPLOYER_HISTORY_START if employed else liability_start()
    start = d.month_between(earliest, last - (d.long_months - 1))
    if employed:
        jobs = d.jobs(start, last, switch=0.0)
        items = employer_payments(d, jobs, last)
        kind, how = PayerKind.EMPLOYEE, f"employer BIN {jobs[0].employer} paid"
    else:
        items = self_payments(d, who.iin, PayerKind.SELF_PAYER, start, last)
        kind, how = PayerKind.SELF_PAYER, "paid as a self-payer"
    story = (
        f"Long payer: {how} every month {start} … {last} ({months(last - start + 1)}), "
        f"then stopped; {months(unpaid)} unpaid are within the {d.long_grace}-month grace of 2026 "
        "(R-S-6)."
    )
    return d.person(Profile.LONG_PAYER, story, who, kind=kind, payments=items)


def _employee(d: Draws) -> DemoPerson:
    who = d.adult()
    start = d.month_between(EMPLOYER_HISTORY_START, d.month - 14)
    jobs = d.jobs(start, d.month)
    items = employer_payments(d, jobs, d.month)
    moved = f", at BIN {jobs[1].employer} since {jobs[1].first}" if len(jobs) > 1 else ""
    story = (
        f"Employee since {start} at BIN {jobs[0].employer}{moved}; the employer pays "
        "KNP 121/122 by the 25th of the next month."
    )
    return d.person(Profile.EMPLOYEE, story, who, kind=PayerKind.EMPLOYEE, payments=items)


def _employee_on_due_date(d: Draws) -> DemoPerson:
    who = d.adult()
    start = d.month_between(EMPLOYER_HISTORY_START, d.month - 14)
    jobs = d.jobs(start, d.month, switch=0.0)
    items = employer_payments(d, jobs, d.month, on_due_date=True)
    story = (
        f"Employee since {start} at BIN {jobs[0].employer}, which pays KNP 121/122 on the "
        "due date itself (the 25th of the next month, or the next working day): until a "
        "month's payment is credited it is pending, not debt (R-L-9)."
    )
    return d.person(
        Profile.EMPLOYEE_ON_DUE_DATE, story, who, kind=PayerKind.EMPLOYEE, payments=items
    )


def _self_employed(d: Draws) -> DemoPerson:
    who = d.adult()
    regime = self_employed_regime_start()
    start = d.month_between(liability_start(), min(regime, d.month) - 14)
    items = self_payments(d, who.iin, PayerKind.SELF_PAYER, start, regime - 1)
    platform = d.rng.choice(d.employers)
    for period in Month.range(regime, d.month + 1):
        paid_on = due_date(period) - timedelta(days=d.rng.randint(0, 6))
        if paid_on > d.today:
            break
        income = Decimal(d.rng.randrange(30_000, 600_000, 500))
        amount = (income / 100).quantize(Decimal("0.01"))  # 1 % of the income
        items.append(item(period, amount, paid_on, KNP.CONTRIBUTION, platform))
    story = (
        f"Self-payer from {start}; self-employed since {regime}: a platform (BIN "
        f"{platform}) pays 1 % of each month's income by its due date, whatever the "
        "amount (R-L-6); the months not due yet are pending (R-L-9)."
    )
    return d.person(Profile.SELF_EMPLOYED, story, who, kind=PayerKind.SELF_EMPLOYED, payments=items)


def _esp_payer(d: Draws) -> DemoPerson:
    who = d.adult()
    first_esp, last_esp = single_payment_periods()
    unpaid = d.rng.randint(d.grace + 1, d.long_grace - 1)
    last = d.month - unpaid
    # R-S-6: the long payer's months before the unpaid run are all contributions, ЕСП included
    start = d.month_between(first_esp, min(last - (d.long_months - 1), first_esp + 17))
    channel = d.rng.choice((Channel.BANK_APP, Channel.KAZPOST))
    items = []
    for period in Month.range(start, last_esp + 1):
        amount = Decimal(d.rng.choice((1_000, 2_917, 3_063, 3_450)))
        paid_on = period.first_day() + timedelta(days=d.rng.randint(4, 20))
        items.append(item(period, amount, paid_on, KNP.SINGLE_PAYMENT, who.iin, channel))
    items += self_payments(d, who.iin, PayerKind.SELF_PAYER, last_esp + 1, last)
    story = (
        f"Paid the single aggregate payment (ЕСП, KNP 183) for {start} … {last_esp}, then "
        f"contributions as a self-payer until {last}: over {d.long_months} months of "
        f"contributions, so {months(unpaid)} unpaid are within the {d.long_grace}-month grace "
        "of a long payer (R-S-6)."
    )
    return d.person(Profile.ESP_PAYER, story, who, payments=items)


def _employee_late_employer(d: Draws) -> DemoPerson:
    who = d.adult()
    start = d.month_between(EMPLOYER_HISTORY_START, d.month - 14)
    jobs = d.jobs(start, d.month, switch=0.0)
    missed = d.rng.randint(4, 5)
    gap_end = d.month_between(d.month - 13 + missed, d.month - 3)
    gap = list(Month.range(gap_end - (missed - 1), gap_end + 1))
    items = employer_payments(d, jobs, d.month, skip=gap)
    story = (
        f"Employee since {start}; the employer (BIN {jobs[0].employer}) never paid "
        f"{gap[0]} … {gap[-1]}: those {missed} months are debt although later months "
        "are paid."
    )
    return d.person(
        Profile.EMPLOYEE_LATE_EMPLOYER, story, who, kind=PayerKind.EMPLOYEE, payments=items
    )


def _student(d: Draws) -> DemoPerson:
    sex = d.sex()
    adult_age = child_category_until_age()
    # Turned adult before this month (else the child category decides) and at most 22.
    birth_month = d.month_between(d.month - 12 * 23 + 1, d.month - 12 * adult_age - 1)
    birth = d.day_in(birth_month)
    enrolled = birth.year + adult_age - (1 if birth.month >= 9 else 0)
    if Month(enrolled, 9) > d.month:
        enrolled -= 1
    first = Month(enrolled, 9)
    last: Month | None = None
    if d.rng.random() < 0.6:
        last = next(
            (m for m in (Month(enrolled + 4, 6), Month(enrolled + 6, 6)) if m >= d.month),
            None,
        )
    until = f"until {last}" if last is not None else "with no end date yet"
    story = f"Full-time student since {first} {until}: state-paid."
    return d.person(
        Profile.STUDENT,
        story,
        Who(birth, sex),
        categories=(CategoryPeriod("student", first, last),),
    )


def _pensioner(d: Draws) -> DemoPerson:
    sex = d.sex(0.58)
    age = pension_age_months(sex, d.today)
    # retired at least a year ago, and born by 1962
    newest = min(date(1962, 12, 31), add_months(years_before(d.today, 1), -age))
    birth = d.day_between(date(1940, 1, 1), newest)
    first = Month.of(birth) + age + 1
    kind, payments = _job_before(d, first, 0.5)
    worked = " after years of employer-paid contributions" if payments else ""
    story = f"Pension recipient since {first}{worked}: state-paid, no end date."
    return d.person(
        Profile.PENSIONER,
        story,
        Who(birth, sex),
        kind=kind,
        categories=(CategoryPeriod("pensioner", first),),
        payments=payments,
    )


def _child(d: Draws) -> DemoPerson:
    sex = d.sex(0.49)
    birth = d.day_between(
        years_before(d.today, child_category_until_age()) + timedelta(days=1),
        d.today - timedelta(days=7),
    )
    adult = adult_month(birth)
    age = _age(birth, d.today)
    story = f"Child aged {age}: state-paid from birth through {adult}, the month of the 18th."
    return d.person(Profile.CHILD, story, Who(birth, sex))


def _turned_18(d: Draws) -> DemoPerson:
    sex = d.sex()
    months_ago = d.rng.randint(1, 3)
    birth = d.day_in(d.month - months_ago - 12 * child_category_until_age())
    adult = adult_month(birth)
    story = (
        f"Turned 18 in {adult}: the child category ended and nothing is paid yet, "
        f"so {months(months_ago)} of grace."
    )
    return d.person(Profile.TURNED_18, story, Who(birth, sex))


def _unemployed(d: Draws) -> DemoPerson:
    who = d.adult()
    first = d.month_between(d.month - 18, d.month)
    last: Month | None = None
    if d.rng.random() < 0.3:
        last = d.month_between(max(first + 5, d.month), d.month + 6)
    kind, payments = _job_before(d, first, 0.6)
    until = f"until {last}" if last is not None else "with no end date"
    before = " after losing a job" if payments else ""
    story = f"Registered unemployed since {first}{before}, {until}: state-paid (R-CAT-2)."
    return d.person(
        Profile.UNEMPLOYED,
        story,
        who,
        kind=kind,
        categories=(CategoryPeriod("unemployed", first, last),),
        payments=payments,
    )


def _disabled(d: Draws) -> DemoPerson:
    who = d.adult(oldest=62)
    adult = adult_month(who.birth) + 1
    first = d.month_between(max(adult, Month(2010, 1)), d.month)
    group = d.rng.choice(("I", "II", "III"))
    story = f"Person with disability (group {group}) since {first}: state-paid, no end date."
    return d.person(Profile.DISABLED, story, who, categories=(CategoryPeriod("disabled", first),))


def _refunded(d: Draws) -> DemoPerson:
    who = d.adult()
    start = d.clean_start(latest=24)
    items = self_payments(d, who.iin, PayerKind.SELF_PAYER, start, d.month)
    wrong_month = d.month_between(max(start + 12, d.month - 20), d.month - 3)
    right = next(i for i in items if i.period == wrong_month)
    paid_on = right.paid_on - timedelta(days=d.rng.randint(1, 5))
    applied_on = paid_on + timedelta(days=d.rng.randint(3, 10))
    refunded_on = add_working_days(applied_on, d.rng.randint(5, 15))
    wrong_period = wrong_month - 12
    price = month_price(PayerKind.SELF_PAYER, wrong_period, paid_on)
    wrong = item(
        wrong_period, price, paid_on, KNP.CONTRIBUTION, who.iin, right.channel, refunded_on
    )
    story = (
        f"Paid {wrong_period} instead of {wrong_month} on {paid_on} (wrong year), paid "
        f"{wrong_month} again and got the wrong payment refunded on {refunded_on}."
    )
    person = d.person(Profile.REFUNDED, story, who, payments=[*items, wrong])
    index = person.facts.payments.index(wrong)
    refund = DemoRefund(item=index, reason="wrong_year", applied_on=applied_on)
    return replace(person, refunds=(refund,))


def _temporary_grant(d: Draws) -> DemoPerson:
    sex = FEMALE
    birth = d.day_between(years_before(d.today, 40), years_before(d.today, 20))
    iin = d.iin(birth, sex)
    payments: list[PaymentItem] = []
    before = "never paid"
    adult = max(liability_start(), adult_month(birth) + 1)
    if d.rng.random() < 0.5 and adult <= d.month - 20:
        last = d.month_between(adult, d.month - 8)
        first = d.month_between(max(adult, last - 30), last)
        payments = self_payments(d, iin, PayerKind.SELF_PAYER, first, last)
        before = f"stopped paying after {last}"
    granted_on = d.today - timedelta(days=d.rng.randint(0, 25))
    submitted_on = granted_on - timedelta(days=d.rng.randint(0, 3))
    issued_on = submitted_on - timedelta(days=d.rng.randint(1, 30))
    ends_on = add_months(granted_on, temporary_status_months(granted_on))
    application = DemoApplication(
        category="pregnant",
        document_kind="form_027u",
        document_number=f"027/у-{d.rng.randint(1000, 99999)}",
        issued_on=issued_on,
        submitted_on=submitted_on,
        channel=d.rng.choice(("qoldau", "egov", "polyclinic")),
        granted_on=granted_on,
    )
    story = (
        f"Pregnant, not working and {before}; uploaded form 027/у on {submitted_on} and "
        f"was granted one month of status on {granted_on} (R-TMP-1)."
    )
    return d.person(
        Profile.TEMPORARY_GRANT,
        story,
        Who(birth, sex, iin),
        payments=payments,
        temporary=(TemporaryGrant("pregnant", granted_on, ends_on),),
        applications=(application,),
    )


def _other_category(d: Draws, code: str) -> DemoPerson:
    female, lasting, oldest = _CATEGORY_SHAPES.get(code, (0.5, None, 60))
    who = d.adult(female=female, oldest=oldest)
    since = categories()[code].since
    if lasting is None:
        first = d.month_between(max(since, d.month - 36), d.month)
        last = None
    else:
        first = d.month_between(max(since, d.month - (lasting - 1)), d.month)
        last = first + (lasting - 1)
    until = f"until {last}" if last is not None else "with no end date"
    story = f"In the state-paid category {code} since {first}, {until} (R-CAT-1)."
    return d.person(
        Profile.OTHER_CATEGORY, story, who, categories=(CategoryPeriod(code, first, last),)
    )


def _never_paid(d: Draws) -> DemoPerson:
    sex = d.sex()
    # Some turned 18 after 2020-01, all at least 7 months ago: the grace is long over.
    newest = min(
        newest_adult_birth() + timedelta(days=365 * 3),
        (d.month - 12 * child_category_until_age() - 7).first_day(),
    )
    birth = d.day_between(years_before(d.today, 60), newest)
    liable = max(liability_start(), adult_month(birth) + 1)
    story = f"Liable since {liable} and has never paid a contribution: uninsured."
    return d.person(Profile.NEVER_PAID, story, Who(birth, sex))


_RECIPES: Final[Mapping[Profile, Callable[[Draws], DemoPerson]]] = {
    Profile.REGULAR_PAYER: _regular_payer,
    Profile.PREPAYER: _prepayer,
    Profile.DEBTOR: _debtor,
    Profile.IN_GRACE: _in_grace,
    Profile.LAST_GRACE_MONTH: _last_grace_month,
    Profile.EMPLOYEE: _employee,
    Profile.EMPLOYEE_LATE_EMPLOYER: _employee_late_employer,
    Profile.EMPLOYEE_ON_DUE_DATE: _employee_on_due_date,
    Profile.SELF_EMPLOYED: _self_employed,
    Profile.ESP_PAYER: _esp_payer,
    Profile.ENTREPRENEUR: _entrepreneur,
    Profile.STUDENT: _student,
    Profile.PENSIONER: _pensioner,
    Profile.CHILD: _child,
    Profile.TURNED_18: _turned_18,
    Profile.UNEMPLOYED: _unemployed,
    Profile.DISABLED: _disabled,
    Profile.REFUNDED: _refunded,
    Profile.TEMPORARY_GRANT: _temporary_grant,
    Profile.LONG_PAYER: _long_payer,
    Profile.NEVER_PAID: _never_paid,
}
"""How each profile is drawn (``other_category`` takes its category from :func:`generate`)."""


def _job_before(d: Draws, first: Month, chance: float) -> tuple[PayerKind, list[PaymentItem]]:
    """With ``chance``, when a year of it fits, an employee's history that ended the month
    before ``first`` (a category's first month): the payer kind and the employer's payments."""
    if first <= EMPLOYER_HISTORY_START + 12 or d.rng.random() >= chance:
        return PayerKind.SELF_PAYER, []
    start = d.month_between(EMPLOYER_HISTORY_START, first - 12)
    return PayerKind.EMPLOYEE, employer_payments(d, d.jobs(start, first - 1, switch=0.0), first - 1)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
