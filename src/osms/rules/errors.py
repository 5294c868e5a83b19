"""The exceptions the rules core raises.

A :class:`RuleError` carries a stable dotted :attr:`~RuleError.code` (``"iin.checksum"``,
``"bin.entity_type"``, ...) that callers match on and translate; the message is plain English
for logs and developers.  Most modules define their own subclasses, one per cause, and set
``code`` on the class.

Identifiers (IIN, BIN) are checked the way python-stdnum checks numbers: four shared
:class:`ValidationError` classes, one per kind of failure, each instance carrying the code of
its identifier and cause (``InvalidChecksum(..., code="iin.checksum")``).  Catch
:class:`ValidationError` for every cause, or one of the four for one kind.

>>> class Example(RuleError):
...     code = "example.broken"
>>> error = Example("it is broken", field="employer_bin")
>>> (error.code, error.field, str(error))
('example.broken', 'employer_bin', 'it is broken')
>>> isinstance(error, ValueError)
True
>>> error = InvalidLength("IIN has 11 digits, expected 12", code="iin.length")
>>> (error.code, isinstance(error, ValidationError), str(error))
('iin.length', True, 'IIN has 11 digits, expected 12')
"""

from __future__ import annotations

__all__ = [
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "RuleError",
    "ValidationError",
]


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


class ValidationError(RuleError):
    """An identifier fails one of its checks; the instance names which (``iin.checksum``)."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.code = code


class InvalidFormat(ValidationError):
    """The number holds characters it may not (``iin.format``, ``bin.format``)."""


class InvalidLength(ValidationError):
    """The number has the wrong number of digits (``iin.length``, ``bin.length``)."""


class InvalidChecksum(ValidationError):
    """The check digit is wrong, or no number with these digits is ever issued
    (``iin.checksum``, ``iin.never_issued`` and their ``bin.`` twins)."""


class InvalidComponent(ValidationError):
    """A part of the number means nothing: a birth date, a century digit, an entity type
    (``iin.date``, ``iin.century``, ``bin.entity_type``)."""
