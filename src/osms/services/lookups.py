"""Every look-up is audited before its answer leaves (RULES.md §11): the services' one way to
record it, and to refuse the look-up (``audit.unavailable``, 503) when it cannot be."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

from osms.registry import audit
from osms.services.errors import ServiceError

__all__ = ["record_lookup"]

_Params = ParamSpec("_Params")


def _unavailable_refused(write: Callable[_Params, None]) -> Callable[_Params, None]:
    """``write``, its :class:`~osms.registry.audit.AuditUnavailable` refused as
    :class:`ServiceError` ``audit.unavailable`` (503)."""

    def audited(*args: _Params.args, **kwargs: _Params.kwargs) -> None:
        try:
            write(*args, **kwargs)
        except audit.AuditUnavailable as error:
            raise ServiceError(error.code, error.message, status=503) from error

    return audited


record_lookup = _unavailable_refused(audit.record_lookup)
"""Record a look-up (:func:`osms.registry.audit.record_lookup`, with the caller's ``address``
when a door knows it); :class:`ServiceError` ``audit.unavailable`` (503) when it cannot be."""
