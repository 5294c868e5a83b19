"""The MT102 text's small pieces shared by its parts: tags, subfields, key parts, errors."""

from __future__ import annotations

import re
from typing import Final

from osms.intake.lines import REGISTER_MALFORMED, RegisterError

TAG: Final = re.compile(r"^:(\d{2}[A-Z]?):(.*)$", re.ASCII)
SUBFIELD: Final = re.compile(r"^//?([A-Z]{1,10})/(.*)$", re.ASCII)
"""A subfield ``/NAME/value``; pre-2013 lists write ``//NAME/value``."""
KEY_CHAR: Final = r"[^\s:\x00-\x1f\x7f-\x9f]"
"""A character of a key part: no space, no ``:``, no control character."""
KEY_PART: Final = re.compile(rf"^{KEY_CHAR}{{1,35}}$")
"""``:20:``, ``:21:`` and the bank's BIC: the parts of an idempotency key (R-L-7)."""


def malformed(message: str, line_no: int | None = None, field: str | None = None) -> RegisterError:
    """The register-level error ``register.malformed``, at a line when one is known."""
    where = f"line {line_no}: " if line_no is not None else ""
    return RegisterError(REGISTER_MALFORMED, where + message, line_no=line_no, field=field)
