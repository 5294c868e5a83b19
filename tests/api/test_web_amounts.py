"""The citizen page's calculators, ``/amounts`` (R-K-1) and ``/penalty`` (R-K-4), over the real
app without a browser: plain GET forms that work without JavaScript, Kazakh by default, in
kk/ru/en; what was typed is kept, a refusal is the form again with the reason at the field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from osms.api.app import create_app
from osms.api.settings import ApiSettings
from osms.api.web.rendering import too_many_checks
from osms.i18n import error_message, format_date, format_money, t
from osms.rules.amounts import Payer
from osms.views.amounts import (
    AMOUNTS_TITLE,
    CAPPED,
    MONTHLY_AMOUNT,
    MULTIPLIER,
    ON_TIME,
    PENALTY_INTRO,
    PENALTY_TITLE,
    PROVISIONAL,
    RATE_MISSING,
    payer_name,
)
from osms.views.public import beneficiary

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

TODAY = date(2026, 12, 7)
LANGS = ("kk", "ru", "en")


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = ApiSettings(public_rate_limit_per_minute=1000, today=lambda: TODAY)
    with TestClient(create_app(engine, settings)) as opened:
        yield opened


def text_of(html: str) -> str:
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([a-z]+)">', html)
    assert found, html[:200]
    return found.group(1)


def field(html: str, name: str) -> str:
    """The tag of the form field ``name``."""
    found = re.search(rf'<(?:input|select)[^>]*\bname="{name}"[^>]*>', html, flags=re.S)
    assert found, name
    return found.group(0)


# -- /amounts -----------------------------------------------------------------------------------


def test_the_amounts_form_is_a_plain_get_form_in_kazakh_by_default(client: TestClient) -> None:
    response = client.get("/amounts")
    assert response.status_code == 200
    html = response.text
    assert html_lang(html) == "kk" and response.headers["content-language"] == "kk"
    assert re.search(r'<form [^>]*method="get" action="/amounts"', html)
    assert "<script" not in html
    assert "default-src 'none'" in response.headers["content-security-policy"]
    text = text_of(html)
    assert t("kk", AMOUNTS_TITLE) in text
    for payer in Payer:  # every kind is an option, named in the language
        assert f'<option value="{payer.value}"' in html
        assert payer_name(payer, "kk") in text
    assert 'value="2026"' in field(html, "year")  # this year by default
    assert 'name="lang" value="kk"' in html
    assert 'id="amount"' not in html  # nothing calculated yet


@pytest.mark.parametrize("lang", LANGS)
def test_an_employer_in_2026_is_capped_at_40_wages(client: TestClient, lang: str) -> None:
    """R-K-1, SOURCES.md T3: 3 % × 40 × 85 000 = 102 000 a month."""
    response = client.get(
        "/amounts", params={"kind": "employer", "year": "2026", "income": "5 000 000", "lang": lang}
    )
    assert response.status_code == 200
    html = response.text
    assert html_lang(html) == lang
    text = text_of(html)
    assert f"{t(lang, MONTHLY_AMOUNT)}: {format_money(102000, lang)}" in text
    assert t(lang, CAPPED) in text
    assert "KZ92009MEDS368609103" in text  # where to pay (R-K-3)
    assert beneficiary(lang) in text  # the payee in the page's language, as the calculator's
    # the form keeps what was typed
    assert re.search(r'<option value="employer" selected>', html)
    assert 'value="5 000 000"' in field(html, "income")


@pytest.mark.parametrize(
    ("kind", "year", "income", "expected"),
    [
        ("self_payer", "2024", "", 4250),
        ("entrepreneur", "2024", "", 5950),
        ("employee", "2025", "10000000", 17000),  # 2 % × 10 MW
        ("employee", "2026", "10000000", 34000),  # 2 % × 20 MW
        ("employer", "2025", "10000000", 25500),  # 3 % × 10 MW
        ("self_employed", "2026", "250000", 2500),  # 1 % of income
    ],
)
def test_amounts_of_the_sources(
    client: TestClient, kind: str, year: str, income: str, expected: int
) -> None:
    query = {"kind": kind, "year": year, "income": income, "lang": "en"}
    response = client.get("/amounts", params=query)
    assert response.status_code == 200
    assert f"{t('en', MONTHLY_AMOUNT)}: {format_money(expected, 'en')}" in text_of(response.text)


def test_an_unpublished_year_is_answered_and_marked_provisional(client: TestClient) -> None:
    response = client.get("/amounts", params={"kind": "self_payer", "year": "2027", "lang": "ru"})
    assert response.status_code == 200
    assert t("ru", PROVISIONAL, year=2027) in text_of(response.text)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("query", "code", "name"),
    [
        ({"kind": "boss"}, "amount.kind", "kind"),
        ({"kind": "self_payer", "year": "twenty"}, "amount.year", "year"),
        ({"kind": "self_payer", "year": "2019"}, "amount.not_due", "year"),
        ({"kind": "employee", "year": "2024"}, "amount.income_required", "income"),
        ({"kind": "employee", "year": "2024", "income": "-100"}, "amount.income", "income"),
    ],
)
def test_a_refusal_is_the_form_with_the_reason_at_the_field(
    client: TestClient, lang: str, query: dict[str, str], code: str, name: str
) -> None:
    response = client.get("/amounts", params={**query, "lang": lang})
    assert response.status_code == 422
    html = response.text
    assert error_message(code, lang) in text_of(html)
    assert 'aria-invalid="true"' in field(html, name)
    assert 'id="amount"' not in html
    assert "Traceback" not in html


# -- /penalty -----------------------------------------------------------------------------------


def test_the_penalty_form_defaults_the_payment_day_to_today(client: TestClient) -> None:
    response = client.get("/penalty", params={"lang": "en"})
    assert response.status_code == 200
    html = response.text
    assert re.search(r'<form [^>]*method="get" action="/penalty"', html)
    assert "<script" not in html
    assert t("en", PENALTY_TITLE) in text_of(html)
    assert 'value="2026-12-07"' in field(html, "paid_on")
    assert 'href="/amounts?lang=en"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_penalty_intro_names_the_multiplier_of_the_table(client: TestClient, lang: str) -> None:
    """R-K-4: the penalty is the base rate times a multiplier; the intro says so, in the
    table's word for it, without its value (a dated parameter: 2.5, then 1.25 from 2018)."""
    text = text_of(client.get("/penalty", params={"lang": lang}).text)
    assert t(lang, PENALTY_INTRO) in text
    assert t(lang, MULTIPLIER).lower() in t(lang, PENALTY_INTRO).lower()


@pytest.mark.parametrize("lang", LANGS)
def test_scenario_28_in_each_language(client: TestClient, lang: str) -> None:
    """SOURCES.md §10 scenario 28: 21 000 for June 2023 paid 10 days late = 120.46."""
    response = client.get(
        "/penalty",
        params={"arrears": "21000", "period": "2023-06", "paid_on": "2023-08-04", "lang": lang},
    )
    assert response.status_code == 200
    html = response.text
    text = text_of(html)
    assert format_money("120.46", lang) in text
    assert format_money("12.05", lang) in text  # a day's penalty
    assert format_date(date(2023, 7, 25), lang) in text  # the due date
    assert len(re.findall(r'<tr class="penalty__part"', html)) == 1
    assert 'value="21000"' in field(html, "arrears")
    assert 'value="2023-06"' in field(html, "period")


def test_a_penalty_across_three_base_rates(client: TestClient) -> None:
    response = client.get(
        "/penalty", params={"arrears": "100000", "period": "2021-12", "paid_on": "2022-05-10"}
    )
    assert response.status_code == 200
    assert len(re.findall(r'<tr class="penalty__part"', response.text)) == 3
    assert format_money("4559.08", "kk") in text_of(response.text)


def test_paid_on_time_is_no_penalty(client: TestClient) -> None:
    response = client.get(
        "/penalty",
        params={"arrears": "21000", "period": "2023-06", "paid_on": "2023-07-25", "lang": "ru"},
    )
    assert response.status_code == 200
    assert t("ru", ON_TIME) in text_of(response.text)


@pytest.mark.parametrize("lang", LANGS)
def test_a_day_without_a_base_rate_is_named(client: TestClient, lang: str) -> None:
    """R-K-4: never a guess: the first day whose NBK base rate is not recorded."""
    response = client.get(
        "/penalty",
        params={"arrears": "21000", "period": "2024-01", "paid_on": "2024-03-01", "lang": lang},
    )
    assert response.status_code == 422
    day = format_date(date(2024, 2, 26), lang)
    assert t(lang, RATE_MISSING, date=day) in text_of(response.text)
    assert 'aria-invalid="true"' in field(response.text, "paid_on")


@pytest.mark.parametrize(
    ("query", "code", "name"),
    [
        ({"arrears": "abc", "period": "2023-06"}, "penalty.arrears", "arrears"),
        ({"arrears": "100", "period": "June"}, "penalty.period", "period"),
        ({"arrears": "100", "period": ""}, "penalty.period", "period"),
        (
            {"arrears": "100", "period": "2023-06", "paid_on": "4.8.2023"},
            "penalty.paid_on",
            "paid_on",
        ),
    ],
)
def test_bad_penalty_input(client: TestClient, query: dict[str, str], code: str, name: str) -> None:
    response = client.get("/penalty", params={**query, "lang": "ru"})
    assert response.status_code == 422
    assert error_message(code, "ru") in text_of(response.text)
    assert 'aria-invalid="true"' in field(response.text, name)


# -- one bucket per address, like the public check -------------------------------------------------


def test_calculating_is_limited_per_address_but_the_empty_form_is_not(engine: Engine) -> None:
    now = [0.0]
    settings = ApiSettings(
        public_rate_limit_per_minute=1, today=lambda: TODAY, clock=lambda: now[0]
    )
    with TestClient(create_app(engine, settings)) as client:
        query = {"kind": "self_payer", "year": "2024", "lang": "ru"}
        assert client.get("/amounts", params=query).status_code == 200
        refused = client.get("/penalty", params={"arrears": "1", "period": "2023-06", "lang": "ru"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert too_many_checks("ru") in text_of(refused.text)
        assert client.get("/amounts").status_code == 200  # only a calculation takes a token
        now[0] += 60
        assert client.get("/amounts", params=query).status_code == 200
