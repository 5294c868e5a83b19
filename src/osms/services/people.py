"""Reading one person's facts by IIN, with the IIN checked first."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from osms.registry.facts import load_facts
from osms.rules import iin as iin_rules
from osms.rules.errors import RuleError
from osms.rules.facts import PersonFacts
from osms.services.errors import ServiceError

__all__ = ["checked_iin", "facts_of"]


def checked_iin(number: str) -> str:
    """The compact IIN, or a :class:`ServiceError` with the rule's code (R-IIN-3)."""
    try:
        return iin_rules.validate(number)
    except RuleError as error:
        raise ServiceError(error.code, str(error), field="iin", status=422) from None


def facts_of(session: Session, iin: str, known_on: date | None = None) -> tuple[PersonFacts, bool]:
    """The person's facts, with the category periods as known on ``known_on`` (R-CAT-1; the
    current ones when None), and whether the registry knows them.

    An IIN the registry has never seen still gets an answer from the rules (a child is
    insured by R-C-2; an adult with no payments is not): the facts are then the IIN alone.
    """
    number = checked_iin(iin)
    facts = load_facts(session, number, known_on)
    if facts is not None:
        return facts, True
    return PersonFacts(iin=number, birth_date=iin_rules.birth_date(number)), False
