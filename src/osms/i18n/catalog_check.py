"""Checks of the gettext catalogs against the messages the code uses.

:func:`missing_translations` is what the tests (and a translator) run: every message must have
a Kazakh and a Russian translation, in every plural form, with the same ``{name}`` placeholders
as its msgid; every message the code uses (:func:`osms.i18n.source_messages`) must be in every
catalog.  :func:`unused_messages` lists catalog entries no code uses any more.

Run ``python -m osms.i18n.catalog_check`` to print both.

>>> missing_translations()
{}
>>> sorted(unused_messages())  # the bot's and the page's texts are used above this package
['en', 'kk', 'ru']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from osms.i18n import LANGUAGES, placeholders, read_catalog, source_messages

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

__all__ = ["TRANSLATED", "missing_translations", "unused_messages"]

TRANSLATED: Final[tuple[str, ...]] = ("kk", "ru")
"""The languages whose every msgstr must be filled; English may leave msgstr empty."""


def _name(context: str | None, msgid: str) -> str:
    return msgid if context is None else f"[{context}] {msgid}"


def _as_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(str(v) for v in value)
    return (str(value),) if value is not None else ()


def _problem(message: Message, catalog: Catalog, required: bool) -> str | None:
    """Why an entry is not a usable translation, or None."""
    ids = _as_tuple(message.id)
    strings = _as_tuple(message.string)
    if message.fuzzy:
        return "fuzzy"
    if len(ids) > 1 and len(strings) != catalog.num_plurals:
        return f"{len(strings)} plural forms, expected {catalog.num_plurals}"
    if not any(strings):
        return "not translated" if required else None
    if not all(strings):
        return "a plural form is not translated"
    try:
        expected = frozenset().union(*(placeholders(i) for i in ids))
        for text in strings:
            if placeholders(text) != expected:
                found = ", ".join(sorted(placeholders(text))) or "none"
                return f"placeholders differ: {found}"
    except ValueError as error:
        return f"cannot read placeholders: {error}"
    return None


def missing_translations() -> dict[str, list[str]]:
    """Per language, the msgids (``[context] msgid`` when there is one) that need work.

    A language appears only when something is wrong: a msgid of kk or ru without a
    translation (or with a plural form missing, or fuzzy), a msgstr whose placeholders differ
    from its msgid's, or a message the code uses that the catalog lacks (in any language).
    An empty dict means the catalogs are complete.
    """
    wanted = source_messages()
    result: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        catalog = read_catalog(lang)
        problems: list[str] = []
        present: dict[tuple[str | None, str], bool] = {}
        for message in catalog:
            if not message.id:
                continue  # the header
            ids = _as_tuple(message.id)
            name = _name(message.context, ids[0])
            present[(message.context, ids[0])] = len(ids) > 1
            problem = _problem(message, catalog, required=lang in TRANSLATED)
            if problem is not None:
                problems.append(f"{name} ({problem})")
        for context, msgid, plural in wanted:
            is_plural = present.get((context, msgid))
            if is_plural is None:
                problems.append(f"{_name(context, msgid)} (not in the catalog)")
            elif is_plural != (plural is not None):
                problems.append(f"{_name(context, msgid)} (plural forms do not match the code)")
        if problems:
            result[lang] = problems
    return result


def unused_messages(extra: Iterable[str] = ()) -> dict[str, list[str]]:
    """Per language, catalog entries that no code uses (stale after a msgid changed).

    ``extra`` are the msgids the doors above this package use (the bot's and the page's
    lists), which this package cannot import.
    """
    used = {(context, msgid) for context, msgid, _ in source_messages()}
    used.update((None, msgid) for msgid in extra)
    result: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        stale = [
            _name(message.context, _as_tuple(message.id)[0])
            for message in read_catalog(lang)
            if message.id and (message.context, _as_tuple(message.id)[0]) not in used
        ]
        if stale:
            result[lang] = stale
    return result


if __name__ == "__main__":  # pragma: no cover
    for title, found in (("missing", missing_translations()), ("unused", unused_messages())):
        for lang, names in found.items():
            for name in names:
                print(f"{title}\t{lang}\t{name}")
