"""The bot's units of work: one transaction around the use cases a chat message asks for.

These functions are synchronous (SQLAlchemy sessions); the handlers run them in a worker thread
so that one slow query never stalls the polling loop.  The audit trail names who asked as the
actor (``telegram:<chat id>``, and in a group, where the chat is not one person,
``telegram:<chat id>:<user id>``, RULES.md §11) and ``bot`` as the channel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from osms import clock
from osms.rules.calculator import Calculation
from osms.services.status import StatusAnswer, calculator_for, status_of
from osms.views.public import public_calculation

__all__ = [
    "CHANNEL",
    "BotContext",
    "Lookup",
    "actor",
    "calculation",
    "look_up",
]

CHANNEL = "bot"


@dataclass(frozen=True, slots=True)
class BotContext:
    """What the handlers need besides the update: the database and the clock."""

    session_factory: sessionmaker[Session]
    today: Callable[[], date] = clock.today


@dataclass(frozen=True, slots=True)
class Lookup:
    """The answer to an IIN, and the calculator's when there is something to pay."""

    answer: StatusAnswer
    calculation: Calculation | None


def actor(chat_id: int, user_id: int | None = None) -> str:
    """Who asked, for the audit (RULES.md §11): the chat, which in a private chat is its user;
    in a group also the member who asked.

    >>> actor(42), actor(42, 42), actor(-100123, 42)
    ('telegram:42', 'telegram:42', 'telegram:-100123:42')
    """
    if user_id is None or user_id == chat_id:
        return f"telegram:{chat_id}"
    return f"telegram:{chat_id}:{user_id}"


def look_up(context: BotContext, asker: str, iin: str) -> Lookup:
    """Status, debts and, when uninsured, in debt or in the last grace month, what to pay.

    An IIN the registry does not know and the rules do not insure is answered "no records
    yet" (RULES.md §11): no calculator is offered as if it were a debtor's; one the rules
    insure on the IIN alone is offered the prepayments only (:func:`public_calculation`)."""
    on = context.today()
    with context.session_factory() as session, session.begin():
        answer = status_of(session, iin, on, actor=asker, channel=CHANNEL)
        decision = answer.decision
        calc = None
        owes = not decision.insured or decision.debt_months or decision.loses_status_next_month
        if owes and (answer.registered or decision.insured):
            found, _ = calculator_for(session, decision.iin, on, actor=asker, channel=CHANNEL)
            calc = public_calculation(found, known=answer.registered)
        return Lookup(answer, calc)


def calculation(context: BotContext, asker: str, iin: str) -> Calculation:
    """What to pay, as the public is offered it (:func:`~osms.views.public.public_calculation`:
    an IIN the registry does not know is offered the prepayments only)."""
    with context.session_factory() as session, session.begin():
        calc, registered = calculator_for(
            session, iin, context.today(), actor=asker, channel=CHANNEL
        )
        return public_calculation(calc, known=registered)
