"""Kazakh, Russian and English texts of OSMS (ОСМС / МӘМС), R-S-8.

Kazakh is the default language everywhere (:data:`DEFAULT_LANGUAGE`).  Every text is a gettext
message whose msgid is English with ``str.format``-style named placeholders (``{date}``); the
catalogs are the PO files in ``locales/<lang>/LC_MESSAGES/osms.po``, compiled with Babel in
memory when a language is first used (no ``.mo`` file is ever written).  The vocabulary is
RULES.md §1 and the Fund's own leaflets: сақтандырылған / застрахован, берешек /
задолженность, жеңілдікті кезең / льготный период, дербес төлеуші / самостоятельный плательщик.

Public API
----------

- :data:`LANGUAGES`, :data:`DEFAULT_LANGUAGE`, :func:`negotiate` (a code or an HTTP
  ``Accept-Language`` header to one of ``kk``, ``ru``, ``en``);
- :func:`translator` (a cached ``gettext`` translations object per language), :func:`t` and
  :func:`tn` (translate, then fill the placeholders; dates and months given as values are
  formatted for the language);
- :func:`explain` / :func:`explain_all` (the findings of ``osms.rules.status.Decision``);
- :func:`label` (the vocabularies of :data:`VOCABULARY`), :func:`error_message` (the stable error
  codes of :data:`ERROR_CODES`);
- :func:`month_name`, :func:`format_date`, :func:`format_money`, :func:`format_month_count`,
  :func:`format_month_list`;
- :data:`CARD`, the msgids of the status card, and :func:`source_messages`, every message the
  code uses (checked against the catalogs by :mod:`osms.i18n.catalog_check`).

Status card msgids (:data:`CARD`), to be used with :func:`t`
-------------------------------------------------------------

- headings: ``OSMS status``, ``Status on {date}``, ``As known on {date}``, ``Why``,
  ``Debt``, ``Payments of the last 12 months``, ``Payments not yet credited``,
  ``What to pay``, ``Payment plan``, ``Payment details``;
- status lines: ``Insured``, ``Not insured``, ``Insured until {date}``, ``No end date``,
  ``Status ends next month: pay now to keep it`` (the Fund's warning in the last grace month),
  ``No debt``, ``Nothing to pay``, ``Status from {date}``, ``Credited on {date}``;
- field and column names: ``IIN``, ``Reason``, ``Category``, ``Payer kind``, ``Month``,
  ``Payment``, ``Paid``, ``Paid on``, ``Total debt``, ``Option``, ``Recommended``, ``Months``,
  ``Total``, ``Status from``, ``Beneficiary``, ``IIK``, ``BIN``, ``BIC``, ``KNP``, ``Period``,
  ``Amount``, ``Date``, ``Status``, ``Insured until``, ``Birth date``, ``Sex``, ``male``,
  ``female``, ``valid``;
- headings with values: ``What to pay on {date}``,
  ``{month}: {amount} paid {paid_on}, counts from {credited_on}``;
- notes: ``Pay each month as a separate payment and give the IIN, the month and the year.``,
  ``Status appears within 3 working days after payment.``

Besides :data:`CARD`, ``{n} month`` / ``{n} months`` is a plural message (:func:`tn`,
:func:`format_month_count`).

Finding keys (:func:`explain`)
------------------------------

``pending_payments`` (values ``as_of``), ``transitional``, ``category`` (``category``),
``temporary`` (``category``, ``granted_on``, ``ends_on``), ``regular`` (months: the window),
``grace`` (``grace_months``, ``run``), ``long_payer`` (``grace_months``, optional
``payer_months``), ``debt_run`` (``grace_months``, ``run``), ``debt_gaps``, ``prepaid``
(months: first and last; ``months``, optional ``prepay_months``), ``category_ended``.  An unknown
key, or a finding whose values cannot be read, falls back to ``Rule {rule} applied ({key}).``

This package imports only the standard library and Babel: it renders ``osms.rules`` objects by
their shape (:class:`FindingLike`, :class:`MonthLike`), never by importing them.
"""

from __future__ import annotations

import gettext
import io
import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Protocol, TypeGuard

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

__all__ = [
    "CARD",
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "ERROR_CODES",
    "FINDING_KEYS",
    "LANGUAGES",
    "VOCABULARY",
    "FindingLike",
    "MonthLike",
    "SourceMessage",
    "error_message",
    "explain",
    "explain_all",
    "format_date",
    "format_money",
    "format_month_count",
    "format_month_list",
    "label",
    "month_name",
    "negotiate",
    "placeholders",
    "source_messages",
    "t",
    "tn",
    "translator",
]

LANGUAGES: Final[tuple[str, ...]] = ("kk", "ru", "en")
"""The supported languages: Kazakh, Russian, English."""

DEFAULT_LANGUAGE: Final[str] = "kk"
"""Kazakh is the default everywhere."""

DOMAIN: Final[str] = "osms"
"""The gettext domain, the name of the PO files."""

NARROW_NO_BREAK_SPACE: Final[str] = "\u202f"
"""Groups the thousands of an amount: ``4 250``."""

NO_BREAK_SPACE: Final[str] = "\u00a0"
"""Between an amount and the tenge sign."""

TENGE: Final[str] = "₸"


class MonthLike(Protocol):
    """Anything with a ``year`` and a ``month`` (1-12): ``osms.rules.month.Month``, a date."""

    @property
    def year(self) -> int: ...

    @property
    def month(self) -> int: ...


class FindingLike(Protocol):
    """The shape of ``osms.rules.status.Finding``."""

    @property
    def rule(self) -> str: ...

    @property
    def key(self) -> str: ...

    @property
    def months(self) -> Sequence[MonthLike]: ...

    @property
    def values(self) -> Sequence[tuple[str, str]]: ...


SourceMessage = tuple[str | None, str, str | None]
"""(msgctxt, msgid, msgid_plural) of a message the code uses."""


# -- languages ---------------------------------------------------------------------------------

_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {"kz": "kk", "kaz": "kk", "rus": "ru", "eng": "en"}
)


def _language_of(tag: str) -> str | None:
    tag = tag.strip().lower().replace("_", "-")
    if tag == "*":
        return DEFAULT_LANGUAGE
    primary = tag.split("-", 1)[0]
    primary = _ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0
    return 1.0


def negotiate(value: str | None) -> str:
    """A supported language for a language code or an HTTP ``Accept-Language`` header.

    Preferences are taken by their ``q`` weight, then in order; ``kz`` (as people often write
    it) means Kazakh; ``*``, an unknown language or nothing gives :data:`DEFAULT_LANGUAGE`.

    >>> negotiate("ru-RU,ru;q=0.9,en;q=0.8")
    'ru'
    >>> negotiate("kz")
    'kk'
    >>> negotiate("de-DE,de;q=0.9,en;q=0.5,ru;q=0.7")
    'ru'
    >>> negotiate("en_GB")
    'en'
    >>> negotiate("fr"), negotiate(None), negotiate("")
    ('kk', 'kk', 'kk')
    """
    if not value:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(value.split(",")):
        tag, _, params = part.partition(";")
        language = _language_of(tag)
        quality = _quality(params)
        if language is not None and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else negotiate(lang)


# -- catalogs ----------------------------------------------------------------------------------


def _read_catalog(lang: str) -> Catalog:
    """The PO catalog of a supported language, as Babel reads it."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    path = resources.files(__name__) / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("r", encoding="utf-8") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


@cache
def _compiled(lang: str) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, _read_catalog(lang))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translator(lang: str) -> gettext.NullTranslations:
    """The translations of a language (compiled in memory once, then cached).

    ``lang`` goes through :func:`negotiate`, so ``"ru-RU"`` and ``"kz"`` work.

    >>> translator("ru").gettext("Debt")
    'Задолженность'
    >>> translator("kz").ngettext("{n} month", "{n} months", 5)
    '{n} ай'
    >>> translator("en") is translator("en-US")
    True
    """
    return _compiled(_lang(lang))


class _Values(dict[str, object]):
    """Placeholder values; a missing one is left as it is in the text."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _is_month(value: object) -> TypeGuard[MonthLike]:
    return (
        not isinstance(value, date)
        and isinstance(getattr(value, "year", None), int)
        and isinstance(getattr(value, "month", None), int)
    )


def _fill(text: str, lang: str, values: Mapping[str, object]) -> str:
    if not values:
        return text
    rendered = _Values()
    for name, value in values.items():
        if isinstance(value, date):
            rendered[name] = format_date(value, lang)
        elif _is_month(value):
            rendered[name] = _month_name(value.year, value.month, lang)
        else:
            rendered[name] = value
    return text.format_map(rendered)


def t(lang: str, msgid: str, **values: object) -> str:
    """Translate ``msgid`` and fill its ``{name}`` placeholders.

    A :class:`~datetime.date` value is written with :func:`format_date` and a month
    (:class:`MonthLike`) with :func:`month_name`, in the language; other values as they are.

    >>> t("ru", "Status on {date}", date=date(2022, 10, 20))
    'Статус на 20 октября 2022 г.'
    >>> t("kk", "Status on {date}", date=date(2022, 10, 20))
    '2022 жылғы 20 қазан күнгі мәртебе'
    >>> t("en", "Insured until {date}", date=date(2023, 1, 31))
    'Insured until 31 January 2023'
    """
    lang = _lang(lang)
    return _fill(translator(lang).gettext(msgid), lang, values)


def tn(lang: str, singular: str, plural: str, n: int, **values: object) -> str:
    """Translate a plural message for ``n`` and fill it; ``{n}`` is ``n`` unless given.

    >>> [tn("ru", "{n} month", "{n} months", n) for n in (1, 3, 5, 21)]
    ['1 месяц', '3 месяца', '5 месяцев', '21 месяц']
    """
    lang = _lang(lang)
    return _fill(translator(lang).ngettext(singular, plural, n), lang, {"n": n, **values})


# -- formatting --------------------------------------------------------------------------------

_MONTHS_EN: Final[tuple[str, ...]] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS_RU: Final[tuple[str, ...]] = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
_MONTHS_RU_GENITIVE: Final[tuple[str, ...]] = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_MONTHS_KK: Final[tuple[str, ...]] = (
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
)

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month_name(year: int, month: int, lang: str) -> str:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    if lang == "ru":
        return f"{_MONTHS_RU[month - 1]} {year}"
    if lang == "en":
        return f"{_MONTHS_EN[month - 1]} {year}"
    return f"{year} жылғы {_MONTHS_KK[month - 1]}"


def month_name(month: MonthLike | str, lang: str) -> str:
    """A month as people write it: ``October 2023``, ``октябрь 2023``, ``2023 жылғы қазан``.

    ``month`` is an ``osms.rules.month.Month``, a date (its month) or ``"YYYY-MM"``.

    >>> month_name("2023-10", "en"), month_name("2023-10", "ru"), month_name("2023-10", "kk")
    ('October 2023', 'октябрь 2023', '2023 жылғы қазан')
    >>> month_name(date(2024, 2, 29), "kz")
    '2024 жылғы ақпан'
    """
    lang = _lang(lang)
    if isinstance(month, str):
        found = _ISO_MONTH.match(month.strip())
        if found is None:
            raise ValueError(f"not a month: {month!r} (expected YYYY-MM)")
        return _month_name(int(found.group(1)), int(found.group(2)), lang)
    return _month_name(month.year, month.month, lang)


def format_date(day: date | str, lang: str) -> str:
    """A date as people write it: ``20 October 2022``, ``20 октября 2022 г.``,
    ``2022 жылғы 20 қазан``.  ``day`` is a date or ISO ``"YYYY-MM-DD"``.

    >>> format_date(date(2022, 10, 20), "en")
    '20 October 2022'
    >>> format_date(date(2022, 10, 20), "ru")
    '20 октября 2022 г.'
    >>> format_date("2022-10-20", "kk")
    '2022 жылғы 20 қазан'
    >>> format_date(date(2025, 3, 1), "ru")
    '1 марта 2025 г.'
    """
    lang = _lang(lang)
    if isinstance(day, str):
        day = date.fromisoformat(day.strip())
    if lang == "ru":
        return f"{day.day} {_MONTHS_RU_GENITIVE[day.month - 1]} {day.year} г."
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year} жылғы {day.day} {_MONTHS_KK[day.month - 1]}"


_CENT: Final = Decimal("0.01")


def format_money(amount: Decimal | int | str, lang: str) -> str:
    r"""An amount in tenge: thousands grouped by a narrow no-break space (U+202F), a no-break
    space (U+00A0) before ``₸``, tiyn only when not zero (rounded half up to the tiyn), a
    decimal comma in Kazakh and Russian and a decimal point in English.

    >>> format_money(Decimal("4250"), "ru")
    '4\u202f250\xa0₸'
    >>> format_money(Decimal("120.46"), "kk"), format_money(Decimal("120.46"), "en")
    ('120,46\xa0₸', '120.46\xa0₸')
    >>> format_money(Decimal("1234567.5"), "en")
    '1\u202f234\u202f567.50\xa0₸'
    >>> format_money(Decimal("3000.00"), "kk"), format_money(0, "ru")
    ('3\u202f000\xa0₸', '0\xa0₸')
    >>> format_money(Decimal("-850"), "ru")
    '-850\xa0₸'
    """
    lang = _lang(lang)
    try:
        value = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {amount!r}") from error
    sign = "-" if value < 0 else ""
    whole, _, tiyn = f"{abs(value):.2f}".partition(".")
    text = f"{int(whole):,}".replace(",", NARROW_NO_BREAK_SPACE)
    if tiyn != "00":
        text += ("." if lang == "en" else ",") + tiyn
    return f"{sign}{text}{NO_BREAK_SPACE}{TENGE}"


_MONTH_COUNT: Final = ("{n} month", "{n} months")


def format_month_count(n: int, lang: str) -> str:
    """``n`` months, with the language's plural form.

    >>> format_month_count(1, "en"), format_month_count(3, "ru"), format_month_count(6, "kk")
    ('1 month', '3 месяца', '6 ай')
    """
    return tn(lang, *_MONTH_COUNT, n)


def format_month_list(months: Iterable[MonthLike], lang: str) -> str:
    """Months in the order given, a run of three or more consecutive months as a range.

    >>> format_month_list([date(2023, 10, 1), date(2023, 11, 1)], "en")
    'October 2023, November 2023'
    >>> format_month_list([date(2023, m, 1) for m in (1, 2, 3, 4, 9)], "ru")
    'январь 2023 – апрель 2023, сентябрь 2023'
    """
    lang = _lang(lang)
    runs: list[list[tuple[int, int]]] = []
    for month in months:
        index = month.year * 12 + month.month - 1
        if runs and index == runs[-1][-1][0] + 1:
            runs[-1].append((index, month.year))
        else:
            runs.append([(index, month.year)])
    parts: list[str] = []
    for run in runs:
        names = [_month_name(index // 12, index % 12 + 1, lang) for index, _ in run]
        parts.append(f"{names[0]} – {names[-1]}" if len(names) >= 3 else ", ".join(names))
    return ", ".join(parts)


# -- vocabularies ------------------------------------------------------------------------------

VOCABULARY: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "status": MappingProxyType({"insured": "Insured", "uninsured": "Not insured"}),
        "reason": MappingProxyType(
            {
                "transitional": "Transitional period",
                "category": "State-paid category",
                "temporary": "Temporary status",
                "prepaid": "Prepayment",
                "regular": "Regular payments",
                "grace": "Grace period",
                "debt": "Debt",
            }
        ),
        "category": MappingProxyType(
            {
                "child": "Children under 18",
                "unemployed": "Persons registered as unemployed",
                "pregnant": "Non-working pregnant women",
                "parent_child_under_3": "Non-working parent raising a child under 3",
                "parental_leave": (
                    "On leave for pregnancy and childbirth, adoption of a newborn "
                    "or child care until the age of 3"
                ),
                "carer_disabled_child": "Non-working carers of a child with a disability",
                "pensioner": "Pension recipients",
                "prisoner": "Serving a sentence in a penitentiary institution",
                "pretrial_detention": "Held in a pre-trial detention centre",
                "kandas": "Non-working kandases",
                "mother_of_many": "Mothers of many children with state awards",
                "disabled": "Persons with disabilities",
                "student": "Full-time students",
                "carer_group1_disabled": (
                    "Non-working carers of a person with a group I disability"
                ),
                "social_assistance": "Non-working recipients of targeted social assistance",
                "house_arrest": "Non-working persons under house arrest",
                "local_crisis": (
                    "Non-working persons at a crisis or emergency level of social well-being"
                ),
            }
        ),
        "cover": MappingProxyType(
            {
                "category": "Paid by the state",
                "self": "Paid by the person",
                "employer": "Paid by the employer",
                "unpaid": "Not paid",
                "not_liable": "No contribution due",
            }
        ),
        "option": MappingProxyType(
            {
                "clear_debt": "Pay off the whole debt",
                "minimum_now": "Pay the fewest months to be insured now",
                "prepay_now": "Pay 12 months from this month",
                "prepay_next": "Pay 12 months from next month",
            }
        ),
        "knp": MappingProxyType(
            {
                "121": "OSMS employer deductions",
                "122": "OSMS contributions",
                "123": "Penalty on late OSMS deductions",
                "124": "Penalty on late OSMS contributions",
                "183": "Single aggregate payment (OSMS share)",
            }
        ),
        "payer_kind": MappingProxyType(
            {
                "self_payer": "Self-payer",
                "entrepreneur": "Individual entrepreneur",
                "employee": "Employee",
                "self_employed": "Self-employed (special tax regime)",
            }
        ),
    }
)
"""kind → code → English msgid; the kind is the message context (msgctxt) in the catalogs."""


def label(lang: str, kind: str, value: str) -> str:
    """The name of a code of a vocabulary (:data:`VOCABULARY`) in the language.

    An unknown code of a known kind is returned as it is; an unknown kind is an error.

    >>> label("ru", "status", "uninsured"), label("kk", "reason", "debt")
    ('Не застрахован', 'Берешек')
    >>> label("kk", "payer_kind", "self_payer"), label("en", "knp", "122")
    ('Дербес төлеуші', 'OSMS contributions')
    >>> label("ru", "category", "no_such_category")
    'no_such_category'
    """
    try:
        vocabulary = VOCABULARY[kind]
    except KeyError:
        raise ValueError(
            f"unknown vocabulary {kind!r}; expected one of {tuple(VOCABULARY)}"
        ) from None
    code = str(value)
    msgid = vocabulary.get(code)
    if msgid is None:
        return code
    return translator(lang).pgettext(kind, msgid)


# -- error messages ----------------------------------------------------------------------------

_ERRORS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "rule.invalid": "The value is not valid.",
        "iin.invalid": "The IIN is not valid.",
        "iin.length": "The IIN must have 12 digits.",
        "iin.format": "The IIN may contain only digits.",
        "iin.date": "The first six digits of the IIN are not a valid date of birth.",
        "iin.century": "The 7th digit of the IIN (century of birth and sex) must be 1 to 6.",
        "iin.checksum": "The check digit of the IIN is wrong: please check the number.",
        "iin.never_issued": "No IIN is ever issued with these digits.",
        "bin.invalid": "The BIN is not valid.",
        "bin.length": "The BIN must have 12 digits.",
        "bin.format": "The BIN may contain only digits.",
        "bin.entity_type": "The 5th digit of the BIN (type of legal entity) must be 4, 5 or 6.",
        "bin.checksum": "The check digit of the BIN is wrong: please check the number.",
        "bin.never_issued": "No BIN is ever issued with these digits.",
        "month.invalid": "Not a valid month: write it as YYYY-MM, MM.YYYY or MMYYYY.",
        "parameter.missing": "A rule parameter is not known for this date.",
        "line.invalid_text": (
            "A name in the line is too long (more than 100 characters) or contains control "
            "characters."
        ),
        "line.paid_on_out_of_range": (
            "The payment date is outside the accepted range: from 1 July 2017 to one year "
            "after today."
        ),
        "line.invalid_iin": "The line has an invalid IIN.",
        "line.invalid_period": "The line has an invalid period (month and year).",
        "line.period_too_early": (
            "The period is too early: contributions (KNP 122) are accepted from January 2020, "
            "employer deductions (KNP 121) from July 2017."
        ),
        "line.period_outside_esp": (
            "The period is outside the months of the single aggregate payment (KNP 183): "
            "January 2019 to December 2023."
        ),
        "line.period_too_late": (
            "The period is too late: it may be at most 12 months after the month of payment."
        ),
        "line.amount_not_positive": "The amount must be greater than zero.",
        "line.amount_too_large": (
            "The amount is too large: it must be less than 1 000 000 000 000 tenge."
        ),
        "line.unknown_knp": (
            "Unknown payment purpose code (KNP): only 121, 122, 123, 124 and 183 are accepted."
        ),
        "line.duplicate": "This payment has already been received (duplicate).",
        "line.key_conflict": (
            "This reference was used before for another payment (payment {payment}, "
            "register {register}): the line is not booked. Send the payment again with a new "
            "reference."
        ),
        "register.sender_not_allowed": (
            "The sender of a register is the client that sends it: the sender parameter is "
            "not accepted."
        ),
        "line.malformed": "The line cannot be read.",
        "register.total_mismatch": (
            "The total of the register differs from the sum of its lines: "
            "the whole register is rejected."
        ),
        "register.malformed": "The register cannot be read.",
        "auth.key_missing": "This request needs an API key (Authorization: Bearer <key>).",
        "auth.key_invalid": "The API key is not valid.",
        "auth.key_revoked": "The API key has been revoked.",
        "auth.scope_missing": "The API key does not allow this request.",
        "rate.limited": "Too many requests: please wait and try again.",
        "request.invalid": "The request is not valid.",
        "request.not_found": "Not found.",
        "request.method_not_allowed": "This method is not allowed here.",
        "request.too_large": "The request is too large.",
        "request.unsupported_media_type": "This content type is not accepted here.",
        "request.failed": "The request failed.",
        "server.error": "Internal error: the request was not completed. Please try again later.",
        "ready.database": "The database is not reachable.",
        "ready.migrations": "The database is not migrated to the current version.",
        "service.unavailable": (
            "The service is temporarily unavailable: please try again in a minute."
        ),
        "facts.encoding": "The facts file is not UTF-8 text: save it in the UTF-8 encoding.",
        "facts.unreadable": "The facts file cannot be read.",
        "facts.too_large": "The facts file is too large.",
        "facts.yaml": "The facts file is not valid YAML.",
        "facts.invalid": "A value in the facts file is missing or not valid.",
        "client.scope_unknown": "Unknown scope.",
        "client.scope_required": "Give at least one scope.",
        "client.name": "A client's name has 1 to 32 printable characters.",
        "client.rate_limit": "The rate limit is 1 to 1 000 000 requests per minute.",
        "client.name_taken": "A client with this name already has a valid key.",
        "client.not_found": "No such API client.",
        "client.already_revoked": "The key has already been revoked.",
        "subscription.language": "Unsupported language: choose kk, ru or en.",
        "line.invalid_payer": "The payer's BIN or IIN is not valid.",
        "category.unknown": "Unknown state-paid category.",
        "feed.malformed": (
            "The category list cannot be read: check its header (iin, category, first, last)."
        ),
        "feed.period_order": "The last month is before the first month.",
        "temporary.documents_missing": "Documents proving the category are missing.",
        "temporary.not_on_documents": (
            "Temporary status cannot be granted on documents for this category."
        ),
        "temporary.already_insured": (
            "The person is already insured: temporary status is not needed."
        ),
        "temporary.already_decided": "The application has already been decided.",
        "temporary.not_found": "No such application.",
        "temporary.reason_required": "A refusal must give its reason.",
        "refund.reason": "Unknown refund reason.",
        "refund.payment_not_found": "No such payment.",
        "refund.already_refunded": "This payment has already been refunded.",
        "refund.already_decided": "The refund application has already been decided.",
        "refund.not_found": "No such refund application.",
        "refund.reason_required": "A refusal must give its reason.",
        "refund.backdated": (
            "A refund takes effect on the day it is decided or later, never on an earlier date."
        ),
        "temporary.backdated": (
            "Temporary status starts on the day it is decided or later, never before the "
            "decision or the application."
        ),
        "refund.decider_is_applicant": (
            "The operator who recorded the application cannot decide it: another operator must."
        ),
        "temporary.decider_is_applicant": (
            "The operator who recorded the application cannot decide it: another operator must."
        ),
        "audit.unavailable": (
            "The check could not be recorded in the audit trail, so it was not answered. "
            "Please try again later."
        ),
        "register.duplicate": "This register has already been received.",
        "temporary.not_a_woman": (
            "The pregnancy category is for women: by the IIN (its 7th digit) this person is a man."
        ),
        "temporary.not_a_child": (
            "The child category is for children: by the IIN the person turned 18 before this month."
        ),
        "temporary.below_pension_age": (
            "By the IIN the person has not reached pension age: attach the WWII veteran's "
            "certificate or apply under another category."
        ),
        "feed.withdraw_unknown": "The registry holds no such period to withdraw.",
        "feed.action": "Unknown action: write record (or leave it empty) or withdraw.",
        "refund.no_surplus": (
            "The month's payments are not above its amount due: there is no overpayment to refund."
        ),
        "refund.amount_required": (
            "The Fund does not know this month's amount due (an employer's payment): give the "
            "amount to refund."
        ),
        "refund.amount_exceeds_surplus": (
            "The amount is more than the overpayment: the month must stay paid."
        ),
        "refund.amount_whole": (
            "A wrong payment is refunded whole: an amount is given only for an overpayment."
        ),
        "operator.missing": "Name the operator: --operator NAME or the OSMS_OPERATOR setting.",
        "audit.period_order": "The last day is before the first day.",
        "feed.not_a_woman": (
            "The pregnancy category is for women: by the IIN (its 7th digit) this person is a man."
        ),
        "refund.amount": "The amount must be greater than zero.",
        "amount.kind": (
            "Unknown payer: choose a self-payer, an individual entrepreneur, an employer, an "
            "employee or the self-employed."
        ),
        "amount.year": "The year must be a number from 2000 to 2099.",
        "amount.income": (
            "The income must be an amount in tenge, zero or more, with at most two decimals."
        ),
        "amount.income_required": "Give the monthly income: this amount is a share of it.",
        "amount.not_due": "No such payment was due in that year: choose a later year.",
        "penalty.arrears": (
            "The amount owed must be an amount in tenge greater than zero, with at most two "
            "decimals."
        ),
        "penalty.period": "The period must be a month from July 2017 on, written as YYYY-MM.",
        "penalty.paid_on": (
            "The payment date must be from 1 July 2017 to 31 December 2099, written as YYYY-MM-DD."
        ),
    }
)

ERROR_CODES: Final[tuple[str, ...]] = tuple(_ERRORS)
"""The stable error codes :func:`error_message` knows."""

_UNKNOWN_ERROR: Final = "The value is not valid (error {code})."


def error_message(code: str, lang: str, **values: object) -> str:
    """The message for a stable error code (``RuleError.code``, intake codes of R-L-3).

    An unknown code gives a generic message that names the code.

    >>> error_message("iin.checksum", "ru")
    'Неверная контрольная цифра ИИН: проверьте номер.'
    >>> error_message("no.such_code", "en")
    'The value is not valid (error no.such_code).'
    """
    msgid = _ERRORS.get(code)
    if msgid is None:
        return t(lang, _UNKNOWN_ERROR, **{**values, "code": code})
    return t(lang, msgid, **values)


# -- the status card ---------------------------------------------------------------------------

CARD: Final[tuple[str, ...]] = (
    "OSMS status",
    "Status on {date}",
    "As known on {date}",
    "Why",
    "Debt",
    "Payments of the last 12 months",
    "Payments not yet credited",
    "What to pay",
    "Payment plan",
    "Payment details",
    "Insured",
    "Not insured",
    "Insured until {date}",
    "No end date",
    "Status ends next month: pay now to keep it",
    "No debt",
    "Nothing to pay",
    "Status from {date}",
    "Credited on {date}",
    "IIN",
    "Reason",
    "Category",
    "Payer kind",
    "Month",
    "Payment",
    "Paid",
    "Paid on",
    "Total debt",
    "Option",
    "Recommended",
    "Months",
    "Total",
    "Status from",
    "Beneficiary",
    "IIK",
    "BIN",
    "BIC",
    "KNP",
    "Period",
    "Amount",
    "Pay each month as a separate payment and give the IIN, the month and the year.",
    "Status appears within 3 working days after payment.",
    "Date",
    "Status",
    "Insured until",
    "What to pay on {date}",
    "valid",
    "Birth date",
    "Sex",
    "male",
    "female",
    "{month}: {amount} paid {paid_on}, counts from {credited_on}",
)
"""The msgids of the command-line and web status card (see the module docstring)."""


# -- findings ----------------------------------------------------------------------------------

_PENDING: Final = (
    "Payments made but not yet credited as of {date} are not counted: "
    "a payment is credited on the 3rd working day after the day it is paid."
)
_TRANSITIONAL: Final = (
    "Insured: {month} is in the transitional period (January – June 2020), when care under "
    "OSMS was available to everyone regardless of payments."
)
_CATEGORY: Final = (
    "Insured: the state pays the contributions for {month} as the person is in the state-paid "
    "category “{category}”."
)
_TEMPORARY: Final = (
    "Insured temporarily: a one-month status was granted on the documents of the state-paid "
    "category “{category}” ({granted_on} – {ends_on})."
)
_REGULAR: Final = "Insured: no debt for the period {first} – {last}."
_GRACE: Final = (
    "Insured in the grace period: {run} of {grace_months} months unpaid ({months}); "
    "this month is still owed.",
    "Insured in the grace period: {run} of {grace_months} months unpaid ({months}); "
    "these months are still owed.",
)
_LONG_PAYER: Final = (
    "The grace period is extended to {grace_months} month: contributions or deductions were "
    "paid for each of the {payer_months} months before the unpaid months.",
    "The grace period is extended to {grace_months} months: contributions or deductions were "
    "paid for each of the {payer_months} months before the unpaid months.",
)
_DEBT_RUN: Final = (
    "{run} month in a row is unpaid ({months}), longer than the grace period ({grace}).",
    "{run} months in a row are unpaid ({months}), longer than the grace period ({grace}).",
)
_DEBT_GAPS: Final = (
    "Unpaid month within the last 12 months: {months}; under the regular rule it blocks "
    "the status until it is paid.",
    "Unpaid months within the last 12 months: {months}; under the regular rule they block "
    "the status until they are paid.",
)
_PREPAID: Final = (
    "Insured: {count} month in a row is paid ({first} – {last}), the first {prepay_months} "
    "paid in advance all at once; such a prepayment gives status despite older debt.",
    "Insured: {count} months in a row are paid ({first} – {last}), the first {prepay_months} "
    "paid in advance all at once; such a prepayment gives status despite older debt.",
)
_PENDING_MONTH: Final = {
    "employer": "{month}: expected from the employer by {due_on}; it is not a debt until then.",
    "platform": (
        "{month}: expected from the platform (or from the self-employed person) by {due_on}; "
        "it is not a debt until then."
    ),
}
_PROVISIONAL: Final = (
    "The minimum wage for {year} is not yet published: amounts for {year} use the {from_year} "
    "minimum wage and may change."
)
_CATEGORY_ENDED: Final = (
    "The state-paid category covered the months up to {month}; contributions are due from "
    "the next month."
)
_UNKNOWN_FINDING: Final = "Rule {rule} applied ({key})."

_LONG_PAYER_MONTHS: Final = "60"
"""R-S-6: the contribution months of a long payer, shown when a finding does not say."""

_PREPAY_MONTHS: Final = "12"
"""R-S-4: the length of a prepaid run, shown when a finding does not say."""

_FindingValues = Mapping[str, str]
_Explainer = Callable[[str, Sequence[MonthLike], _FindingValues], str]


def _explain_pending(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _PENDING, date=date.fromisoformat(values["as_of"]))


def _explain_transitional(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _TRANSITIONAL, month=months[0])


def _explain_category(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    category = label(lang, "category", values["category"])
    return t(lang, _CATEGORY, month=months[0], category=category)


def _explain_temporary(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(
        lang,
        _TEMPORARY,
        category=label(lang, "category", values["category"]),
        granted_on=date.fromisoformat(values["granted_on"]),
        ends_on=date.fromisoformat(values["ends_on"]),
    )


def _explain_regular(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _REGULAR, first=months[0], last=months[-1])


def _explain_grace(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    run = int(values["run"])
    return tn(
        lang,
        *_GRACE,
        run,
        run=run,
        grace_months=int(values["grace_months"]),
        months=format_month_list(months, lang),
    )


def _explain_long_payer(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    grace = int(values["grace_months"])
    payer_months = int(values.get("payer_months", _LONG_PAYER_MONTHS))
    return tn(lang, *_LONG_PAYER, grace, grace_months=grace, payer_months=payer_months)


def _explain_debt_run(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    run = int(values["run"])
    grace = format_month_count(int(values["grace_months"]), lang)
    return tn(lang, *_DEBT_RUN, run, run=run, grace=grace, months=format_month_list(months, lang))


def _explain_debt_gaps(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    if not months:
        raise ValueError("debt_gaps without months")
    return tn(lang, *_DEBT_GAPS, len(months), months=format_month_list(months, lang))


def _explain_prepaid(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    count = int(values["months"])
    prepay_months = int(values.get("prepay_months", _PREPAY_MONTHS))
    return tn(
        lang,
        *_PREPAID,
        count,
        count=count,
        first=months[0],
        last=months[-1],
        prepay_months=prepay_months,
    )


def _explain_category_ended(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _CATEGORY_ENDED, month=months[0])


def _explain_pending_month(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    due_on = date.fromisoformat(values["due_on"])
    return t(lang, _PENDING_MONTH[values["payer"]], month=months[0], due_on=due_on)


def _explain_provisional(lang: str, months: Sequence[MonthLike], values: _FindingValues) -> str:
    return t(lang, _PROVISIONAL, year=values["year"], from_year=values["from_year"])


_EXPLAINERS: Final[Mapping[str, _Explainer]] = MappingProxyType(
    {
        "pending_payments": _explain_pending,
        "transitional": _explain_transitional,
        "category": _explain_category,
        "temporary": _explain_temporary,
        "regular": _explain_regular,
        "grace": _explain_grace,
        "long_payer": _explain_long_payer,
        "debt_run": _explain_debt_run,
        "debt_gaps": _explain_debt_gaps,
        "prepaid": _explain_prepaid,
        "category_ended": _explain_category_ended,
        "pending_month": _explain_pending_month,
        "provisional": _explain_provisional,
    }
)

FINDING_KEYS: Final[tuple[str, ...]] = tuple(_EXPLAINERS)
"""The finding keys :func:`explain` renders (``osms.rules.status._findings``)."""


def explain(finding: FindingLike, lang: str) -> str:
    """One finding of a decision (R-S-8) as a sentence in the language.

    >>> from types import SimpleNamespace as Finding
    >>> grace = Finding(rule="R-S-5", key="grace", months=(date(2023, 10, 1), date(2023, 11, 1)),
    ...                 values=(("grace_months", "3"), ("run", "2")))
    >>> explain(grace, "en")
    'Insured in the grace period: 2 of 3 months unpaid (October 2023, November 2023); these months are still owed.'
    >>> explain(grace, "ru")
    'Статус действует в льготный период: не оплачены 2 месяца из 3 (октябрь 2023, ноябрь 2023); за эти месяцы сохраняется задолженность.'
    >>> explain(Finding(rule="R-X-1", key="new_key", months=(), values=()), "en")
    'Rule R-X-1 applied (new_key).'
    """  # noqa: E501
    lang = _lang(lang)
    explainer = _EXPLAINERS.get(finding.key)
    if explainer is not None:
        try:
            return explainer(lang, finding.months, dict(finding.values))
        except (KeyError, IndexError, ValueError):
            pass
    return t(lang, _UNKNOWN_FINDING, rule=finding.rule, key=finding.key)


def explain_all(findings: Iterable[FindingLike], lang: str) -> list[str]:
    """Every finding of a decision, in order."""
    return [explain(finding, lang) for finding in findings]


# -- every message the code uses ---------------------------------------------------------------


def source_messages() -> tuple[SourceMessage, ...]:
    """(msgctxt, msgid, msgid_plural) of every message the code uses, for the catalog check."""
    found: list[SourceMessage] = [(None, msgid, None) for msgid in CARD]
    found.append((None, *_MONTH_COUNT))
    for single in (
        _PENDING,
        _TRANSITIONAL,
        _CATEGORY,
        _TEMPORARY,
        _REGULAR,
        _CATEGORY_ENDED,
        *_PENDING_MONTH.values(),
        _PROVISIONAL,
        _UNKNOWN_FINDING,
    ):
        found.append((None, single, None))
    for singular, plural in (_GRACE, _LONG_PAYER, _DEBT_RUN, _DEBT_GAPS, _PREPAID):
        found.append((None, singular, plural))
    found.extend((None, msgid, None) for msgid in _ERRORS.values())
    found.append((None, _UNKNOWN_ERROR, None))
    for kind, vocabulary in VOCABULARY.items():
        found.extend((kind, msgid, None) for msgid in vocabulary.values())
    return tuple(dict.fromkeys(found))


def placeholders(text: str) -> frozenset[str]:
    """The names of the ``{name}`` placeholders of a text.

    >>> sorted(placeholders("{run} of {grace_months} months ({months})"))
    ['grace_months', 'months', 'run']
    """
    names: set[str] = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(re.split(r"[.\[]", field, maxsplit=1)[0])
    return frozenset(names)
