"""What a synthetic person of :mod:`osms.synthetic.people` is: facts, names, profile, a story,
and the applications behind their refunds and grants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from osms.rules.facts import PersonFacts
from osms.rules.iin import Sex
from osms.synthetic.names import Names
from osms.synthetic.profiles import EXPECTATIONS, Expectation, Profile

__all__ = ["DemoApplication", "DemoPerson", "DemoRefund"]


@dataclass(frozen=True, slots=True)
class DemoRefund:
    """An approved refund of ``facts.payments[item]`` (R-R-1): applied for, then paid back on
    the item's ``refunded_on``."""

    item: int
    reason: str
    """A :class:`~osms.registry.models.RefundReason` value."""
    applied_on: date


@dataclass(frozen=True, slots=True)
class DemoApplication:
    """An approved temporary-status application (R-TMP-1) behind one of ``facts.temporary``."""

    category: str
    document_kind: str
    document_number: str
    issued_on: date
    submitted_on: date
    channel: str
    granted_on: date


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """One synthetic person: facts, names, profile and a one-sentence story."""

    facts: PersonFacts
    names: Names
    profile: Profile
    story: str
    sex: Sex
    refunds: tuple[DemoRefund, ...] = ()
    applications: tuple[DemoApplication, ...] = ()

    @property
    def iin(self) -> str:
        return self.facts.iin

    @property
    def expectation(self) -> Expectation:
        return EXPECTATIONS[self.profile]
