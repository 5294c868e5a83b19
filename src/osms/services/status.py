"""Status, payments of the last 12 months, debts and the calculator, by IIN.

Every look-up is audited (RULES.md §11) with who asked, through which door and, for the
citizen page, from which address, in the look-up's own transaction: the door commits it
before the answer leaves.  When the event cannot be written the look-up fails with
``audit.unavailable`` (503), never an unaudited answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from osms.rules.calculator import Calculation, calculate
from osms.rules.status import Decision, decide
from osms.services.lookups import record_lookup
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
    address: str | None = None,
    audit_lookup: bool = True,
) -> StatusAnswer:
    """The decision on ``on`` as known on ``as_of`` (R-S-0…R-S-8, the category periods too,
    R-CAT-1); the look-up is audited."""
    facts, registered = facts_of(session, iin, as_of or on)
    decision = decide(facts, on, as_of)
    if audit_lookup:
        record_lookup(
            session,
            actor,
            "status.lookup",
            facts.iin,
            f"status asked through {channel}",
            {"date": on, "as_of": decision.as_of, "status": decision.status.value},
            address=address,
        )
    return StatusAnswer(decision, registered)


def calculator_for(
    session: Session,
    iin: str,
    on: date,
    *,
    actor: str,
    channel: str,
    address: str | None = None,
) -> tuple[Calculation, bool]:
    """The options to become insured when paying on ``on`` (R-K-2, R-K-3), and whether the
    registry holds the IIN (False: the options rest on the IIN alone); audited."""
    facts, registered = facts_of(session, iin, on)
    calculation = calculate(facts, on)
    record_lookup(
        session,
        actor,
        "calculator.lookup",
        facts.iin,
        f"calculator through {channel}",
        {"date": on},
        address=address,
    )
    return calculation, registered
