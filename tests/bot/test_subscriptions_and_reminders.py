"""Subscriptions and the Fund's warnings as use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from osms.bot import texts
from osms.i18n import t
from osms.registry.models import AuditEvent, BotSubscription
from osms.rules.facts import PersonFacts, TemporaryGrant
from osms.rules.month import Month
from osms.rules.status import decide
from osms.services import reminders, subscriptions
from osms.services.errors import ServiceError
from osms.views.card import decision_card
from osms.views.fragments import ENDS_NEXT_MONTH
from tests.bot.conftest import GRACE, TODAY, UNKNOWN, grace_payer, monthly_payer


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_subscribe_renew_and_unsubscribe(session: Session) -> None:
    created = subscriptions.subscribe(session, 7, "9005-1530-0018", "ru", actor="telegram:7")
    assert (created.chat_id, created.iin, created.lang, created.active) == (7, GRACE, "ru", True)
    assert created.last_reminded_period is None
    assert subscriptions.unsubscribe(session, 7, GRACE, actor="telegram:7") is True
    assert subscriptions.unsubscribe(session, 7, GRACE, actor="telegram:7") is False
    assert subscriptions.active_for_chat(session, 7) == []
    renewed = subscriptions.subscribe(session, 7, GRACE, "en", actor="telegram:7")
    assert (renewed.lang, renewed.active) == ("en", True)
    assert subscriptions.active_for_chat(session, 7) == [renewed]
    assert _actions(session) == ["bot.subscribe", "bot.unsubscribe", "bot.subscribe"]
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.actor, event.iin) == ("telegram:7", GRACE)
    assert event.detail == {"chat_id": 7, "lang": "en", "renewed": True}


def test_subscribe_refuses_a_bad_iin_or_language(session: Session) -> None:
    with pytest.raises(ServiceError) as bad_iin:
        subscriptions.subscribe(session, 7, "900515300019", "kk", actor="telegram:7")
    assert bad_iin.value.code == "iin.checksum"
    with pytest.raises(ServiceError) as bad_lang:
        subscriptions.subscribe(session, 7, GRACE, "de", actor="telegram:7")
    assert bad_lang.value.code == "subscription.language"
    assert session.scalars(select(BotSubscription)).all() == []


FAMILY = ("900515300018", "850312401235", "010101500013", "020202600010", "030303500015")


def test_a_chat_holds_at_most_limit_subscriptions(session: Session) -> None:
    for iin in FAMILY:
        subscriptions.subscribe(session, 7, iin, "kk", actor="telegram:7", limit=5)
    with pytest.raises(ServiceError) as refused:
        subscriptions.subscribe(session, 7, "040404500016", "kk", actor="telegram:7", limit=5)
    assert refused.value.code == subscriptions.LIMIT_CODE == "subscription.limit"
    assert "040404500016" not in [s.iin for s in subscriptions.active_for_chat(session, 7)]
    # renewing one the chat holds is no new subscription; another chat has its own limit
    subscriptions.subscribe(session, 7, FAMILY[0], "ru", actor="telegram:7", limit=5)
    subscriptions.subscribe(session, 8, "040404500016", "kk", actor="telegram:8", limit=5)
    # a removed one frees its place
    assert subscriptions.unsubscribe(session, 7, FAMILY[1], actor="telegram:7")
    subscriptions.subscribe(session, 7, "040404500016", "kk", actor="telegram:7", limit=5)
    assert len(subscriptions.active_for_chat(session, 7)) == 5
    assert _actions(session).count("bot.subscribe") == 8  # the refused one is not audited


def test_due_in_the_last_grace_month_once_per_month(
    session: Session, store_facts: Callable[..., None]
) -> None:
    store_facts(session, grace_payer())
    store_facts(session, monthly_payer(UNKNOWN, Month(2024, 9), Month(2025, 9)))  # regular
    subscriptions.subscribe(session, 1, GRACE, "ru", actor="telegram:1")
    subscriptions.subscribe(session, 2, GRACE, "kk", actor="telegram:2")
    subscriptions.subscribe(session, 3, GRACE, "en", actor="telegram:3")
    subscriptions.unsubscribe(session, 3, GRACE, actor="telegram:3")
    subscriptions.subscribe(session, 1, UNKNOWN, "ru", actor="telegram:1")

    assert reminders.due(session, date(2025, 8, 15)) == []  # grace, but not the last month
    due = reminders.due(session, TODAY)
    assert [(r.chat_id, r.iin, r.lang) for r in due] == [(1, GRACE, "ru"), (2, GRACE, "kk")]
    decision = due[0].decision
    assert decision.loses_status_next_month
    assert decision.insured_until == date(2025, 9, 30)
    assert _actions(session).count("status.lookup") == 0

    reminders.mark_sent(session, due[0], actor="bot:remind")
    subscription = session.get(BotSubscription, (1, GRACE))
    assert subscription is not None and subscription.last_reminded_period == Month(2025, 9)
    assert [r.chat_id for r in reminders.due(session, date(2025, 9, 30))] == [2]
    reminders.mark_sent(session, due[1], actor="bot:remind")
    assert reminders.due(session, TODAY) == []
    assert reminders.due(session, date(2025, 10, 15)) == []  # uninsured by then: nothing to warn
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "bot.remind").order_by(AuditEvent.id)
    ).first()
    assert event is not None
    assert event.detail == {"chat_id": 1, "month": "2025-09", "insured_until": "2025-09-30"}


def test_an_unregistered_iin_is_never_warned_and_mark_sent_needs_a_subscription(
    session: Session,
) -> None:
    subscriptions.subscribe(session, 1, GRACE, "kk", actor="telegram:1")
    assert reminders.due(session, TODAY) == []  # unknown to the registry: not insured
    stray = reminders.Reminder(9, GRACE, "kk", decide(grace_payer(), TODAY))
    with pytest.raises(LookupError):
        reminders.mark_sent(session, stray, actor="bot:remind")


def test_a_temporary_grant_ending_this_month_is_no_last_grace_month(
    session: Session, store_facts: Callable[..., None]
) -> None:
    """A grant of 23 August … 22 September 2025 loses status before October (R-S-7's flag), but
    "status ends next month: pay now to keep it" would be wrong twice: it ends on the 22nd, and
    it is a state-paid category's status, not one to pay for (RULES.md §11, R-TMP-1)."""
    grant = TemporaryGrant("pregnant", date(2025, 8, 23), date(2025, 9, 23))
    facts = PersonFacts(iin=UNKNOWN, birth_date=date(1985, 3, 12), temporary=(grant,))
    decision = decide(facts, TODAY)
    assert decision.insured_until == date(2025, 9, 22)
    assert decision.loses_status_next_month and not decision.ends_with_this_month
    assert decide(grace_payer(), TODAY).ends_with_this_month  # the Fund's warning stays
    on_the_first = TemporaryGrant("pregnant", date(2025, 9, 1), date(2025, 10, 1))
    first = decide(replace(facts, temporary=(on_the_first,)), TODAY)
    assert first.insured_until == date(2025, 9, 30) and not first.ends_with_this_month

    store_facts(session, facts)
    subscriptions.subscribe(session, 1, UNKNOWN, "ru", actor="telegram:1")
    assert reminders.due(session, TODAY) == []
    for lang in ("kk", "ru", "en"):
        warning = t(lang, ENDS_NEXT_MONTH)
        assert warning not in decision_card(decision, lang)
        assert warning not in texts.status_message(decision, lang, registered=True)
        assert warning in texts.status_message(decide(grace_payer(), TODAY), lang, registered=True)
