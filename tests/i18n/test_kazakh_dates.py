"""A date in Kazakh takes its case through ``күн`` ("day"): ``{date} күніне дейін`` (until),
``{date} күнінен бастап`` (from), ``{date} күні`` (on), ``{date} күнін қоса алғанда``
(included). A bare date before a postposition (``29 желтоқсан дейін``) is ungrammatical, since
the month's name would need the case ending itself (reviews/language.md)."""

from __future__ import annotations

import re
from importlib import resources

from babel.messages.pofile import read_po

_DAY = r"\{(?:date|start|end|paid|credited|[a-z_]*_on|[a-z_]*_by)\}"
_NEEDS_CASE = (
    "дейін",
    "бастап",
    "қоса",
    "төлен",
    "тіркеген",
    "қайтарыл",
    "тексеріл",
    "есепке",
    "арқылы",
    "шешіл",
)
BARE_DATE = re.compile(rf"{_DAY}\s+(?:{'|'.join(_NEEDS_CASE)})")


def test_no_kazakh_text_puts_a_bare_date_before_a_postposition() -> None:
    catalog = resources.files("osms.i18n").joinpath("locales/kk/LC_MESSAGES/osms.po")
    with catalog.open("rb") as stream:
        messages = read_po(stream, locale="kk")
    found = [
        (message.id, text)
        for message in messages
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if text and BARE_DATE.search(text)
    ]
    assert found == []


def test_the_check_finds_what_it_is_for() -> None:
    assert BARE_DATE.search("{date} дейін шешілуі тиіс")
    assert BARE_DATE.search("{paid_on} төленді")
    assert not BARE_DATE.search("{date} күніне дейін шешілуі тиіс")
    assert not BARE_DATE.search("{month} айын қоса алғанда")
