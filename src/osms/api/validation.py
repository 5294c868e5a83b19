"""What is wrong with one input of a request, in the request's language (``errors[].text``).

FastAPI checks a request with Pydantic, whose texts are English and technical ("Field
required", "Input should be a valid integer, unable to parse string as an integer"); the API
keeps them, unchanged, as ``errors[].message``.  This gives each error a text a person can read
in kk, ru or en, by its Pydantic ``type``: the common ones have their own (with the limit the
input broke, a date written as a date), any other the generic one.

>>> text_of({"type": "string_too_long", "ctx": {"max_length": 32}}, "ru")
'Не более 32 символов.'
>>> text_of({"type": "greater_than_equal", "ctx": {"ge": "2020-01-01"}}, "en")
'The date must be 1 January 2020 or later.'
>>> text_of({"type": "literal_error", "ctx": {"expected": "'kk', 'ru' or 'en'"}}, "kk")
'Рұқсат етілген мәндер: kk, ru, en.'
>>> text_of({"type": "no_such_type"}, "en")
'The value is not valid.'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Final

from osms.i18n import N_, NN_, t, tn

__all__ = ["text_of"]

_PLAIN: Final[Mapping[str, str]] = {
    "missing": N_("This field is required."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "decimal_parsing": N_("Enter a number."),
    "decimal_type": N_("Enter a number."),
    "float_parsing": N_("Enter a number."),
    "float_type": N_("Enter a number."),
    "bool_parsing": N_("Enter true or false."),
    "bool_type": N_("Enter true or false."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_type": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": N_("Enter a date as YYYY-MM-DD."),
    "json_invalid": N_("The body is not valid JSON."),
    "json_type": N_("The body is not valid JSON."),
    "string_pattern_mismatch": N_("The value does not have the expected form."),
}
"""Texts that need nothing from the error's context."""

_BOUNDS: Final[Mapping[str, tuple[str, str, str]]] = {
    # type: (the bound's name, the text for a number, the text for a date)
    "greater_than": ("gt", N_("Must be greater than {gt}."), N_("The date must be after {gt}.")),
    "greater_than_equal": (
        "ge",
        N_("Must be at least {ge}."),
        N_("The date must be {ge} or later."),
    ),
    "less_than": ("lt", N_("Must be less than {lt}."), N_("The date must be before {lt}.")),
    "less_than_equal": (
        "le",
        N_("Must be at most {le}."),
        N_("The date must be {le} or earlier."),
    ),
}

_LENGTHS: Final[Mapping[str, tuple[str, tuple[str, str]]]] = {
    # type: (the context's count, its text)
    "string_too_long": ("max_length", NN_("At most {n} character.", "At most {n} characters.")),
    "string_too_short": ("min_length", NN_("At least {n} character.", "At least {n} characters.")),
    "too_long": ("max_length", NN_("At most {n} item.", "At most {n} items.")),
    "too_short": ("min_length", NN_("At least {n} item.", "At least {n} items.")),
    "decimal_max_digits": ("max_digits", NN_("At most {n} digit.", "At most {n} digits.")),
    "decimal_max_places": (
        "decimal_places",
        NN_(
            "At most {n} digit after the decimal point.",
            "At most {n} digits after the decimal point.",
        ),
    ),
}

_CHOICES: Final = frozenset({"literal_error", "enum"})
_GENERIC: Final = N_("The value is not valid.")
_QUOTED: Final = re.compile(r"'([^']*)'")
_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def text_of(error: Mapping[str, Any], lang: str) -> str:
    """The text of one Pydantic error (``type``, ``ctx``) in ``lang``."""
    kind = str(error.get("type", ""))
    context: Mapping[str, Any] = error.get("ctx") or {}
    if kind in _PLAIN:
        return t(lang, _PLAIN[kind])
    if kind in _BOUNDS:
        return _bound(lang, kind, context)
    if kind in _LENGTHS and isinstance(context.get(_LENGTHS[kind][0]), int):
        name, (singular, plural) = _LENGTHS[kind]
        return tn(lang, singular, plural, context[name])
    if kind in _CHOICES and "expected" in context:
        choices = ", ".join(_QUOTED.findall(str(context["expected"])))
        return t(lang, "Allowed values: {choices}.", choices=choices)
    return t(lang, _GENERIC)


def _bound(lang: str, kind: str, context: Mapping[str, Any]) -> str:
    """A number's or a date's bound (Pydantic gives a date's as ``YYYY-MM-DD``)."""
    name, number, date = _BOUNDS[kind]
    bound = context.get(name)
    if bound is None:
        return t(lang, _GENERIC)
    if _DAY.fullmatch(str(bound)):
        return t(lang, date, **{name: dt.date.fromisoformat(str(bound))})
    return t(lang, number, **{name: bound})
