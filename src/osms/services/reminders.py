"""The Fund's warnings: who is told, this month, that the status ends next month.

RULES.md §11: "a person in the last grace month is told that status ends next month"; the
decision's :attr:`~osms.rules.status.Decision.ends_with_this_month` says who (insured through
this month, not on the first of the next: R-S-7's flag for a status that lasts the month out).
:func:`due` lists the active subscriptions whose IIN, decided on a date, is so and that have
not been warned in that month yet; :func:`mark_sent` remembers the month once the warning is
delivered, so that a second run in the same month sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from osms.registry import audit, subscriptions
from osms.rules.month import Month
from osms.rules.status import Decision
from osms.services.status import status_of

__all__ = ["Reminder", "due", "mark_sent"]

CHANNEL = "bot"


@dataclass(frozen=True, slots=True)
class Reminder:
    """One warning to send: to ``chat_id``, in ``lang``, about ``iin``'s ``decision``."""

    chat_id: int
    iin: str
    lang: str
    decision: Decision


def due(session: Session, on: date, *, actor: str = "bot:remind") -> list[Reminder]:
    """The warnings due on ``on`` (each IIN decided once, as known on ``on``).

    Reads only; the status look-ups are not audited one by one (:func:`mark_sent` audits
    each warning sent).
    """
    decisions: dict[str, Decision] = {}
    found: list[Reminder] = []
    for subscription in subscriptions.not_reminded_in(session, Month.of(on)):
        decision = decisions.get(subscription.iin)
        if decision is None:
            decision = status_of(
                session, subscription.iin, on, actor=actor, channel=CHANNEL, audit_lookup=False
            ).decision
            decisions[subscription.iin] = decision
        if decision.ends_with_this_month:
            found.append(
                Reminder(subscription.chat_id, subscription.iin, subscription.lang, decision)
            )
    return found


def mark_sent(session: Session, reminder: Reminder, *, actor: str) -> None:
    """Remember that ``reminder`` was delivered in its month (audited as ``bot.remind``)."""
    subscription = subscriptions.get(session, reminder.chat_id, reminder.iin)
    if subscription is None:
        raise LookupError(f"no subscription of chat {reminder.chat_id} to {reminder.iin}")
    subscriptions.remember(session, subscription, reminder.decision.month)
    audit.record(
        session,
        actor,
        "bot.remind",
        reminder.iin,
        "warned that the status ends next month (RULES.md §11, R-S-7)",
        {
            "chat_id": reminder.chat_id,
            "month": reminder.decision.month,
            "insured_until": reminder.decision.insured_until,
        },
    )
