"""Kazakh, Russian and English texts of OSMS (ОСМС / МӘМС), R-S-8.

Kazakh is the default language everywhere.  Every text is a gettext message whose msgid is
English with ``str.format``-style named placeholders (``{date}``), marked where it is used and
kept in the PO files of ``locales/<lang>/LC_MESSAGES/osms.po``.  The vocabulary is RULES.md §1
and the Fund's own leaflets: сақтандырылған / застрахован, берешек / задолженность, жеңілдікті
кезең / льготный период, дербес төлеуші / самостоятельный плательщик.

One concept per module, all re-exported here:

- :mod:`~osms.i18n.languages`: :data:`LANGUAGES`, :data:`DEFAULT_LANGUAGE`,
  :data:`LANGUAGE_NAMES`, :func:`negotiate` (a code or an HTTP ``Accept-Language`` header);
- :mod:`~osms.i18n.catalogs`: :func:`translator`, :func:`t` and :func:`tn` (translate, then fill
  the placeholders; dates and months given as values are formatted for the language),
  :func:`format_month_count`, :func:`placeholders`, :func:`read_catalog`;
- :mod:`~osms.i18n.formatting`: :func:`month_name`, :func:`format_date`, :func:`format_money`,
  :func:`format_month_list`;
- :mod:`~osms.i18n.vocabulary`: :func:`label` (the vocabularies of :data:`VOCABULARY`);
- :mod:`~osms.i18n.errors`: :func:`error_message` (the stable error codes of
  :data:`ERROR_CODES`);
- :mod:`~osms.i18n.findings`: :func:`explain` / :func:`explain_all` (the findings of
  ``osms.rules.status.Decision``);
- :mod:`~osms.i18n.catalog_check`: the catalogs checked against the messages the code uses.

This package imports only the standard library and Babel: it renders ``osms.rules`` objects by
their shape (:class:`FindingLike`, :class:`MonthLike`), never by importing them.
"""

from __future__ import annotations

from osms.i18n.catalogs import (
    DOMAIN,
    N_,
    NC_,
    NN_,
    format_month_count,
    placeholders,
    read_catalog,
    t,
    tn,
    translator,
)
from osms.i18n.errors import ERROR_CODES, error_message
from osms.i18n.findings import FINDING_KEYS, FindingLike, explain, explain_all
from osms.i18n.formatting import (
    NARROW_NO_BREAK_SPACE,
    NO_BREAK_SPACE,
    TENGE,
    MonthLike,
    format_date,
    format_money,
    format_month_list,
    month_name,
)
from osms.i18n.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, negotiate
from osms.i18n.vocabulary import VOCABULARY, label, option_label

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "ERROR_CODES",
    "FINDING_KEYS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "NARROW_NO_BREAK_SPACE",
    "NC_",
    "NN_",
    "NO_BREAK_SPACE",
    "N_",
    "TENGE",
    "VOCABULARY",
    "FindingLike",
    "MonthLike",
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
    "option_label",
    "placeholders",
    "read_catalog",
    "t",
    "tn",
    "translator",
]
