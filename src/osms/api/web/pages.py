"""The citizen page's routes: the IIN form, the status card, the calculator, the payment plan,
the privacy notice.

Each route parses its query, calls one service and renders (RULES.md §6, §7, §11).  All are
plain GET forms and links: nothing needs JavaScript.  A look-up by IIN takes a token from the
same per-address bucket as the API's public check (``osms.api.ratelimit``), so that the page
is no way round it for walking through IINs.  The status card is the public view
(:mod:`osms.views.public`): a state-paid category only as such, no payment, no employer or
pending month, no payer; an IIN the registry does not know is "no records yet".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Annotated, Final

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from osms.api import deps
from osms.api.deps import DbSession, Today
from osms.api.web.rendering import Page, render, seconds_to_wait, too_many_checks
from osms.i18n import error_message, label, t
from osms.rules.calculator import Calculation
from osms.rules.errors import RuleError
from osms.services.errors import ServiceError
from osms.services.people import iin_in_text
from osms.services.status import calculator_for, status_of
from osms.views.fragments import provisional_note
from osms.views.models import MAX_DATE, MIN_DATE
from osms.views.public import PublicStatus, public_calculation, public_status, reason_label

__all__ = ["ACTOR", "CHANNEL", "router", "tone"]

ACTOR: Final = "web"
CHANNEL: Final = "site"

router = APIRouter(include_in_schema=False)

# No length limits here: a bad value gets the page's own friendly message, not a JSON 422.
IINParam = Annotated[str | None, Query()]
LangParam = Annotated[str | None, Query()]
DayParam = Annotated[str | None, Query(alias="date")]
OptionParam = Annotated[str | None, Query()]

_ECHO_LIMIT: Final = 64
"""At most this much of a refused IIN is shown back in the form."""


def tone(view: PublicStatus) -> str:
    """The card's colour: ``insured`` (green), ``warning`` (amber: insured only by grace, or
    losing the status next month, R-S-7), ``uninsured`` (red) or ``unknown`` (neutral: the
    registry has no record of the IIN, never a debtor's red, RULES.md §11)."""
    if view.no_records:
        return "unknown"
    if not view.insured:
        return "uninsured"
    if view.grace or view.loses_status_next_month:
        return "warning"
    return "insured"


def _address(page: Page) -> str | None:
    """The caller's address, for the audit of the look-up (RULES.md §11)."""
    return page.request.client.host if page.request.client else None


def _echo(iin: str | None) -> str | None:
    return iin[:_ECHO_LIMIT] if iin is not None else None


def _form(page: Page, iin: str | None = None) -> HTMLResponse:
    if page.error is not None:
        return render(
            page,
            "index.html",
            status_code=422,
            iin=_echo(iin),
            error=page.error,
            error_field="date",
        )
    return render(page, "index.html", iin=_echo(iin), error=None)


def _refused(page: Page, iin: str | None, error: ServiceError | RuleError) -> HTMLResponse:
    """The form again, with the reason in the page's language (never a 500)."""
    status_code = error.status if isinstance(error, ServiceError) else 422
    message = error_message(error.code, page.lang)
    return render(page, "index.html", status_code=status_code, iin=_echo(iin), error=message)


def _too_many(page: Page, iin: str | None) -> HTMLResponse | None:
    """The form with a request to wait when this address has checked too many IINs."""
    wait = seconds_to_wait(page)
    if wait is None:
        return None
    return render(
        page,
        "index.html",
        status_code=429,
        headers={"Retry-After": str(wait)},
        iin=_echo(iin),
        error=too_many_checks(page.lang),
    )


def _look_up(page: Page, iin: str | None, answer: Callable[[str], HTMLResponse]) -> HTMLResponse:
    """The form when there is nothing to look up; else the answer, or why there is none.

    The field is a person's typing: the one number among words is the IIN ("ИИН: 910812
    418915", :func:`iin_in_text`); the API's path takes only the IIN itself."""
    if iin is None or page.error is not None:
        return _form(page, iin)
    refused = _too_many(page, iin)
    if refused is not None:
        return refused
    try:
        return answer(iin_in_text(iin))
    except (ServiceError, RuleError) as error:
        return _refused(page, iin, error)


def _page(request: Request, today: Today, lang: LangParam = None, day: DayParam = None) -> Page:
    """The request's page: every route takes ``?lang=`` and ``?date=`` alike.

    A date the API would refuse (before 2020, R-S-1, or past 2099) is refused here too: the
    form with the bounds, in the page's language, and nothing looked up."""
    page = Page.of(request, lang, day, today)
    if page.error is None and not MIN_DATE <= page.day <= MAX_DATE:
        error = t(
            page.lang, "The date must be between {first} and {last}.", first=MIN_DATE, last=MAX_DATE
        )
        return replace(page, day=today, day_param=None, error=error)
    return page


CurrentPage = Annotated[Page, Depends(_page)]


# ``/`` is the same page as ``/status`` (the decorator nearest the function registers first).
@router.get("/status", response_class=HTMLResponse, name="web.status")
@router.get("/", response_class=HTMLResponse, name="web.index")
def status(page: CurrentPage, session: DbSession, iin: IINParam = None) -> HTMLResponse:
    """The IIN form; with ``?iin=`` the status card under it (the public view): status and
    reason, insured until, the warning, why, the debt with amounts."""

    def answer(number: str) -> HTMLResponse:
        found = status_of(
            session, number, page.day, actor=ACTOR, channel=CHANNEL, address=_address(page)
        )
        view = public_status(found.decision, known=found.registered)
        return render(
            page,
            "status.html",
            iin=view.iin,
            view=view,
            tone=tone(view),
            status_word=label(page.lang, "status", view.status.value).upper(),
            reason_word=reason_label(view, page.lang),
        )

    return _look_up(page, iin, answer)


@router.get("/calculator", response_class=HTMLResponse, name="web.calculator")
def calculator(page: CurrentPage, session: DbSession, iin: IINParam = None) -> HTMLResponse:
    """The options to become insured (R-K-2), the recommended one named first."""

    def answer(number: str) -> HTMLResponse:
        calc, known = _public_calculation(page, session, number)
        recommended = calc.option(calc.recommended) if calc.recommended is not None else None
        return render(
            page,
            "calculator.html",
            iin=calc.iin,
            calc=calc,
            recommended=recommended,
            known=known,
            note=provisional_note(calc.provisional_note, page.lang),
        )

    return _look_up(page, iin, answer)


@router.get("/plan", response_class=HTMLResponse, name="web.plan")
def plan(
    page: CurrentPage, session: DbSession, iin: IINParam = None, option: OptionParam = None
) -> HTMLResponse:
    """The printable payment plan of one option (R-K-3); the recommended one by default."""

    def answer(number: str) -> HTMLResponse:
        calc, _ = _public_calculation(page, session, number)
        name = option or calc.recommended
        chosen = calc.option(name) if name is not None else None
        if chosen is None:
            return render(
                page,
                "plan.html",
                status_code=404,
                iin=calc.iin,
                calc=calc,
                option=None,
                error=t(page.lang, "This option is not available for this IIN on this date."),
            )
        note = provisional_note(chosen.provisional_note, page.lang)
        return render(
            page, "plan.html", iin=calc.iin, calc=calc, option=chosen, error=None, note=note
        )

    return _look_up(page, iin, answer)


def not_found(request: Request) -> HTMLResponse:
    """A page that does not exist, in the visitor's language with the way back to the form,
    not the framework's English ``{"detail": "Not Found"}``."""
    page = Page.of(request, request.query_params.get("lang"), None, deps.today(request))
    return render(page, "not_found.html", status_code=404)


@router.get("/privacy", response_class=HTMLResponse, name="web.privacy")
def privacy(page: CurrentPage) -> HTMLResponse:
    """What the page shows and why, what it never shows, and that look-ups are recorded."""
    return render(page, "privacy.html")


_MEDIA_TYPES: Final = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}


@cache
def _static_files() -> dict[str, tuple[bytes, str]]:
    """The page's static files by name, with their media types (read once)."""
    folder = resources.files("osms.api.web") / "static"
    found: dict[str, tuple[bytes, str]] = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if entry.is_file() and suffix in _MEDIA_TYPES:
            found[entry.name] = (entry.read_bytes(), _MEDIA_TYPES[suffix])
    return found


@router.get("/static/{name}", name="web.static")
def static(name: str) -> Response:
    """The stylesheet (the app mounts nothing: the page serves its own few files)."""
    found = _static_files().get(name)
    if found is None:
        raise HTTPException(status_code=404)
    content, media_type = found
    return Response(
        content,
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


def _public_calculation(page: Page, session: Session, iin: str) -> tuple[Calculation, bool]:
    """The calculator's answer as the public is offered it (RULES.md §11), audited as the
    site's look-up, and whether the registry holds the IIN."""
    calc, known = calculator_for(
        session, iin, page.day, actor=ACTOR, channel=CHANNEL, address=_address(page)
    )
    return public_calculation(calc, known=known), known
