"""Status, payments of the last 12 months, debts and the calculator, by IIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from osms.registry import audit
from osms.rules.calculator import Calculation, calculate
from osms.rules.status import Decision, decide
from osms.services.people import facts_of

__all__ = ["StatusAnswer", "calculator_for", "status_of"]


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    decision: Decision
    registered: bool
    """False when the registry holds nothing for the IIN (the rules decided on the IIN alone)."""


def status_of(
    session: Session,
    iin: str,
    on: date,
    as_of: date | None = None,
    *,
    actor: str,
    channel: str,
    audit_lookup: bool = True,
) -> StatusAnswer:
    """The decision on ``on`` as known on ``as_of`` (R-S-0…R-S-8); the look-up is audited."""
    facts, registered = facts_of(session, iin)
    decision = decide(facts, on, as_of)
    if audit_lookup:
        audit.record_lookup(
            session,
            actor,
            "status.lookup",
            facts.iin,
            f"status asked through {channel}",
            {"date": on, "as_of": decision.as_of, "status": decision.status.value},
        )
    return StatusAnswer(decision, registered)


def calculator_for(
    session: Session, iin: str, on: date, *, actor: str, channel: str
) -> Calculation:
    """The options to become insured when paying on ``on`` (R-K-2, R-K-3)."""
    facts, _ = facts_of(session, iin)
    audit.record_lookup(
        session, actor, "calculator.lookup", facts.iin, f"calculator through {channel}"
    )
    return calculate(facts, on)
