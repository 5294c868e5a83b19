"""Kazakh and Russian names for synthetic people, in Cyrillic, as the registry keeps them.

About 72 % of the people get a Kazakh name: a patronymic in -ұлы / -қызы for most of those
born from 1992, in -ович / -овна (from the Russified stem of the father's name) for most of the
older ones; the others get a Russian name, patronymic and surname agreeing with their sex.  The
lists are data: ``data/names.yaml``.
"""

from __future__ import annotations

import random
from datetime import date
from functools import cache
from importlib import resources
from typing import Final, NamedTuple

import yaml

from osms.rules.iin import Sex

__all__ = ["FEMALE", "MALE", "Names", "draw_names"]

MALE: Final[Sex] = "male"
FEMALE: Final[Sex] = "female"


class Names(NamedTuple):
    """A person's names as the registry keeps them, in Cyrillic."""

    surname: str
    given_name: str
    patronymic: str


class _Kazakh(NamedTuple):
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    """A man's form; a woman's adds -а."""
    fathers: tuple[tuple[str, str], ...]
    """A father's name and its Russified stem (for -ович / -овна)."""


class _Russian(NamedTuple):
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[tuple[str, str], ...]
    """(of a man, of a woman), as the patronymics."""
    patronymics: tuple[tuple[str, str], ...]


@cache
def _lists() -> tuple[_Kazakh, _Russian]:
    """The Kazakh and Russian name lists of ``data/names.yaml``."""
    text = resources.files("osms.synthetic").joinpath("data/names.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    kazakh, russian = data["kazakh"], data["russian"]
    return (
        _Kazakh(
            tuple(kazakh["male"]),
            tuple(kazakh["female"]),
            tuple(kazakh["surnames"]),
            tuple(kazakh["fathers"].items()),
        ),
        _Russian(
            tuple(russian["male"]),
            tuple(russian["female"]),
            tuple((man, woman) for man, woman in russian["surnames"]),
            tuple((man, woman) for man, woman in russian["patronymics"]),
        ),
    )


def draw_names(rng: random.Random, sex: Sex, birth: date) -> Names:
    """Names for a person of ``sex`` (:data:`MALE` or :data:`FEMALE`) born on ``birth``."""
    kazakh, russian = _lists()
    if rng.random() < 0.72:
        given = rng.choice(kazakh.male if sex == MALE else kazakh.female)
        surname = rng.choice(kazakh.surnames)
        if sex == FEMALE:
            surname += "а"
        father, stem = rng.choice(kazakh.fathers)
        traditional = 0.85 if birth.year >= 1992 else 0.3
        if rng.random() < traditional:
            patronymic = father + ("ұлы" if sex == MALE else "қызы")
        else:
            patronymic = stem + ("ович" if sex == MALE else "овна")
        return Names(surname, given, patronymic)
    male_surname, female_surname = rng.choice(russian.surnames)
    male_patronymic, female_patronymic = rng.choice(russian.patronymics)
    if sex == MALE:
        return Names(male_surname, rng.choice(russian.male), male_patronymic)
    return Names(female_surname, rng.choice(russian.female), female_patronymic)
