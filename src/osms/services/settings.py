"""Operational settings of the use cases, read from the environment (not rules: those are
:mod:`osms.rules.choices`, RULES.md §12).

=====================  ===============================================================  =======
environment            meaning                                                          default
=====================  ===============================================================  =======
``OSMS_FOUR_EYES``     the decider of a refund (R-R-1) or a temporary-status            ``on``
                       application (R-TMP-1) is not the person who recorded it;
                       ``off`` (or ``0``, ``false``, ``no``) lets one operator do both,
                       for a one-person office (each step stays audited)
=====================  ===============================================================  =======

>>> DecisionSettings.from_env({"OSMS_FOUR_EYES": "off"})
DecisionSettings(four_eyes=False)
>>> DecisionSettings.from_env({})
DecisionSettings(four_eyes=True)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["FOUR_EYES_ENV", "DecisionSettings", "switch"]

FOUR_EYES_ENV = "OSMS_FOUR_EYES"

_ON = frozenset({"1", "on", "true", "yes"})
_OFF = frozenset({"0", "off", "false", "no"})

_Unset = TypeVar("_Unset", bool, None)


def switch(environ: Mapping[str, str], name: str, unset: _Unset, *, spelled: str) -> bool | _Unset:
    """An on/off setting of the environment: ``1``, ``on``, ``true``, ``yes`` or ``0``, ``off``,
    ``false``, ``no`` (any case); ``unset`` when it is unset or empty.  Anything else is refused,
    asking for the values as ``spelled`` (the settings' tables name them so).

    >>> switch({"OSMS_DEMO": "Yes"}, "OSMS_DEMO", None, spelled="1 or 0")
    True
    >>> switch({}, "OSMS_DEMO", None, spelled="1 or 0") is None
    True
    """
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return unset
    if raw in _ON:
        return True
    if raw in _OFF:
        return False
    raise ValueError(f"{name} must be {spelled}, got {raw!r}")


@dataclass(frozen=True, slots=True)
class DecisionSettings:
    """How operators' decisions are checked."""

    four_eyes: bool = True
    """The decider is not the applicant (the person who recorded the application)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DecisionSettings:
        env = os.environ if environ is None else environ
        return cls(four_eyes=switch(env, FOUR_EYES_ENV, True, spelled="on or off"))
