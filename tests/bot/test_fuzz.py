"""Fuzz the bot: whatever a person writes or whichever button data arrives (a client may send
any), the bot answers it; it never falls back to "Something went wrong".

The failure answer is the error handler's (:func:`osms.bot.handlers.on_error`): an exception in
a handler is logged and the chat gets that message, so seeing it is seeing a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from osms.bot import notices, texts
from osms.i18n import LANGUAGES
from tests.bot.conftest import (
    GRACE,
    UNKNOWN,
    Conversation,
    callback_update,
    grace_payer,
    message_update,
)

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

FAILURES = {texts.unexpected_error_message(lang) for lang in LANGUAGES}

_COMMANDS = ["/start", "/help", "/calc", "/subscribe", "/unsubscribe"]
_COMMANDS += [f"/{notices.SUBSCRIPTIONS_COMMAND}", "/calc@osms_test_bot", "/unknown"]
_PREFIXES = [texts.LANGUAGE_CALLBACK, texts.CALC_CALLBACK, texts.SUBSCRIBE_CALLBACK]
_PREFIXES += [notices.REMOVE_CALLBACK, "", "x:"]


def _argument() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([GRACE, UNKNOWN, "kk", "ru", "en", "", " ", "0" * 12, "9" * 40]),
        st.from_regex(r"\A[0-9]{12}\Z"),
        st.text(max_size=40),
    )


def _message() -> st.SearchStrategy[str]:
    command = st.tuples(st.sampled_from(_COMMANDS), _argument()).map(" ".join)
    return st.one_of(command, _argument(), st.text(min_size=1, max_size=300))


def _callback() -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(_PREFIXES), _argument()).map("".join)


def _answers(calls: list[Any]) -> list[str]:
    return [c.text for c in calls if isinstance(c, SendMessage | EditMessageText)]


@pytest.fixture
def known_payer(session: Session, store_facts: Callable[..., None]) -> str:
    """The registry knows :data:`GRACE` (in the grace period), so look-ups find a person."""
    store_facts(session, grace_payer())
    session.commit()
    return GRACE


@sqlite_only
@pytest.mark.usefixtures("known_payer")
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    events=st.lists(
        st.tuples(st.booleans(), st.one_of(_message(), _callback())), min_size=1, max_size=4
    ),
    chat=st.integers(min_value=-(10**12), max_value=10**12).filter(bool),
)
def test_no_message_or_button_makes_the_bot_fail(
    conversation: Conversation, events: list[tuple[bool, str]], chat: int
) -> None:
    for is_button, data in events:
        if is_button and len(data.encode()) > 64:  # Telegram's limit on callback data
            continue
        update = callback_update(chat, data) if is_button else message_update(chat, data)
        answered = _answers(conversation.feed(update))
        assert not FAILURES & set(answered), (is_button, data, answered)
