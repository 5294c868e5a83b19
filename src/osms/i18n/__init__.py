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

from typing import Final

from osms.i18n.catalogs import (
    DOMAIN,
    format_month_count,
    placeholders,
    read_catalog,
    t,
    tn,
    translator,
)
from osms.i18n.errors import _ERRORS, _UNKNOWN_ERROR, ERROR_CODES, error_message
from osms.i18n.findings import (
    _CATEGORY,
    _CATEGORY_ENDED,
    _DEBT_GAPS,
    _DEBT_RUN,
    _GRACE,
    _LONG_PAYER,
    _PENDING,
    _PENDING_MONTH,
    _PREPAID,
    _PROVISIONAL,
    _REGULAR,
    _TEMPORARY,
    _TRANSITIONAL,
    _UNKNOWN_FINDING,
    FINDING_KEYS,
    FindingLike,
    explain,
    explain_all,
)
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
from osms.i18n.vocabulary import VOCABULARY, label

__all__ = [
    "CARD",
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "ERROR_CODES",
    "FINDING_KEYS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "NARROW_NO_BREAK_SPACE",
    "NO_BREAK_SPACE",
    "TENGE",
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
    "read_catalog",
    "source_messages",
    "t",
    "tn",
    "translator",
]

SourceMessage = tuple[str | None, str, str | None]
"""(msgctxt, msgid, msgid_plural) of a message the code uses."""

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


# -- every message the code uses ---------------------------------------------------------------


def source_messages() -> tuple[SourceMessage, ...]:
    """(msgctxt, msgid, msgid_plural) of every message the code uses, for the catalog check."""
    found: list[SourceMessage] = [(None, msgid, None) for msgid in CARD]
    found.append((None, "{n} month", "{n} months"))
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
