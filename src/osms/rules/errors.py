"""The base of every exception the rules core raises.

A :class:`RuleError` carries a stable dotted :attr:`~RuleError.code` (``"iin.checksum"``,
``"bin.entity_type"``, ...) that callers match on and translate; the message is plain English
for logs and developers.  Each module defines its own subclasses, one per cause, and sets
``code`` on the class.

>>> class Example(RuleError):
...     code = "example.broken"
>>> error = Example("it is broken", field="employer_bin")
>>> (error.code, error.field, str(error))
('example.broken', 'employer_bin', 'it is broken')
>>> isinstance(error, ValueError)
True
"""

from __future__ import annotations

__all__ = ["RuleError"]


class RuleError(ValueError):
    """A value the rules reject.  Subclasses set :attr:`code`; the message stays English."""

    code: str = "rule.invalid"
    """Stable dotted code naming the cause, e.g. ``"iin.checksum"``; translation keys on it."""

    field: str | None
    """The input field the value came from, when the caller knows it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
