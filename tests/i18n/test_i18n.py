"""osms.i18n: catalogs, language negotiation, explanations (R-S-8), formats, labels, errors.

The findings are the engine's own (``osms.rules.status.Finding``), with typed values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog

from osms.i18n import (
    DEFAULT_LANGUAGE,
    ERROR_CODES,
    FINDING_KEYS,
    LANGUAGES,
    VOCABULARY,
    catalog_check,
    error_message,
    explain,
    explain_all,
    format_date,
    format_money,
    format_month_count,
    format_month_list,
    label,
    month_name,
    negotiate,
    read_catalog,
    t,
    tn,
    translator,
)
from osms.rules import parameters
from osms.rules.calculator import OptionName
from osms.rules.calendar import credit_date
from osms.rules.coverage import Cover
from osms.rules.facts import PaymentItem, PersonFacts
from osms.rules.month import Month
from osms.rules.status import Finding, Reason, Status, decide
from tests.i18n import marked

NNBSP = "\u202f"
NBSP = "\u00a0"


# -- catalogs ----------------------------------------------------------------------------------


@pytest.fixture
def extracted() -> tuple[catalog_check.SourceMessage, ...]:
    """The msgids marked in the sources, extracted as ``pybabel extract -F babel.cfg`` does."""
    return marked.extracted()


def test_the_extraction_finds_the_marked_messages(
    extracted: tuple[catalog_check.SourceMessage, ...],
) -> None:
    assert (None, "Status on {date}", None) in extracted  # a template's _()
    assert (None, "Why", None) in extracted  # t(lang, "…")
    assert (None, "{n} month", "{n} months") in extracted  # tn(lang, "…", "…", n)
    assert ("reason", "Grace period", None) in extracted  # NC_("reason", "…")
    assert (None, "The IIN must have 12 digits.", None) in extracted  # N_("…")
    assert (None, "No records yet", None) in extracted  # a template only


def test_every_extracted_msgid_is_in_the_catalogs_translated_in_kk_and_ru(
    extracted: tuple[catalog_check.SourceMessage, ...],
) -> None:
    assert catalog_check.missing_translations(extracted) == {}


def test_no_catalog_entry_is_unused(extracted: tuple[catalog_check.SourceMessage, ...]) -> None:
    # The operator's and the command line's views still list the texts they build in f-strings.
    from osms.cli.errors import CLI_ERROR_MESSAGES
    from osms.views.batch import BATCH_MESSAGES
    from osms.views.operator import OPERATOR_MESSAGES
    from osms.views.registers import REGISTER_MESSAGES
    from osms.views.upkeep import UPKEEP_MESSAGES

    listed = [*UPKEEP_MESSAGES, *CLI_ERROR_MESSAGES, *OPERATOR_MESSAGES, "Payer kind"]
    listed += [*REGISTER_MESSAGES, *BATCH_MESSAGES]
    assert catalog_check.unused_messages(extracted, listed) == {}


def test_the_check_reports_missing_and_broken_translations(
    monkeypatch: pytest.MonkeyPatch, extracted: tuple[catalog_check.SourceMessage, ...]
) -> None:
    real = catalog_check.read_catalog

    def broken(lang: str) -> Catalog:
        catalog = real(lang)
        if lang == "ru":
            del catalog["Why"]
            catalog["Status on {date}"].string = "Статус на {day}"
            catalog["Debt"].string = ""
        return catalog

    monkeypatch.setattr(catalog_check, "read_catalog", broken)
    found = catalog_check.missing_translations(extracted)
    assert set(found) == {"ru"}
    assert any(p.startswith("Why ") for p in found["ru"])
    assert any(p.startswith("Status on {date} (placeholders") for p in found["ru"])
    assert any(p.startswith("Debt (not translated") for p in found["ru"])


_NEVER_A_DATE = frozenset({"command", "choices"})
"""Placeholders that end a sentence in a catalog and are never given a date (a bot command)."""


@pytest.mark.parametrize("lang", catalog_check.TRANSLATED)
def test_no_date_ends_a_sentence_with_a_second_period(lang: str) -> None:
    """A Russian date ends in its own period ("7 декабря 2026 г."): a text that puts "." after
    a date placeholder would print "г..". Every other placeholder is filled with a date here,
    so a new text that does must be rephrased (or its placeholder listed as never a date)."""
    day = format_date(date(2026, 12, 7), lang)

    def as_date(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1) in _NEVER_A_DATE else day

    doubled = []
    for message in read_catalog(lang):
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in forms:
            if re.search(r"(?<!\.)\.\.(?!\.)", re.sub(r"\{(\w+)\}", as_date, text or "")):
                doubled.append(text)
    assert doubled == []


def test_a_payment_register_is_one_word_in_kazakh() -> None:
    """A payment register is "тізілім" in every Kazakh text, never "тізім" (a list)."""
    mixed = [
        message.string
        for message in read_catalog("kk")
        if isinstance(message.id, str)
        and re.search(r"\bregisters?\b", message.id, flags=re.IGNORECASE)
        and "тізім" in str(message.string).lower()
    ]
    assert mixed == []


def test_plural_forms_follow_each_language() -> None:
    ru = [format_month_count(n, "ru") for n in (1, 2, 4, 5, 11, 12, 21, 22, 25, 111)]
    assert ru == [
        "1 месяц",
        "2 месяца",
        "4 месяца",
        "5 месяцев",
        "11 месяцев",
        "12 месяцев",
        "21 месяц",
        "22 месяца",
        "25 месяцев",
        "111 месяцев",
    ]
    assert [format_month_count(n, "kk") for n in (1, 3)] == ["1 ай", "3 ай"]
    assert [format_month_count(n, "en") for n in (1, 3)] == ["1 month", "3 months"]


def test_translators_are_cached_and_compiled_in_memory() -> None:
    for lang in LANGUAGES:
        assert translator(lang) is translator(lang)
    assert translator("ru-RU") is translator("ru")
    assert translator("xx") is translator(DEFAULT_LANGUAGE)
    locales = resources.files("osms.i18n") / "locales"
    for lang in LANGUAGES:
        folder = locales / lang / "LC_MESSAGES"
        assert sorted(entry.name for entry in folder.iterdir()) == ["osms.po"]


# -- negotiation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "kk"),
        ("", "kk"),
        ("kk", "kk"),
        ("kz", "kk"),
        ("KZ", "kk"),
        ("kk-KZ", "kk"),
        ("kaz", "kk"),
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("ru_KZ", "ru"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "kk"),
        ("*", "kk"),
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("en-US,en;q=0.9,ru;q=0.8,kk;q=0.7", "en"),
        ("de-DE,de;q=0.9,ru;q=0.5", "ru"),
        ("ru;q=0.5, kk;q=0.8", "kk"),
        ("en;q=0, ru;q=0.1", "ru"),
        ("en;q=0", "kk"),
        ("en;q=banana, ru", "ru"),
        ("fr, *;q=0.1", "kk"),
        (" kz-KZ ; q=1 , ru ; q=0.5 ", "kk"),
    ],
)
def test_negotiate(value: str | None, expected: str) -> None:
    assert negotiate(value) == expected


def test_kazakh_is_the_default() -> None:
    assert DEFAULT_LANGUAGE == "kk"
    assert LANGUAGES == ("kk", "ru", "en")


# -- t() -----------------------------------------------------------------------------------------


def test_t_fills_placeholders_and_formats_dates_and_months() -> None:
    assert t("en", "Status on {date}", date=date(2022, 10, 20)) == "Status on 20 October 2022"
    assert t("ru", "Status from {date}", date="20.10") == "Статус с 20.10"
    assert t("kk", "Status from {date}", date=date(2022, 11, 1)) == (
        "Мәртебе 2022 жылғы 1 қараша күнінен бастап"
    )
    assert t("ru", "Insured until {date}") == "Застрахован по {date} включительно"
    assert (
        t("en", "A text the catalogs do not have {x}", x=1) == "A text the catalogs do not have 1"
    )
    assert tn("ru", "{n} month", "{n} months", 3) == "3 месяца"


# -- explanations ------------------------------------------------------------------------------


def _m(text: str) -> Month:
    return Month.parse(text)


_THIRD = {"en": "3rd working day", "ru": "3-й рабочий день", "kk": "үшінші жұмыс күні"}
_WINDOW = {
    "en": "January – June 2020",
    "ru": "январь – июнь 2020 г.",
    "kk": "2020 жылғы қаңтар – маусым",
}

# (finding, the fragments its sentence must contain in each language, as functions of lang)
FINDINGS: dict[str, tuple[Finding, list[Any]]] = {
    "pending_payments": (
        Finding(
            "R-T-3",
            "pending_payments",
            values=(("as_of", date(2025, 3, 5)), ("credit_days", 3)),
        ),
        [lambda lang: format_date(date(2025, 3, 5), lang), lambda lang: _THIRD[lang]],
    ),
    "transitional": (
        Finding(
            "R-S-1",
            "transitional",
            (_m("2020-04"),),
            (("first", _m("2020-01")), ("last", _m("2020-06"))),
        ),
        [lambda lang: month_name("2020-04", lang), lambda lang: _WINDOW[lang]],
    ),
    "category": (
        Finding("R-S-2", "category", (_m("2025-05"),), (("category", "pensioner"),)),
        [
            lambda lang: month_name("2025-05", lang),
            lambda lang: label(lang, "category", "pensioner"),
        ],
    ),
    "temporary": (
        Finding(
            "R-S-3",
            "temporary",
            (_m("2025-03"),),
            (
                ("category", "pregnant"),
                ("granted_on", date(2025, 3, 3)),
                ("ends_on", date(2025, 4, 2)),
            ),
        ),
        [
            lambda lang: label(lang, "category", "pregnant"),
            lambda lang: format_date(date(2025, 3, 3), lang),
            lambda lang: format_date(date(2025, 4, 2), lang),
        ],
    ),
    "regular": (
        Finding("R-S-5", "regular", tuple(Month.range(_m("2022-10"), _m("2023-11")))),
        [lambda lang: month_name("2022-10", lang), lambda lang: month_name("2023-10", lang)],
    ),
    "grace": (
        Finding(
            "R-S-5",
            "grace",
            (_m("2023-10"), _m("2023-11")),
            (("grace_months", 3), ("run", 2)),
        ),
        [
            "2",
            "3",
            lambda lang: month_name("2023-10", lang),
            lambda lang: month_name("2023-11", lang),
        ],
    ),
    "long_payer": (
        Finding("R-S-6", "long_payer", values=(("grace_months", 6), ("payer_months", 60))),
        ["6", "60"],
    ),
    "debt_run": (
        Finding(
            "R-S-5",
            "debt_run",
            tuple(Month.range(_m("2024-01"), _m("2024-06"))),
            (("grace_months", 3), ("run", 5)),
        ),
        [
            "5",
            lambda lang: format_month_count(3, lang),
            lambda lang: month_name("2024-01", lang),
            lambda lang: month_name("2024-05", lang),
        ],
    ),
    "debt_gaps": (
        Finding("R-S-5", "debt_gaps", (_m("2024-02"), _m("2024-07")), (("lookback_months", 12),)),
        [
            lambda lang: month_name("2024-02", lang),
            lambda lang: month_name("2024-07", lang),
            lambda lang: format_month_count(12, lang),
        ],
    ),
    "prepaid": (
        Finding(
            "R-S-4",
            "prepaid",
            (_m("2022-11"), _m("2023-10")),
            (("months", 12), ("prepay_months", 12)),
        ),
        ["12", lambda lang: month_name("2022-11", lang), lambda lang: month_name("2023-10", lang)],
    ),
    "category_ended": (
        Finding("R-C-3", "category_ended", (_m("2024-08"),)),
        [lambda lang: month_name("2024-08", lang)],
    ),
    "pending_month": (
        Finding(
            "R-L-9",
            "pending_month",
            (_m("2026-10"),),
            (("due_on", date(2026, 11, 25)), ("payer", "employer")),
        ),
        [
            lambda lang: month_name("2026-10", lang),
            lambda lang: format_date(date(2026, 11, 25), lang),
        ],
    ),
    "provisional": (
        Finding("R-P-1", "provisional", (), (("year", 2027), ("from_year", 2026))),
        ["2027", "2026"],
    ),
}


def test_every_engine_key_has_a_case() -> None:
    assert set(FINDINGS) == set(FINDING_KEYS)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", sorted(FINDINGS))
def test_explain_every_key(key: str, lang: str) -> None:
    finding, fragments = FINDINGS[key]
    text = explain(finding, lang)
    assert text.strip()
    assert finding.rule not in text  # not the generic fallback
    assert "{" not in text and "}" not in text
    for fragment in fragments:
        expected = fragment(lang) if callable(fragment) else fragment
        assert expected in text, (expected, text)


@pytest.mark.parametrize("key", sorted(FINDINGS))
def test_explanations_differ_between_languages(key: str) -> None:
    finding, _ = FINDINGS[key]
    assert len({explain(finding, lang) for lang in LANGUAGES}) == 3


def test_explain_grace_example() -> None:
    finding, _ = FINDINGS["grace"]
    assert explain(finding, "en") == (
        "Insured in the grace period: 2 of 3 months unpaid (October 2023, November 2023); "
        "these months are still owed."
    )
    assert explain(finding, "ru") == (
        "Статус действует в льготный период: не оплачены 2 месяца из 3 "
        "(октябрь 2023, ноябрь 2023); за эти месяцы сохраняется задолженность."
    )
    assert explain(finding, "kk") == (
        "Жеңілдікті кезеңде сақтандырылған: 3 айлық жеңілдікті кезеңнің 2 айы төленбеген "
        "(2023 жылғы қазан, 2023 жылғы қараша); бұл айлар берешек болып есептеледі."
    )


def test_explain_agrees_in_number() -> None:
    one = Finding("R-S-5", "grace", (_m("2023-11"),), (("grace_months", 3), ("run", 1)))
    five = Finding(
        "R-S-5",
        "grace",
        tuple(Month.range(_m("2026-01"), _m("2026-06"))),
        (("grace_months", 6), ("run", 5)),
    )
    assert "не оплачен 1 месяц из 3" in explain(one, "ru")
    assert "за этот месяц" in explain(one, "ru")
    assert "this month is still owed" in explain(one, "en")
    assert "бұл ай берешек" in explain(one, "kk")
    assert "не оплачено 5 месяцев из 6 (январь 2026 – май 2026)" in explain(five, "ru")


def test_explain_falls_back_on_unknown_or_unreadable_findings() -> None:
    unknown = Finding("R-X-9", "something_new")
    broken = Finding("R-S-5", "grace", (), (("run", "two"),))
    for lang in LANGUAGES:
        assert "R-X-9" in explain(unknown, lang)
        assert "something_new" in explain(unknown, lang)
        assert "R-S-5" in explain(broken, lang)
    assert explain(unknown, "ru") == "Применено правило R-X-9 (something_new)."


def test_explain_all_keeps_the_order() -> None:
    findings = [FINDINGS["pending_payments"][0], FINDINGS["grace"][0]]
    assert explain_all(findings, "en") == [explain(f, "en") for f in findings]


# -- formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "lang", "expected"),
    [
        (Month(2023, 10), "en", "October 2023"),
        (Month(2023, 10), "ru", "октябрь 2023"),
        (Month(2023, 10), "kk", "2023 жылғы қазан"),
        (Month(2020, 1), "en", "January 2020"),
        (Month(2020, 1), "ru", "январь 2020"),
        (Month(2020, 1), "kk", "2020 жылғы қаңтар"),
        (Month(2026, 5), "ru", "май 2026"),
        (Month(2026, 5), "kk", "2026 жылғы мамыр"),
        (Month(2025, 9), "kk", "2025 жылғы қыркүйек"),
        (Month(2025, 12), "kk", "2025 жылғы желтоқсан"),
        ("2024-04", "kk", "2024 жылғы сәуір"),
        (date(2024, 2, 29), "ru", "февраль 2024"),
    ],
)
def test_month_name(month: Month | date | str, lang: str, expected: str) -> None:
    assert month_name(month, lang) == expected


def test_month_name_rejects_non_months() -> None:
    with pytest.raises(ValueError):
        month_name("2024-13", "en")
    with pytest.raises(ValueError):
        month_name("October", "en")


def test_every_month_has_a_name() -> None:
    for lang in LANGUAGES:
        names = {month_name(Month(2025, m), lang) for m in range(1, 13)}
        assert len(names) == 12


@pytest.mark.parametrize(
    ("day", "lang", "expected"),
    [
        (date(2022, 10, 20), "en", "20 October 2022"),
        (date(2022, 10, 20), "ru", "20 октября 2022 г."),
        (date(2022, 10, 20), "kk", "2022 жылғы 20 қазан"),
        (date(2025, 3, 1), "en", "1 March 2025"),
        (date(2025, 3, 1), "ru", "1 марта 2025 г."),
        (date(2025, 3, 1), "kk", "2025 жылғы 1 наурыз"),
        (date(2024, 5, 9), "ru", "9 мая 2024 г."),
        (date(2023, 8, 31), "ru", "31 августа 2023 г."),
        (date(2026, 1, 7), "kk", "2026 жылғы 7 қаңтар"),
        ("2026-08-31", "kk", "2026 жылғы 31 тамыз"),
    ],
)
def test_format_date(day: date | str, lang: str, expected: str) -> None:
    assert format_date(day, lang) == expected


@pytest.mark.parametrize(
    ("amount", "lang", "expected"),
    [
        (Decimal("4250"), "ru", f"4{NNBSP}250{NBSP}₸"),
        (Decimal("4250"), "kk", f"4{NNBSP}250{NBSP}₸"),
        (Decimal("4250"), "en", f"4{NNBSP}250{NBSP}₸"),
        (Decimal("4250.00"), "ru", f"4{NNBSP}250{NBSP}₸"),
        (Decimal("120.46"), "ru", f"120,46{NBSP}₸"),
        (Decimal("120.46"), "kk", f"120,46{NBSP}₸"),
        (Decimal("120.46"), "en", f"120.46{NBSP}₸"),
        (Decimal("120.5"), "ru", f"120,50{NBSP}₸"),
        (Decimal("0.005"), "en", f"0.01{NBSP}₸"),
        (Decimal("36000"), "kk", f"36{NNBSP}000{NBSP}₸"),
        (Decimal("999"), "kk", f"999{NBSP}₸"),
        (Decimal("1000"), "kk", f"1{NNBSP}000{NBSP}₸"),
        (Decimal("1234567.89"), "ru", f"1{NNBSP}234{NNBSP}567,89{NBSP}₸"),
        (Decimal("0"), "en", f"0{NBSP}₸"),
        (Decimal("-850"), "ru", f"-850{NBSP}₸"),
        (3000, "ru", f"3{NNBSP}000{NBSP}₸"),
    ],
)
def test_format_money(amount: Decimal | int, lang: str, expected: str) -> None:
    assert format_money(amount, lang) == expected


def test_format_money_rejects_non_amounts() -> None:
    with pytest.raises(ValueError):
        format_money("lots", "en")


def test_format_month_list_groups_runs() -> None:
    months = [Month(2023, m) for m in (1, 2, 3, 5, 6, 9)]
    assert format_month_list(months, "en") == (
        "January 2023 – March 2023, May 2023, June 2023, September 2023"
    )
    assert format_month_list([Month(2023, 12), Month(2024, 1), Month(2024, 2)], "kk") == (
        "2023 жылғы желтоқсан – 2024 жылғы ақпан"
    )
    assert format_month_list([], "ru") == ""


# -- labels ------------------------------------------------------------------------------------

BRIEF_VOCABULARY = {
    "status": {"insured", "uninsured"},
    "reason": {"transitional", "category", "temporary", "prepaid", "regular", "grace", "debt"},
    "category": {
        "child",
        "unemployed",
        "pregnant",
        "parent_child_under_3",
        "parental_leave",
        "carer_disabled_child",
        "pensioner",
        "prisoner",
        "pretrial_detention",
        "kandas",
        "mother_of_many",
        "disabled",
        "student",
        "carer_group1_disabled",
        "social_assistance",
        "house_arrest",
        "local_crisis",
    },
    "cover": {"category", "self", "employer", "unpaid", "not_liable"},
    "option": {"clear_debt", "minimum_now", "prepay_now", "prepay_next"},
    "knp": {"121", "122", "123", "124", "183"},  # 183: the ЕСП (R-L-2)
    "payer_kind": {"self_payer", "entrepreneur", "employee", "self_employed"},  # R-L-6
}


def test_vocabularies_are_the_agreed_codes() -> None:
    assert {kind: set(values) for kind, values in VOCABULARY.items()} == BRIEF_VOCABULARY


@pytest.mark.parametrize("kind", sorted(BRIEF_VOCABULARY))
def test_every_label_is_translated(kind: str) -> None:
    for value in BRIEF_VOCABULARY[kind]:
        texts = {lang: label(lang, kind, value) for lang in LANGUAGES}
        assert all(texts.values())
        assert texts["en"] == VOCABULARY[kind][value]
        assert texts["kk"] != texts["en"] and texts["ru"] != texts["en"]
        assert texts["kk"] != texts["ru"]


def test_labels_use_the_funds_terms() -> None:
    assert label("kk", "status", "insured") == "Сақтандырылған"
    assert label("kk", "status", "uninsured") == "Сақтандырылмаған"
    assert label("ru", "status", "insured") == "Застрахован"
    assert label("ru", "status", "uninsured") == "Не застрахован"
    assert label("kk", "reason", "debt") == "Берешек"
    assert label("ru", "reason", "debt") == "Задолженность"
    assert label("kk", "reason", "grace") == "Жеңілдікті кезең (шартты түрде сақтандырылған)"
    assert label("ru", "reason", "grace") == "Льготный период (условно застрахован)"
    assert label("kk", "payer_kind", "self_payer") == "Дербес төлеуші"
    assert label("ru", "payer_kind", "self_payer") == "Самостоятельный плательщик"
    assert label("ru", "knp", "122") == "Взносы на ОСМС"
    assert label("kk", "knp", "121") == "МӘМС-ке аударымдар"


def test_label_context_keeps_same_english_apart() -> None:
    # "Debt" is both a reason label (msgctxt "reason") and a card heading (no context).
    assert label("kk", "reason", "debt") == t("kk", "Debt")
    assert label("ru", "status", "uninsured") == "Не застрахован"


def test_label_unknown_value_and_kind() -> None:
    assert label("ru", "category", "astronaut") == "astronaut"
    with pytest.raises(ValueError):
        label("ru", "colour", "red")


def test_labels_cover_the_engine_enums() -> None:
    from osms.rules.facts import KNP, PayerKind

    for lang in LANGUAGES:
        for knp in KNP:
            assert label(lang, "knp", knp) != knp.value
        for kind in PayerKind:
            assert label(lang, "payer_kind", kind) != kind.value


@pytest.mark.parametrize(
    ("enum", "kind"),
    [(Status, "status"), (Reason, "reason"), (Cover, "cover"), (OptionName, "option")],
)
def test_labels_name_every_value_of_the_engine_enums(enum: type[StrEnum], kind: str) -> None:
    assert {member.value for member in enum} == set(VOCABULARY[kind])


# -- errors ------------------------------------------------------------------------------------

BRIEF_ERROR_CODES = [
    "iin.length",
    "iin.format",
    "iin.date",
    "iin.century",
    "iin.checksum",
    "iin.never_issued",
    "bin.length",
    "bin.format",
    "bin.entity_type",
    "bin.checksum",
    "bin.never_issued",
    "month.invalid",
    "parameter.missing",
    "line.invalid_iin",
    "line.invalid_period",
    "line.period_too_early",
    "line.period_too_late",
    "line.amount_not_positive",
    "line.unknown_knp",
    "line.duplicate",
    "line.malformed",
    "register.total_mismatch",
    "register.malformed",
]


def test_every_agreed_error_code_is_known() -> None:
    assert set(BRIEF_ERROR_CODES) <= set(ERROR_CODES)


@pytest.mark.parametrize("code", ERROR_CODES)
def test_error_message_for_each_code(code: str) -> None:
    texts = {lang: error_message(code, lang) for lang in LANGUAGES}
    for text in texts.values():
        assert text and text != code and code not in text
    assert len(set(texts.values())) == 3


def test_unknown_error_code_names_the_code() -> None:
    for lang in LANGUAGES:
        text = error_message("iin.something_new", lang)
        assert "iin.something_new" in text


def test_error_codes_of_the_rules_are_known() -> None:
    from osms.rules import bin as kzbin
    from osms.rules import iin
    from osms.rules.errors import RuleError
    from osms.rules.month import InvalidMonth

    codes = {InvalidMonth.code, RuleError.code}
    for module in (iin, kzbin):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, RuleError):
                codes.add(value.code)
    assert codes <= set(ERROR_CODES)


# -- the texts follow the parameters -----------------------------------------------------------

CREDIT_DELAY_5 = """\
description: Working days from the payment day to the day a payment is credited (test override)
unit: working_days
until: null
open_ended: "Test override"
values:
  - from: 2017-07-01
    value: 5
    reference: "Test override of the credit delay"
    last_checked: 2026-12-07
"""


@pytest.fixture
def credit_delay_of_five(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """R-T-3 with a credit delay of five working days, from a parameter file (R-P-3)."""
    (tmp_path / "credit_delay_working_days.yaml").write_text(CREDIT_DELAY_5, encoding="utf-8")
    monkeypatch.setenv(parameters.PARAMETERS_DIR_ENV, str(tmp_path))
    parameters.reload()
    yield
    monkeypatch.delenv(parameters.PARAMETERS_DIR_ENV)
    parameters.reload()


def _pending_explanation(lang: str) -> str:
    """The R-T-3 sentence for a payment made on Monday 13 January 2025, asked the next day."""
    paid_on = date(2025, 1, 13)
    item = PaymentItem(Month(2025, 1), Decimal(4250), paid_on, credit_date(paid_on))
    facts = PersonFacts(iin="900515300018", birth_date=date(1990, 5, 15), payments=(item,))
    decision = decide(facts, date(2025, 1, 14))
    (finding,) = (f for f in decision.findings if f.key == "pending_payments")
    return explain(finding, lang)


@pytest.mark.parametrize(
    ("lang", "ordinal"), [("en", "3rd working day"), ("ru", "3-й"), ("kk", "үшінші")]
)
def test_the_credit_delay_is_said_as_the_parameter_gives_it(lang: str, ordinal: str) -> None:
    assert ordinal in _pending_explanation(lang)


@pytest.mark.parametrize(
    ("lang", "ordinal"), [("en", "5th working day"), ("ru", "5-й"), ("kk", "бесінші")]
)
@pytest.mark.usefixtures("credit_delay_of_five")
def test_a_changed_credit_delay_changes_the_text(lang: str, ordinal: str) -> None:
    assert ordinal in _pending_explanation(lang)
