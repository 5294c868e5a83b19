"""The stable JSON line report of a booked register (R-F-3): ``osms import --json`` and the API.

Every line that was not simply booked is listed (rejected with its codes, or a duplicate
pointing at the payment booked before); ``accepted + rejected == lines_total`` always.
``message`` is the intake's English text, ``text`` the code's message in the chosen language.
"""

from __future__ import annotations

from typing import Any

from osms.i18n import error_message
from osms.intake.booking import BookingReport

__all__ = ["register_report_json"]


def register_report_json(report: BookingReport, lang: str) -> dict[str, Any]:
    """The line report of a register, in the shape the command line and the API share."""
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
        "lines": [
            {
                "line": o.line_no,
                "status": o.status,
                "code": o.code,
                "codes": list(o.codes),
                "field": o.field,
                "message": o.message,
                "text": error_message(o.code, lang),
                "iin": o.iin,
                "payment_id": o.payment_id,
            }
            for o in report.outcomes
        ],
    }
