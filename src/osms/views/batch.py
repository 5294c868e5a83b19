"""What ``osms batch run`` and ``osms batch check`` print, in ``--lang`` (Kazakh by default).

The statistics table follows :meth:`osms.batch.run.Statistics.rows` (its order and its English
group and row names are the msgids here); statuses, reasons and categories are the words of
:func:`osms.i18n.label`, counts are grouped like amounts (:func:`osms.views.operator.count`),
the debt is money (:func:`osms.i18n.format_money`).  Every text is in :data:`BATCH_MESSAGES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from osms.i18n import NARROW_NO_BREAK_SPACE, format_money, label, t
from osms.views.operator import count

if TYPE_CHECKING:
    from osms.batch.run import Statistics

__all__ = [
    "BATCH_MESSAGES",
    "check_summary",
    "percent",
    "rate_line",
    "statistics_header",
    "statistics_rows",
    "statistics_title",
    "wrote",
]

_TITLE = "OSMS status on {date} as known on {as_of}"
_GROUP = "Group"
_PEOPLE = "People"
_SHARE = "Share"
_RATE = "{people} people in {seconds} s ({rate} per second)"
_CHECKED = "{people} people checked, {disagreements} disagreements"
_WROTE = "Wrote {path}"

GROUPS: Final[Mapping[str, str]] = {
    "people": "People",
    "status": "Status",
    "insured by reason": "Insured by reason",
    "insured by category": "Insured by category",
    "fund": "Fund",
    "debt": "Debt",
}
"""The groups of :meth:`Statistics.rows` → msgid."""

ROWS: Final[Mapping[str, str]] = {
    "total": "Total",
    "insured by prepayment": "Insured by prepayment",
    "in grace": "In grace",
    "losing status next month": "Losing status next month",
    "people with pending months": "People with pending months",
    "pending months": "Pending months",
    "people with debt months": "People with debt months",
    "total (tenge)": "Total",
    "people with provisional debt": "Of them, priced on a minimum wage not yet published",
}
"""The rows of :meth:`Statistics.rows` that are not a vocabulary's code → msgid (the debt's
total is written in tenge, :func:`osms.i18n.format_money`)."""

_VOCABULARY_OF_GROUP: Final[Mapping[str, str]] = {
    "status": "status",
    "insured by reason": "reason",
    "insured by category": "category",
}

BATCH_MESSAGES: Final[tuple[str, ...]] = tuple(
    dict.fromkeys(
        [
            _TITLE,
            _GROUP,
            _PEOPLE,
            _SHARE,
            _RATE,
            _CHECKED,
            _WROTE,
            *GROUPS.values(),
            *ROWS.values(),
        ]
    )
)
"""Every msgid of this module (for the catalogs and their check)."""


def _decimal(text: str, lang: str) -> str:
    return text if lang == "en" else text.replace(".", ",")


def percent(part: int, whole: int, lang: str) -> str:
    """A share with one decimal (a decimal comma in kk and ru), '' of nobody.

    >>> percent(1, 8, "ru"), percent(1, 8, "en"), percent(1, 0, "kk")
    ('12,5\\u202f%', '12.5\\u202f%', '')
    """
    if not whole:
        return ""
    return _decimal(f"{part / whole * 100:.1f}", lang) + f"{NARROW_NO_BREAK_SPACE}%"


def statistics_title(stats: Statistics, lang: str) -> str:
    return t(lang, _TITLE, date=stats.on, as_of=stats.as_of)


def statistics_header(lang: str) -> tuple[str, str, str, str]:
    return (t(lang, _GROUP), "", t(lang, _PEOPLE), t(lang, _SHARE))


def _row_name(group: str, key: str, lang: str) -> str:
    vocabulary = _VOCABULARY_OF_GROUP.get(group)
    if vocabulary is not None:
        return label(lang, vocabulary, key)
    msgid = ROWS.get(key)
    return key if msgid is None else t(lang, msgid)


NOT_PEOPLE: Final[frozenset[str]] = frozenset({"pending months"})
"""Rows that count months, not people: no share of the population."""


def statistics_rows(stats: Statistics, lang: str) -> list[tuple[str, str, str, str]]:
    """(group, row, people, share) in words, counts grouped, the debt in tenge; a group is
    named on its first row only."""
    found = []
    previous = None
    for group, key, value in stats.rows():
        msgid = GROUPS.get(group)
        name = "" if group == previous else group if msgid is None else t(lang, msgid)
        previous = group
        if isinstance(value, int):
            share = "" if key in NOT_PEOPLE else percent(value, stats.people, lang)
            shown = count(value)
        else:
            shown, share = format_money(Decimal(value), lang), ""
        found.append((name, _row_name(group, key, lang), shown, share))
    return found


def wrote(path: object, lang: str) -> str:
    return t(lang, _WROTE, path=path)


def rate_line(stats: Statistics, seconds: float, lang: str) -> str:
    """``1 000 000 people in 12.3 s (81 300 per second)``."""
    rate = round(stats.people / seconds) if seconds else 0
    return t(
        lang,
        _RATE,
        people=count(stats.people),
        seconds=_decimal(f"{seconds:.1f}", lang),
        rate=count(rate),
    )


def check_summary(people: int, disagreements: int, lang: str) -> str:
    """``osms batch check``'s last line."""
    return t(lang, _CHECKED, people=count(people), disagreements=count(disagreements))
