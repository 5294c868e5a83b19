"""The gettext catalogs and translating with them (R-S-8).

Every text is a gettext message whose msgid is English with ``str.format``-style named
placeholders (``{date}``); the catalogs are the PO files in
``locales/<lang>/LC_MESSAGES/osms.po``, compiled with Babel in memory when a language is first
used (no ``.mo`` file is ever written).

Msgids are marked where they are written: a literal given to :func:`t` (second argument) or
:func:`tn` (second and third) as it is, a msgid kept in a constant with :func:`N_` (or
:func:`NC_` with its context), and ``_()`` in the page's templates.  ``pybabel extract`` finds
them all (:mod:`osms.i18n.catalog_check` has the command and checks the catalogs against it).
"""

from __future__ import annotations

import gettext
import io
import re
import string
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from osms.i18n.formatting import format_date, is_month, month_name_of
from osms.i18n.languages import LANGUAGES, resolve

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

__all__ = [
    "DOMAIN",
    "NC_",
    "NN_",
    "N_",
    "format_month_count",
    "placeholders",
    "read_catalog",
    "t",
    "tn",
    "translator",
]

DOMAIN: Final[str] = "osms"
"""The gettext domain, the name of the PO files."""


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction where it is written, to be translated where it is used
    (gettext's ``N_``).  Literal msgids given to :func:`t` and :func:`tn` need no mark."""
    return msgid


def NC_(context: str, msgid: str) -> str:
    """Mark ``msgid`` with its message context (msgctxt) for extraction, as :func:`N_`."""
    return msgid


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message where it is written, to be translated by :func:`tn` where it is
    used (gettext's ``ngettext_noop``)."""
    return singular, plural


def read_catalog(lang: str) -> Catalog:
    """The PO catalog of a supported language, as Babel reads it."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    path = resources.files(__package__) / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("r", encoding="utf-8") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


@cache
def _compiled(lang: str) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(lang))
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
    return _compiled(resolve(lang))


class _Values(dict[str, object]):
    """Placeholder values; a missing one is left as it is in the text."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str, lang: str, values: Mapping[str, object]) -> str:
    if not values:
        return text
    rendered = _Values()
    for name, value in values.items():
        if isinstance(value, date):
            rendered[name] = format_date(value, lang)
        elif is_month(value):
            rendered[name] = month_name_of(value.year, value.month, lang)
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
    lang = resolve(lang)
    return _fill(translator(lang).gettext(msgid), lang, values)


def tn(lang: str, singular: str, plural: str, n: int, /, **values: object) -> str:
    """Translate a plural message for ``n`` and fill it; ``{n}`` is ``n`` unless given (as a
    count with its thousands grouped, say).

    >>> [tn("ru", "{n} month", "{n} months", n) for n in (1, 3, 5, 21)]
    ['1 месяц', '3 месяца', '5 месяцев', '21 месяц']
    """
    lang = resolve(lang)
    return _fill(translator(lang).ngettext(singular, plural, n), lang, {"n": n, **values})


def format_month_count(n: int, lang: str) -> str:
    """``n`` months, with the language's plural form.

    >>> format_month_count(1, "en"), format_month_count(3, "ru"), format_month_count(6, "kk")
    ('1 month', '3 месяца', '6 ай')
    """
    return tn(lang, "{n} month", "{n} months", n)


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
