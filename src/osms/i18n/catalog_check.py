"""Checks of the gettext catalogs against the messages the code marks.

:func:`extracted_messages` runs Babel's extraction over the sources as ``pybabel extract``
does, with the mapping of ``babel.cfg`` (Python modules and the page's templates) and
:data:`KEYWORDS`::

    pybabel extract -F babel.cfg -k t:2 -k tn:2,3 -k NC_:1c,2 -k NN_:1,2 -o osms.pot src

:func:`missing_translations` is what the tests (and a translator) run: every message must have
a Kazakh and a Russian translation, in every plural form, with the same ``{name}`` placeholders
as its msgid; every message extracted from the code must be in every catalog.
:func:`unused_messages` lists catalog entries no code uses any more.

Run ``python -m osms.i18n.catalog_check`` from a source checkout to print both.

>>> missing_translations()
{}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from osms.i18n.catalogs import placeholders, read_catalog
from osms.i18n.languages import LANGUAGES

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message
    from babel.messages.extract import _Keyword

__all__ = [
    "KEYWORDS",
    "TRANSLATED",
    "SourceMessage",
    "extracted_messages",
    "missing_translations",
    "unused_messages",
]

SourceMessage = tuple[str | None, str, str | None]
"""(msgctxt, msgid, msgid_plural) of a message the code uses."""

KEYWORDS: Final[Mapping[str, _Keyword]] = {
    **DEFAULT_KEYWORDS,  # _(), N_(), gettext() … and the templates' _()
    "t": (2,),
    "tn": (2, 3),
    "NC_": ((1, "c"), 2),
    "NN_": (1, 2),
}
"""The functions that mark msgids (``osms.i18n.t``, ``tn``, ``N_``, ``NC_``, ``NN_``) and where."""

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


def extracted_messages(source: Path, mapping: Path) -> tuple[SourceMessage, ...]:
    """Every message marked under ``source`` (the ``src`` folder), extracted as ``pybabel
    extract -F mapping`` does with :data:`KEYWORDS`."""
    with mapping.open(encoding="utf-8") as config:
        # Babel's own parser of the mapping file (it carries no annotations).
        method_map, options_map = parse_mapping_cfg(config, str(mapping))  # type: ignore[no-untyped-call]
    found: list[SourceMessage] = []
    for _file, _line, message, _comments, context in extract_from_dir(
        str(source), method_map, options_map, keywords=KEYWORDS, comment_tags=()
    ):
        if isinstance(message, tuple):
            found.append((context, message[0], message[1] if len(message) > 1 else None))
        else:
            found.append((context, message, None))
    return tuple(dict.fromkeys(found))


def missing_translations(wanted: Iterable[SourceMessage] = ()) -> dict[str, list[str]]:
    """Per language, the msgids (``[context] msgid`` when there is one) that need work.

    A language appears only when something is wrong: a msgid of kk or ru without a
    translation (or with a plural form missing, or fuzzy), a msgstr whose placeholders differ
    from its msgid's, or a message of ``wanted`` (:func:`extracted_messages`) that the catalog
    lacks (in any language).  An empty dict means the catalogs are complete.
    """
    wanted = tuple(wanted)
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


def unused_messages(
    used_messages: Iterable[SourceMessage], extra: Iterable[str] = ()
) -> dict[str, list[str]]:
    """Per language, catalog entries that no code uses (stale after a msgid changed).

    ``used_messages`` are the extracted ones; ``extra`` are msgids used without a mark.
    """
    used = {(context, msgid) for context, msgid, _ in used_messages}
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


def _checkout() -> Path:
    """The source checkout this module is in (``src/osms/i18n/catalog_check.py``)."""
    return Path(__file__).resolve().parents[3]


if __name__ == "__main__":  # pragma: no cover
    root = _checkout()
    marked = extracted_messages(root / "src", root / "babel.cfg")
    checks = (("missing", missing_translations(marked)), ("unused", unused_messages(marked)))
    for title, found in checks:
        for lang, names in found.items():
            for name in names:
                print(f"{title}\t{lang}\t{name}")
