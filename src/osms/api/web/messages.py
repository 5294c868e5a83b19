"""The msgids the citizen page adds to the status card's (:data:`osms.i18n.CARD`).

:data:`WEB_MESSAGES` lists them, with those of the public view the page shares with the bot
(:data:`osms.views.public.PUBLIC_MESSAGES`), for the catalogs and their check.  The page also
uses two of the bot's (``Call centre {number}``, ``The Fund's site: {sites}``).
"""

from __future__ import annotations

from typing import Final

from osms.views.public import PUBLIC_MESSAGES

__all__ = ["WEB_MESSAGES"]

CHECK: Final = "Check"
INTRO: Final = "Check whether an IIN is insured under OSMS, what is owed and what to pay."
IIN_HINT: Final = "Enter your IIN: 12 digits"
DATE_HINT: Final = "The day to check, for example the day of a visit to a clinic; empty: today."
LANGUAGE: Final = "Language"
NO_RECORDS_TITLE: Final = "No records yet"
BAD_DATE: Final = "The date is not valid: write it as YYYY-MM-DD."
DATE_OUT_OF_RANGE: Final = "The date must be between {first} and {last}."
NO_OPTION: Final = "This option is not available for this IIN on this date."
PRINT_HINT: Final = "Print the plan or save it as PDF from the browser menu."
TOO_MANY: Final = "Too many checks in a short time: please try again in a minute."
DEMO: Final = "Demo: the people and payments here are synthetic, not real data."
PRIVACY: Final = "Privacy"
PRIVACY_TITLE: Final = "What this page shows and why"
PRIVACY_SHORT: Final = (
    "Anyone who knows an IIN sees here only the status, the debt and what to pay: no name, "
    "no payments, no employer, no state-paid category. Every check is recorded."
)
PRIVACY_SHOWN: Final = (
    "For any IIN this page shows whether the person is insured under OSMS and why, the last "
    "day of insurance, the Fund's warning before the status ends, the unpaid months with their "
    "amounts and the ways to pay them: what anyone needs to check a status or to pay for "
    "someone."
)
PRIVACY_HIDDEN: Final = (
    "It never shows a name, the payments or who made them, an employer, or which state-paid "
    "category a person belongs to (disability, pregnancy, social assistance and others): that "
    "is personal data. A person in a state-paid category is shown only as insured by the state."
)
PRIVACY_RECORDED: Final = (
    "Every check is recorded with the IIN, the time and the network address it came from, so "
    "that looking up other people's IINs can be traced. The page keeps nothing in your browser "
    "but the language you chose."
)
PRIVACY_DETAIL: Final = (
    "Your own payments month by month, with who paid them, are available after you sign in to "
    "eGov.kz or your bank's app, and from the call centre 1414."
)

WEB_MESSAGES: Final[tuple[str, ...]] = (
    CHECK,
    INTRO,
    IIN_HINT,
    DATE_HINT,
    LANGUAGE,
    NO_RECORDS_TITLE,
    BAD_DATE,
    DATE_OUT_OF_RANGE,
    NO_OPTION,
    PRINT_HINT,
    TOO_MANY,
    DEMO,
    PRIVACY,
    PRIVACY_TITLE,
    PRIVACY_SHORT,
    PRIVACY_SHOWN,
    PRIVACY_HIDDEN,
    PRIVACY_RECORDED,
    PRIVACY_DETAIL,
    *PUBLIC_MESSAGES,
)
"""Every msgid the web page uses that :data:`osms.i18n.CARD` does not have."""
