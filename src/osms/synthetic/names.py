"""Kazakh and Russian names for synthetic people, in Cyrillic, as the registry keeps them.

About 72 % of the people get a Kazakh name: a patronymic in -ұлы / -қызы for most of those
born from 1992, in -ович / -овна (from the Russified stem of the father's name) for most of the
older ones; the others get a Russian name, patronymic and surname agreeing with their sex.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Final, NamedTuple

from osms.rules.iin import Sex

__all__ = ["FEMALE", "MALE", "Names", "draw_names"]

MALE: Final[Sex] = "male"
FEMALE: Final[Sex] = "female"


class Names(NamedTuple):
    """A person's names as the registry keeps them, in Cyrillic."""

    surname: str
    given_name: str
    patronymic: str


_KAZAKH_MALE = (
    "Әлібек", "Нұрлан", "Серік", "Ерлан", "Асқар", "Бауыржан", "Дәурен", "Ержан", "Қайрат",
    "Мұрат", "Арман", "Бекзат", "Нұрсұлтан", "Дархан", "Ғалым", "Жандос", "Санжар", "Әділет",
    "Ілияс", "Темірлан", "Айбек", "Рүстем", "Талғат", "Ербол", "Азамат", "Ақжол", "Ерасыл",
    "Мағжан", "Тимур", "Алихан",
)  # fmt: skip
_KAZAKH_FEMALE = (
    "Айгерім", "Жанар", "Гүлнар", "Әсем", "Аружан", "Динара", "Мәдина", "Жанна", "Салтанат",
    "Айжан", "Гүлмира", "Назерке", "Ақбота", "Дана", "Томирис", "Әйгерім", "Сәуле", "Ләззат",
    "Мөлдір", "Інкәр", "Балжан", "Ақерке", "Жұлдыз", "Қарлығаш", "Раушан",
)  # fmt: skip
_KAZAKH_FATHERS = {
    # father's name: its Russified stem for the older "-ович/-овна" patronymics
    "Серік": "Серик", "Нұрлан": "Нурлан", "Ерлан": "Ерлан", "Мұрат": "Мурат",
    "Қайрат": "Кайрат", "Болат": "Болат", "Асқар": "Аскар", "Ержан": "Ержан", "Марат": "Марат",
    "Талғат": "Талгат", "Бауыржан": "Бауыржан", "Дәурен": "Даурен", "Жомарт": "Жомарт",
    "Ғабит": "Габит", "Есен": "Есен", "Бақыт": "Бахыт", "Әлібек": "Алибек", "Қанат": "Канат",
    "Берік": "Берик", "Сағат": "Сагат",
}  # fmt: skip
_KAZAKH_SURNAMES = (
    "Ахметов", "Серіков", "Нұрланов", "Қасымов", "Омаров", "Сүлейменов", "Әбдірахманов",
    "Жұмабаев", "Тоқтаров", "Смағұлов", "Ермеков", "Мұқанов", "Оспанов", "Құдайбергенов",
    "Исаев", "Әлиев", "Бейсенов", "Жақсылықов", "Қалиев", "Сейітов", "Байжанов", "Нұрпейісов",
    "Есенов", "Ибраев", "Қуанышев", "Төлеуов", "Сәрсенбаев", "Жолдасов", "Мамыров", "Әуезов",
)  # fmt: skip
_RUSSIAN_MALE = (
    "Александр", "Дмитрий", "Сергей", "Андрей", "Алексей", "Иван", "Михаил", "Николай",
    "Владимир", "Евгений", "Максим", "Артём", "Виктор", "Олег", "Павел", "Юрий", "Игорь",
    "Денис", "Роман", "Кирилл",
)  # fmt: skip
_RUSSIAN_FEMALE = (
    "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария", "Екатерина",
    "Юлия", "Анастасия", "Людмила", "Галина", "Валентина", "Дарья", "Полина", "Ксения",
    "Виктория", "Оксана", "Алина",
)  # fmt: skip
_RUSSIAN_PATRONYMICS = (
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Иванович", "Ивановна"),
    ("Дмитриевич", "Дмитриевна"), ("Николаевич", "Николаевна"), ("Михайлович", "Михайловна"),
    ("Владимирович", "Владимировна"), ("Андреевич", "Андреевна"), ("Алексеевич", "Алексеевна"),
    ("Юрьевич", "Юрьевна"), ("Викторович", "Викторовна"), ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"), ("Евгеньевич", "Евгеньевна"), ("Игоревич", "Игоревна"),
    ("Геннадьевич", "Геннадьевна"), ("Анатольевич", "Анатольевна"), ("Васильевич", "Васильевна"),
    ("Петрович", "Петровна"), ("Валерьевич", "Валерьевна"),
)  # fmt: skip
_RUSSIAN_SURNAMES = (
    ("Иванов", "Иванова"), ("Петров", "Петрова"), ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"), ("Попов", "Попова"), ("Васильев", "Васильева"),
    ("Соколов", "Соколова"), ("Михайлов", "Михайлова"), ("Новиков", "Новикова"),
    ("Фёдоров", "Фёдорова"), ("Волков", "Волкова"), ("Лебедев", "Лебедева"),
    ("Морозов", "Морозова"), ("Козлов", "Козлова"), ("Павлов", "Павлова"),
    ("Семёнов", "Семёнова"), ("Егоров", "Егорова"), ("Никитин", "Никитина"),
    ("Ковальский", "Ковальская"), ("Шевченко", "Шевченко"), ("Бондаренко", "Бондаренко"),
    ("Ткаченко", "Ткаченко"), ("Белоусов", "Белоусова"), ("Гончаров", "Гончарова"),
    ("Зайцев", "Зайцева"),
)  # fmt: skip


def draw_names(rng: random.Random, sex: Sex, birth: date) -> Names:
    """Names for a person of ``sex`` (:data:`MALE` or :data:`FEMALE`) born on ``birth``."""
    if rng.random() < 0.72:
        given = rng.choice(_KAZAKH_MALE if sex == MALE else _KAZAKH_FEMALE)
        surname = rng.choice(_KAZAKH_SURNAMES)
        if sex == FEMALE:
            surname += "а"
        father = rng.choice(tuple(_KAZAKH_FATHERS))
        traditional = 0.85 if birth.year >= 1992 else 0.3
        if rng.random() < traditional:
            patronymic = father + ("ұлы" if sex == MALE else "қызы")
        else:
            patronymic = _KAZAKH_FATHERS[father] + ("ович" if sex == MALE else "овна")
        return Names(surname, given, patronymic)
    male_surname, female_surname = rng.choice(_RUSSIAN_SURNAMES)
    male_patronymic, female_patronymic = rng.choice(_RUSSIAN_PATRONYMICS)
    if sex == MALE:
        return Names(male_surname, rng.choice(_RUSSIAN_MALE), male_patronymic)
    return Names(female_surname, rng.choice(_RUSSIAN_FEMALE), female_patronymic)
