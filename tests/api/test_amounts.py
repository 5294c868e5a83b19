"""The Fund's calculators through the API: ``GET /api/v1/amounts`` (R-K-1, SOURCES.md T1-T3) and
``GET /api/v1/penalty`` (R-K-4, §8): figures from the sources, coded refusals in kk/ru/en,
the missing base-rate day named, the public rate limit, and bounded fuzzing (never a 500)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from osms.i18n import error_message
from osms.rules.calculator import FUND
from osms.views.models import AMOUNT_EXAMPLE, PENALTY_EXAMPLE, MonthlyAmount, Penalty
from tests.api.conftest import SQLITE_ONLY, Api, make_api

pytestmark = SQLITE_ONLY

AMOUNTS = "/api/v1/amounts"
PENALTY = "/api/v1/penalty"


@pytest.fixture
def api(engine: Engine) -> Api:
    return make_api(engine)


@pytest.fixture
def client(api: Api) -> Iterator[TestClient]:
    yield api.client


def amount(client: TestClient, **query: Any) -> dict[str, Any]:
    response = client.get(AMOUNTS, params=query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    MonthlyAmount.model_validate(body)
    return body


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["type"] == f"urn:osms:problem:{code}"
    return body


# -- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "year", "expected"),
    [
        ("self_payer", 2022, "3000.00"),
        ("self_payer", 2023, "3500.00"),
        ("self_payer", 2024, "4250.00"),
        ("entrepreneur", 2023, "4900.00"),
        ("entrepreneur", 2024, "5950.00"),
    ],
)
def test_fixed_amounts_of_T1(client: TestClient, kind: str, year: int, expected: str) -> None:
    body = amount(client, kind=kind, year=year)
    assert (body["amount"], body["knp"], body["provisional"]) == (expected, "122", False)
    assert body["income"] is None and body["cap"] is None


@pytest.mark.parametrize(
    ("kind", "year", "expected", "cap"),
    [
        ("employer", 2024, "25500.00", "850000.00"),  # 3 % × 10 MW
        ("employer", 2025, "25500.00", "850000.00"),
        ("employer", 2026, "102000.00", "3400000.00"),  # 3 % × 40 MW
        ("employee", 2024, "17000.00", "850000.00"),  # 2 % × 10 MW
        ("employee", 2026, "34000.00", "1700000.00"),  # 2 % × 20 MW
        ("self_employed", 2026, "17000.00", "1700000.00"),  # 1 % × 20 MW
    ],
)
def test_caps_by_year_as_in_T3(
    client: TestClient, kind: str, year: int, expected: str, cap: str
) -> None:
    body = amount(client, kind=kind, year=year, income="10 000 000")
    assert (body["amount"], body["maximum"], body["cap"], body["capped"]) == (
        expected,
        expected,
        cap,
        True,
    )
    assert body["income"] == "10000000.00"


def test_an_income_below_the_cap_pays_the_rate_of_it(client: TestClient) -> None:
    employer = amount(client, kind="employer", year=2024, income="300000")
    employee = amount(client, kind="employee", year=2024, income="300000,00")
    assert (employer["amount"], employer["knp"], employer["capped"]) == ("9000.00", "121", False)
    assert (employee["amount"], employee["knp"], employee["rate"]) == ("6000.00", "122", "0.02")


def test_the_year_defaults_to_this_year_and_the_fund_details_come_along(api: Api) -> None:
    body = amount(api.client, kind="self_payer")
    assert body["year"] == 2025  # the test clock's year (tests/api/conftest.py)
    assert body["fund"] == {
        "iik": FUND.iik,
        "bin": FUND.bin,
        "bic": FUND.bic,
        "beneficiary": FUND.beneficiary,
    }


def test_a_year_whose_wage_is_not_published_is_answered_provisional(client: TestClient) -> None:
    """R-P-1: 2027 priced with the 2026 MW, and said so."""
    body = amount(client, kind="self_payer", year=2027)
    assert (body["amount"], body["minimum_wage"], body["provisional"]) == (
        "4250.00",
        "85000.00",
        True,
    )


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"kind": "boss", "year": 2024}, "request.invalid", "kind"),
        ({"year": 2024}, "request.invalid", "kind"),
        ({"kind": "self_payer", "year": "twenty"}, "request.invalid", "year"),
        ({"kind": "self_payer", "year": 1999}, "request.invalid", "year"),
        ({"kind": "self_payer", "year": 2100}, "request.invalid", "year"),
        ({"kind": "employee", "year": 2024}, "amount.income_required", "income"),
        ({"kind": "employee", "year": 2024, "income": "  "}, "amount.income_required", "income"),
        ({"kind": "employee", "year": 2024, "income": "-5"}, "amount.income", "income"),
        ({"kind": "employee", "year": 2024, "income": "1e9"}, "amount.income", "income"),
        ({"kind": "employee", "year": 2024, "income": "NaN"}, "amount.income", "income"),
        ({"kind": "employee", "year": 2024, "income": "12.345"}, "amount.income", "income"),
        ({"kind": "employer", "year": 2024, "income": "9" * 13}, "amount.income", "income"),
        ({"kind": "employer", "year": 2024, "income": "9" * 40}, "request.invalid", "income"),
        ({"kind": "self_payer", "year": 2019}, "amount.not_due", "year"),
        ({"kind": "self_employed", "year": 2025, "income": "1"}, "amount.not_due", "year"),
    ],
)
def test_bad_input_is_a_422_with_a_stable_code(
    client: TestClient, query: dict[str, Any], code: str, field: str
) -> None:
    body = problem(client.get(AMOUNTS, params=query), 422, code)
    assert body["field"] == field


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_refusal_speaks_the_language_asked(client: TestClient, lang: str) -> None:
    response = client.get(AMOUNTS, params={"kind": "entrepreneur", "year": 2018, "lang": lang})
    body = problem(response, 422, "amount.not_due")
    assert body["detail"] == error_message("amount.not_due", lang)
    assert body["first_month"] == "2020-01"  # IEs were exempt in 2018-2019 (T2)
    assert response.headers["content-language"] == lang


def test_a_language_not_offered_is_refused_as_on_every_other_route(client: TestClient) -> None:
    """``?lang=`` is declared and checked like the look-ups': de is no kk, ru or en."""
    asked = {
        AMOUNTS: {"kind": "self_payer", "year": 2024},
        PENALTY: {"arrears": "21000", "period": "2023-06", "paid_on": "2023-08-04"},
    }
    paths = client.get("/openapi.json").json()["paths"]

    def lang_parameter(path: str) -> dict[str, Any]:
        [found] = [p for p in paths[path]["get"]["parameters"] if p["name"] == "lang"]
        return dict(found)

    for path, query in asked.items():
        refused = problem(client.get(path, params={**query, "lang": "de"}), 422, "request.invalid")
        assert refused["field"] == "lang"
        assert client.get(path, params={**query, "lang": "ru"}).status_code == 200
        assert lang_parameter(path) == lang_parameter("/api/v1/status/{iin}")


def test_the_default_language_is_kazakh(client: TestClient) -> None:
    body = problem(
        client.get(AMOUNTS, params={"kind": "employee", "year": 2024}),
        422,
        "amount.income_required",
    )
    assert body["lang"] == "kk"
    assert body["detail"] == error_message("amount.income_required", "kk")


# -- penalty -----------------------------------------------------------------------------------


def test_scenario_28_ten_days_late(client: TestClient) -> None:
    """SOURCES.md §10 scenario 28: 21 000 × 16.75 % × 1.25 × 10 / 365 = 120.46."""
    response = client.get(
        PENALTY, params={"arrears": "21000", "period": "2023-06", "paid_on": "2023-08-04"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    Penalty.model_validate(body)
    assert body == PENALTY_EXAMPLE  # the documented example is a real answer


def test_the_documented_amount_example_is_a_real_answer(client: TestClient) -> None:
    assert amount(client, kind="employer", year=2026, income="5000000") == AMOUNT_EXAMPLE


def test_a_penalty_across_base_rate_decisions_lists_its_parts(client: TestClient) -> None:
    body = client.get(
        PENALTY, params={"arrears": "100000", "period": "2021-12", "paid_on": "2022-05-10"}
    ).json()
    assert body["amount"] == "4559.08"
    assert [(p["first"], p["base_rate"], p["days"]) for p in body["parts"]] == [
        ("2022-01-26", "10.25", 29),
        ("2022-02-24", "13.5", 60),
        ("2022-04-25", "14", 16),
    ]
    assert sum(p["days"] for p in body["parts"]) == body["days"] == 105
    total = sum(Decimal(p["amount"]) for p in body["parts"])
    assert abs(total - Decimal(body["amount"])) <= Decimal("0.03")


def test_paid_on_time_is_no_penalty(client: TestClient) -> None:
    body = client.get(
        PENALTY, params={"arrears": "21000", "period": "2023-06", "paid_on": "2023-07-25"}
    ).json()
    assert (body["days"], body["amount"], body["parts"]) == (0, "0.00", [])


@pytest.mark.parametrize(
    ("period", "paid_on", "day"),
    [
        ("2024-01", "2024-03-01", "2024-02-26"),  # after the last recorded decision
        ("2017-07", "2017-09-01", "2017-08-26"),  # the 2017-2018 decisions are not recorded
    ],
)
def test_a_day_without_a_base_rate_is_named(
    client: TestClient, period: str, paid_on: str, day: str
) -> None:
    """R-K-4: never a guess: 422 parameter.missing with the day and the parameter."""
    response = client.get(
        PENALTY, params={"arrears": "21000", "period": period, "paid_on": paid_on, "lang": "ru"}
    )
    body = problem(response, 422, "parameter.missing")
    assert (body["date"], body["parameter"], body["field"]) == (day, "base_rate", "paid_on")
    assert day in body["message"]
    assert body["detail"] == error_message("parameter.missing", "ru")


def test_paid_on_defaults_to_today(api: Api) -> None:
    """The test clock's today is 2025-01-10: past the recorded base rates, so it is named."""
    response = api.client.get(PENALTY, params={"arrears": "1000", "period": "2024-11"})
    assert problem(response, 422, "parameter.missing")["date"] == "2024-12-26"


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        (
            {"arrears": "0", "period": "2023-06", "paid_on": "2023-08-04"},
            "penalty.arrears",
            "arrears",
        ),
        (
            {"arrears": "-1", "period": "2023-06", "paid_on": "2023-08-04"},
            "penalty.arrears",
            "arrears",
        ),
        (
            {"arrears": "abc", "period": "2023-06", "paid_on": "2023-08-04"},
            "penalty.arrears",
            "arrears",
        ),
        ({"period": "2023-06", "paid_on": "2023-08-04"}, "request.invalid", "arrears"),
        (
            {"arrears": "1", "period": "2023-13", "paid_on": "2023-08-04"},
            "penalty.period",
            "period",
        ),
        (
            {"arrears": "1", "period": "2017-06", "paid_on": "2023-08-04"},
            "penalty.period",
            "period",
        ),
        ({"arrears": "1", "period": "June", "paid_on": "2023-08-04"}, "penalty.period", "period"),
        ({"arrears": "1", "paid_on": "2023-08-04"}, "request.invalid", "period"),
        (
            {"arrears": "1", "period": "2023-06", "paid_on": "2023-02-30"},
            "request.invalid",
            "paid_on",
        ),
        (
            {"arrears": "1", "period": "2023-06", "paid_on": "2017-06-30"},
            "request.invalid",
            "paid_on",
        ),
    ],
)
def test_bad_penalty_input_is_a_422_with_a_stable_code(
    client: TestClient, query: dict[str, Any], code: str, field: str
) -> None:
    assert problem(client.get(PENALTY, params=query), 422, code)["field"] == field


# -- public, limited per address ------------------------------------------------------------------


def test_the_calculators_are_limited_per_address_like_the_public_check(engine: Engine) -> None:
    api = make_api(engine, public_limit=2)
    query = {"kind": "self_payer", "year": 2024}
    assert [api.client.get(AMOUNTS, params=query).status_code for _ in range(2)] == [200, 200]
    refused = api.client.get(PENALTY, params={"arrears": "1", "period": "2023-06"})
    body = problem(refused, 429, "rate.limited")
    assert int(refused.headers["retry-after"]) >= 1
    assert body["limit_per_minute"] == 2
    api.clock.advance(60)
    assert api.client.get(AMOUNTS, params=query).status_code == 200


def test_a_client_key_is_limited_by_its_own_quota_and_a_wrong_key_refused(api: Api) -> None:
    key = api.key("Bank", scopes=("status:read",))
    query = {"kind": "self_payer", "year": 2024}
    assert api.client.get(AMOUNTS, params=query, headers=api.auth(key)).status_code == 200
    wrong = api.client.get(AMOUNTS, params=query, headers=api.auth("osms_nope_nope"))
    problem(wrong, 401, "auth.key_invalid")


def test_the_openapi_document_says_no_key_is_needed(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (AMOUNTS, PENALTY):
        operation = paths[path]["get"]
        assert {} in operation["security"]
        assert set(operation["responses"]) == {"200", "401", "422", "429", "503"}
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]


# -- bounded fuzzing: whatever is typed, an answer or a coded 422, never a 500 --------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
_NUMBERISH = st.one_of(
    _TEXT,
    st.decimals(min_value=-(10**13), max_value=10**13, allow_nan=False).map(str),
    st.integers(-5, 10**14).map(str),
)
_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _ok_or_coded(response: Any) -> None:
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["code"].startswith(("request.", "amount.", "penalty.", "parameter."))


@_FUZZ
@given(
    kind=st.one_of(
        st.sampled_from(["self_payer", "entrepreneur", "employer", "employee", "self_employed"]),
        _TEXT,
    ),
    year=st.one_of(st.integers(1990, 2110).map(str), _TEXT),
    income=st.one_of(st.none(), _NUMBERISH),
)
def test_fuzzed_amount_queries(api: Api, kind: str, year: str, income: str | None) -> None:
    query = {"kind": kind, "year": year}
    if income is not None:
        query["income"] = income
    _ok_or_coded(api.client.get(AMOUNTS, params=query))


@_FUZZ
@given(
    arrears=_NUMBERISH,
    period=st.one_of(
        st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2015, 2101), st.integers(0, 13)), _TEXT
    ),
    paid_on=st.one_of(st.dates().map(str), _TEXT),
)
def test_fuzzed_penalty_queries(api: Api, arrears: str, period: str, paid_on: str) -> None:
    _ok_or_coded(
        api.client.get(PENALTY, params={"arrears": arrears, "period": period, "paid_on": paid_on})
    )
