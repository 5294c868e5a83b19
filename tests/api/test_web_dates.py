"""The page's ``?date=`` is bounded like the API's (2020-01-01 … 2099-12-31): a date outside
gives the form with the bounds in the page's language (422), never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from osms.api.v1.schemas import MAX_DATE, MIN_DATE
from osms.i18n import t
from tests.api.conftest import PREPAID, SQLITE_ONLY, make_api

DATE_OUT_OF_RANGE = "The date must be between {first} and {last}."  # the page's msgid
OUTSIDE = ["9999-12-31", "0001-01-01", "2019-12-31", "2100-01-01"]


@SQLITE_ONLY
@pytest.mark.parametrize("path", ["/", "/status", "/calculator", "/plan"])
@pytest.mark.parametrize("day", OUTSIDE)
@pytest.mark.parametrize("with_iin", [False, True])
def test_a_date_outside_the_bounds_is_refused_on_every_route(
    engine: Engine, path: str, day: str, with_iin: bool
) -> None:
    api = make_api(engine)
    params = {"date": day, "lang": "ru", **({"iin": PREPAID} if with_iin else {})}
    response = api.client.get(path, params=params)
    assert response.status_code == 422
    assert t("ru", DATE_OUT_OF_RANGE, first=MIN_DATE, last=MAX_DATE) in response.text
    assert f'name="date" value="{day}"' not in response.text  # the form does not resend it


@SQLITE_ONLY
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_bounds_are_told_in_the_pages_language(engine: Engine, lang: str) -> None:
    response = make_api(engine).client.get(
        "/calculator", params={"date": "9999-12-31", "lang": lang}
    )
    assert response.status_code == 422
    assert response.headers["content-language"] == lang
    message = t(lang, DATE_OUT_OF_RANGE, first=MIN_DATE, last=MAX_DATE)
    assert message in response.text
    assert "2099" in message and "2020" in message


@SQLITE_ONLY
@pytest.mark.parametrize("path", ["/", "/calculator", "/plan"])
@pytest.mark.parametrize("day", [MIN_DATE.isoformat(), MAX_DATE.isoformat()])
def test_the_bounds_themselves_are_answered(engine: Engine, path: str, day: str) -> None:
    response = make_api(engine).client.get(path, params={"iin": PREPAID, "date": day})
    assert response.status_code in (200, 404)  # /plan: 404 when no option exists that day
    assert t("kk", DATE_OUT_OF_RANGE, first=MIN_DATE, last=MAX_DATE) not in response.text
