"""Reading one person's facts by IIN, with the IIN checked first; an operator's file of the
person (:func:`person_file`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy.orm import Session

from osms.registry import audit, ledger, people
from osms.registry import categories as category_records
from osms.registry import refunds as refund_records
from osms.registry import temporary as temporary_records
from osms.registry.facts import load_facts
from osms.registry.models import (
    ApplicationStatus,
    AuditEvent,
    CategoryPeriodRecord,
    CategoryPeriodVersion,
    PayerKindPeriod,
    Payment,
    Person,
    RefundApplication,
    Register,
    TemporaryApplication,
)
from osms.rules import iin as iin_rules
from osms.rules.checkdigit import LENGTH as IIN_LENGTH
from osms.rules.errors import RuleError
from osms.rules.facts import PersonFacts
from osms.rules.status import Decision, decide
from osms.services.errors import ServiceError
from osms.services.lookups import record_lookup

__all__ = [
    "PaymentLine",
    "PersonFile",
    "ascii_digits",
    "checked_iin",
    "facts_of",
    "iin_in_text",
    "person_file",
]


def ascii_digits(number: str) -> str:
    """``number`` with every decimal digit of another script written as the ASCII digit of the
    same value: the full-width digits of a phone's CJK keyboard (０-９), the Arabic-Indic
    (٠-٩) and Persian (۰-۹) ones … are digits that a person typed, not "non-digits".

    >>> ascii_digits("９１０８１２ ٤١٨٩١٥")
    '910812 418915'
    """
    return "".join(
        str(unicodedata.decimal(c)) if not c.isascii() and c.isdecimal() else c for c in number
    )


def checked_iin(number: str) -> str:
    """The compact IIN, or a :class:`ServiceError` with the rule's code (R-IIN-3); digits of
    any script are read as digits (:func:`ascii_digits`)."""
    try:
        return iin_rules.validate(ascii_digits(number))
    except RuleError as error:
        raise ServiceError(error.code, str(error), field="iin", status=422) from None


_NUMBER = re.compile(r"[0-9]+(?:[\s.\-]+[0-9]+)*")
"""A number as a person writes it: digits, perhaps grouped by spaces, dots or hyphens."""
_SEPARATORS = re.compile(r"[\s.\-]+")
_IIN_GROUPINGS: Final = frozenset({(IIN_LENGTH,), (6, 6), (4, 4, 4), (3, 3, 3, 3)})
"""How an IIN is written among words: whole, or in equal groups; a date and an amount side by
side ("оплатил 12.05.2024 4007") also make 12 digits, but are not an IIN."""


def iin_in_text(text: str) -> str:
    """The IIN in what a person typed (the page's field, a chat message): the one number among
    the words when it has an IIN's 12 digits ("ИИН: 910812 418915" gives '910812418915'), in
    any script's digits.  Any other text (several numbers, none, one of another length) is
    returned as it is, for :func:`checked_iin` to refuse with its reason; a machine's IIN
    (the API's path) is checked as sent, never read so.

    >>> iin_in_text("Мой ИИН 910812418915"), iin_in_text("ЖСН: ９１０８１２-418915.")
    ('910812418915', '910812418915')
    >>> iin_in_text("910812418915 и 910812418916"), iin_in_text("ИИН 91081241891")
    ('910812418915 и 910812418916', 'ИИН 91081241891')
    >>> iin_in_text("оплатил 12.05.2024 4007")
    'оплатил 12.05.2024 4007'
    """
    numbers = _NUMBER.findall(ascii_digits(text))
    if len(numbers) != 1:
        return text
    groups = tuple(len(group) for group in _SEPARATORS.split(numbers[0]))
    return _SEPARATORS.sub("", numbers[0]) if groups in _IIN_GROUPINGS else text


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


@dataclass(frozen=True)
class PaymentLine:
    """One payment of the person with the register that brought it and its approved refund."""

    payment: Payment
    register: Register | None
    refund: RefundApplication | None
    credited_on: date
    """The payment's credit day (R-T-3): stored, or computed by today's calendar."""


@dataclass(frozen=True)
class PersonFile:
    """What an operator sees of one person: the facts, every payment with its id and register,
    the category periods with their earlier versions, the applications and their decisions,
    and the latest events of the audit trail about the IIN (RULES.md §11)."""

    iin: str
    person: Person | None
    decision: Decision
    """The status today (R-S-7)."""
    payer_kinds: list[PayerKindPeriod]
    payments: list[PaymentLine]
    categories: list[CategoryPeriodRecord]
    category_history: list[CategoryPeriodVersion]
    temporary: list[TemporaryApplication]
    refunds: list[RefundApplication]
    events: list[AuditEvent]
    """The latest events about the IIN, newest first (this look-up among them)."""


def person_file(
    session: Session, iin: str, *, today: date, actor: str, channel: str, recent: int = 20
) -> PersonFile:
    """Everything the registry holds about one IIN, for an operator; the look-up is audited
    (``person.lookup``) before anything is read."""
    number = checked_iin(iin)
    record_lookup(session, actor, "person.lookup", number, f"person file read through {channel}")
    facts, _ = facts_of(session, number, today)
    refund_list = refund_records.for_person(session, number)
    refunded = {r.payment_id: r for r in refund_list if r.status is ApplicationStatus.APPROVED}
    rows = ledger.for_person_with_registers(session, number)
    return PersonFile(
        iin=number,
        person=people.get(session, number),
        decision=decide(facts, today),
        payer_kinds=people.payer_kinds(session, number),
        payments=[
            PaymentLine(p, r, refunded.get(p.id), ledger.credit_day(p.paid_on, p.credited_on))
            for p, r in rows
        ],
        categories=category_records.for_person(session, number),
        category_history=category_records.history_for_person(session, number),
        temporary=temporary_records.for_person(session, number),
        refunds=refund_list,
        events=audit.for_person(session, number, recent),
    )
