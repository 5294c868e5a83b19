"""Errors a use case returns to a door: a stable code, the field, an English message.

The doors translate ``code`` with :func:`osms.i18n.error_message`.
"""

from __future__ import annotations

__all__ = ["ServiceError"]


class ServiceError(Exception):
    """A request the use case refuses; ``code`` is stable, ``field`` names the input."""

    def __init__(
        self, code: str, message: str, *, field: str | None = None, status: int = 422
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status
        """The HTTP status a web door answers with (404 not found, 409 conflict, 422 invalid)."""
