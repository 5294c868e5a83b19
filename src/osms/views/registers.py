"""The stable JSON line report of a booked register (R-F-3): ``osms import --json`` and the API.

Every line that was not simply booked is listed (rejected with its codes, or a duplicate
pointing at the payment booked before); ``accepted + rejected == lines_total`` always.
``message`` is the intake's English text, ``text`` the code's message in the chosen language.

A register received before answers its summary alone (``resent``: no ``lines``): its stored
lines, ``recorded`` of them, are read page by page (:func:`register_lines_json`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from osms.i18n import error_message
from osms.intake.booking import BookingReport, LineOutcome

__all__ = ["line_json", "register_lines_json", "register_report_json", "register_summary_json"]


def register_summary_json(report: BookingReport) -> dict[str, Any]:
    """What became of a register, without its lines."""
    return {
        "register": report.register_id,
        "format": report.format,
        "sender": report.sender,
        "reference": report.reference,
        "status": report.status,
        "reason": report.reason,
        "reason_code": report.reason_code,
        "resent": report.resent,
        "lines_total": report.lines,
        "accepted": report.accepted,
        "booked": report.booked,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "recorded": report.recorded,
    }


def register_report_json(report: BookingReport, lang: str) -> dict[str, Any]:
    """The line report of a register, in the shape the command line and the API share."""
    return {
        **register_summary_json(report),
        "lines": [line_json(outcome, lang) for outcome in report.outcomes],
    }


def register_lines_json(
    report: BookingReport, lines: Iterable[LineOutcome], offset: int, limit: int, lang: str
) -> dict[str, Any]:
    """One page of a register's recorded lines."""
    page = [line_json(outcome, lang) for outcome in lines]
    return {
        "register": report.register_id,
        "offset": offset,
        "limit": limit,
        "recorded": report.recorded,
        "lines": page,
    }


def line_json(outcome: LineOutcome, lang: str) -> dict[str, Any]:
    """One line that was not simply booked."""
    return {
        "line": outcome.line_no,
        "status": outcome.status,
        "code": outcome.code,
        "codes": list(outcome.codes),
        "field": outcome.field,
        "message": outcome.message,
        "text": error_message(outcome.code, lang, **outcome.values()),
        "iin": outcome.iin,
        "payment_id": outcome.payment_id,
    }
