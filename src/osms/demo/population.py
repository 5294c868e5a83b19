"""A deterministic synthetic population for the demo registry.

:func:`generate` makes ``count`` people from one :class:`random.Random` seeded with ``seed``:
the same arguments always give the same people, names, IINs and payments.  Each person has a
*profile* (who they are: a regular self-payer, an employee, a child...), a one-sentence English
*story* and the :class:`~osms.rules.facts.PersonFacts` the rules engine decides on.  The
payment histories end on ``today`` the way real ones would:

- self-payers pay each month between the 10th and the 20th, at the R-L-4 price of the day
  (:func:`~osms.rules.pricing.month_price`), through a bank app, a branch, a terminal or
  Kazpost; the current month is paid early enough to be credited by ``today`` (R-T-3);
- employers (valid BINs, R-BIN-1) pay КНП 121 and 122 for a month by the 25th of the next month
  (the last working day on or before it, or for some the due date itself, R-L-9), at the R-K-1
  rates of the month (:func:`~osms.rules.calculator.employer_monthly`): the months not due
  yet are pending, not debt;
- from 2026-01 a platform pays a self-employed person's КНП 122 (1 % of the month's income,
  whatever the amount) by the month's due date (R-L-6, R-L-9);
- ЕСП payers paid КНП 183 for months of 2019-01 … 2023-12 (R-L-2), then as self-payers;
- every item is credited on :func:`~osms.rules.calendar.credit_date` of its payment day, none
  is paid after ``today``, none names a month after month(paid_on) + 12, and no КНП 122 item
  names a month before 2020-01 (R-L-3).

Every profile is built so that :func:`~osms.rules.status.decide` on ``today`` gives the outcome
:data:`EXPECTATIONS` names (``tests/demo`` checks it on several seeds and dates).  The mix
follows the Fund's figures (SOURCES.md §9): of ≈ 20.4 mn people, ≈ 12.3 mn are state-paid
(≈ 60 %), ≈ 4.5 mn pay or are paid for (≈ 22 %), ≈ 3.6 mn are outside (≈ 18 %); see
:data:`WEIGHTS`.  With ``count`` ≥ the number of profiles (22), every profile appears at least
once.  The people of ``other_category`` take turns at the state-paid categories no other
profile holds (``data/categories.yaml``): with as many of them as there are such categories
(the default demo of 3 000 has about ten times that), the demo holds every category.

``today`` must be in 2026 or later (the ``long_payer_2026`` profile needs the 6-month grace of
R-S-6) and within the dates the rule parameters know (2026 at the time of writing).

>>> people = generate(60, seed=7, today=date(2026, 11, 22))
>>> len(people), len({p.iin for p in people})
(60, 60)
>>> sorted({p.profile for p in people}) == sorted(PROFILES)
True
>>> generate(60, seed=7, today=date(2026, 11, 22)) == people
True
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Final, NamedTuple

from osms.rules.calculator import employer_monthly
from osms.rules.calendar import add_working_days, credit_date, is_working_day
from osms.rules.categories import categories
from osms.rules.checkdigit import calc_check_digit
from osms.rules.facts import (
    KNP,
    CategoryPeriod,
    Channel,
    PayerKind,
    PaymentItem,
    PersonFacts,
    TemporaryGrant,
)
from osms.rules.month import Month, add_months
from osms.rules.parameters import (
    self_employed_regime_start,
    single_payment_periods,
    temporary_status_months,
)
from osms.rules.pending import due_date
from osms.rules.pricing import month_price
from osms.rules.status import Decision, Reason, Status

__all__ = [
    "EXPECTATIONS",
    "PROFILES",
    "WEIGHTS",
    "DemoApplication",
    "DemoPerson",
    "DemoRefund",
    "Expectation",
    "Names",
    "generate",
    "latest_payday",
    "make_bin",
]

# -- profiles -----------------------------------------------------------------------------------

REGULAR_PAYER: Final = "regular_payer"
PREPAYER: Final = "prepayer"
DEBTOR: Final = "debtor"
IN_GRACE: Final = "in_grace"
LAST_GRACE_MONTH: Final = "last_grace_month"
EMPLOYEE: Final = "employee"
EMPLOYEE_LATE_EMPLOYER: Final = "employee_late_employer"
EMPLOYEE_ON_DUE_DATE: Final = "employee_on_due_date"
SELF_EMPLOYED: Final = "self_employed"
ESP_PAYER: Final = "esp_payer"
ENTREPRENEUR: Final = "entrepreneur"
STUDENT: Final = "student"
PENSIONER: Final = "pensioner"
CHILD: Final = "child"
TURNED_18: Final = "turned_18"
UNEMPLOYED: Final = "unemployed"
DISABLED: Final = "disabled"
REFUNDED: Final = "refunded"
TEMPORARY_GRANT: Final = "temporary_grant"
LONG_PAYER_2026: Final = "long_payer_2026"
NEVER_PAID: Final = "never_paid"
OTHER_CATEGORY: Final = "other_category"

PROFILES: Final[tuple[str, ...]] = (
    REGULAR_PAYER,
    PREPAYER,
    DEBTOR,
    IN_GRACE,
    LAST_GRACE_MONTH,
    EMPLOYEE,
    EMPLOYEE_LATE_EMPLOYER,
    EMPLOYEE_ON_DUE_DATE,
    SELF_EMPLOYED,
    ESP_PAYER,
    ENTREPRENEUR,
    STUDENT,
    PENSIONER,
    CHILD,
    TURNED_18,
    UNEMPLOYED,
    DISABLED,
    REFUNDED,
    TEMPORARY_GRANT,
    LONG_PAYER_2026,
    NEVER_PAID,
    OTHER_CATEGORY,
)

WEIGHTS: Final[Mapping[str, float]] = {
    # state-paid (≈ 60 %: 12.3 mn of ≈ 20.4 mn, SOURCES.md §9)
    CHILD: 30.0,
    PENSIONER: 13.0,
    STUDENT: 5.0,
    UNEMPLOYED: 4.0,
    DISABLED: 4.0,
    TEMPORARY_GRANT: 0.5,
    OTHER_CATEGORY: 4.0,
    # paying or paid for (≈ 22 %: 16.8 mn participants − 12.3 mn state-paid)
    EMPLOYEE: 7.5,
    EMPLOYEE_ON_DUE_DATE: 1.5,
    SELF_EMPLOYED: 1.0,
    ESP_PAYER: 0.5,
    REGULAR_PAYER: 7.5,
    ENTREPRENEUR: 3.0,
    IN_GRACE: 1.5,
    TURNED_18: 1.0,
    LONG_PAYER_2026: 0.8,
    PREPAYER: 0.7,
    LAST_GRACE_MONTH: 0.7,
    REFUNDED: 0.5,
    # outside the system (≈ 18 %: 3.6 mn)
    DEBTOR: 9.0,
    NEVER_PAID: 7.5,
    EMPLOYEE_LATE_EMPLOYER: 1.5,
}
"""Relative frequency of each profile (state-paid majority, SOURCES.md §9)."""


@dataclass(frozen=True, slots=True)
class Expectation:
    """What :func:`~osms.rules.status.decide` says on ``today`` for a person of a profile."""

    status: Status
    reasons: frozenset[Reason]
    category: str | None = None
    loses_status_next_month: bool | None = None
    grace_months: int | None = None
    pending: bool | None = None
    """Whether the decision lists pending months (R-L-9)."""

    def problems(self, decision: Decision) -> list[str]:
        """How ``decision`` differs from the expectation (empty when it meets it)."""
        found = []
        if decision.status is not self.status:
            found.append(f"status {decision.status.value}, expected {self.status.value}")
        if decision.reason not in self.reasons:
            expected = "/".join(sorted(r.value for r in self.reasons))
            found.append(f"reason {decision.reason.value}, expected {expected}")
        if self.category is not None and decision.category != self.category:
            found.append(f"category {decision.category}, expected {self.category}")
        if (
            self.loses_status_next_month is not None
            and decision.loses_status_next_month is not self.loses_status_next_month
        ):
            found.append(
                f"loses_status_next_month {decision.loses_status_next_month}, "
                f"expected {self.loses_status_next_month}"
            )
        if self.grace_months is not None and decision.grace_months != self.grace_months:
            found.append(f"grace_months {decision.grace_months}, expected {self.grace_months}")
        if self.pending is not None and bool(decision.pending_months) is not self.pending:
            months = ", ".join(str(p.month) for p in decision.pending_months) or "none"
            found.append(f"pending months {months}, expected {'some' if self.pending else 'none'}")
        return found

    def met_by(self, decision: Decision) -> bool:
        return not self.problems(decision)


def _expect(
    status: Status,
    *reasons: Reason,
    category: str | None = None,
    loses: bool | None = None,
    grace_months: int | None = None,
    pending: bool | None = None,
) -> Expectation:
    return Expectation(status, frozenset(reasons), category, loses, grace_months, pending)


_IN, _OUT = Status.INSURED, Status.UNINSURED

EXPECTATIONS: Final[Mapping[str, Expectation]] = {
    REGULAR_PAYER: _expect(_IN, Reason.REGULAR, loses=False),
    PREPAYER: _expect(_IN, Reason.PREPAID, loses=False),
    DEBTOR: _expect(_OUT, Reason.DEBT),
    IN_GRACE: _expect(_IN, Reason.GRACE, loses=False),
    LAST_GRACE_MONTH: _expect(_IN, Reason.GRACE, loses=True),
    # The employer pays month m by the 25th of m + 1: the current month, and before the 25th
    # (plus 3 working days) the previous one, are not credited yet (SOURCES.md §10 #18): they
    # are pending, not debt, and a run made only of them is no grace (R-L-9).  On 1 March
    # three months can be pending (January's payment is credited on 2 March): if nothing more
    # were paid the run would be 4 on 1 April, so the warning may be on.
    EMPLOYEE: _expect(_IN, Reason.REGULAR, pending=True),
    EMPLOYEE_LATE_EMPLOYER: _expect(_OUT, Reason.DEBT),
    EMPLOYEE_ON_DUE_DATE: _expect(_IN, Reason.REGULAR, pending=True),
    # A platform pays the self-employed's month by its due date (R-L-6, R-L-9).
    SELF_EMPLOYED: _expect(_IN, Reason.REGULAR, pending=True),
    # 60 months of ЕСП (R-L-2) and own contributions make a long payer (R-S-6).
    ESP_PAYER: _expect(_IN, Reason.GRACE, loses=False, grace_months=6),
    ENTREPRENEUR: _expect(_IN, Reason.REGULAR, loses=False),
    STUDENT: _expect(_IN, Reason.CATEGORY, category="student"),
    PENSIONER: _expect(_IN, Reason.CATEGORY, category="pensioner"),
    CHILD: _expect(_IN, Reason.CATEGORY, category="child"),
    TURNED_18: _expect(_IN, Reason.GRACE),
    UNEMPLOYED: _expect(_IN, Reason.CATEGORY, category="unemployed"),
    DISABLED: _expect(_IN, Reason.CATEGORY, category="disabled"),
    REFUNDED: _expect(_IN, Reason.REGULAR, loses=False),
    TEMPORARY_GRANT: _expect(_IN, Reason.TEMPORARY, category="pregnant"),
    LONG_PAYER_2026: _expect(_IN, Reason.GRACE, grace_months=6),
    NEVER_PAID: _expect(_OUT, Reason.DEBT),
    # Each in one of the categories no other profile holds (R-CAT-1), taking turns.
    OTHER_CATEGORY: _expect(_IN, Reason.CATEGORY),
}
"""The decision every profile is built to get on ``today``."""


# -- the person -----------------------------------------------------------------------------------


class Names(NamedTuple):
    """A person's names as the registry keeps them, in Cyrillic."""

    surname: str
    given_name: str
    patronymic: str


@dataclass(frozen=True, slots=True)
class DemoRefund:
    """An approved refund of ``facts.payments[item]`` (R-R-1): applied for, then paid back on
    the item's ``refunded_on``."""

    item: int
    reason: str
    """A :class:`~osms.registry.models.RefundReason` value."""
    applied_on: date


@dataclass(frozen=True, slots=True)
class DemoApplication:
    """An approved temporary-status application (R-TMP-1) behind one of ``facts.temporary``."""

    category: str
    document_kind: str
    document_number: str
    issued_on: date
    submitted_on: date
    channel: str
    granted_on: date


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """One synthetic person: facts, names, profile and a one-sentence story."""

    facts: PersonFacts
    names: Names
    profile: str
    story: str
    sex: str
    refunds: tuple[DemoRefund, ...] = ()
    applications: tuple[DemoApplication, ...] = ()

    @property
    def iin(self) -> str:
        return self.facts.iin

    @property
    def expectation(self) -> Expectation:
        return EXPECTATIONS[self.profile]


# -- names ---------------------------------------------------------------------------------------

_KAZAKH_MALE = (
    "Әлібек", "Нұрлан", "Серік", "Ерлан", "Асқар", "Бауыржан", "Дәурен", "Ержан", "Қайрат",
    "Мұрат", "Арман", "Бекзат", "Нұрсұлтан", "Дархан", "Ғалым", "Жандос", "Санжар", "Әділет",
    "Ілияс", "Темірлан", "Айбек", "Рүстем", "Талғат", "Ербол", "Азамат", "Ақжол", "Ерасыл",
    "Мағжан", "Тимур", "Алихан",
)  # fmt: skip
_KAZAKH_FEMALE = (
    "Айгерім", "Жанар", "Гүлнар", "Әсем", "Аружан", "Динара", "Мәдина", "Жанна", "Салтанат",
    "Айжан", "Гүлмира", "Назерке", "Ақбота", "Дана", "Томирис", "Әйгерім", "Сәуле", "Ләззат",
    "Мөлдір", "Інкәр", "Балжан", "Ақерке", "Жұлдыз", "Қарлығаш", "Раушан",
)  # fmt: skip
_KAZAKH_FATHERS = {
    # father's name: its Russified stem for the older "-ович/-овна" patronymics
    "Серік": "Серик", "Нұрлан": "Нурлан", "Ерлан": "Ерлан", "Мұрат": "Мурат",
    "Қайрат": "Кайрат", "Болат": "Болат", "Асқар": "Аскар", "Ержан": "Ержан", "Марат": "Марат",
    "Талғат": "Талгат", "Бауыржан": "Бауыржан", "Дәурен": "Даурен", "Жомарт": "Жомарт",
    "Ғабит": "Габит", "Есен": "Есен", "Бақыт": "Бахыт", "Әлібек": "Алибек", "Қанат": "Канат",
    "Берік": "Берик", "Сағат": "Сагат",
}  # fmt: skip
_KAZAKH_SURNAMES = (
    "Ахметов", "Серіков", "Нұрланов", "Қасымов", "Омаров", "Сүлейменов", "Әбдірахманов",
    "Жұмабаев", "Тоқтаров", "Смағұлов", "Ермеков", "Мұқанов", "Оспанов", "Құдайбергенов",
    "Исаев", "Әлиев", "Бейсенов", "Жақсылықов", "Қалиев", "Сейітов", "Байжанов", "Нұрпейісов",
    "Есенов", "Ибраев", "Қуанышев", "Төлеуов", "Сәрсенбаев", "Жолдасов", "Мамыров", "Әуезов",
)  # fmt: skip
_RUSSIAN_MALE = (
    "Александр", "Дмитрий", "Сергей", "Андрей", "Алексей", "Иван", "Михаил", "Николай",
    "Владимир", "Евгений", "Максим", "Артём", "Виктор", "Олег", "Павел", "Юрий", "Игорь",
    "Денис", "Роман", "Кирилл",
)  # fmt: skip
_RUSSIAN_FEMALE = (
    "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария", "Екатерина",
    "Юлия", "Анастасия", "Людмила", "Галина", "Валентина", "Дарья", "Полина", "Ксения",
    "Виктория", "Оксана", "Алина",
)  # fmt: skip
_RUSSIAN_PATRONYMICS = (
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Иванович", "Ивановна"),
    ("Дмитриевич", "Дмитриевна"), ("Николаевич", "Николаевна"), ("Михайлович", "Михайловна"),
    ("Владимирович", "Владимировна"), ("Андреевич", "Андреевна"), ("Алексеевич", "Алексеевна"),
    ("Юрьевич", "Юрьевна"), ("Викторович", "Викторовна"), ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"), ("Евгеньевич", "Евгеньевна"), ("Игоревич", "Игоревна"),
    ("Геннадьевич", "Геннадьевна"), ("Анатольевич", "Анатольевна"), ("Васильевич", "Васильевна"),
    ("Петрович", "Петровна"), ("Валерьевич", "Валерьевна"),
)  # fmt: skip
_RUSSIAN_SURNAMES = (
    ("Иванов", "Иванова"), ("Петров", "Петрова"), ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"), ("Попов", "Попова"), ("Васильев", "Васильева"),
    ("Соколов", "Соколова"), ("Михайлов", "Михайлова"), ("Новиков", "Новикова"),
    ("Фёдоров", "Фёдорова"), ("Волков", "Волкова"), ("Лебедев", "Лебедева"),
    ("Морозов", "Морозова"), ("Козлов", "Козлова"), ("Павлов", "Павлова"),
    ("Семёнов", "Семёнова"), ("Егоров", "Егорова"), ("Никитин", "Никитина"),
    ("Ковальский", "Ковальская"), ("Шевченко", "Шевченко"), ("Бондаренко", "Бондаренко"),
    ("Ткаченко", "Ткаченко"), ("Белоусов", "Белоусова"), ("Гончаров", "Гончарова"),
    ("Зайцев", "Зайцева"),
)  # fmt: skip

_MALE, _FEMALE = "male", "female"

_SELF_CHANNELS = (Channel.BANK_APP, Channel.BANK_BRANCH, Channel.TERMINAL, Channel.KAZPOST)
_SELF_CHANNEL_WEIGHTS = (60, 15, 15, 10)

_OWN_PROFILE_CATEGORIES: Final = frozenset({CHILD, STUDENT, PENSIONER, UNEMPLOYED, DISABLED})
"""Categories their own profiles hold; :data:`OTHER_CATEGORY` people take turns at the rest."""
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

_DEMO_FIRST_TODAY = date(2026, 1, 1)
_LIABILITY_START = Month(2020, 1)
_EMPLOYER_HISTORY_START = Month(2019, 1)
_NEWEST_ADULT_BIRTH = date(2001, 12, 31)
"""Adults of the paying profiles turned 18 before 2020-01, when liability started (R-C-3)."""


def make_bin(first_eleven_without_check: str) -> str | None:
    """A BIN from its first 11 digits (R-BIN-1), or None when no check digit exists.

    >>> make_bin("94014000038")  # Halyk Bank
    '940140000385'
    """
    digit = calc_check_digit(first_eleven_without_check)
    return None if digit is None else f"{first_eleven_without_check}{digit}"


# -- the generator ------------------------------------------------------------------------------


def generate(count: int, seed: int, today: date) -> list[DemoPerson]:
    """``count`` synthetic people as of ``today``, the same for the same arguments."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if today < _DEMO_FIRST_TODAY:
        raise ValueError(f"today must be on or after {_DEMO_FIRST_TODAY} (R-S-6), got {today}")
    rng = random.Random(seed)
    profiles: list[str] = []
    if count >= len(PROFILES):
        profiles.extend(PROFILES)
    weights = [WEIGHTS[p] for p in PROFILES]
    profiles.extend(rng.choices(PROFILES, weights=weights, k=count - len(profiles)))
    rng.shuffle(profiles)
    maker = _Maker(rng, today, employers=max(4, count // 60))
    return [maker.make(profile) for profile in profiles]


class _Job(NamedTuple):
    first: Month
    employer: str
    salary: Decimal


class _Maker:
    """Makes one person of a profile at a time, drawing on one random generator."""

    def __init__(self, rng: random.Random, today: date, employers: int) -> None:
        self.rng = rng
        self.today = today
        self.month = Month.of(today)
        self.last_payday = latest_payday(today)
        self.iins: set[str] = set()
        self.employers = self._employer_bins(employers)
        self._makers: dict[str, Callable[[], DemoPerson]] = {
            REGULAR_PAYER: self.regular_payer,
            PREPAYER: self.prepayer,
            DEBTOR: self.debtor,
            IN_GRACE: self.in_grace,
            LAST_GRACE_MONTH: self.last_grace_month,
            EMPLOYEE: self.employee,
            EMPLOYEE_LATE_EMPLOYER: self.employee_late_employer,
            EMPLOYEE_ON_DUE_DATE: self.employee_on_due_date,
            SELF_EMPLOYED: self.self_employed,
            ESP_PAYER: self.esp_payer,
            ENTREPRENEUR: self.entrepreneur,
            STUDENT: self.student,
            PENSIONER: self.pensioner,
            CHILD: self.child,
            TURNED_18: self.turned_18,
            UNEMPLOYED: self.unemployed,
            DISABLED: self.disabled,
            REFUNDED: self.refunded,
            TEMPORARY_GRANT: self.temporary_grant,
            LONG_PAYER_2026: self.long_payer_2026,
            NEVER_PAID: self.never_paid,
            OTHER_CATEGORY: self.other_category,
        }
        # The categories no other profile holds, that exist this month (R-CAT-1).
        self.other_categories = tuple(
            code
            for code, known in categories().items()
            if code not in _OWN_PROFILE_CATEGORIES and known.since <= self.month
        )
        self.other_turn = 0

    def make(self, profile: str) -> DemoPerson:
        return self._makers[profile]()

    # -- random building blocks ---------------------------------------------------------------

    def _employer_bins(self, count: int) -> tuple[str, ...]:
        """Valid BINs (R-BIN-1): registration YYMM, digit 5 = 4 (legal entity), check digit."""
        found: list[str] = []
        while len(found) < count:
            year = self.rng.randint(1995, 2019) % 100
            month = self.rng.randint(1, 12)
            serial = self.rng.randint(0, 99999)
            number = make_bin(f"{year:02d}{month:02d}40{serial:05d}")
            if number is not None and number not in found:
                found.append(number)
        return tuple(found)

    def _month_between(self, first: Month, last: Month) -> Month:
        if last < first:
            raise ValueError(f"empty month range {first} … {last}")
        return Month.from_index(self.rng.randint(first.index, last.index))

    def _day_between(self, first: date, last: date) -> date:
        if last < first:
            raise ValueError(f"empty date range {first} … {last}")
        return date.fromordinal(self.rng.randint(first.toordinal(), last.toordinal()))

    def _day_in(self, month: Month) -> date:
        return self._day_between(month.first_day(), month.last_day())

    def _sex(self, female: float = 0.5) -> str:
        return _FEMALE if self.rng.random() < female else _MALE

    def _adult_birth(self, *, oldest: int = 60, newest: date = _NEWEST_ADULT_BIRTH) -> date:
        return self._day_between(_years_before(self.today, oldest), newest)

    def _iin(self, birth: date, sex: str) -> str:
        """A valid IIN (R-IIN-1, R-IIN-2) for the birth date and sex, never given twice."""
        century = 3 if birth.year < 2000 else 5
        digit7 = century if sex == _MALE else century + 1
        while True:
            serial = self.rng.randint(1, 9999)
            first = f"{birth:%y%m%d}{digit7}{serial:04d}"
            digit = calc_check_digit(first)
            if digit is None:
                continue
            number = f"{first}{digit}"
            if number not in self.iins:
                self.iins.add(number)
                return number

    def _names(self, sex: str, birth: date) -> Names:
        rng = self.rng
        if rng.random() < 0.72:
            given = rng.choice(_KAZAKH_MALE if sex == _MALE else _KAZAKH_FEMALE)
            surname = rng.choice(_KAZAKH_SURNAMES)
            if sex == _FEMALE:
                surname += "а"
            father = rng.choice(tuple(_KAZAKH_FATHERS))
            traditional = 0.85 if birth.year >= 1992 else 0.3
            if rng.random() < traditional:
                patronymic = father + ("ұлы" if sex == _MALE else "қызы")
            else:
                patronymic = _KAZAKH_FATHERS[father] + ("ович" if sex == _MALE else "овна")
            return Names(surname, given, patronymic)
        male_surname, female_surname = rng.choice(_RUSSIAN_SURNAMES)
        male_patronymic, female_patronymic = rng.choice(_RUSSIAN_PATRONYMICS)
        if sex == _MALE:
            return Names(male_surname, rng.choice(_RUSSIAN_MALE), male_patronymic)
        return Names(female_surname, rng.choice(_RUSSIAN_FEMALE), female_patronymic)

    def _salary(self) -> Decimal:
        return Decimal(self.rng.randrange(90_000, 900_000, 5_000))

    def _jobs(self, first: Month, last: Month, *, switch: float = 0.3) -> list[_Job]:
        """One job from ``first``, sometimes a second one (no gap between them) before
        ``last``."""
        jobs = [_Job(first, self.rng.choice(self.employers), self._salary())]
        if self.rng.random() < switch and last.months_since(first) > 24:
            moved = self._month_between(first + 12, last - 6)
            jobs.append(_Job(moved, self.rng.choice(self.employers), self._salary()))
        return jobs

    # -- payments -----------------------------------------------------------------------------

    def _self_payments(
        self,
        iin: str,
        kind: PayerKind,
        first: Month,
        last: Month,
        *,
        skip: Iterable[Month] = (),
        quarterly: bool = False,
    ) -> list[PaymentItem]:
        """Monthly (or quarterly, in advance) contributions for ``first`` … ``last``, paid
        between the 10th and the 20th and never so late that ``today`` does not see them."""
        rng = self.rng
        first = max(first, _LIABILITY_START)
        habit = rng.randint(10, 18)
        channel = rng.choices(_SELF_CHANNELS, weights=_SELF_CHANNEL_WEIGHTS)[0]
        skipped = set(skip)
        items: list[PaymentItem] = []
        step = 3 if quarterly else 1
        for start in range(first.index, last.index + 1, step):
            block_start = Month.from_index(start)
            if block_start > self.month:
                break
            day = min(habit + rng.randint(0, 2), 20)
            paid_on = min(date(block_start.year, block_start.month, day), self.last_payday)
            for index in range(start, start + step):
                period = Month.from_index(index)
                if period in skipped or (not quarterly and period > last):
                    continue
                items.append(self._self_item(iin, kind, period, paid_on, channel))
        return items

    @staticmethod
    def _self_item(
        iin: str, kind: PayerKind, period: Month, paid_on: date, channel: Channel
    ) -> PaymentItem:
        return PaymentItem(
            period=period,
            amount=month_price(kind, period, paid_on),
            paid_on=paid_on,
            credited_on=credit_date(paid_on),
            knp=KNP.CONTRIBUTION,
            payer=iin,
            channel=channel,
        )

    def _employer_payments(
        self,
        jobs: Sequence[_Job],
        last: Month,
        *,
        skip: Iterable[Month] = (),
        on_due_date: bool = False,
    ) -> list[PaymentItem]:
        """КНП 121 and (from 2020) 122 per month, paid by the employer's BIN by the 25th of
        the next month (``on_due_date``: on the due date itself, R-L-9); months whose payday
        is after ``today`` are not paid yet."""
        skipped = set(skip)
        items: list[PaymentItem] = []
        for index, job in enumerate(jobs):
            end = min(jobs[index + 1].first - 1, last) if index + 1 < len(jobs) else last
            for period in Month.range(job.first, end + 1):
                if period in skipped:
                    continue
                paid_on = due_date(period) if on_due_date else _employer_payday(period)
                if paid_on > self.today:
                    break
                years = period.year - job.first.year
                salary = (job.salary * Decimal("1.07") ** years).quantize(Decimal(1000))
                due = employer_monthly(salary, period)
                credited = credit_date(paid_on)
                for knp, amount in (
                    (KNP.EMPLOYER_DEDUCTION, due.deduction),
                    (KNP.CONTRIBUTION, due.contribution),
                ):
                    if amount <= 0 or period < _earliest(knp):
                        continue
                    items.append(
                        PaymentItem(
                            period=period,
                            amount=amount,
                            paid_on=paid_on,
                            credited_on=credited,
                            knp=knp,
                            payer=job.employer,
                            channel=Channel.EMPLOYER,
                        )
                    )
        return items

    def _payments(
        self, iin: str, first: Month, last: Month, *, employed: float
    ) -> tuple[PayerKind, list[PaymentItem], str]:
        """A history covering ``first`` … ``last`` by the person or an employer."""
        if self.rng.random() < employed:
            first = max(first, _EMPLOYER_HISTORY_START)
            jobs = self._jobs(first, last)
            how = f"employer BIN {jobs[-1].employer} paid KNP 121/122"
            return PayerKind.EMPLOYEE, self._employer_payments(jobs, last), how
        items = self._self_payments(iin, PayerKind.SELF_PAYER, first, last)
        return PayerKind.SELF_PAYER, items, "paid as a self-payer"

    # -- the person ---------------------------------------------------------------------------

    def _person(
        self,
        profile: str,
        story: str,
        *,
        birth: date,
        sex: str,
        iin: str | None = None,
        kind: PayerKind = PayerKind.SELF_PAYER,
        categories: tuple[CategoryPeriod, ...] = (),
        temporary: tuple[TemporaryGrant, ...] = (),
        payments: Sequence[PaymentItem] = (),
        refunds: tuple[DemoRefund, ...] = (),
        applications: tuple[DemoApplication, ...] = (),
    ) -> DemoPerson:
        number = iin or self._iin(birth, sex)
        ordered = tuple(sorted(payments, key=lambda item: (item.period, item.paid_on)))
        facts = PersonFacts(
            iin=number,
            birth_date=birth,
            kind=kind,
            categories=categories,
            temporary=temporary,
            payments=ordered,
        )
        return DemoPerson(
            facts=facts,
            names=self._names(sex, birth),
            profile=profile,
            story=story,
            sex=sex,
            refunds=refunds,
            applications=applications,
        )

    def _adult(self, *, female: float = 0.5, oldest: int = 60) -> tuple[date, str, str]:
        sex = self._sex(female)
        birth = self._adult_birth(oldest=oldest)
        return birth, sex, self._iin(birth, sex)

    def _clean_start(self, *, latest: int = 14) -> Month:
        """A first paid month leaving at least ``latest`` months of history before ``today``."""
        return self._month_between(_LIABILITY_START, self.month - latest)

    def regular_payer(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        start = self._clean_start()
        items = self._self_payments(iin, PayerKind.SELF_PAYER, start, self.month)
        story = (
            f"Self-payer since {start}, paying every month between the 10th and the 20th "
            f"through {items[-1].channel}; {self.month} is paid."
        )
        return self._person(REGULAR_PAYER, story, birth=birth, sex=sex, iin=iin, payments=items)

    def entrepreneur(self) -> DemoPerson:
        birth, sex, iin = self._adult(female=0.4)
        start = self._clean_start()
        quarterly = self.rng.random() < 0.3
        items = self._self_payments(
            iin, PayerKind.ENTREPRENEUR, start, self.month, quarterly=quarterly
        )
        how = "a quarter in advance" if quarterly else "every month"
        story = (
            f"Individual entrepreneur since {start}, paying 5 % of 1.4 MW for himself {how}."
            if sex == _MALE
            else f"Individual entrepreneur since {start}, paying 5 % of 1.4 MW for herself {how}."
        )
        return self._person(
            ENTREPRENEUR,
            story,
            birth=birth,
            sex=sex,
            iin=iin,
            kind=PayerKind.ENTREPRENEUR,
            payments=items,
        )

    def prepayer(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        first = self._month_between(self.month - 10, self.month)  # R-S-4: M in [F, F + 11]
        month_before = (first - 1).first_day()
        paid_on = min(
            self._day_between(month_before + timedelta(days=4), month_before + timedelta(days=24)),
            self.last_payday,
        )
        channel = self.rng.choice(_SELF_CHANNELS)
        block = [
            self._self_item(iin, PayerKind.SELF_PAYER, period, paid_on, channel)
            for period in Month.range(first, first + 12)
        ]
        older: list[PaymentItem] = []
        if self.rng.random() < 0.5 and first - 2 >= _LIABILITY_START + 6:
            stop = self._month_between(_LIABILITY_START + 6, first - 2)
            start = self._month_between(_LIABILITY_START, stop)
            older = self._self_payments(iin, PayerKind.SELF_PAYER, start, stop)
        before = (
            f"Paid {older[0].period} … {older[-1].period}, then nothing" if older else "Never paid"
        )
        story = (
            f"{before} until {paid_on}, when {first} … {first + 11} were paid at once: "
            "insured by prepayment despite the older debt (R-S-4)."
        )
        return self._person(
            PREPAYER, story, birth=birth, sex=sex, iin=iin, payments=[*older, *block]
        )

    def debtor(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        stopped = self.rng.randint(5, 20)
        last = self.month - stopped
        # Fewer than 60 months paid, so that a 6-month long-payer grace (R-S-6) never applies.
        earliest = max(_LIABILITY_START, last - 58) if stopped <= 6 else _LIABILITY_START
        first = self._month_between(earliest, last)
        kind, items, how = self._payments(iin, first, last, employed=0.4)
        story = (
            f"{how[0].upper()}{how[1:]} {first} … {last}, then nothing: {stopped} unpaid months."
        )
        return self._person(DEBTOR, story, birth=birth, sex=sex, iin=iin, kind=kind, payments=items)

    def in_grace(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        unpaid = self.rng.randint(1, 2)
        start = self._clean_start()
        last = self.month - unpaid
        items = self._self_payments(iin, PayerKind.SELF_PAYER, start, last)
        story = (
            f"Self-payer since {start}; last paid month {last}, so {_months(unpaid)} unpaid: "
            "insured in the grace period."
        )
        return self._person(IN_GRACE, story, birth=birth, sex=sex, iin=iin, payments=items)

    def last_grace_month(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        long_payer = self.rng.random() < 0.3
        if long_payer:
            # R-S-6: 60 covered months, then 6 unpaid: the 6th month of a 6-month grace.
            last = self.month - 6
            start = self._month_between(_LIABILITY_START, last - 59)
            grace = "6-month grace of a long payer"
        else:
            # Fewer than 60 months paid: the 3rd month of a 3-month grace.
            last = self.month - 3
            start = self._month_between(max(_LIABILITY_START, last - 58), self.month - 14)
            grace = "3-month grace"
        items = self._self_payments(iin, PayerKind.SELF_PAYER, start, last)
        story = (
            f"Self-payer {start} … {last}: {self.month} is the last month of the {grace}; "
            "the Fund warns that status ends next month."
        )
        return self._person(LAST_GRACE_MONTH, story, birth=birth, sex=sex, iin=iin, payments=items)

    def long_payer_2026(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        unpaid = self.rng.randint(4, 6)
        last = self.month - unpaid
        employed = self.rng.random() < 0.5
        earliest = _EMPLOYER_HISTORY_START if employed else _LIABILITY_START
        start = self._month_between(earliest, last - 59)
        if employed:
            jobs = self._jobs(start, last, switch=0.0)
            items = self._employer_payments(jobs, last)
            kind, how = PayerKind.EMPLOYEE, f"employer BIN {jobs[0].employer} paid"
        else:
            items = self._self_payments(iin, PayerKind.SELF_PAYER, start, last)
            kind, how = PayerKind.SELF_PAYER, "paid as a self-payer"
        story = (
            f"Long payer: {how} every month {start} … {last} ({_months(last - start + 1)}), "
            f"then stopped; {_months(unpaid)} unpaid are within the 6-month grace of 2026 (R-S-6)."
        )
        return self._person(
            LONG_PAYER_2026, story, birth=birth, sex=sex, iin=iin, kind=kind, payments=items
        )

    def employee(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        start = self._month_between(_EMPLOYER_HISTORY_START, self.month - 14)
        jobs = self._jobs(start, self.month)
        items = self._employer_payments(jobs, self.month)
        moved = f", at BIN {jobs[1].employer} since {jobs[1].first}" if len(jobs) > 1 else ""
        story = (
            f"Employee since {start} at BIN {jobs[0].employer}{moved}; the employer pays "
            "KNP 121/122 by the 25th of the next month."
        )
        return self._person(
            EMPLOYEE,
            story,
            birth=birth,
            sex=sex,
            iin=iin,
            kind=PayerKind.EMPLOYEE,
            payments=items,
        )

    def employee_on_due_date(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        start = self._month_between(_EMPLOYER_HISTORY_START, self.month - 14)
        jobs = self._jobs(start, self.month, switch=0.0)
        items = self._employer_payments(jobs, self.month, on_due_date=True)
        story = (
            f"Employee since {start} at BIN {jobs[0].employer}, which pays KNP 121/122 on the "
            "due date itself (the 25th of the next month, or the next working day): until a "
            "month's payment is credited it is pending, not debt (R-L-9)."
        )
        return self._person(
            EMPLOYEE_ON_DUE_DATE,
            story,
            birth=birth,
            sex=sex,
            iin=iin,
            kind=PayerKind.EMPLOYEE,
            payments=items,
        )

    def self_employed(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        regime = self_employed_regime_start()
        start = self._month_between(_LIABILITY_START, min(regime, self.month) - 14)
        items = self._self_payments(iin, PayerKind.SELF_PAYER, start, regime - 1)
        platform = self.rng.choice(self.employers)
        for period in Month.range(regime, self.month + 1):
            paid_on = due_date(period) - timedelta(days=self.rng.randint(0, 6))
            if paid_on > self.today:
                break
            income = Decimal(self.rng.randrange(30_000, 600_000, 500))
            items.append(
                PaymentItem(
                    period=period,
                    amount=(income / 100).quantize(Decimal("0.01")),  # 1 % of the income
                    paid_on=paid_on,
                    credited_on=credit_date(paid_on),
                    knp=KNP.CONTRIBUTION,
                    payer=platform,
                    channel=Channel.EMPLOYER,
                )
            )
        story = (
            f"Self-payer from {start}; self-employed since {regime}: a platform (BIN "
            f"{platform}) pays 1 % of each month's income by its due date, whatever the "
            "amount (R-L-6); the months not due yet are pending (R-L-9)."
        )
        return self._person(
            SELF_EMPLOYED,
            story,
            birth=birth,
            sex=sex,
            iin=iin,
            kind=PayerKind.SELF_EMPLOYED,
            payments=items,
        )

    def esp_payer(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        first_esp, last_esp = single_payment_periods()
        unpaid = self.rng.randint(4, 5)
        last = self.month - unpaid
        # R-S-6: the 60 months before the unpaid run are all contributions, ЕСП ones included
        start = self._month_between(first_esp, min(last - 59, first_esp + 17))
        channel = self.rng.choice((Channel.BANK_APP, Channel.KAZPOST))
        items = [
            PaymentItem(
                period=period,
                amount=Decimal(self.rng.choice((1_000, 2_917, 3_063, 3_450))),
                paid_on=(paid_on := period.first_day() + timedelta(days=self.rng.randint(4, 20))),
                credited_on=credit_date(paid_on),
                knp=KNP.SINGLE_PAYMENT,
                payer=iin,
                channel=channel,
            )
            for period in Month.range(start, last_esp + 1)
        ]
        items += self._self_payments(iin, PayerKind.SELF_PAYER, last_esp + 1, last)
        story = (
            f"Paid the single aggregate payment (ЕСП, KNP 183) for {start} … {last_esp}, then "
            f"contributions as a self-payer until {last}: over 60 months of contributions, so "
            f"{_months(unpaid)} unpaid are within the 6-month grace of a long payer (R-S-6)."
        )
        return self._person(ESP_PAYER, story, birth=birth, sex=sex, iin=iin, payments=items)

    def employee_late_employer(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        start = self._month_between(_EMPLOYER_HISTORY_START, self.month - 14)
        jobs = self._jobs(start, self.month, switch=0.0)
        missed = self.rng.randint(4, 5)
        gap_end = self._month_between(self.month - 13 + missed, self.month - 3)
        gap = list(Month.range(gap_end - (missed - 1), gap_end + 1))
        items = self._employer_payments(jobs, self.month, skip=gap)
        story = (
            f"Employee since {start}; the employer (BIN {jobs[0].employer}) never paid "
            f"{gap[0]} … {gap[-1]}: those {missed} months are debt although later months "
            "are paid."
        )
        return self._person(
            EMPLOYEE_LATE_EMPLOYER,
            story,
            birth=birth,
            sex=sex,
            iin=iin,
            kind=PayerKind.EMPLOYEE,
            payments=items,
        )

    def student(self) -> DemoPerson:
        sex = self._sex()
        # Turned 18 before this month (else the child category decides) and at most 22.
        birth_month = self._month_between(self.month - 12 * 23 + 1, self.month - 12 * 18 - 1)
        birth = self._day_in(birth_month)
        enrolled = birth.year + (17 if birth.month >= 9 else 18)
        if Month(enrolled, 9) > self.month:
            enrolled -= 1
        first = Month(enrolled, 9)
        last: Month | None = None
        if self.rng.random() < 0.6:
            last = next(
                (m for m in (Month(enrolled + 4, 6), Month(enrolled + 6, 6)) if m >= self.month),
                None,
            )
        until = f"until {last}" if last is not None else "with no end date yet"
        story = f"Full-time student since {first} {until}: state-paid."
        return self._person(
            STUDENT,
            story,
            birth=birth,
            sex=sex,
            categories=(CategoryPeriod("student", first, last),),
        )

    def pensioner(self) -> DemoPerson:
        sex = self._sex(0.58)
        age = 63 if sex == _MALE else 61
        newest = min(date(1962, 12, 31), _years_before(self.today, age + 1))
        birth = self._day_between(date(1940, 1, 1), newest)
        first = Month.of(birth) + 12 * age + 1
        payments: list[PaymentItem] = []
        kind = PayerKind.SELF_PAYER
        if first > _EMPLOYER_HISTORY_START + 12 and self.rng.random() < 0.5:
            start = self._month_between(_EMPLOYER_HISTORY_START, first - 12)
            payments = self._employer_payments(self._jobs(start, first - 1, switch=0.0), first - 1)
            kind = PayerKind.EMPLOYEE
        worked = " after years of employer-paid contributions" if payments else ""
        story = f"Pension recipient since {first}{worked}: state-paid, no end date."
        return self._person(
            PENSIONER,
            story,
            birth=birth,
            sex=sex,
            kind=kind,
            categories=(CategoryPeriod("pensioner", first),),
            payments=payments,
        )

    def child(self) -> DemoPerson:
        sex = self._sex(0.49)
        birth = self._day_between(
            _years_before(self.today, 18) + timedelta(days=1), self.today - timedelta(days=7)
        )
        adult = Month.of(birth) + 12 * 18
        age = _age(birth, self.today)
        story = f"Child aged {age}: state-paid from birth through {adult}, the month of the 18th."
        return self._person(CHILD, story, birth=birth, sex=sex)

    def turned_18(self) -> DemoPerson:
        sex = self._sex()
        months_ago = self.rng.randint(1, 3)
        birth = self._day_in(self.month - months_ago - 12 * 18)
        adult = Month.of(birth) + 12 * 18
        story = (
            f"Turned 18 in {adult}: the child category ended and nothing is paid yet, "
            f"so {_months(months_ago)} of grace."
        )
        return self._person(TURNED_18, story, birth=birth, sex=sex)

    def unemployed(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        first = self._month_between(self.month - 18, self.month)
        last: Month | None = None
        if self.rng.random() < 0.3:
            last = self._month_between(max(first + 5, self.month), self.month + 6)
        payments: list[PaymentItem] = []
        kind = PayerKind.SELF_PAYER
        if self.rng.random() < 0.6:
            start = self._month_between(_EMPLOYER_HISTORY_START, first - 12)
            payments = self._employer_payments(self._jobs(start, first - 1, switch=0.0), first - 1)
            kind = PayerKind.EMPLOYEE
        until = f"until {last}" if last is not None else "with no end date"
        before = " after losing a job" if payments else ""
        story = f"Registered unemployed since {first}{before}, {until}: state-paid (R-CAT-2)."
        return self._person(
            UNEMPLOYED,
            story,
            birth=birth,
            sex=sex,
            iin=iin,
            kind=kind,
            categories=(CategoryPeriod("unemployed", first, last),),
            payments=payments,
        )

    def disabled(self) -> DemoPerson:
        birth, sex, iin = self._adult(oldest=62)
        adult = Month.of(birth) + 12 * 18 + 1
        first = self._month_between(max(adult, Month(2010, 1)), self.month)
        group = self.rng.choice(("I", "II", "III"))
        story = f"Person with disability (group {group}) since {first}: state-paid, no end date."
        return self._person(
            DISABLED,
            story,
            birth=birth,
            sex=sex,
            iin=iin,
            categories=(CategoryPeriod("disabled", first),),
        )

    def refunded(self) -> DemoPerson:
        birth, sex, iin = self._adult()
        start = self._clean_start(latest=24)
        items = self._self_payments(iin, PayerKind.SELF_PAYER, start, self.month)
        wrong_month = self._month_between(max(start + 12, self.month - 20), self.month - 3)
        right = next(i for i in items if i.period == wrong_month)
        paid_on = right.paid_on - timedelta(days=self.rng.randint(1, 5))
        applied_on = paid_on + timedelta(days=self.rng.randint(3, 10))
        refunded_on = add_working_days(applied_on, self.rng.randint(5, 15))
        wrong_period = wrong_month - 12
        wrong = PaymentItem(
            period=wrong_period,
            amount=month_price(PayerKind.SELF_PAYER, wrong_period, paid_on),
            paid_on=paid_on,
            credited_on=credit_date(paid_on),
            knp=KNP.CONTRIBUTION,
            payer=iin,
            channel=right.channel,
            refunded_on=refunded_on,
        )
        person = self._person(
            REFUNDED,
            f"Paid {wrong_period} instead of {wrong_month} on {paid_on} (wrong year), paid "
            f"{wrong_month} again and got the wrong payment refunded on {refunded_on}.",
            birth=birth,
            sex=sex,
            iin=iin,
            payments=[*items, wrong],
        )
        index = person.facts.payments.index(wrong)
        refund = DemoRefund(item=index, reason="wrong_year", applied_on=applied_on)
        return _with(person, refunds=(refund,))

    def temporary_grant(self) -> DemoPerson:
        sex = _FEMALE
        birth = self._day_between(_years_before(self.today, 40), _years_before(self.today, 20))
        iin = self._iin(birth, sex)
        payments: list[PaymentItem] = []
        before = "never paid"
        adult = max(_LIABILITY_START, Month.of(birth) + 12 * 18 + 1)
        if self.rng.random() < 0.5 and adult <= self.month - 20:
            last = self._month_between(adult, self.month - 8)
            first = self._month_between(max(adult, last - 30), last)
            payments = self._self_payments(iin, PayerKind.SELF_PAYER, first, last)
            before = f"stopped paying after {last}"
        granted_on = self.today - timedelta(days=self.rng.randint(0, 25))
        submitted_on = granted_on - timedelta(days=self.rng.randint(0, 3))
        issued_on = submitted_on - timedelta(days=self.rng.randint(1, 30))
        ends_on = add_months(granted_on, temporary_status_months(granted_on))
        application = DemoApplication(
            category="pregnant",
            document_kind="form_027u",
            document_number=f"027/у-{self.rng.randint(1000, 99999)}",
            issued_on=issued_on,
            submitted_on=submitted_on,
            channel=self.rng.choice(("qoldau", "egov", "polyclinic")),
            granted_on=granted_on,
        )
        story = (
            f"Pregnant, not working and {before}; uploaded form 027/у on {submitted_on} and "
            f"was granted one month of status on {granted_on} (R-TMP-1)."
        )
        return self._person(
            TEMPORARY_GRANT,
            story,
            birth=birth,
            sex=sex,
            iin=iin,
            payments=payments,
            temporary=(TemporaryGrant("pregnant", granted_on, ends_on),),
            applications=(application,),
        )

    def other_category(self) -> DemoPerson:
        code = self.other_categories[self.other_turn % len(self.other_categories)]
        self.other_turn += 1
        female, months, oldest = _CATEGORY_SHAPES.get(code, (0.5, None, 60))
        birth, sex, iin = self._adult(female=female, oldest=oldest)
        since = categories()[code].since
        if months is None:
            first = self._month_between(max(since, self.month - 36), self.month)
            last = None
        else:
            first = self._month_between(max(since, self.month - (months - 1)), self.month)
            last = first + (months - 1)
        until = f"until {last}" if last is not None else "with no end date"
        story = f"In the state-paid category {code} since {first}, {until} (R-CAT-1)."
        return self._person(
            OTHER_CATEGORY,
            story,
            birth=birth,
            sex=sex,
            iin=iin,
            categories=(CategoryPeriod(code, first, last),),
        )

    def never_paid(self) -> DemoPerson:
        sex = self._sex()
        # Some turned 18 after 2020-01, all at least 7 months ago: the grace is long over.
        newest = min(
            _NEWEST_ADULT_BIRTH + timedelta(days=365 * 3), (self.month - 12 * 18 - 7).first_day()
        )
        birth = self._day_between(_years_before(self.today, 60), newest)
        liable = max(_LIABILITY_START, Month.of(birth) + 12 * 18 + 1)
        story = f"Liable since {liable} and has never paid a contribution: uninsured."
        return self._person(NEVER_PAID, story, birth=birth, sex=sex)


# -- helpers --------------------------------------------------------------------------------------


def _with(person: DemoPerson, *, refunds: tuple[DemoRefund, ...]) -> DemoPerson:
    return DemoPerson(
        facts=person.facts,
        names=person.names,
        profile=person.profile,
        story=person.story,
        sex=person.sex,
        refunds=refunds,
        applications=person.applications,
    )


def _months(count: int) -> str:
    return f"{count} month" if count == 1 else f"{count} months"


def _earliest(knp: KNP) -> Month:
    return Month(2017, 7) if knp is KNP.EMPLOYER_DEDUCTION else _LIABILITY_START


def _years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def latest_payday(today: date) -> date:
    """The last day a payment can be made and still be credited by ``today`` (R-T-3).

    >>> latest_payday(date(2026, 11, 22))  # paid on Tue 17 Nov, credited on Fri 20 Nov
    datetime.date(2026, 11, 17)
    """
    day = today
    while credit_date(day) > today:
        day -= timedelta(days=1)
    return day


@cache
def _employer_payday(period: Month) -> date:
    """The day an employer pays ``period``: the 25th of the next month, or the last working day
    before it when the 25th is a day off."""
    due = date((period + 1).year, (period + 1).month, 25)
    while not is_working_day(due):
        due -= timedelta(days=1)
    return due
