"""The exceptions the registry raises, each with a stable dotted ``code`` like the rules core's.

>>> error = NotFound("no refund application 7")
>>> (error.code, str(error))
('registry.not_found', 'no refund application 7')
"""

from __future__ import annotations

__all__ = [
    "AlreadyDecided",
    "AlreadyRefunded",
    "AppendOnly",
    "DuplicatePayment",
    "NotFound",
    "RegistryError",
]


class RegistryError(Exception):
    """A request the registry refuses.  Subclasses set :attr:`code`; the message stays English."""

    code: str = "registry.error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(RegistryError):
    """The row asked for does not exist."""

    code = "registry.not_found"


class DuplicatePayment(RegistryError):
    """R-L-7: a payment with the same idempotency key is already booked."""

    code = "ledger.duplicate"

    def __init__(self, idempotency_key: str, payment_id: int) -> None:
        super().__init__(f"already booked as payment {payment_id}: {idempotency_key!r}")
        self.idempotency_key = idempotency_key
        self.payment_id = payment_id


class AppendOnly(RegistryError):
    """R-L-8: the ledger is append-only; a payment is never updated or deleted."""

    code = "ledger.append_only"


class AlreadyDecided(RegistryError):
    """An application that is no longer ``applied`` cannot be decided again."""

    code = "application.already_decided"


class AlreadyRefunded(RegistryError):
    """R-R-1: a payment is refunded at most once."""

    code = "refund.already_refunded"
