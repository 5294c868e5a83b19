"""The citizen page over the real app and database (SQLite and PostgreSQL), without a browser.

The people are the seed leaflets' (../shared/scenarios/seeds.yaml): a self-payer who prepaid
October 2022 - September 2023 on 17 October 2022, asked about on the dates of its cases.
Kazakh and Russian words are taken from the catalogs through ``osms.i18n``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from osms.api.app import create_app
from osms.api.settings import ApiSettings
from osms.api.web.pages import ACTOR
from osms.api.web.rendering import too_many_checks
from osms.i18n import (
    error_message,
    explain,
    format_date,
    format_money,
    format_month_count,
    label,
    month_name,
    t,
    translator,
)
from osms.i18n.vocabulary import INSURED_AGAIN, STAY_INSURED, UNPAID_MONTHS
from osms.registry import audit
from osms.registry.db import make_session_factory
from osms.registry.models import AuditEvent
from osms.rules.calculator import FUND, calculate
from osms.rules.facts import CategoryPeriod, PersonFacts
from osms.rules.month import Month
from osms.rules.status import decide
from osms.scenarios.facts_file import parse_facts
from osms.views.fragments import status_appears
from osms.views.public import FUND_NAMES, beneficiary, no_records
from tests.api.public_people import BY_NAME, ON, PEOPLE, Person, leaks, private_words

# The page's msgids, as its templates and routes write them.
BAD_DATE = "The date is not valid: write it as YYYY-MM-DD."
DEMO = "Demo: the people and payments here are synthetic, not real data."
NO_OPTION = "This option is not available for this IIN on this date."
NO_RECORDS_TITLE = "No records yet"
PRIVACY_SHORT = (
    "Anyone who knows an IIN sees here only the status, the debt and what to pay: no name, "
    "no payments, no employer, no state-paid category. Every check is recorded."
)
PRIVACY_HIDDEN = (
    "It never shows a name, the payments or who made them, an employer, or which state-paid "
    "category a person belongs to (disability, pregnancy, social assistance and others): that "
    "is personal data. A person in a state-paid category is shown only as insured by the state."
)
PRIVACY_RECORDED = (
    "Every check is recorded with the IIN, the time and the network address it came from, so "
    "that looking up other people's IINs can be traced. The page keeps nothing in your browser "
    "but the language you chose."
)

PREPAID = "900515300018"  # seed: prepaid 2022-10 … 2023-09 on 2022-10-17
PENDING = "850312401235"  # paid June 2024 on 3 June: credited on the 3rd working day
CHILD = "150101600018"  # not in the registry: insured as a child on the IIN alone
UNKNOWN = "800101300096"  # not in the registry: an adult, "no records yet"

PREPAID_FACTS = parse_facts(
    {"iin": PREPAID}, [{"periods": "2022-10..2023-09", "paid_on": "2022-10-17"}]
)
PENDING_FACTS = parse_facts({"iin": PENDING}, [{"period": "2024-06", "paid_on": "2024-06-03"}])

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""For what only concerns the page (words, headers, refusals): one backend is enough."""


@pytest.fixture
def client(engine: Engine, store_facts: Callable[..., None]) -> Iterator[TestClient]:
    with make_session_factory(engine)() as session, session.begin():
        store_facts(session, PREPAID_FACTS)
        store_facts(session, PENDING_FACTS)
    with TestClient(create_app(engine)) as opened:
        yield opened


def text_of(html: str) -> str:
    """The page's visible text, tags removed and ASCII spaces collapsed (the no-break spaces
    of amounts and dates stay, as ``osms.i18n`` writes them)."""
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([a-z]+)">', html)
    assert found, html[:200]
    return found.group(1)


def rows(html: str, css_class: str) -> int:
    return len(re.findall(rf'<tr class="[^"]*\b{css_class}\b', html))


# -- the form and the language ---------------------------------------------------------------


@SQLITE_ONLY
def test_the_form_is_in_kazakh_by_default_and_needs_no_script(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert html_lang(html) == "kk"
    assert response.headers["content-language"] == "kk"
    assert '<form class="check" method="get" action="/status"' in html
    assert 'name="iin"' in html
    assert "<script" not in html
    text = text_of(html)
    assert t("kk", "OSMS status") in text  # МӘМС-тегі мәртебе
    assert "ЖСН" in text
    # the language switch: each language by its own name, a plain link
    assert 'href="/?lang=ru"' in html and 'href="/?lang=en"' in html
    assert "Русский" in text and "English" in text and "Қазақша" in text


@SQLITE_ONLY
def test_language_from_query_then_cookie_then_accept_language(client: TestClient) -> None:
    assert html_lang(client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).text) == "ru"
    assert html_lang(client.get("/", headers={"Accept-Language": "de, en;q=0.5"}).text) == "en"
    assert html_lang(client.get("/", headers={"Accept-Language": "fr"}).text) == "kk"
    chosen = client.get("/?lang=en", headers={"Accept-Language": "ru"})
    assert html_lang(chosen.text) == "en"
    assert "lang=en" in chosen.headers["set-cookie"]
    # remembered: the cookie beats Accept-Language, the query beats the cookie
    assert html_lang(client.get("/", headers={"Accept-Language": "ru"}).text) == "en"
    assert html_lang(client.get("/?lang=kz").text) == "kk"
    assert html_lang(client.get("/?lang=xx", headers={"Accept-Language": "ru"}).text) == "kk"


@SQLITE_ONLY
def test_pages_are_private_and_script_free(client: TestClient) -> None:
    response = client.get(f"/status?iin={PREPAID}&date=2022-10-20")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "Accept-Language" in response.headers["vary"]


@SQLITE_ONLY
def test_the_stylesheet(client: TestClient) -> None:
    response = client.get("/static/osms.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert "@media print" in response.text
    assert client.get("/static/nothing.css").status_code == 404


# -- the status card -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "word"),
    [("kk", "САҚТАНДЫРЫЛҒАН"), ("ru", "ЗАСТРАХОВАН"), ("en", "INSURED")],
    ids=["kk", "ru", "en"],
)
def test_an_insured_card_in_each_language(client: TestClient, lang: str, word: str) -> None:
    # seed 002: the day status appears, prepaid through September 2023, then 3 months' grace
    response = client.get(f"/?iin={PREPAID}&date=2022-10-20&lang={lang}")
    assert response.status_code == 200
    html = response.text
    text = text_of(html)
    assert html_lang(html) == lang
    assert 'class="card card--insured"' in html
    assert f'<h2 class="card__status" id="status-word">{word}</h2>' in html
    assert label(lang, "reason", "prepaid") in text
    assert t(lang, "Insured until {date}", date=date(2023, 12, 31)) in text
    assert t(lang, "Status on {date}", date=date(2022, 10, 20)) in text
    assert t(lang, "No debt") in text
    for heading in ("Why", "Debt"):
        assert t(lang, heading) in text
    assert t(lang, "Status ends next month: pay now to keep it") not in text
    # RULES.md §11: the public page shows no payments at all
    lookback = format_month_count(12, lang)
    assert t(lang, "Payments of the last {lookback}", lookback=lookback) not in text
    assert 'id="payments"' not in html and rows(html, "cover") == 0
    assert f'href="/calculator?iin={PREPAID}&amp;lang={lang}&amp;date=2022-10-20"' in html


def test_the_last_grace_month_is_amber_with_the_funds_warning(client: TestClient) -> None:
    html = client.get(f"/status?iin={PREPAID}&date=2023-12-05&lang=ru").text
    text = text_of(html)
    assert 'class="card card--warning"' in html
    assert "ЗАСТРАХОВАН" in text
    assert label("ru", "reason", "grace") in text  # Льготный период
    assert t("ru", "Status ends next month: pay now to keep it") in text
    assert "Со следующего месяца статус прекратится" in text
    assert t("ru", "Insured until {date}", date=date(2023, 12, 31)) in text
    assert rows(html, "debt__month") == 3


def test_an_uninsured_card_with_its_debts_and_why(client: TestClient) -> None:
    html = client.get(f"/?iin={PREPAID}&date=2024-01-15").text
    text = text_of(html)
    assert html_lang(html) == "kk"
    assert 'class="card card--uninsured"' in html
    assert "САҚТАНДЫРЫЛМАҒАН" in text
    assert label("kk", "reason", "debt") in text  # Берешек
    assert t("kk", "Insured until {date}", date=date(2023, 12, 31)) not in text
    # the debts: Oct 2023 - Jan 2024, 3 500 for 2023 months and 4 250 for 2024 (seed 002)
    assert t("kk", "Total debt") in text
    assert format_money(Decimal("14750"), "kk") in text
    for month in (Month(2023, 10), Month(2023, 11), Month(2023, 12), Month(2024, 1)):
        assert month_name(month, "kk") in text
    assert format_money(Decimal("4250"), "kk") in text
    # the why: the engine's own explanation (R-S-8), one item per finding
    assert 'data-rule="R-S-5"' in html
    assert "ЖЕҢІЛДІКТІ" not in text  # no grace here
    assert rows(html, "debt__month") == 4
    assert rows(html, "cover") == 0  # no payments table


def test_payments_not_yet_credited_are_not_shown_to_the_public(client: TestClient) -> None:
    html = client.get(f"/?iin={PENDING}&date=2024-06-04&lang=en").text
    text = text_of(html)
    assert 'id="card"' in html
    assert t("en", "Payments not yet credited") not in text
    assert "counts from" not in text
    assert format_date(date(2024, 6, 3), "en") not in text  # the day it was paid


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_iin_the_registry_does_not_know_is_no_records_yet_never_a_debtor(
    client: TestClient, lang: str
) -> None:
    """RULES.md §11: "no records yet; payments appear within 3 working days"."""
    response = client.get(f"/?iin={UNKNOWN}&date=2025-01-10&lang={lang}")
    assert response.status_code == 200
    html, text = response.text, text_of(response.text)
    assert 'class="card card--unknown"' in html
    assert "card--uninsured" not in html and 'aria-invalid="true"' not in html
    assert t(lang, NO_RECORDS_TITLE) in text
    assert no_records(ON, lang) in text and "1414" in text
    assert label(lang, "status", "uninsured").upper() not in text
    assert t(lang, "Debt") not in text and t(lang, "Total debt") not in text


def test_a_child_the_registry_does_not_know_is_insured_without_naming_the_category(
    client: TestClient,
) -> None:
    html = client.get(f"/?iin={CHILD}&date=2025-01-10&lang=ru").text
    text = text_of(html)
    assert 'class="card card--insured"' in html
    assert label("ru", "reason", "category") in text  # «Льготная категория»
    for lang in ("kk", "ru", "en"):
        assert label(lang, "category", "child") not in text
    assert "Взносы за январь 2025 платит государство." in text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_unknown_iin_in_grace_after_the_child_category_is_shown_no_debt(
    client: TestClient, lang: str
) -> None:
    """RULES.md §11: 18 in September 2026 and unknown to the registry, insured by grace on
    the IIN alone: the status, but no debt month, total or debt option (was 12 750 ₸)."""
    just_18 = "080915500001"
    html = client.get("/", params={"iin": just_18, "date": "2026-12-08", "lang": lang}).text
    text = text_of(html)
    assert 'class="card card--warning"' in html  # insured by grace, the status ends next month
    assert label(lang, "reason", "grace") in text
    assert 'class="debt__month"' not in html and t(lang, "Total debt") not in text
    assert t(lang, "No debt") not in text  # nor "no debt": the registry does not know
    assert no_records(date(2026, 12, 8), lang) in text
    calculator = client.get(
        "/calculator", params={"iin": just_18, "date": "2026-12-08", "lang": lang}
    ).text
    assert 'data-option="clear_debt"' not in calculator
    assert 'data-option="minimum_now"' not in calculator
    assert 'data-option="prepay_next"' in calculator


def test_a_lookup_is_audited_as_the_web_site(client: TestClient, engine: Engine) -> None:
    client.get(f"/status?iin={PREPAID}&date=2022-10-20")
    client.get(f"/calculator?iin={PREPAID}&date=2022-10-20")
    with make_session_factory(engine)() as session:
        events = session.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.why).where(
                AuditEvent.iin == PREPAID
            )
        ).all()
    assert [(actor, action) for actor, action, _ in events] == [
        (ACTOR, "status.lookup"),
        (ACTOR, "calculator.lookup"),
    ]
    assert all("site" in why for _, _, why in events)


# -- refusals: friendly, in the page's language, never a 500 ----------------------------------


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("number", "code", "lang"),
    [
        ("900515300019", "iin.checksum", "kk"),
        ("12345", "iin.length", "ru"),
        ("90051530001x", "iin.format", "kk"),
        ("", "iin.length", "ru"),
        ("123456789013", "iin.date", "en"),
    ],
)
@pytest.mark.parametrize("path", ["/", "/status", "/calculator", "/plan"])
def test_a_malformed_iin_gets_the_form_again_with_the_reason(
    client: TestClient, path: str, number: str, code: str, lang: str
) -> None:
    response = client.get(path, params={"iin": number, "lang": lang})
    assert response.status_code == 422
    html = response.text
    assert html_lang(html) == lang
    assert error_message(code, lang) in text_of(html)
    assert 'aria-invalid="true"' in html
    assert f'name="iin" type="text" value="{number}"' in html
    assert 'id="card"' not in html
    assert "<h1" in html


@SQLITE_ONLY
@pytest.mark.parametrize("typed", ["９００５１５３０００１８", "٩٠٠٥١٥٣٠٠٠١٨", "۹۰۰۵۱۵ ۳۰۰۰۱۸"])
@pytest.mark.parametrize("path", ["/", "/calculator", "/plan"])
def test_digits_of_another_script_are_read_as_digits(
    client: TestClient, path: str, typed: str
) -> None:
    """A phone's full-width or Arabic-Indic digits are the IIN's digits, never "the IIN may
    contain only digits" (R-IIN-3 names a real failure)."""
    response = client.get(path, params={"iin": typed, "lang": "ru"})
    assert response.status_code == 200, text_of(response.text)
    assert PREPAID in text_of(response.text)
    assert error_message("iin.format", "ru") not in text_of(response.text)


@SQLITE_ONLY
@pytest.mark.parametrize("typed", [f"ИИН: {PREPAID}", f"Мой ИИН {PREPAID[:6]} {PREPAID[6:]}."])
@pytest.mark.parametrize("path", ["/", "/calculator", "/plan"])
def test_an_iin_written_among_words_is_read(client: TestClient, path: str, typed: str) -> None:
    """The field takes what a person types: the one 12-digit number among words is the IIN
    (it was refused with "the IIN may contain only digits")."""
    response = client.get(path, params={"iin": typed, "lang": "ru", "date": "2024-01-15"})
    assert response.status_code == 200, text_of(response.text)
    assert PREPAID in text_of(response.text)
    assert error_message("iin.format", "ru") not in text_of(response.text)


@SQLITE_ONLY
@pytest.mark.parametrize("typed", [f"ИИН {PREPAID} или {UNKNOWN}", f"{PREPAID}, 15:00"])
def test_several_numbers_in_the_field_are_refused(client: TestClient, typed: str) -> None:
    response = client.get("/", params={"iin": typed, "lang": "ru"})
    assert response.status_code == 422
    assert error_message("iin.format", "ru") in text_of(response.text)


@SQLITE_ONLY
def test_a_very_long_or_odd_input_is_refused_politely(client: TestClient) -> None:
    response = client.get("/", params={"iin": "9" * 5000 + "<b>", "lang": "en"})
    assert response.status_code == 422
    assert "<b>" not in response.text
    assert f'name="iin" type="text" value="{"9" * 64}"' in response.text  # shown back, cut


@SQLITE_ONLY
def test_a_malformed_date_is_refused_politely(client: TestClient) -> None:
    response = client.get("/", params={"iin": PREPAID, "date": "2024-13-01", "lang": "en"})
    assert response.status_code == 422
    assert t("en", BAD_DATE) in text_of(response.text)
    date_input = re.search(r'<input class="check__date"[^>]*>', response.text)
    iin_input = re.search(r'<input class="check__input"[^>]*>', response.text)
    assert date_input is not None and iin_input is not None
    assert 'aria-invalid="true"' in date_input.group(0)  # the date is wrong, not the IIN
    assert "aria-invalid" not in iin_input.group(0)


@SQLITE_ONLY
def test_without_an_iin_each_page_shows_the_form(client: TestClient) -> None:
    for path in ("/status", "/calculator", "/plan"):
        response = client.get(path)
        assert response.status_code == 200
        assert 'name="iin"' in response.text
        assert 'id="card"' not in response.text


@SQLITE_ONLY
def test_the_form_works_as_a_plain_get(client: TestClient) -> None:
    """What a browser without JavaScript sends when the form is submitted."""
    form = client.get("/?lang=ru&date=2024-01-15").text
    assert '<input type="hidden" name="lang" value="ru">' in form
    # the date is a field of the form (a date picker), carrying the date asked
    assert re.search(
        r'<input class="check__date" id="date" name="date" type="date"\s+'
        r'value="2024-01-15"',
        form,
    )
    assert '<label class="check__label check__label--small" for="date">' in form
    submitted = client.get(
        "/status", params={"iin": "9005 1530 0018", "lang": "ru", "date": "2024-01-15"}
    )
    assert submitted.status_code == 200
    assert "НЕ ЗАСТРАХОВАН" in text_of(submitted.text)


# -- the calculator and the payment plan -----------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_calculator_shows_every_option_and_recommends_one(
    client: TestClient, lang: str
) -> None:
    on = date(2024, 1, 15)
    expected = calculate(PREPAID_FACTS, on)
    html = client.get(f"/calculator?iin={PREPAID}&date={on}&lang={lang}").text
    text = text_of(html)
    assert t(lang, "What to pay on {date}", date=on) in text
    assert len(expected.options) == 4
    for option in expected.options:
        assert f'data-option="{option.name.value}"' in html
        assert label(lang, "option", option.name.value) in text
        assert format_money(option.total, lang) in text
        assert (
            f'href="/plan?iin={PREPAID}&amp;option={option.name.value}&amp;lang={lang}'
            f'&amp;date={on}"' in html
        )
        if option.status_from is not None:
            assert format_date(option.status_from, lang) in text
    assert expected.recommended is not None
    assert f'class="option option--recommended" id="option-{expected.recommended.value}"' in html
    assert html.count("option--recommended") == 1
    recommended = re.search(r'<p class="summary" id="recommended">(.*?)</p>', html, re.S)
    assert recommended is not None
    assert label(lang, "option", expected.recommended.value) in text_of(recommended.group(1))
    assert t(lang, "Recommended") in text
    assert FUND.iik in html and FUND.bin in html and FUND.bic in html


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_amounts_on_an_unpublished_wage_are_marked_on_the_calculator_and_the_plan(
    client: TestClient, lang: str
) -> None:
    """R-P-1: every amount computed from the last published MW says so, on the page too."""
    later, published = date(2031, 3, 10), date(2024, 1, 15)
    calc = calculate(PREPAID_FACTS, later)
    assert calc.recommended is not None
    recommended = calc.option(calc.recommended)
    assert recommended is not None
    # the calculator's note names the first such year of all options, the plan's its own
    for path, note in (
        ("/calculator", calc.provisional_note),
        ("/plan", recommended.provisional_note),
    ):
        assert note is not None
        page = client.get(f"{path}?iin={PREPAID}&date={later}&lang={lang}")
        assert page.status_code == 200
        assert 'id="provisional"' in page.text
        assert "⚠ " + explain(note, lang) in text_of(page.text)
        earlier = client.get(f"{path}?iin={PREPAID}&date={published}&lang={lang}").text
        assert 'id="provisional"' not in earlier


def test_an_iin_the_registry_does_not_know_is_offered_prepayments_only(
    client: TestClient,
) -> None:
    """RULES.md §11: never billed as a debtor on the IIN alone, and told why."""
    html = client.get(f"/calculator?iin={UNKNOWN}&date=2024-01-15&lang=ru").text
    assert 'id="no-records"' in html and no_records(date(2024, 1, 15), "ru") in text_of(html)
    assert 'data-option="prepay_now"' in html
    assert 'data-option="clear_debt"' not in html and 'data-option="minimum_now"' not in html
    plan = client.get(f"/plan?iin={UNKNOWN}&option=clear_debt&date=2024-01-15&lang=ru")
    assert plan.status_code == 404
    known = client.get(f"/calculator?iin={PREPAID}&date=2024-01-15&lang=ru").text
    assert 'id="no-records"' not in known


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_insured_person_is_told_until_when_never_when_status_starts(
    client: TestClient, lang: str
) -> None:
    """R-K-2: "a person insured on d is never told 'to be insured now'": the page says until
    when, and each option how far it extends the status, with no "status from"."""
    on = date(2023, 3, 10)  # inside the prepaid run 2022-10 … 2023-09: insured until 2023-12-31
    calc = calculate(PREPAID_FACTS, on)
    assert calc.insured and calc.insured_until is not None and calc.options
    html = client.get(f"/calculator?iin={PREPAID}&date={on}&lang={lang}").text
    text = text_of(html)
    assert 'id="insured-now"' in html
    assert t(lang, "Insured until {date}", date=calc.insured_until) in text
    assert t(lang, "Status from") not in text
    assert status_appears(on, lang) not in text
    for option in calc.options:
        assert option.insured_until is not None and option.insured_until > calc.insured_until
        assert format_date(option.insured_until, lang) in text
    plan = text_of(client.get(f"/plan?iin={PREPAID}&date={on}&lang={lang}").text)
    assert t(lang, "Status from") not in plan and t(lang, "Insured until") in plan
    uninsured = text_of(client.get(f"/calculator?iin={PREPAID}&date=2024-01-15&lang={lang}").text)
    assert status_appears(date(2024, 1, 15), lang) in uninsured


def test_an_insured_person_with_nothing_to_pay_is_still_told_until_when(
    client: TestClient, engine: Engine, store_facts: Callable[..., None]
) -> None:
    """R-K-2: "the answer says until when they are insured", with options or without."""
    disabled = UNKNOWN  # in the registry for this test only
    facts = PersonFacts(
        iin=disabled,
        birth_date=date(1980, 1, 1),
        categories=(CategoryPeriod("disabled", Month(2019, 1), None),),
    )
    with make_session_factory(engine)() as session, session.begin():
        store_facts(session, facts)
    html = client.get(f"/calculator?iin={disabled}&date=2026-12-08&lang=ru").text
    assert 'id="insured-now"' in html and "Застрахован бессрочно" in text_of(html)
    assert t("ru", "Nothing to pay") in text_of(html)


@SQLITE_ONLY
def test_the_fewest_months_after_a_gap_are_not_offered_to_stay_insured(
    client: TestClient, engine: Engine, store_facts: Callable[..., None]
) -> None:
    """Insured through 31 December, asked on 29 December: a payment counts from 5 January
    (R-T-3), so the page does not promise to stay insured across 1–4 January (R-K-2)."""
    facts = parse_facts(
        {"iin": UNKNOWN}, [{"periods": "2025-10..2026-09", "paid_on": "2025-10-06"}]
    )
    with make_session_factory(engine)() as session, session.begin():
        store_facts(session, facts)
    for path in ("/calculator", "/plan"):
        params = {"iin": UNKNOWN, "date": "2026-12-29", "lang": "ru", "option": "minimum_now"}
        text = text_of(client.get(path, params=params).text)
        assert translator("ru").pgettext("option", INSURED_AGAIN) in text, path
        assert translator("ru").pgettext("option", STAY_INSURED) not in text, path
        assert format_date(date(2027, 1, 5), "ru") in text, path


@SQLITE_ONLY
def test_nothing_to_pay_for_a_child(client: TestClient) -> None:
    html = client.get(f"/calculator?iin={CHILD}&date=2024-01-15&lang=ru").text
    assert t("ru", "Nothing to pay") in text_of(html)
    assert 'data-option="' not in html


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_payment_plan_has_one_line_per_month_and_the_funds_details(
    client: TestClient, lang: str
) -> None:
    on = date(2024, 1, 15)
    option = calculate(PREPAID_FACTS, on).option("prepay_now")
    assert option is not None
    html = client.get(f"/plan?iin={PREPAID}&option=prepay_now&date={on}&lang={lang}").text
    text = text_of(html)
    assert t(lang, "Payment plan") in text
    assert label(lang, "option", "prepay_now") in text
    lines = re.findall(r'<tr class="plan__item">(.*?)</tr>', html, re.S)
    assert len(lines) == len(option.plan) == 12
    for line, item in zip(lines, option.plan, strict=True):
        cells = [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)]
        assert cells[1] == PREPAID
        assert (
            cells[2]
            == f"{month_name(item.period, lang)} {item.period.month:02d}.{item.period.year}"
        )
        assert cells[3] == "122"
        assert cells[4] == format_money(item.amount, lang)
    assert format_money(option.total, lang) in text
    for word in ("Payment details", "Beneficiary", "IIK", "BIN", "BIC", "KNP"):
        assert t(lang, word) in text
    assert FUND.iik == "KZ92009MEDS368609103"
    for value in (FUND.iik, FUND.bin, FUND.bic, beneficiary(lang)):
        assert value in text
    note = "Pay each month as a separate payment and give the IIN, the month and the year."
    assert t(lang, note) in text
    assert label(lang, "knp", "122") in text


@SQLITE_ONLY
def test_the_plan_defaults_to_the_recommended_option(client: TestClient) -> None:
    on = date(2024, 1, 15)
    recommended = calculate(PREPAID_FACTS, on).recommended
    assert recommended is not None
    html = client.get(f"/plan?iin={PREPAID}&date={on}&lang=en").text
    assert label("en", "option", recommended.value) in text_of(html)


@SQLITE_ONLY
def test_an_option_that_does_not_exist_is_a_friendly_404(client: TestClient) -> None:
    response = client.get(f"/plan?iin={PREPAID}&option=free_lunch&date=2024-01-15&lang=ru")
    assert response.status_code == 404
    assert t("ru", NO_OPTION) in text_of(response.text)
    assert 'class="plan__item"' not in response.text


@SQLITE_ONLY
def test_the_date_is_kazakhstans_today_from_the_apps_settings(engine: Engine) -> None:
    settings = ApiSettings(today=lambda: date(2022, 10, 20))
    with TestClient(create_app(engine, settings)) as client:
        html = client.get(f"/?iin={CHILD}&lang=en").text
    assert t("en", "Status on {date}", date=date(2022, 10, 20)) in text_of(html)


@SQLITE_ONLY
def test_looking_up_iins_is_limited_per_address_like_the_public_check(engine: Engine) -> None:
    now = [0.0]
    settings = ApiSettings(public_rate_limit_per_minute=2, clock=lambda: now[0])
    with TestClient(create_app(engine, settings)) as client:
        assert client.get("/?lang=ru").status_code == 200  # the form alone costs nothing
        assert client.get(f"/status?iin={CHILD}&date=2025-01-10").status_code == 200
        assert client.get(f"/calculator?iin={CHILD}&date=2025-01-10").status_code == 200
        refused = client.get(f"/plan?iin={CHILD}&date=2025-01-10&lang=ru")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "30"
        assert too_many_checks("ru") in text_of(refused.text)
        assert f'value="{CHILD}"' in refused.text  # the form again, filled in
        assert 'aria-invalid="true"' not in refused.text  # the IIN is not what is wrong
        assert 'role="alert"' in refused.text
        now[0] = 30.0
        assert client.get(f"/status?iin={CHILD}&date=2025-01-10").status_code == 200


# -- the Fund, the privacy notice, the demo banner ------------------------------------------


@SQLITE_ONLY
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_page_names_the_fund_its_contacts_and_has_a_heading(
    client: TestClient, lang: str
) -> None:
    for path in (
        "/",
        f"/status?iin={PREPAID}&date=2024-01-15",
        f"/status?iin={UNKNOWN}&date=2024-01-15",
        f"/calculator?iin={PREPAID}&date=2024-01-15",
        f"/plan?iin={PREPAID}&date=2024-01-15",
        f"/plan?iin={PREPAID}&date=2024-01-15&option=nothing",
        "/status?iin=900515300019",
        "/privacy",
    ):
        response = client.get(path, params={"lang": lang})
        html, text = response.text, text_of(response.text)
        assert html.count("<h1") == 1, path
        assert FUND_NAMES[lang] in text, path
        assert 'href="tel:1414"' in html and 'href="https://fms.kz/"' in html, path
        assert t(lang, "Call centre {number}", number="1414") in text
        assert f'href="/privacy?lang={lang}' in html, path


@SQLITE_ONLY
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_privacy_notice_says_what_is_shown_and_that_look_ups_are_recorded(
    client: TestClient, lang: str
) -> None:
    response = client.get("/privacy", params={"lang": lang})
    assert response.status_code == 200
    text = text_of(response.text)
    assert t(lang, PRIVACY_HIDDEN) in text and t(lang, PRIVACY_RECORDED) in text
    form = text_of(client.get("/", params={"lang": lang}).text)
    assert t(lang, PRIVACY_SHORT) in form


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("path", ["/nope", "/status/850312401235", "/static/nope.css"])
def test_a_page_that_does_not_exist_says_so_in_the_language(
    client: TestClient, lang: str, path: str
) -> None:
    """Not the framework's English ``{"detail": "Not Found"}``: the page's own 404, in the
    visitor's language, with the way back to the form; the API keeps its problem document."""
    response = client.get(path, params={"lang": lang})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == lang
    assert t(lang, "Not found.") in text_of(response.text)
    assert 'href="/?lang=' + lang in response.text
    api = client.get("/api/v1/nope", params={"lang": lang})
    assert api.status_code == 404 and api.json()["code"] == "request.not_found"


def test_the_fund_names_itself_in_each_language() -> None:
    assert FUND_NAMES == {
        "kk": "Әлеуметтік медициналық сақтандыру қоры (ӘМСҚ)",
        "ru": "Фонд социального медицинского страхования (ФСМС)",
        "en": "Social Health Insurance Fund",
    }
    assert beneficiary("en") == "NJSC State Corporation “Government for Citizens”"
    assert beneficiary("ru") == "НАО «Государственная корпорация «Правительство для граждан»»"
    assert "«Азаматтарға арналған үкімет» мемлекеттік корпорациясы» КЕАҚ" in beneficiary("kk")


@SQLITE_ONLY
def test_the_demo_banner_follows_osms_demo_else_the_demo_builds_marker(engine: Engine) -> None:
    def banner(settings: ApiSettings) -> bool:
        with TestClient(create_app(engine, settings)) as client:
            html = client.get("/?lang=en").text
        return 'id="demo"' in html and t("en", DEMO) in text_of(html)

    assert not banner(ApiSettings())  # a registry without the demo build's marker
    with TestClient(create_app(engine, ApiSettings())) as client:
        started = time.monotonic()
        assert client.get(f"/status?iin={CHILD}&lang=en").status_code == 200
    # asked inside the look-up's transaction, the marker is read without SQLite's write lock
    assert time.monotonic() - started < 10
    assert banner(ApiSettings(demo=True))
    with make_session_factory(engine)() as session, session.begin():
        audit.record(session, "osms demo", "demo.build", None, "synthetic", {"seed": 1})
    assert banner(ApiSettings())
    assert not banner(ApiSettings(demo=False))
    assert ApiSettings.from_env({"OSMS_DEMO": "1"}).demo is True
    assert ApiSettings.from_env({"OSMS_DEMO": "0"}).demo is False
    assert ApiSettings.from_env({}).demo is None
    with pytest.raises(ValueError, match="OSMS_DEMO"):
        ApiSettings.from_env({"OSMS_DEMO": "maybe"})


# -- every kind of person: the page shows nothing personal (RULES.md §11) --------------------


@pytest.fixture
def everyone(engine: Engine, store_facts: Callable[..., None]) -> Iterator[TestClient]:
    with make_session_factory(engine)() as session, session.begin():
        for person in PEOPLE:
            if person.facts is not None:
                store_facts(session, person.facts)
    settings = ApiSettings(public_rate_limit_per_minute=10_000)
    with TestClient(create_app(engine, settings)) as opened:
        yield opened


@SQLITE_ONLY
@pytest.mark.parametrize("person", PEOPLE, ids=[p.name for p in PEOPLE])
def test_the_page_shows_nothing_personal(everyone: TestClient, person: Person) -> None:
    decision = decide(person.decided_facts(), ON)
    for lang in ("kk", "ru", "en"):
        words = private_words(person, decision, lang)
        # the calculator and the plan say the same in every language: asked in one
        paths = ("/status", "/calculator", "/plan") if lang == "ru" else ("/status",)
        for path in paths:
            response = everyone.get(path, params={"iin": person.iin, "date": ON, "lang": lang})
            assert response.status_code in (200, 404), (path, response.status_code)
            text = text_of(response.text)
            assert leaks(text, words) == [], (lang, path)
            assert "data-category" not in response.text
            if path != "/status":
                continue
            if person.known or decision.insured:
                assert label(lang, "status", decision.status.value).upper() in text
            else:
                assert no_records(ON, lang) in text


@SQLITE_ONLY
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_temporary_status_with_no_debt_is_not_offered_to_pay_off_a_debt(
    everyone: TestClient, lang: str
) -> None:
    """R-S-7: the card of a temporary status says "no debt"; the calculator on the same page
    names ``clear_debt`` as the unpaid months, not "the whole debt" (R-K-2)."""
    iin = BY_NAME["temporary"].iin
    params = {"iin": iin, "date": ON, "lang": lang}
    assert t(lang, "No debt") in text_of(everyone.get("/", params=params).text)
    unpaid = translator(lang).pgettext("option", UNPAID_MONTHS)
    debt = label(lang, "option", "clear_debt")
    for path in ("/calculator", "/plan"):
        page = text_of(everyone.get(path, params={**params, "option": "clear_debt"}).text)
        assert unpaid in page and debt not in page, path
