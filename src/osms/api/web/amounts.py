"""The citizen page's two calculators: ``/amounts`` (a month's amount, R-K-1) and
``/penalty`` (an employer's penalty, R-K-4), like fms.kz's «МӘМС калькуляторы» and
fms.kz/calc/fine.

Plain GET forms: the answer is under the form, the form keeps what was typed, nothing needs
JavaScript.  What was typed is read by :mod:`osms.services.amounts`; a refusal is the form
again (422) with the reason in the page's language next to the field at fault.  A calculation
takes a token from the same per-address bucket as the API's public routes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from osms.api.deps import Today
from osms.api.web.rendering import Page, render, seconds_to_wait, too_many_checks
from osms.i18n import error_message, t
from osms.rules.amounts import Payer, part_amount, per_day
from osms.rules.calculator import FUND, Penalty, PenaltyPart
from osms.rules.errors import RuleError
from osms.rules.month import Month
from osms.rules.parameters import ParameterMissing
from osms.services.amounts import FIRST_YEAR, LAST_YEAR, amount_for, parse_period, penalty_for
from osms.services.errors import ServiceError
from osms.views.amounts import (
    AMOUNTS_INTRO,
    AMOUNTS_TITLE,
    PENALTY_INTRO,
    PENALTY_TITLE,
    base_rate_missing,
    number,
    payer_name,
    percent,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# No length limits or types here: a bad value gets the page's own message, not a JSON 422.
Text = Annotated[str | None, Query()]

_ECHO: Final = 40
"""At most this much of what was typed is shown back in the form."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the form was not answered, and the field at fault (None: not the person's input)."""

    message: str
    field: str | None


@dataclass(frozen=True, slots=True)
class PartRow:
    """One line of the penalty's table."""

    part: PenaltyPart
    per_day: Decimal
    amount: Decimal


def _echo(value: str | None) -> str:
    return (value or "").strip()[:_ECHO]


def _filled(*values: str | None) -> bool:
    return any(value is not None and value.strip() for value in values)


def _page(request: Request, lang: str | None, today: date) -> Page:
    return Page.of(request, lang, None, today)


def _refusal(error: ServiceError | RuleError, lang: str) -> Refusal:
    if isinstance(error, ParameterMissing):
        return Refusal(base_rate_missing(error, lang), "paid_on")
    return Refusal(error_message(error.code, lang), error.field)


def _answer(
    page: Page,
    template: str,
    context: Mapping[str, object],
    refusal: Refusal | None,
    wait: int | None,
) -> HTMLResponse:
    """The page; 422 when what was typed is refused, 429 (with ``Retry-After``) when this
    address asked too much."""
    values: dict[str, Any] = {**context, "refusal": refusal}
    if wait is not None:
        values["refusal"] = Refusal(too_many_checks(page.lang), None)
        return render(page, template, status_code=429, headers={"Retry-After": str(wait)}, **values)
    status_code = 422 if refusal is not None and refusal.field is not None else 200
    return render(page, template, status_code=status_code, **values)


def _calculated(
    page: Page,
    template: str,
    context: dict[str, object],
    calculate: Callable[[], Mapping[str, object]],
) -> HTMLResponse:
    """The page with what ``calculate`` found, unless this address asked too much (429) or
    the values typed are refused (422)."""
    wait = seconds_to_wait(page)
    refusal = None
    if wait is None:
        try:
            context.update(calculate())
        except (ServiceError, RuleError) as error:
            refusal = _refusal(error, page.lang)
    return _answer(page, template, context, refusal, wait)


@router.get("/amounts", response_class=HTMLResponse, name="web.amounts")
def amounts(
    request: Request,
    today: Today,
    lang: Text = None,
    kind: Text = None,
    year: Text = None,
    income: Text = None,
) -> HTMLResponse:
    """The form; with ``?kind=`` the month's amount under it."""
    page = _page(request, lang, today)
    form = {
        "kind": _echo(kind) or Payer.SELF_PAYER.value,
        "year": _echo(year) or str(today.year),
        "income": _echo(income),
    }
    context: dict[str, object] = {
        "title": t(page.lang, AMOUNTS_TITLE),
        "intro": t(page.lang, AMOUNTS_INTRO),
        "form": form,
        "kinds": [(payer.value, payer_name(payer, page.lang)) for payer in Payer],
        "first_year": FIRST_YEAR,
        "last_year": LAST_YEAR,
        "answer": None,
        "percent": lambda rate: percent(rate, page.lang),
        "payer_name": lambda payer: payer_name(payer, page.lang),
        "number": lambda value: number(value, page.lang),
        "fund": FUND,
    }
    if not _filled(kind):
        return _answer(page, "amounts.html", context, None, None)

    def calculate() -> Mapping[str, object]:
        return {"answer": amount_for(kind or "", year or str(today.year), income)}

    return _calculated(page, "amounts.html", context, calculate)


@router.get("/penalty", response_class=HTMLResponse, name="web.penalty")
def penalty(
    request: Request,
    today: Today,
    lang: Text = None,
    arrears: Text = None,
    period: Text = None,
    paid_on: Text = None,
) -> HTMLResponse:
    """The form; with ``?arrears=`` the employer's penalty under it, day by day."""
    page = _page(request, lang, today)
    form = {
        "arrears": _echo(arrears),
        "period": _echo(period),
        "paid_on": _echo(paid_on) or today.isoformat(),
    }
    context: dict[str, object] = {
        "title": t(page.lang, PENALTY_TITLE),
        "intro": t(page.lang, PENALTY_INTRO),
        "form": form,
        "penalty": None,
        "penalty_period": None,
        "rows": [],
        "percent": lambda rate: percent(rate, page.lang),
        "number": lambda value: number(value, page.lang),
    }
    if not _filled(arrears, period):
        return _answer(page, "penalty.html", context, None, None)

    def calculate() -> Mapping[str, object]:
        month: Month = parse_period(period or "")
        found: Penalty = penalty_for(arrears or "", month, paid_on or today)
        rows = [
            PartRow(part, per_day(found, part), part_amount(found, part)) for part in found.parts
        ]
        return {"penalty": found, "penalty_period": month, "rows": rows}

    return _calculated(page, "penalty.html", context, calculate)
