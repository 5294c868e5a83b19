"""The stable JSON line report of a booked register (R-F-3): ``osms import --json`` and the API,
the models :class:`~osms.views.models.RegisterReport` and its kin as JSON values.

Every line that was not simply booked is listed (rejected with its codes, or a duplicate
pointing at the payment booked before); ``accepted + rejected == lines_total`` always.
``message`` is the intake's English text, ``text`` the code's message in the chosen language.

A register received before answers its summary alone (``resent``: no ``lines``): its stored
lines, ``recorded`` of them, are read page by page (:func:`register_lines_json`).

What an operator reads instead (:func:`report_lines`, :func:`page_lines`) is in ``--lang``
(Kazakh by default) like the other operators' texts (:mod:`osms.views.operator`): statuses in
words, counts grouped, each line's code with its message (:data:`REGISTER_MESSAGES`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from pydantic import BaseModel

from osms.i18n import error_message, t, tn
from osms.registry.models import LineStatus
from osms.services.registers import BookingReport, LineOutcome
from osms.views.models import RegisterLinesPage, RegisterReport, RegisterSummary
from osms.views.models.registers import outcome_text
from osms.views.operator import count, word

__all__ = [
    "REGISTER_MESSAGES",
    "REGISTER_PLURALS",
    "line_text",
    "page_lines",
    "register_lines_json",
    "register_report_json",
    "register_summary_json",
    "report_lines",
]


def register_summary_json(report: BookingReport) -> dict[str, Any]:
    """What became of a register, without its lines (:class:`RegisterSummary`)."""
    return _json(RegisterSummary.from_report(report))


def register_report_json(report: BookingReport, lang: str) -> dict[str, Any]:
    """The line report of a register, in the shape the command line and the API share."""
    return _json(RegisterReport.from_outcomes(report, lang))


def register_lines_json(
    report: BookingReport, lines: Iterable[LineOutcome], offset: int, limit: int, lang: str
) -> dict[str, Any]:
    """One page of a register's recorded lines (:class:`RegisterLinesPage`)."""
    return _json(RegisterLinesPage.from_page(report, lines, offset, limit, lang))


def _json(answer: BaseModel) -> dict[str, Any]:
    """The answer as JSON values, to which a door adds its own links (``lines_url`` …)."""
    return answer.model_dump(mode="json", by_alias=True, exclude_unset=True)


# -- what an operator reads --------------------------------------------------------------------

_REGISTER = "{file}: {status} (register {register})"
_RESENT = "{file}: {status} (received before as register {register}: nothing changed)"
_COUNTS = (
    "{n} line, {accepted} accepted ({booked} booked, {duplicates} already received), "
    "{rejected} rejected",
    "{n} lines, {accepted} accepted ({booked} booked, {duplicates} already received), "
    "{rejected} rejected",
)
_LINE = "Line {line}: {text}"
"""The same message as a category feed's rejected line (:func:`osms.views.operator.feed_lines`)."""
_MORE = (
    "{more} more of {n} line not simply booked: {command}",
    "{more} more of {n} lines not simply booked: {command}",
)
_ALL = ("{n} line not simply booked: {command}", "{n} lines not simply booked: {command}")
_PAGE = "Register {register} from {sender}: lines {first}–{last} of {recorded} not simply booked"
_NEXT = "Next: {command}"
_NONE_HERE = "Register {register} from {sender}: no line here (lines not simply booked: {recorded})"

REGISTER_PLURALS: Final[tuple[tuple[str, str], ...]] = (_COUNTS, _MORE, _ALL)
"""The plural messages (singular, plural) of the register report, for the count of lines."""

REGISTER_MESSAGES: Final[tuple[str, ...]] = (
    _REGISTER,
    _RESENT,
    _LINE,
    _PAGE,
    _NEXT,
    _NONE_HERE,
    *(singular for singular, _ in REGISTER_PLURALS),
)
"""Every msgid of the operator's register report (for the catalogs and their check); the words
for register and line statuses are :data:`osms.views.operator.WORDS`."""


def _id(register_id: int | None) -> str:
    return "—" if register_id is None else str(register_id)


def line_text(outcome: LineOutcome, lang: str) -> str:
    """``Line 13: Rejected — line.invalid_iin [iin]: The line has an invalid IIN. (IIN
    '900515300019' is invalid: check digit is 9, expected 8)``: a rejected line's code and
    message, then the intake's English detail of what failed (R-IIN-3), as for a register
    rejected whole."""
    where = f" [{outcome.field}]" if outcome.field else ""
    message = outcome_text(outcome, lang)
    if outcome.status == LineStatus.REJECTED.value and outcome.message:
        message = f"{message} ({outcome.message})"
    text = f"{word(lang, 'line', outcome.status)} — {outcome.code}{where}: {message}"
    return t(lang, _LINE, line=count(outcome.line_no), text=text)


def report_lines(
    name: str, report: BookingReport, lang: str, *, page: int, paging: str | None
) -> list[str]:
    """``osms import``: the register's status in words and its counts, why it was rejected,
    its first ``page`` lines not simply booked, and the command that pages through the rest."""
    head = t(
        lang,
        _RESENT if report.resent else _REGISTER,
        file=name,
        status=word(lang, "register", report.status),
        register=_id(report.register_id),
    )
    counts = tn(
        lang,
        *_COUNTS,
        report.lines,
        n=count(report.lines),
        accepted=count(report.accepted),
        booked=count(report.booked),
        duplicates=count(report.duplicates),
        rejected=count(report.rejected),
    )
    lines = [f"{head} — {counts}"]
    if report.reason_code:
        # the intake's English detail (the totals that differ…) after the code's message
        detail = (report.reason or "").removeprefix(f"{report.reason_code}:").strip()
        why = f"{report.reason_code}: {error_message(report.reason_code, lang)}"
        lines.append(f"  {why} ({detail})" if detail else f"  {why}")
    elif report.reason:
        lines.append(f"  {report.reason}")
    shown = report.outcomes[:page]
    lines += ["  " + line_text(outcome, lang) for outcome in shown]
    if report.recorded > len(shown) and paging is not None:
        recorded = report.recorded
        if shown:
            more = count(recorded - len(shown))
            left = tn(lang, *_MORE, recorded, n=count(recorded), more=more, command=paging)
        else:
            left = tn(lang, *_ALL, recorded, n=count(recorded), command=paging)
        lines.append("  " + left)
    return lines


def page_lines(
    report: BookingReport,
    lines: Iterable[LineOutcome],
    offset: int,
    lang: str,
    *,
    following: str | None,
) -> list[str]:
    """``osms registers lines``: one page of a register's lines not simply booked."""
    page = list(lines)
    found = [
        t(
            lang,
            _PAGE if page else _NONE_HERE,  # a register rejected whole, or a page past the end
            register=_id(report.register_id),
            sender=report.sender,
            first=count(offset + 1),
            last=count(offset + len(page)),
            recorded=count(report.recorded),
        )
    ]
    found += ["  " + line_text(outcome, lang) for outcome in page]
    if following is not None:
        found.append("  " + t(lang, _NEXT, command=following))
    return found
