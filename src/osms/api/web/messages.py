"""The msgids the citizen page adds to the status card's (:data:`osms.i18n.CARD`).

Until the catalogs carry them, :func:`osms.i18n.t` returns the English msgid.  The lead adds
them to the PO files and to :func:`osms.i18n.source_messages` (the catalog check).
"""

from __future__ import annotations

from typing import Final

__all__ = ["WEB_MESSAGES"]

CHECK: Final = "Check"
INTRO: Final = "Check your OSMS status, your payments of the last 12 months and what to pay."
IIN_HINT: Final = "Enter your IIN: 12 digits"
LANGUAGE: Final = "Language"
UNREGISTERED: Final = (
    "No records for this IIN in the registry: the answer is based on the IIN alone."
)
BAD_DATE: Final = "The date is not valid: write it as YYYY-MM-DD."
DATE_OUT_OF_RANGE: Final = "The date must be between {first} and {last}."
NO_OPTION: Final = "This option is not available for this IIN on this date."
PRINT_HINT: Final = "Print the plan or save it as PDF from the browser menu."
TOO_MANY: Final = "Too many checks in a short time: please try again in a minute."

WEB_MESSAGES: Final[tuple[str, ...]] = (
    CHECK,
    INTRO,
    IIN_HINT,
    LANGUAGE,
    UNREGISTERED,
    BAD_DATE,
    DATE_OUT_OF_RANGE,
    NO_OPTION,
    PRINT_HINT,
    TOO_MANY,
)
"""Every msgid the web page uses that :data:`osms.i18n.CARD` does not have."""
