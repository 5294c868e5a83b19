"""The languages of OSMS and how a request's language is chosen (R-S-8).

Kazakh is the default everywhere (:data:`DEFAULT_LANGUAGE`); ``kz`` (as people often write it)
means Kazakh.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LANGUAGE_NAMES", "negotiate", "resolve"]

LANGUAGES: Final[tuple[str, ...]] = ("kk", "ru", "en")
"""The supported languages: Kazakh, Russian, English."""

DEFAULT_LANGUAGE: Final[str] = "kk"
"""Kazakh is the default everywhere."""

LANGUAGE_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {"kk": "Қазақша", "ru": "Русский", "en": "English"}
)
"""Each language by its own name (the bot's buttons and the page's switch show them as they are,
in every language)."""

ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {"kz": "kk", "kaz": "kk", "rus": "ru", "eng": "en"}
)
"""Codes people write for a supported language."""


def _language_of(tag: str) -> str | None:
    tag = tag.strip().lower().replace("_", "-")
    if tag == "*":
        return DEFAULT_LANGUAGE
    primary = tag.split("-", 1)[0]
    primary = ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0
    return 1.0


def negotiate(value: str | None) -> str:
    """A supported language for a language code or an HTTP ``Accept-Language`` header.

    Preferences are taken by their ``q`` weight, then in order; ``kz`` (as people often write
    it) means Kazakh; ``*``, an unknown language or nothing gives :data:`DEFAULT_LANGUAGE`.

    >>> negotiate("ru-RU,ru;q=0.9,en;q=0.8")
    'ru'
    >>> negotiate("kz")
    'kk'
    >>> negotiate("de-DE,de;q=0.9,en;q=0.5,ru;q=0.7")
    'ru'
    >>> negotiate("en_GB")
    'en'
    >>> negotiate("fr"), negotiate(None), negotiate("")
    ('kk', 'kk', 'kk')
    """
    if not value:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(value.split(",")):
        tag, _, params = part.partition(";")
        language = _language_of(tag)
        quality = _quality(params)
        if language is not None and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def resolve(lang: str) -> str:
    """``lang`` itself when supported, else what :func:`negotiate` makes of it."""
    return lang if lang in LANGUAGES else negotiate(lang)
