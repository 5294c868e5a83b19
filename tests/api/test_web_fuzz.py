"""Fuzz the citizen page: whatever a query string holds (a page's forms can be typed into the
address bar), every page answers with a page, never a server error.

The page is not in the OpenAPI schema, so the schema-driven fuzzing of the API does not reach
it; this does, with every parameter of every form.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from osms.registry import people
from osms.registry.db import make_session_factory
from osms.rules.month import Month
from tests.api.conftest import PREPAID, UNPAID, Api, make_api, pay

PAGES: dict[str, tuple[str, ...]] = {
    "/": ("iin", "lang", "date"),
    "/status": ("iin", "lang", "date"),
    "/calculator": ("iin", "lang", "date"),
    "/plan": ("iin", "lang", "date", "option"),
    "/amounts": ("lang", "kind", "year", "income"),
    "/penalty": ("lang", "arrears", "period", "paid_on"),
    "/privacy": ("lang",),
}
"""Each page and the query parameters its form sends."""

_EDGES = ["", " ", "9999-12-31", "0001-01-01", "1e400", "NaN", "-1", "0", str(2**63), "9" * 40]


def _one_of(*samples: str) -> st.SearchStrategy[str]:
    """The values a form sends, edge values, and any text."""
    return st.one_of(st.sampled_from(samples), st.sampled_from(_EDGES), st.text(max_size=40))


VALUES: dict[str, st.SearchStrategy[str]] = {
    "iin": st.one_of(_one_of(PREPAID, UNPAID), st.from_regex(r"\A[0-9]{12}\Z")),
    "lang": _one_of("kk", "ru", "en", "de"),
    "date": _one_of("2025-01-10", "2020-01-01", "2099-12-31", "2100-01-01", "2024-02-30"),
    "option": _one_of("clear_debt", "minimum_now", "prepay_now", "prepay_next"),
    "kind": _one_of("self_payer", "entrepreneur", "employer", "employee", "self_employed"),
    "year": _one_of("2020", "2025", "2027", "2019", "2100"),
    "income": _one_of("85000", "85 000,50", "1000000000", "0,01"),
    "arrears": _one_of("10000", "10 000,50", "0,01"),
    "period": _one_of("2023-06", "2017-07", "2017-06", "06.2023", "062023", "2099-12"),
    "paid_on": _one_of("2023-08-04", "2017-08-25", "2099-12-31"),
}
"""For each query parameter: what its form sends, edge values, and any text."""


@st.composite
def _request(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    path = draw(st.sampled_from(sorted(PAGES)))
    names = draw(st.lists(st.sampled_from(PAGES[path]), unique=True))
    return path, {name: draw(VALUES[name]) for name in names}


@pytest.fixture
def page_api(sqlite_engine: Engine) -> Api:
    """The page over a registry with a prepaid payer and a person who never paid, and no
    rate limit in the way of the examples."""
    with make_session_factory(sqlite_engine)() as session, session.begin():
        pay(session, PREPAID, Month(2024, 6), Month(2025, 5), date(2024, 6, 3))
        people.ensure(session, UNPAID)
    return make_api(sqlite_engine, public_limit=10**9)


@settings(max_examples=600, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=_request())
def test_no_query_makes_a_page_fail(page_api: Api, request: tuple[str, dict[str, str]]) -> None:
    path, query = request
    answer = page_api.client.get(path, params=query)
    assert answer.status_code < 500, (path, query, answer.status_code, answer.text[-500:])
    assert answer.headers["content-type"].startswith("text/html"), (path, query)
