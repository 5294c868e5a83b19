"""Text a person writes that the registry keeps and shows again: an operator's name and a
refusal's reason (RULES.md §11: the trail says who did what; R-R-1, R-TMP-1: a refusal gives
its reason).

Both are printed back by ``osms audit``, ``osms person`` and the API, one event or decision to a
line, so neither may hold what would forge or hide a line: printable characters only
(:meth:`str.isprintable`: no control character, so no newline, tab or terminal escape; no
format character, so no bidirectional override such as U+202E; no line or paragraph separator).
The lengths are the API's: a client's name (the API's operator) has at most
:data:`~osms.services.clients.MAX_NAME_LENGTH` characters, a refusal's reason at most
:data:`REASON_MAX_LENGTH` (``RefusalIn``).

>>> is_plain("Айгерім Н."), is_plain("op1\\n2026-12-08 boss"), is_plain("\\u202eevil")
(True, False, False)
"""

from __future__ import annotations

from typing import Final

from osms.services.clients import MAX_NAME_LENGTH
from osms.services.errors import ServiceError

__all__ = [
    "OPERATOR_NAME_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "checked_operator_name",
    "checked_reason",
    "is_plain",
    "shown",
]

OPERATOR_NAME_MAX_LENGTH: Final = MAX_NAME_LENGTH
"""An operator named on the command line is named as an API client is (32 characters)."""

REASON_MAX_LENGTH: Final = 2000
"""The longest refusal reason kept, the API's ``RefusalIn.reason``."""


def is_plain(text: str) -> bool:
    """Whether ``text`` holds printable characters only (see the module text)."""
    return text.isprintable()


def shown(text: str) -> str:
    """``text`` as a line may show it: a character that is not printable written as its escape,
    for what was kept before these checks (the trail is append-only, RULES.md §11).

    >>> print(shown("op1\\n2026-12-08 boss \\u202eevil \\x1b[31m"))
    op1\\n2026-12-08 boss \\u202eevil \\x1b[31m
    """
    if is_plain(text):
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def checked_operator_name(name: str) -> str:
    """The operator's name without surrounding spaces: 1 to :data:`OPERATOR_NAME_MAX_LENGTH`
    printable characters (RULES.md §11), else ``operator.name``.

    >>> checked_operator_name(" aigerim ")
    'aigerim'
    >>> checked_operator_name("op1\\n2026-12-08 03:40:00  boss  Refund approved")
    Traceback (most recent call last):
    ...
    osms.services.errors.ServiceError: an operator's name has 1 to 32 printable characters
    """
    stripped = name.strip()
    if not stripped or len(stripped) > OPERATOR_NAME_MAX_LENGTH or not is_plain(stripped):
        raise ServiceError(
            "operator.name",
            f"an operator's name has 1 to {OPERATOR_NAME_MAX_LENGTH} printable characters",
            field="operator",
        )
    return stripped


def checked_reason(kind: str, reason: str) -> str:
    """A refusal's reason (R-R-1, R-TMP-1): not blank (``<kind>.reason_required``), at most
    :data:`REASON_MAX_LENGTH` printable characters (``<kind>.reason_invalid``)."""
    if not reason.strip():
        raise ServiceError(f"{kind}.reason_required", "a refusal gives its reason", field="reason")
    if len(reason) > REASON_MAX_LENGTH or not is_plain(reason):
        raise ServiceError(
            f"{kind}.reason_invalid",
            f"a refusal's reason has at most {REASON_MAX_LENGTH} printable characters: "
            "no control characters (line breaks, escapes) and no direction overrides",
            field="reason",
        )
    return reason
