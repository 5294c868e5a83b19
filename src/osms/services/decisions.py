"""What an operator's decision answers when it cannot be made, the same for every application.

Temporary status and refunds give the same codes under their own prefix: ``<kind>.not_found``
(404), ``<kind>.already_decided`` (409) and ``<kind>.reason_required`` (422).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from osms.registry.errors import AlreadyDecided, NotFound, RegistryError
from osms.services.errors import ServiceError

__all__ = ["decision_errors", "require_reason"]


@contextmanager
def decision_errors(kind: str, *conflicts: type[RegistryError]) -> Iterator[None]:
    """The registry's refusals of a decision as service errors; ``conflicts`` are other
    registry errors that mean the application can no longer be decided (a refund made since)."""
    decided: tuple[type[RegistryError], ...] = (AlreadyDecided, *conflicts)
    try:
        yield
    except NotFound as error:
        raise ServiceError(f"{kind}.not_found", str(error), status=404) from None
    except decided as error:
        raise ServiceError(f"{kind}.already_decided", str(error), status=409) from None


def require_reason(kind: str, reason: str) -> None:
    """Refuse a refusal without a reason, before the application is looked up or locked."""
    if not reason.strip():
        raise ServiceError(f"{kind}.reason_required", "a refusal gives its reason", field="reason")
